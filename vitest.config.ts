import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine is shared and slow at times; tests assert behaviour, never wall time.
    testTimeout: 30_000,
    // Every core: vitest's default leaves one free, which on a 2-core machine ran the files one at a time (430 s;
    // 316-330 s with both cores, measured 2026-12-07).
    maxWorkers: availableParallelism(),
    // What a browser test waits for (a page redrawn after a cycle) may take seconds on a loaded machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
