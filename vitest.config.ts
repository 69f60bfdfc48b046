import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge segfaults under worker threads; forks are safe.
    pool: 'forks',
    globalSetup: ['./test/support/global-setup.ts'],
    setupFiles: ['./test/support/test-logs.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One file at a time: each e2e file runs its own Temporal dev server, Postgres, worker, API and stand-ins, and two
    // of them side by side on a 2-core CI machine starve each other into timeouts (Chatwoot's 5 s webhook window).
    maxWorkers: 1,
  },
});
