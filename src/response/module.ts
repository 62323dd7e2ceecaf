/** Partner activity reporting (4W/5W) as a module: organisations, sectors, activities, periods, reports. */
import type { Verb } from '../access/verbs.js';
import type { LiptakoModule } from '../core/module.js';
import { responseDemo } from '../demo/response-demo.js';
import { responseMessages } from './messages.js';
import { responseRoutes } from './routes.js';

export const responseModule: LiptakoModule = {
  name: 'response',
  routes: responseRoutes,
  catalogue: [responseMessages],
  demo: responseDemo,
  navigation: [{ kind: 'module', id: 'response', path: '/response', verb: 'response.read' }],
  verbs: ['response.read', 'response.report', 'response.review', 'response.manage', 'response.unlock', 'hapi.read', 'export.download'] satisfies Verb[],
};
