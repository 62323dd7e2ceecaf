import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three tiers (see CONTRIBUTING.md): unit tests beside the code, integration tests through the
// HTTP app in-process on PGlite (and PostgreSQL when TEST_DATABASE_URL is set), and browser
// end-to-end tests against a running server.
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    // Vitest's default leaves a core idle on a 2-core machine (one worker); the tests mostly wait on
    // PGlite's WebAssembly or on PostgreSQL, so two workers keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
          fileParallelism: false,
          // After the other tiers, alone: a browser beside two busy workers renders too slowly.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
