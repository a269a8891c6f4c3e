import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine is shared and slow at times; tests assert behaviour, never wall time.
    testTimeout: 30_000,
  },
});
