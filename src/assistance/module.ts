/** The assistance registry as a module: households, members and consent, duplicates across partners and spellings. */
import type { Verb } from '../access/verbs.js';
import type { LiptakoModule } from '../core/module.js';
import { assistanceDemo } from '../demo/assistance-demo.js';
import { assistanceMessages } from './messages.js';
import { assistanceRoutes } from './routes.js';
import { checkDataKeysAtStart } from './sealing.js';

export const assistanceModule: LiptakoModule = {
  name: 'assistance',
  routes: assistanceRoutes,
  catalogue: [assistanceMessages],
  demo: assistanceDemo,
  navigation: [{ kind: 'module', id: 'assistance', path: '/assistance', verb: 'assistance.read' }],
  verbs: ['assistance.read', 'assistance.personal', 'assistance.manage'] satisfies Verb[],
  checkAtStart: checkDataKeysAtStart,
};
