/**
 * The interface texts in French, assembled from one file per module (see index.ts). A
 * chunk of its own: the app loads only the language it shows (web/src/i18n.ts).
 */
import access from './fr/access.json' with { type: 'json' };
import assistance from './fr/assistance.json' with { type: 'json' };
import collection from './fr/collection.json' with { type: 'json' };
import common from './fr/common.json' with { type: 'json' };
import displacement from './fr/displacement.json' with { type: 'json' };
import geo from './fr/geo.json' with { type: 'json' };
import plans from './fr/plans.json' with { type: 'json' };
import response from './fr/response.json' with { type: 'json' };

export const texts = { ...common, ...geo, ...plans, ...access, ...displacement, ...collection, ...response, ...assistance };
