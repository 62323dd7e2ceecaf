/** Displacement tracking (DTM) as a module: operations, rounds, imports and review, publication. */
import type { Verb } from '../access/verbs.js';
import type { LiptakoModule } from '../core/module.js';
import { displacementDemo } from '../demo/dtm-demo.js';
import { displacementMessages } from './messages.js';
import { displacementPublicRoutes } from './public-routes.js';
import { displacementRoutes } from './routes.js';
import { bindingRoutes } from './binding-routes.js';
import { IMPORT_JOB } from './dtm-uploads.js';
import { recoverInterruptedImports } from './dtm-imports.js';
import { publishedPaths } from './publishing.js';

export const displacementModule: LiptakoModule = {
  name: 'displacement',
  routes(app, context) {
    displacementRoutes(app, context);
    displacementPublicRoutes(app, context);
    bindingRoutes(app, context);
  },
  catalogue: [displacementMessages],
  verbs: ['dtm.read', 'dtm.import', 'dtm.review', 'dtm.publish', 'export.download', 'hapi.read'] satisfies Verb[],
  jobs: { kinds: [IMPORT_JOB], recover: recoverInterruptedImports },
  demo: displacementDemo,
  publishedPaths,
  navigation: [{ kind: 'module', id: 'displacement', path: '/displacement', verb: 'dtm.read' }],
};
