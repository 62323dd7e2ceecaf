/**
 * Property-based tests are reproducible in `npm test`: every `fc.assert` runs from one fixed
 * seed, so a red CI run is red again on any machine. `npm run fuzz` (test/fuzz.ts) sets
 * FUZZ_SEED to new seeds; when one fails, fast-check prints the seed and path, and the case
 * becomes a plain regression test next to the property (see `fts.test.ts`, 5e-324).
 */
import fc from 'fast-check';

export const FIXED_SEED = 20_261_204;

const fromEnvironment = process.env.FUZZ_SEED;
const seed = fromEnvironment === undefined || fromEnvironment === '' ? FIXED_SEED : Number(fromEnvironment);
if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not “${fromEnvironment}”.`);

fc.configureGlobal({ seed });
