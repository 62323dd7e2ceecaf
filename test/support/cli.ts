/**
 * The `liptako` command for tests that run it as people do, in a child process: the built command
 * (bin/liptako.js, what `npm start` runs) when the build is newer than every source file, as
 * after `npm test`'s build; the TypeScript through tsx otherwise (a single file run after an
 * edit). tsx compiles every module again at each start: about twice the CPU time of the built
 * command (3.4 s against 1.8 s for `liptako --help` on the 2-core CI machine), and these tests
 * start dozens of commands.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './server.js';

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

let upToDate: boolean | undefined;

/** Whether dist/ was built after the last change to src/ (tsc writes every output file on each build). */
export function builtCommandUpToDate(): boolean {
  if (upToDate === undefined) {
    let built: number;
    try {
      built = statSync(path.join(ROOT, 'dist/cli/main.js')).mtimeMs;
    } catch {
      return (upToDate = false);
    }
    upToDate = built >= newestSource(path.join(ROOT, 'src'));
  }
  return upToDate;
}

/** The node arguments that start `liptako`, before the command's own (run from the project root). */
export function liptakoEntry(): string[] {
  return builtCommandUpToDate() ? [path.join(ROOT, 'bin/liptako.js')] : ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
}
