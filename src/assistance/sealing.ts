/**
 * Sealing the registry's personal data again with the current key (`liptako assistance rekey`):
 * after a new key is put first in the keyring, values sealed with an older key, and rows stored
 * before the columns were sealed (migration 0022), are sealed with the new one, a page at a time,
 * each page in its own transaction with the count in the audit log. The old key can be dropped
 * once this has run (docs/assistance.md, "Keys and their rotation").
 */
import { audited, type Actor } from '../access/audit.js';
import { canOpen, currentSealPattern, seal, sealKeyId, unseal } from '../core/data-keys.js';
import type { Queryable } from '../core/db.js';
import { rekeyPage, resealMembers, sealedNamesAtEnds, stalePeopleCount } from './queries.js';

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

/**
 * At start: refuses to serve a registry sealed with a key this process was not given. Several
 * processes on one PostgreSQL, each left to make its own key file, would each seal under a key the
 * others cannot open; a process given the wrong keys would fail on every person it shows.
 */
export async function checkDataKeysAtStart(db: Queryable): Promise<void> {
  const missing = (await sealedNamesAtEnds(db)).find((name) => !canOpen(name));
  if (missing === undefined) return;
  throw new Error(
    `The registry's personal data is sealed with data key "${sealKeyId(missing)}", which this process was not given. ` +
      'Give every process the same keys (LIPTAKO_DATA_KEYS, or LIPTAKO_DATA_KEY_FILE naming one shared file; docs/assistance.md, "Keys and their rotation").',
  );
}
