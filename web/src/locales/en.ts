/**
 * The interface texts in English, assembled from one file per module (see index.ts). A
 * chunk of its own: the app loads only the language it shows (web/src/i18n.ts).
 */
import access from './en/access.json' with { type: 'json' };
import assistance from './en/assistance.json' with { type: 'json' };
import collection from './en/collection.json' with { type: 'json' };
import common from './en/common.json' with { type: 'json' };
import displacement from './en/displacement.json' with { type: 'json' };
import geo from './en/geo.json' with { type: 'json' };
import plans from './en/plans.json' with { type: 'json' };
import response from './en/response.json' with { type: 'json' };

export const texts = { ...common, ...geo, ...plans, ...access, ...displacement, ...collection, ...response, ...assistance };
