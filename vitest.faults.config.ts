import { defineConfig } from 'vitest/config';

// Slow fault tests (`npm run test:faults`, after `npm test` in CI): they restart a PostgreSQL
// server, mount filesystems and kill processes, so they run apart from the other tiers, one file
// at a time, against the built server.
export default defineConfig({
  test: {
    name: 'faults',
    env: { TZ: 'UTC' },
    include: ['test/faults/**/*.test.ts'],
    setupFiles: ['test/support/catalogue.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
