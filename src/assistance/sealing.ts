/**
 * Sealing the registry's personal data again with the current key (`liptako assistance rekey`):
 * after a new key is put first in the keyring, values sealed with an older key, and rows stored
 * before the columns were sealed (migration 0022), are sealed with the new one, a page at a time,
 * each page in its own transaction with the count in the audit log. The old key can be dropped
 * once this has run (docs/assistance.md, "Keys and their rotation").
 */
import { audited, type Actor } from '../access/audit.js';
import { currentSealPattern, seal, unseal } from '../core/data-keys.js';
import type { Queryable } from '../core/db.js';
import { rekeyPage, resealMembers, stalePeopleCount } from './queries.js';

export interface RekeyReport {
  /** People whose sealed columns were sealed again with the current key. */
  resealed: number;
  /** People already sealed with it, left alone. */
  alreadyCurrent: number;
}

const PAGE = 2_000;

export async function rekeyPersonalData(db: Queryable, actor: Actor, onProgress?: (done: number, total: number) => void): Promise<RekeyReport> {
  const pattern = currentSealPattern();
  const { stale, total } = await stalePeopleCount(db, pattern);
  let resealed = 0;
  let after = 0;
  for (;;) {
    const page = await rekeyPage(db, pattern, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const sealed = page.map((row) => ({
      id: row.id,
      given_names: seal(unseal(row.given_names)),
      family_name: seal(unseal(row.family_name)),
      spoken_name: seal(unseal(row.spoken_name)),
      phone: seal(unseal(row.phone)),
      id_document: seal(unseal(row.id_document)),
    }));
    await audited(
      db,
      actor,
      (tx) => resealMembers(tx, sealed),
      () => ({ action: 'assistance.rekey', objectType: 'assistance-member', summary: { people: sealed.length, firstId: sealed[0]!.id, lastId: after } }),
    );
    resealed += sealed.length;
    onProgress?.(resealed, stale);
  }
  return { resealed, alreadyCurrent: total - resealed };
}
