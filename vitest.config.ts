import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real processes; two cores, so keep it modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
