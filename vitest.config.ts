import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generates the pinned schemas (schemas/) the validator loads, as `npm run build` does for the package.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    // Hooks get what tests get: a beforeAll that loads the schemas (SchemaValidator.load) took over vitest's default
    // 10 s beside a second worker at load 25 (Node 24, issue 25).
    hookTimeout: 60_000,
    pool: 'threads',
    // At least two workers: vitest's default (available parallelism - 1) is one worker on CI's 2 cores, where many
    // test files wait on child processes (the CLI, Prometheus, PostgreSQL, PGlite) rather than use a core. Measured
    // (issue 25): the files' durations add up to 1.62 times the suite's wall time on Node 24 at load 0.2-7 (534 s:
    // one worker would take about 14 min), 1.54 times on Node 20 at load 12-21.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
