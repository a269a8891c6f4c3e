/**
 * Issue #18: realistic cycles cost no more than 1.2x the wall time of instant ones for the same scenario. One
 * scenario, 5,000 users assigned through a group, run to the end (start, every timer until idle, an idle cycle)
 * with `cycleDuration: instant` (the baseline) and `realistic` (the figure), alternately three times each in this
 * process; the medians are compared.
 */
import { performance } from 'node:perf_hooks';
import { parseScenario } from '../../simulator/scenario/load.ts';
import { runScenario } from '../../simulator/scenario/run.ts';
import { seconds } from '../lib/measure.ts';
import { below, judged, type BenchContext, type BenchItem } from '../table.ts';

const RUNS = 3;

const scenario = (users: number, cycleDuration: 'instant' | 'realistic') =>
  parseScenario(
    `name: ${users} users, ${cycleDuration} cycles
seed: bench
provisioning: { cycleDuration: ${cycleDuration} }
tenant:
  generate: { count: ${users}, group: everyone }
steps:
  - assign: everyone
  - getCredentials
  - save
  - start
  - untilIdle
  - advance: 1d
  - expect:
      memberCounts: { pending: ${users} }
`,
    `bench-${cycleDuration}.yaml`,
  );

async function wallMs(users: number, mode: 'instant' | 'realistic'): Promise<number> {
  const loaded = scenario(users, mode);
  const began = performance.now();
  const result = await runScenario(loaded);
  const ms = performance.now() - began;
  if (!result.passed) throw new Error(`the ${mode} run failed: ${result.failure?.message}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const item: BenchItem = {
  name: 'realistic cycles vs instant, 5,000 users (wall time)',
  target: below(1.2).text,
  async run(ctx: BenchContext) {
    const users = ctx.quick ? 1_000 : 5_000;
    const instant: number[] = [];
    const realistic: number[] = [];
    await wallMs(200, 'instant'); // warm up both paths before measuring
    await wallMs(200, 'realistic');
    for (let i = 0; i < RUNS; i++) {
      ctx.log(`  ${users} users, instant then realistic cycles (run ${i + 1} of ${RUNS})`);
      instant.push(await wallMs(users, 'instant'));
      realistic.push(await wallMs(users, 'realistic'));
    }
    return judged(
      median(realistic) / 1000,
      median(instant) / 1000,
      's',
      below(1.2),
      `${users} users through one group, started, run until idle and a day on; medians of ${RUNS} alternating runs (instant ${instant.map(seconds).join(', ')}; realistic ${realistic.map(seconds).join(', ')}). The realistic initial cycle spreads its ${users} creates over hours of virtual time, one timer each.`,
    );
  },
};

export default [item];
