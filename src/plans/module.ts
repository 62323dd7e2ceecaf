/** Plans and funding as a module: response plans, revisions, contributions, funding status. */
import type { Verb } from '../access/verbs.js';
import type { LiptakoModule } from '../core/module.js';
import { plansDemo } from '../demo/plans-demo.js';
import { fundingMessages } from './funding-messages.js';
import { planMessages } from './messages.js';
import { planRoutes } from './routes.js';

export const plansModule: LiptakoModule = {
  name: 'plans',
  routes: planRoutes,
  catalogue: [planMessages, fundingMessages],
  verbs: ['plan.read', 'plan.edit', 'plan.import', 'contribution.record', 'export.download', 'hapi.read'] satisfies Verb[],
  demo: plansDemo,
  navigation: [{ kind: 'module', id: 'plans', path: '/plans', verb: 'plan.read' }],
};
