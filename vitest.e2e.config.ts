import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: process.env.LANTERN_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.LANTERN_TEST_REPORT ? { outputFile: { json: process.env.LANTERN_TEST_REPORT } } : {}),
  },
});
