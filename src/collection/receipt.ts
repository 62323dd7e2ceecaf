/**
 * The receipt of one submission: what the server holds of an instanceID. A sender that lost track
 * (a tab closed mid-send, a cut link) asks before posting and sends only what is missing: the web
 * outbox does (web/src/collection/entry/send.ts).
 */
import type { Principal } from '../access/verbs.js';
import type { Queryable } from '../core/db.js';
import * as q from './queries.js';
import { fillableForm } from './service.js';

/** Whether the XML arrived, and which of the files it names have not. */
export interface SubmissionReceipt {
  received: boolean;
  missing: string[];
}

/** Asked by whoever may fill the form, as the post itself would be; an instanceID is a random UUID the asker already holds. */
export async function submissionReceipt(db: Queryable, principal: Principal, projectId: number, xmlFormId: string, instanceId: string): Promise<SubmissionReceipt> {
  const form = await fillableForm(db, principal, projectId, xmlFormId);
  const row = await q.submissionByInstanceId(db, form.id, instanceId);
  if (row === undefined) return { received: false, missing: [] };
  const attachments = await q.submissionAttachments(db, row.id);
  return { received: true, missing: attachments.filter((attachment) => !attachment.present).map((attachment) => attachment.name) };
}
