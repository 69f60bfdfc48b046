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
    maxWorkers: 2,
  },
});
