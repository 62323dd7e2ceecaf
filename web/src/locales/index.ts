/**
 * The interface texts in French and English, one file per module and language
 * (`locales/<language>/<module>.json`, the same keys in both: web/src/modules.test.ts and i18n.test.ts), assembled
 * into one resource per language. A new module adds its two files here.
 */
import enAccess from './en/access.json' with { type: 'json' };
import enAssistance from './en/assistance.json' with { type: 'json' };
import enCollection from './en/collection.json' with { type: 'json' };
import enCommon from './en/common.json' with { type: 'json' };
import enDisplacement from './en/displacement.json' with { type: 'json' };
import enGeo from './en/geo.json' with { type: 'json' };
import enPlans from './en/plans.json' with { type: 'json' };
import enResponse from './en/response.json' with { type: 'json' };
import frAccess from './fr/access.json' with { type: 'json' };
import frAssistance from './fr/assistance.json' with { type: 'json' };
import frCollection from './fr/collection.json' with { type: 'json' };
import frCommon from './fr/common.json' with { type: 'json' };
import frDisplacement from './fr/displacement.json' with { type: 'json' };
import frGeo from './fr/geo.json' with { type: 'json' };
import frPlans from './fr/plans.json' with { type: 'json' };
import frResponse from './fr/response.json' with { type: 'json' };

export const en = { ...enCommon, ...enGeo, ...enPlans, ...enAccess, ...enDisplacement, ...enCollection, ...enResponse, ...enAssistance };
export const fr = { ...frCommon, ...frGeo, ...frPlans, ...frAccess, ...frDisplacement, ...frCollection, ...frResponse, ...frAssistance };
