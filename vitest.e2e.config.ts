import { defineConfig } from 'vitest/config';

// End-to-end: the browser host in Debian Chromium driven by playwright-core, simulators on ptys.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});
