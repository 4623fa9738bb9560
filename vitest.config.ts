import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generates the pinned schemas (schemas/) the validator loads, as `npm run build` does for the package.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    pool: 'threads',
  },
});
