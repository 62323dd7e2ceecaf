/** Shapes of the assistance registry API, from the server's service types (type-only imports). */
import type { DetectionView, DuplicateView, HouseholdView, ReviewRecord } from '../../../src/assistance/service.js';
import type { RegistryImportResult, RegistrySheetView, RegistryUploadView } from '../../../src/assistance/registry-imports.js';

export type { DetectionView, DuplicateView, HouseholdView, RegistryImportResult, RegistrySheetView, RegistryUploadView, ReviewRecord };

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


/** One problem of a refused registry file: where it is, and why in both languages. */
export interface RegistryFinding {
  code: string;
  row: number;
  params: Record<string, string | number>;
  message: { en: string; fr: string };
}

/** A registry import job as the page polls it (src/assistance/import-routes.ts). */
export interface RegistryJob {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';
  phase: string | null;
  done: number;
  total: number | null;
  result: RegistryImportResult | null;
  error: {
    code: string;
    params: Record<string, string | number>;
    details?: { rowsRead?: number; findingCount?: number; findings?: RegistryFinding[]; findingsTruncated?: boolean; missing?: string[] };
  } | null;
  message: string | null;
}
