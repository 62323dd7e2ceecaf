/** Shapes of the assistance registry API, from the server's service types (type-only imports). */
import type { DetectionView, DuplicateView, HouseholdView, ReviewRecord } from '../../../src/assistance/service.js';

export type { DetectionView, DuplicateView, HouseholdView, ReviewRecord };

export interface HouseholdsResponse {
  total: number;
  households: HouseholdView[];
}

export interface DuplicatesResponse {
  total: number;
  duplicates: DuplicateView[];
  /** The latest detection run's threshold (null before the first run). */
  detection: DetectionView | null;
}
