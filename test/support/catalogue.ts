/// <reference types="vite/client" />
/**
 * Every test file starts with the whole catalogue, as the server and the CLI do once the
 * composition root (src/modules.ts) is loaded. Only the messages files are loaded here, not the
 * root: loading every module's services before a test file would defeat its `vi.mock` (the
 * access-busy test mocks argon2). src/core/errors.test.ts checks that these are exactly the
 * entries the modules' contracts register.
 */
import { parseDataKeys, useDataKeys } from '../../src/core/data-keys.js';
import { registerCatalogue, type CatalogueEntry } from '../../src/core/errors.js';

const files = import.meta.glob<Record<string, unknown>>(['../../src/*/messages.ts', '../../src/*/*-messages.ts'], { eager: true });
for (const [file, exports] of Object.entries(files)) {
  for (const value of Object.values(exports)) {
    if (typeof value === 'object' && value !== null) registerCatalogue(file, value as Record<string, CatalogueEntry>);
  }
}

// Personal data is sealed with keys from outside the database (src/core/data-keys.ts): tests use a
// fixed key, named so that a test of rotation can add another in front of it.
useDataKeys(parseDataKeys(`test-1:${Buffer.alloc(32, 7).toString('base64')}`, 'test keys'));
