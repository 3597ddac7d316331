import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The dashboard is built (when stale) before the suites that serve it; one migrated PGlite data
    // directory is made for the run, and every embedded test database is a copy of it.
    globalSetup: ['test/support/web-build.setup.ts', 'test/support/pglite-template.setup.ts'],
    reporters: ['default'],
    // `npm run coverage` (and .ci/run) measure src/ only; tests, benchmarks and scripts are not the product.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
    },
  },
});
