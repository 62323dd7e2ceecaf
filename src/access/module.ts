/** Access control as a module: the guard on every route, sign-in, users and roles, the audit log. */
import type { LiptakoModule } from '../core/module.js';
import { accessDemo } from '../demo/access-demo.js';
import { installAccessControl, type RouteGuardReport } from './http.js';
import { accessMessages } from './messages.js';
import { configurePasswordHashing } from './passwords.js';
import { accessRoutes } from './routes.js';
import type { Verb } from './verbs.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route and the verb it declares (read by the route-coverage test). */
    guardedRoutes: RouteGuardReport[];
  }
}

export const accessModule: LiptakoModule = {
  name: 'access',
  install(app, { db, passwordHashing, pathToken }) {
    if (passwordHashing) configurePasswordHashing(passwordHashing);
    app.decorate('guardedRoutes', installAccessControl(app, db, pathToken));
  },
  routes: accessRoutes,
  catalogue: [accessMessages],
  verbs: ['user.manage', 'audit.read', 'account.manage'] satisfies Verb[],
  demo: accessDemo,
  navigation: [
    { kind: 'admin', id: 'users', path: '/admin/users', verb: 'user.manage' },
    { kind: 'admin', id: 'audit', path: '/admin/audit', verb: 'audit.read' },
  ],
};
