/** Shapes of the field collection API, from the server's service types (type-only imports). */
import type { AppUserCredentials, AppUserView, FormUploadResult, FormVersionView, FormView, ProjectView } from '../../../src/collection/service.js';
import type { SubmissionDetail, SubmissionView } from '../../../src/collection/submissions.js';

export type { FormMediaFile } from '../../../src/collection/form-media.js';
export type { AppUserCredentials, AppUserView, FormUploadResult, FormVersionView, FormView, ProjectView, SubmissionDetail, SubmissionView };

export interface SubmissionsResponse {
  submissions: SubmissionView[];
  total: number;
}

export const REVIEW_STATES = ['received', 'has-issues', 'edited', 'approved', 'rejected'] as const;
export const COLLECTION_PATH = '/collection';
