/** The access demo: one account per role, so a visitor can see the app as each persona does. */
import { audit, DEMO_ACCOUNTS, ensureDemoAccounts, SYSTEM_ACTOR } from '../access/service.js';
import type { DemoLoader } from '../core/module.js';

export const accessDemo: DemoLoader = {
  label: 'accounts',
  async load(db) {
    const accounts = await ensureDemoAccounts(db);
    if (accounts.created > 0) await audit(db, SYSTEM_ACTOR, { action: 'demo.load', summary: { accounts: accounts.created } });
    return [
      '  demo accounts (password in brackets; change them on any shared server):',
      ...DEMO_ACCOUNTS.map((account) => `    ${account.role.padEnd(18)} ${account.scope.padEnd(12)} ${account.email}  [${account.password}]`),
    ];
  },
};
