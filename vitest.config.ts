import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first: they start child processes (the liptako command)
 * or make many databases. Vitest orders files by the durations of the last run on this machine
 * when it knows them, and otherwise, as on CI's clean clone, by size, largest first: these
 * small files then started last and ran alone for minutes while the other worker had finished.
 */
const LONGEST_FIRST = [
  'test/integration/cli.test.ts',
  'test/integration/backup.test.ts',
  'test/integration/access-matrix.test.ts',
  'test/integration/dtm-crash.test.ts',
  'test/integration/access-bypass.test.ts',
  'test/integration/access-security.test.ts',
  'test/integration/assistance-access.test.ts',
  'test/integration/query-fuzz.test.ts',
  'test/integration/migrations.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = LONGEST_FIRST.indexOf(relative(file.project.config.root, file.moduleId));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // In the last group the browser and fault files take turns (the n-th of each tier, then the
    // n+1-th): a fault file, which mostly waits on restarts, runs beside a browser file rather than
    // two browser files beside each other, and the first of them runs while the first browser
    // file builds the demo data (test/support/server.ts).
    const turn = new Map<TestSpecification, number>();
    const seen = new Map<string, number>();
    for (const file of sorted) {
      if (file.project.config.sequence.groupOrder === 0) continue;
      const n = seen.get(file.project.name) ?? 0;
      seen.set(file.project.name, n + 1);
      turn.set(file, n);
    }
    // Stable: the groups (the browser and fault tiers after the others) and the rest of Vitest's order stay.
    return sorted
      .map((file, position) => ({ file, position }))
      .sort(
        (a, b) =>
          a.file.project.config.sequence.groupOrder - b.file.project.config.sequence.groupOrder ||
          rank(a.file) - rank(b.file) ||
          (turn.get(a.file) ?? 0) - (turn.get(b.file) ?? 0) ||
          a.position - b.position,
      )
      .map(({ file }) => file);
  }
}

// Four tiers (see CONTRIBUTING.md): unit tests beside the code, integration tests through the
// HTTP app in-process on PGlite (and PostgreSQL when TEST_DATABASE_URL is set), browser
// end-to-end tests against a running server, and fault tests on the built server.
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    // Vitest's default leaves a core idle on a 2-core machine (one worker); the tests mostly wait on
    // PGlite's WebAssembly or on PostgreSQL, so two workers keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/catalogue.ts', 'test/support/fixed-seed.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/database-template.ts'],
          setupFiles: ['test/support/catalogue.ts', 'test/support/fixed-seed.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // A loaded CI machine renders slower than a laptop: polls wait, they do not time a thing.
          expect: { poll: { timeout: 20_000, interval: 100 } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // After the unit and integration tiers, beside the fault tests: two files at a time, each
          // with its own server (a copy of the demo data, a free port) and its own Chromium. A
          // browser beside two busy integration workers rendered too slowly; a browser file uses
          // less than a core (it waits on the server and on Chromium), so two of them share two.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // Slow fault tests (also alone: `npm run test:faults`): they restart a private PostgreSQL
          // server, mount filesystems and kill processes, each on its own database, folder and port,
          // against the built server.
          name: 'faults',
          env: { TZ: 'UTC' },
          include: ['test/faults/**/*.test.ts'],
          setupFiles: ['test/support/catalogue.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
