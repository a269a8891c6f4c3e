import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine is shared and slow at times; tests assert behaviour, never wall time.
    testTimeout: 30_000,
    // What a browser test waits for (a page redrawn after a cycle) may take seconds on a loaded machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
