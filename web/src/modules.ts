/**
 * The modules of Liptako, in navigation order. Adding a module to the interface is one line here
 * (plus its label in locales/<language>/common.json under nav.modules and its route in App.tsx).
 */
export interface ModuleEntry {
  /** Stable id; the label is `nav.modules.<id>` in the translation files. */
  readonly id: string;
  /** Route of the module's first page. */
  readonly path: string;
  /** False while the module is not built yet: shown disabled with a "coming" hint. */
  readonly available: boolean;
}

export const MODULES: readonly ModuleEntry[] = [
  { id: 'geography', path: '/geography', available: true },
  { id: 'plans', path: '/plans', available: true },
  { id: 'displacement', path: '/displacement', available: true },
  { id: 'collection', path: '/collection', available: true },
  { id: 'response', path: '/response', available: true },
  { id: 'assistance', path: '/assistance', available: true },
  { id: 'protection', path: '/protection', available: false },
  { id: 'publishing', path: '/publishing', available: false },
];

/** The module of the home page ("/"): plans and funding. */
export const HOME_MODULE_ID = 'plans';

/** The module whose section contains this location ("/geography?x" → geography), if any. */
export function moduleForPath(pathname: string, modules: readonly ModuleEntry[] = MODULES): ModuleEntry | undefined {
  if (pathname === '/') return modules.find((module) => module.id === HOME_MODULE_ID);
  return modules.find((module) => pathname === module.path || pathname.startsWith(`${module.path}/`));
}

/** Administration pages: in the navigation only for users whose role has the verb. */
export interface AdminPage {
  /** Label: `nav.adminPages.<id>`. */
  readonly id: string;
  readonly path: string;
  readonly verb: string;
}

export const ADMIN_PAGES: readonly AdminPage[] = [
  { id: 'users', path: '/admin/users', verb: 'user.manage' },
  { id: 'audit', path: '/admin/audit', verb: 'audit.read' },
];
