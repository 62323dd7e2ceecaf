/**
 * The choices of a form's questions with their labels in every language, across its versions:
 * what another module needs to read a choice by its words when its code means nothing to it (a
 * DTM round reads `Familles d’accueil`, not a form's own `host`). The form is one the caller was
 * allowed to read (form-answers.ts: formForBinding).
 */
import type { Queryable } from '../core/db.js';
import * as q from './queries.js';
import { readXFormLabels } from './xform-labels.js';

/** Question path → choice code → its labels (every language, newest version first). */
export type ChoiceLabels = Record<string, Record<string, string[]>>;

export async function choiceLabels(db: Queryable, form: { id: number }): Promise<ChoiceLabels> {
  const found: ChoiceLabels = {};
  for (const version of await q.formVersions(db, form.id)) {
    const labels = readXFormLabels((await q.formVersionXml(db, version.id)).toString('utf8'));
    for (const [path, choices] of Object.entries(labels.choices)) {
      const known = (found[path] ??= {});
      for (const [code, texts] of Object.entries(choices)) {
        const words = Object.values(texts).filter((text) => text !== '');
        known[code] = [...new Set([...(known[code] ?? []), ...words])];
      }
    }
  }
  return found;
}
