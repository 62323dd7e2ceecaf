/** Shapes of the assistance registry API, from the server's service types (type-only imports). */
import type { DuplicateView, HouseholdView, ReviewRecord } from '../../../src/assistance/service.js';

export type { DuplicateView, HouseholdView, ReviewRecord };

export interface HouseholdsResponse {
  total: number;
  households: HouseholdView[];
}

export interface DuplicatesResponse {
  total: number;
  duplicates: DuplicateView[];
}
