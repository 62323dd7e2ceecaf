#!/usr/bin/env node
// The installed command runs the compiled CLI; `npm run build` (or `npm start`) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('Liptako is not built yet: run `npm run build` first (npm start does it for you).');
  process.exit(1);
}
await import(compiled);
