import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // In CI a JSON report is kept too, so .ci/run can print one plain closing line.
    reporters: process.env.LANTERN_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.LANTERN_TEST_REPORT ? { outputFile: { json: process.env.LANTERN_TEST_REPORT } } : {}),
  },
});
