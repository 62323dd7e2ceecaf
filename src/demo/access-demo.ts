/** The access demo: one account per role, so a visitor can see the app as each persona does. */
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '../access/service.js';
import type { DemoLoader } from '../core/module.js';

export const accessDemo: DemoLoader = {
  label: 'accounts',
  async load(db) {
    // Each account is recorded as created by `system:demo`.
    await ensureDemoAccounts(db);
    return [
      '  demo accounts (password in brackets; change them on any shared server):',
      ...DEMO_ACCOUNTS.map((account) => `    ${account.role.padEnd(18)} ${account.scope.padEnd(12)} ${account.email}  [${account.password}]`),
    ];
  },
};
