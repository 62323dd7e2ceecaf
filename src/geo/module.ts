/** Geography as a module: admin units, P-codes, boundaries and population. */
import type { LiptakoModule } from '../core/module.js';
import { geoDemo } from '../demo/geo-demo.js';
import type { Verb } from '../access/verbs.js';
import { geoMessages } from './messages.js';
import { geoRoutes } from './routes.js';

export const geoModule: LiptakoModule = {
  name: 'geo',
  routes: geoRoutes,
  catalogue: [geoMessages],
  verbs: ['geo.read', 'geo.import'] satisfies Verb[],
  demo: geoDemo,
  navigation: [{ kind: 'module', id: 'geography', path: '/geography', verb: 'geo.read' }],
};
