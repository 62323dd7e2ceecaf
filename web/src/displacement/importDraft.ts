/**
 * The round-import form, pure: the round number to suggest, the operation to start with, what
 * keeps the form from being sent, and how far an import job has gone.
 */
import { isCalendarDate } from '../../../src/shared/dates.js';
import type { AssessmentType, RoundStatus } from './types.js';

export interface RoundLike {
  id: number;
  number: number;
  assessmentType: AssessmentType;
  status: RoundStatus;
}

/** The next round of this assessment type: one more than the highest number so far (1 for the first). */
export function nextRoundNumber(rounds: readonly RoundLike[], type: AssessmentType): number {
  return Math.max(0, ...rounds.filter((round) => round.assessmentType === type).map((round) => round.number)) + 1;
}

/** The round an import with this number and type would land in, if it exists already. */
export function existingRound<T extends RoundLike>(rounds: readonly T[], number: number, type: AssessmentType): T | undefined {
  return rounds.find((round) => round.number === number && round.assessmentType === type);
}

/** The operation to preselect: the first one in a country the user works in, else the first. */
export function defaultOperation<T extends { code: string; country: string }>(operations: readonly T[], countries: readonly string[]): T | undefined {
  return operations.find((operation) => countries.includes(operation.country)) ?? operations[0];
}

export interface ImportDraft {
  operation: string;
  roundNumber: string;
  assessmentType: AssessmentType;
  referenceDate: string;
  collectionStart: string;
  collectionEnd: string;
  hasFile: boolean;
}

export type ImportField = 'operation' | 'roundNumber' | 'referenceDate' | 'collectionStart' | 'collectionEnd' | 'file';

/** Field → i18n key of what is wrong with it (under displacement.import.problems). */
export type ImportProblems = Partial<Record<ImportField, string>>;

export function parseRoundNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 1 && value <= 10_000 ? value : null;
}

export function importProblems(draft: ImportDraft, existing?: RoundLike): ImportProblems {
  const problems: ImportProblems = {};
  if (!draft.operation) problems.operation = 'operation';
  if (parseRoundNumber(draft.roundNumber) === null) problems.roundNumber = 'roundNumber';
  else if (existing !== undefined && existing.status !== 'draft') problems.roundNumber = 'roundNotDraft';
  if (!isCalendarDate(draft.referenceDate)) problems.referenceDate = 'referenceDate';
  if (draft.collectionStart && !isCalendarDate(draft.collectionStart)) problems.collectionStart = 'date';
  if (draft.collectionEnd && !isCalendarDate(draft.collectionEnd)) problems.collectionEnd = 'date';
  else if (draft.collectionStart && draft.collectionEnd && isCalendarDate(draft.collectionStart) && draft.collectionEnd < draft.collectionStart) {
    problems.collectionEnd = 'periodOrder';
  }
  if (!draft.hasFile) problems.file = 'file';
  return problems;
}

export interface JobLike {
  status: string;
  phase: string | null;
  done: number;
  total: number | null;
}

export interface JobProgress {
  /** 0–100, or null when the step has no measurable length (the final store). */
  percent: number | null;
  phase: 'reading' | 'storing' | 'checking' | 'done';
  finished: boolean;
}

/**
 * How far an import is. Reading counts rows against the file's row count (known from the
 * upload); storing and checking happen in one final transaction, shown as an indefinite bar.
 */
export function jobProgress(job: JobLike, fileRows: number): JobProgress {
  const finished = job.status !== 'running' && job.status !== 'queued';
  if (finished) return { percent: 100, phase: 'done', finished };
  const phase = job.phase === 'storing' || job.phase === 'checking' ? job.phase : 'reading';
  if (phase !== 'reading') return { percent: null, phase, finished };
  const total = job.total ?? fileRows;
  const percent = total > 0 ? Math.min(99, Math.floor((job.done / total) * 100)) : 0;
  return { percent, phase, finished };
}
