/**
 * The one-way arrows of docs/architecture.md, checked on the import graph of src/ (the lint rules
 * in eslint.config.js say the same file by file; this test also follows imports transitively).
 * Static imports only: `await import(…)` is how the CLI loads the HTTP stack just to serve.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

interface Arrow {
  /** A file under src/ (`core/db.ts`) or a package (`pkg:fastify`). */
  target: string;
  /** `import type …`: erased when compiled, so it loads nothing at run time. */
  typeOnly: boolean;
}

const rel = (file: string): string => path.relative(SRC, file).split(path.sep).join('/');

/** `import … from 'x'`, `export … from 'x'` and `import 'x'`, type-only ones included (a type is an arrow too). */
function importsOf(file: string): Arrow[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)].map((match) => {
    const specifier = (match[3] ?? match[4])!;
    const target = specifier.startsWith('.') ? rel(path.resolve(path.dirname(file), specifier)).replace(/\.js$/, '.ts') : `pkg:${specifier}`;
    return { target, typeOnly: match[2] !== undefined };
  });
}

const FILES = sourceFiles(SRC);
const GRAPH = new Map(FILES.map((file) => [rel(file), importsOf(file)]));

/** Everything a file loads at run time, following static imports through src/. */
function reach(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const arrow of GRAPH.get(next) ?? []) if (!arrow.typeOnly) stack.push(arrow.target);
  }
  return seen;
}

describe('the import graph of src/', () => {
  it('is read: every module and core is there', () => {
    for (const file of ['core/http.ts', 'core/http-kit.ts', 'core/module.ts', 'modules.ts', 'geo/routes.ts', 'displacement/routes.ts']) expect(GRAPH.has(file), file).toBe(true);
    expect(GRAPH.get('modules.ts')!.map((arrow) => arrow.target)).toContain('geo/module.ts');
  });

  it('has core import nothing but core and the shared layer (and packages), and the shared layer nothing but itself', () => {
    const arrows = [...GRAPH].flatMap(([file, imports]) => {
      const allowed = file.startsWith('core/') ? ['core/', 'shared/'] : file.startsWith('shared/') ? ['shared/'] : null;
      if (allowed === null) return [];
      return imports.filter(({ target }) => !target.startsWith('pkg:') && !allowed.some((prefix) => target.startsWith(prefix))).map(({ target }) => `${file} → ${target}`);
    });
    expect(arrows).toEqual([]);
  });

  it('has routes files call their service, never queries, and take what they need from core/http-kit', () => {
    const arrows = [...GRAPH].flatMap(([file, imports]) =>
      /routes\.ts$/.test(file)
        ? imports.filter(({ target }) => /(^|\/)([a-z-]+-)?queries\.ts$/.test(target) || target === 'core/http.ts').map(({ target }) => `${file} → ${target}`)
        : [],
    );
    expect(arrows).toEqual([]);
  });

  it('keeps Fastify out of the CLI and of the composition root until the server starts', () => {
    for (const start of ['cli/main.ts', 'cli/dtm.ts', 'cli/backup.ts', 'modules.ts']) {
      const loaded = reach(start);
      expect([...loaded].filter((file) => file === 'pkg:fastify' || file.startsWith('pkg:@fastify/') || file === 'core/http.ts'), start).toEqual([]);
    }
  });
});
