/**
 * The composition root: the one list of Liptako's modules. Core knows modules only through the
 * contract (core/module.ts); the server, the CLI and the tests take this list. Order matters
 * once: a module's demo data may rely on the modules before it (plans and DTM rounds name the
 * admin units of the geography demo; the demo accounts are printed last).
 *
 * Loading this file registers every module's catalogue entries (core/errors.ts), so every entry
 * point loads it first. It loads no Fastify: `buildApp` (core/http.ts) is imported only to serve.
 */
import { accessModule } from './access/module.js';
import { assistanceModule } from './assistance/module.js';
import { collectionModule } from './collection/module.js';
import { registerCatalogue } from './core/errors.js';
import type { LiptakoModule } from './core/module.js';
import { displacementModule } from './displacement/module.js';
import { geoModule } from './geo/module.js';
import { plansModule } from './plans/module.js';
import { responseModule } from './response/module.js';

export const MODULES: readonly LiptakoModule[] = [geoModule, plansModule, displacementModule, collectionModule, responseModule, assistanceModule, accessModule];

for (const module of MODULES) {
  for (const messages of module.catalogue) registerCatalogue(module.name, messages);
}
