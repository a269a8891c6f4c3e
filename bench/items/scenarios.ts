/**
 * Item 7: `npm run scenarios` on the bundled suite (run as `node bin/scimsim.mjs run scenarios`, reports to a
 * temporary folder), and the share of it that is starting up: node + tsx + the CLI's imports, measured by
 * `scimsim help` in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seconds } from '../lib/measure.ts';
import type { BenchContext, BenchItem } from '../table.ts';

function wallMs(ctx: BenchContext, args: string[]): { ms: number; status: number | null } {
  const began = performance.now();
  const run = spawnSync(process.execPath, ['bin/scimsim.mjs', ...args], {
    cwd: ctx.root,
    stdio: 'ignore',
    timeout: 120_000,
  });
  return { ms: performance.now() - began, status: run.status };
}

const item: BenchItem = {
  name: 'npm run scenarios (wall time; baseline: start-up)',
  target: 'reported (ratio = start-up share)',
  async run(ctx) {
    // The fastest of three: start-up is small and noisy, and the minimum is what starting costs.
    const startup = Math.min(...[1, 2, 3].map(() => wallMs(ctx, ['help']).ms));
    const out = mkdtempSync(join(tmpdir(), 'scimsim-bench-reports-'));
    try {
      const suite = wallMs(ctx, ['run', 'scenarios', '--quiet', '--out', out]);
      const passed = suite.status === 0;
      return {
        figure: suite.ms / 1000,
        baseline: startup / 1000,
        ratio: startup / suite.ms,
        unit: 's',
        pass: passed ? null : false,
        note: `The bundled suite on worker threads (default: one per core), all four reports; start-up: \`scimsim help\` (node + tsx + the CLI's imports), fastest of 3, ${seconds(startup)}.${passed ? '' : ` The suite exited with ${suite.status}.`}`,
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};

export default [item];
