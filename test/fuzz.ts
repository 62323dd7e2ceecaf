/**
 * `npm run fuzz`: the property-based tests with new seeds, round after round, for longer than
 * `npm test` can afford. `npm test` always uses the fixed seed of test/support/fixed-seed.ts;
 * here each round draws a new one and prints it. A failing round prints the command that
 * replays it; turn the case fast-check reports into a plain regression test beside the property.
 *
 *   npm run fuzz                    # 10 minutes of rounds
 *   FUZZ_MINUTES=60 npm run fuzz    # longer
 *   FUZZ_SEED=123 npm run fuzz      # replay one seed, one round
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Every test file that states properties with fast-check. */
function propertyTestFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) found.push(...propertyTestFiles(full));
    else if (entry.endsWith('.test.ts') && /from 'fast-check'/.test(readFileSync(full, 'utf8'))) found.push(path.relative(root, full));
  }
  return found;
}

// The web app's pure code has properties too (web/src/plans/contributionDraft.test.ts).
const files = [...propertyTestFiles(path.join(root, 'src')), ...propertyTestFiles(path.join(root, 'web', 'src')), ...propertyTestFiles(path.join(root, 'test', 'integration'))].sort();
const minutes = Number(process.env.FUZZ_MINUTES ?? 10);
const replay = process.env.FUZZ_SEED;
const deadline = Date.now() + minutes * 60_000;

console.log(`Fuzzing ${files.length} property test files${replay ? ` with seed ${replay}` : ` for ${minutes} min`}:`);
for (const file of files) console.log(`  ${file}`);

let round = 0;
do {
  round += 1;
  const seed = replay ?? String(randomInt(1, 2 ** 31 - 1));
  console.log(`\nround ${round}, FUZZ_SEED=${seed}`);
  const run = spawnSync('npx', ['vitest', 'run', ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_SEED: seed } });
  if (run.status !== 0) {
    console.error(`\nA property failed with FUZZ_SEED=${seed}. Replay it with:\n  FUZZ_SEED=${seed} npx vitest run ${files.join(' ')}`);
    process.exit(1);
  }
} while (replay === undefined && Date.now() < deadline);
console.log(`\n${round} round(s), no property failed.`);
