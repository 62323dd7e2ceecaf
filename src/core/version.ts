/** The release of Liptako, read once from package.json (the CLI's --version, /api/health, OpenAPI). */
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
