/**
 * Drafts and the outbox, in this browser's IndexedDB (idb): what a user typed and finalised
 * survives a closed tab, a reload, a killed browser or a power cut, and waits there until the
 * server has it. One record per submission, its state moving draft → waiting → sending → sent
 * (or refused, which stays until the user fixes or deletes it).
 *
 * Records carry the id of the user who made them: another person signing in on the same computer
 * sees none of them (they stay, unsent data is never thrown away on sign-out).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export type SubmissionState = 'draft' | 'waiting' | 'sending' | 'sent' | 'refused';

export interface StoredFile {
  name: string;
  blob: Blob;
}

export interface StoredSubmission {
  /** Local id (not the instanceID: a draft has one only inside its XML). */
  id: string;
  userId: number;
  projectId: number;
  formId: string;
  formTitle: string;
  state: SubmissionState;
  /** A draft: the instance as it stands; finalised: the submission as it will be sent. */
  xml: string;
  /** The files the XML names (photos), by the name the XML gives them. */
  files: StoredFile[];
  instanceId: string | null;
  instanceName: string | null;
  createdAt: string;
  updatedAt: string;
  /** Failed tries since it was finalised (the backoff grows with it). */
  attempts: number;
  /** Not sent again before this time (ms since 1970); null: at once. */
  nextAttemptAt: number | null;
  /** Refused: the server's message (in the language of the user who sent it); waiting: the last problem. */
  message: string | null;
  /** While sending: which step (`xml`, or a file's name). */
  step: string | null;
  sentAt: string | null;
}

/** A submission as saved from the form (draft, or finalised into the outbox): no try made yet. */
export const NOT_SENT_YET = { attempts: 0, nextAttemptAt: null, message: null, step: null, sentAt: null } as const satisfies Partial<StoredSubmission>;

interface CollectionDb extends DBSchema {
  submissions: {
    key: string;
    value: StoredSubmission;
    indexes: { byUser: number };
  };
}

const DB_NAME = 'liptako-collection';
let database: Promise<IDBPDatabase<CollectionDb>> | null = null;

function db(): Promise<IDBPDatabase<CollectionDb>> {
  database ??= openDB<CollectionDb>(DB_NAME, 1, {
    upgrade(upgrading) {
      const store = upgrading.createObjectStore('submissions', { keyPath: 'id' });
      store.createIndex('byUser', 'userId');
    },
  });
  return database;
}

// ---- change notices: this tab's listeners and the other tabs -----------------------------------

const listeners = new Set<() => void>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('liptako-outbox');
channel?.addEventListener('message', () => {
  for (const listener of listeners) listener();
});

/** Tells every open page (this tab and the others) that the records changed. */
export function announce(): void {
  for (const listener of listeners) listener();
  channel?.postMessage('changed');
}

export function onChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// ---- records -------------------------------------------------------------------------------------

export async function submissionsOf(userId: number): Promise<StoredSubmission[]> {
  const rows = await (await db()).getAllFromIndex('submissions', 'byUser', userId);
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function getSubmission(id: string): Promise<StoredSubmission | undefined> {
  return (await db()).get('submissions', id);
}

export async function putSubmission(record: StoredSubmission): Promise<void> {
  await (await db()).put('submissions', record);
  announce();
}

/** Changes one record in a transaction of its own (read and write together: another tab cannot slip between). */
export async function updateSubmission(id: string, change: (record: StoredSubmission) => StoredSubmission | null): Promise<StoredSubmission | null> {
  const transaction = (await db()).transaction('submissions', 'readwrite');
  const current = await transaction.store.get(id);
  const next = current === undefined ? null : change(current);
  if (next !== null) await transaction.store.put(next);
  await transaction.done;
  if (next !== null) announce();
  return next;
}

export async function deleteSubmission(id: string): Promise<void> {
  await (await db()).delete('submissions', id);
  announce();
}

/** Every record in the given states, all users (the sender filters by who is signed in). */
export async function submissionsIn(states: readonly SubmissionState[]): Promise<StoredSubmission[]> {
  const rows = await (await db()).getAll('submissions');
  return rows.filter((row) => states.includes(row.state)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export const newId = (): string => crypto.randomUUID();
