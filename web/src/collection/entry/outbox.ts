/**
 * The outbox: sends the signed-in user's finalised submissions when the network allows, from any
 * page of the app (App.tsx starts it for users who may submit; it is a small chunk of its own).
 *
 * - One sender across tabs (a Web Lock): two tabs never send the same item at once. Holding the
 *   lock also means an item found `sending` was left so by a tab that died mid-send: it waits again.
 * - Retries with capped exponential backoff (5 s, 10 s, 20 s … at most 5 minutes, with jitter),
 *   and at once when the browser says the network is back (`online`) or when asked ("send now").
 * - What the server refuses (a closed form, a conflict, a form version it does not know) is kept
 *   `refused` with the server's message until the user fixes or deletes it; a link or server problem
 *   (a post cut on its way included), an ended session or a stale anti-forgery token only delays the item.
 * - Sending is idempotent (send.ts): the receipt says what the server already holds.
 */
import { asApiError } from '../../api.js';
import { sendSubmission } from './send.js';
import { submissionsIn, updateSubmission, type StoredSubmission } from './store.js';

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 5 * 60_000;

/** The wait after the n-th failed try (n ≥ 1): doubled each time, capped, ±20 % so tabs and devices spread out. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (0.8 + 0.4 * random()));
}

let currentUser: number | null = null;
let running = false;
let again = false;
let timer: ReturnType<typeof setTimeout> | null = null;

async function withSenderLock(work: () => Promise<void>): Promise<void> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    await navigator.locks.request('liptako-outbox', work);
    return;
  }
  await work();
}

async function sendOne(item: StoredSubmission): Promise<void> {
  const claimed = await updateSubmission(item.id, (record) =>
    record.state === 'waiting' ? { ...record, state: 'sending', step: null, updatedAt: new Date().toISOString() } : null,
  );
  if (claimed === null || claimed.instanceId === null) return;
  try {
    await sendSubmission(
      { projectId: claimed.projectId, formId: claimed.formId, instanceId: claimed.instanceId, xml: claimed.xml, files: claimed.files },
      (step) => void updateSubmission(claimed.id, (record) => (record.state === 'sending' ? { ...record, step: step.kind === 'xml' ? 'xml' : step.name } : null)),
    );
    // The files are on the server: their bytes need not take room here any more.
    await updateSubmission(claimed.id, (record) => ({ ...record, state: 'sent', files: [], step: null, message: null, sentAt: new Date().toISOString(), updatedAt: new Date().toISOString() }));
  } catch (caught) {
    const error = asApiError(caught);
    // A body cut on its way (`request.incomplete`) is answered 400 when the sender is still there
    // to read it (a proxy between kept its side open): the link's fault, not the submission's.
    const later = error.retryable || error.status === 401 || error.code === 'auth.csrf' || error.code === 'db.busy' || error.code === 'request.incomplete';
    await updateSubmission(claimed.id, (record) => {
      const attempts = record.attempts + 1;
      return later
        ? { ...record, state: 'waiting', attempts, nextAttemptAt: Date.now() + backoffMs(attempts), message: error.message, step: null, updatedAt: new Date().toISOString() }
        : { ...record, state: 'refused', attempts, nextAttemptAt: null, message: error.message, step: null, updatedAt: new Date().toISOString() };
    });
  }
}

async function runOnce(force: boolean): Promise<void> {
  await withSenderLock(async () => {
    // Holding the lock, nobody else is sending: `sending` was left by a tab that died.
    for (const stale of await submissionsIn(['sending'])) {
      await updateSubmission(stale.id, (record) => (record.state === 'sending' ? { ...record, state: 'waiting', step: null } : null));
    }
    if (currentUser === null || !navigator.onLine) return;
    const now = Date.now();
    const due = (await submissionsIn(['waiting'])).filter((item) => item.userId === currentUser && (force || item.nextAttemptAt === null || item.nextAttemptAt <= now));
    for (const item of due) {
      if (!navigator.onLine) break;
      await sendOne(item);
    }
  });
}

/** Sets a timer for the next item whose backoff ends. */
async function scheduleNext(): Promise<void> {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (currentUser === null) return;
  const waiting = (await submissionsIn(['waiting'])).filter((item) => item.userId === currentUser);
  if (waiting.length === 0) return;
  const next = Math.min(...waiting.map((item) => item.nextAttemptAt ?? 0));
  timer = setTimeout(() => void kick(), Math.min(MAX_DELAY_MS, Math.max(500, next - Date.now())));
}

/** Sends what is due now (everything waiting when `force`); calls during a run make it run again. */
export async function kick(force = false): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      await runOnce(force);
      force = false;
    } while (again);
  } catch {
    // IndexedDB unavailable or the lock refused: the next kick tries again.
  } finally {
    running = false;
    await scheduleNext().catch(() => undefined);
  }
}

const onOnline = (): void => void kick(true);

/** Starts (or follows a change of) the signed-in user; returns the stop function. */
export function startOutbox(userId: number | null): () => void {
  currentUser = userId;
  window.addEventListener('online', onOnline);
  void kick();
  return () => {
    window.removeEventListener('online', onOnline);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    currentUser = null;
  };
}
