/**
 * Issue #18: realistic cycles cost no more than 1.2x the wall time of instant ones for the same scenario. One
 * scenario, 5,000 users assigned through a group, run to the end (start, every timer until idle, an idle cycle)
 * with `cycleDuration: instant` (the baseline) and `realistic` (the figure), alternately three times each in this
 * process; the medians are compared.
 */
import { parseScenario } from '../../simulator/scenario/load.ts';
import { seconds } from '../lib/measure.ts';
import { timePair } from '../lib/scenario-pair.ts';
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

const item: BenchItem = {
  name: 'realistic cycles vs instant, 5,000 users (wall time)',
  target: below(1.2).text,
  async run(ctx: BenchContext) {
    const users = ctx.quick ? 1_000 : 5_000;
    const pair = {
      scenario: (n: number, figure: boolean) => scenario(n, figure ? 'realistic' : 'instant'),
      names: ['instant cycles', 'realistic cycles'] as [string, string],
    };
    const { baseline: instant, figure: realistic, medians } = await timePair(ctx, pair, users, RUNS);
    return judged(
      medians[1] / 1000,
      medians[0] / 1000,
      's',
      below(1.2),
      `${users} users through one group, started, run until idle and a day on; medians of ${RUNS} alternating runs (instant ${instant.map(seconds).join(', ')}; realistic ${realistic.map(seconds).join(', ')}). The realistic initial cycle spreads its ${users} creates over hours of virtual time, one timer each.`,
    );
  },
};

export default [item];
