/** Field collection as a module: projects, forms, app users, the OpenRosa server phones talk to, submissions and their review. */
import type { Verb } from '../access/verbs.js';
import type { LiptakoModule } from '../core/module.js';
import { collectionDemo } from '../demo/collection-demo.js';
import { collectionMessages } from './messages.js';
import { xlsformMessages } from './xlsform-messages.js';
import { collectionRoutes } from './routes.js';
import { appUserPrincipal } from './service.js';

export const collectionModule: LiptakoModule = {
  name: 'collection',
  routes: collectionRoutes,
  catalogue: [collectionMessages, xlsformMessages],
  pathToken: appUserPrincipal,
  demo: collectionDemo,
  navigation: [{ kind: 'module', id: 'collection', path: '/collection', verb: 'collection.read' }],
  verbs: ['collection.read', 'collection.manage', 'collection.review', 'collection.submit'] satisfies Verb[],
};
