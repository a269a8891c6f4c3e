/**
 * Issue #19: what custom attribute mappings cost a cycle. One scenario, 5,000 users assigned through a group with a
 * role, run to the end, with the gallery app's three mappings (the baseline) and with the non-gallery set plus three
 * expressions and a role mapping (the figure): every user's expressions are evaluated and their bigger POSTs parsed
 * by NordPass. Alternately three times each in this process; the medians are compared.
 */
import { performance } from 'node:perf_hooks';
import { parseScenario } from '../../simulator/scenario/load.ts';
import { runScenario } from '../../simulator/scenario/run.ts';
import { seconds } from '../lib/measure.ts';
import { below, judged, type BenchContext, type BenchItem } from '../table.ts';

const RUNS = 3;
const TARGET = below(3);

const MAPPED = `  app: nonGallery
  groupProvisioning: false
  attributeMappings:
    - { target: displayName, expression: 'Join(" ", [givenName], [surname])' }
    - { target: nickName, expression: 'ToLower(Left([givenName], 3))' }
    - target: title
      expression: 'Switch([department], "Staff", "Sales", "Seller", "Engineering", "Engineer")'
    - target: 'roles[primary eq "True"].value'
      expression: SingleAppRoleAssignment([appRoleAssignments])
`;

const scenario = (users: number, mapped: boolean) =>
  parseScenario(
    `name: ${users} users, ${mapped ? 'custom' : 'gallery'} mappings
seed: bench
provisioning:
  deletionThreshold: null
${mapped ? MAPPED : ''}tenant:
  generate: { count: ${users}, group: everyone }
steps:
  - assign: { principals: everyone, role: User }
  - getCredentials
  - save
  - start
  - untilIdle
  - expect:
      memberCounts: { pending: ${users} }
`,
    `bench-mappings-${mapped}.yaml`,
  );

async function wallMs(users: number, mapped: boolean): Promise<number> {
  const loaded = scenario(users, mapped);
  const began = performance.now();
  const result = await runScenario(loaded);
  const ms = performance.now() - began;
  if (!result.passed) throw new Error(`the ${mapped ? 'mapped' : 'gallery'} run failed: ${result.failure?.message}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const item: BenchItem = {
  name: 'custom mappings, expressions and a role vs the gallery mappings, 5,000 users (wall time)',
  target: TARGET.text,
  async run(ctx: BenchContext) {
    const users = ctx.quick ? 1_000 : 5_000;
    const gallery: number[] = [];
    const mapped: number[] = [];
    await wallMs(200, false); // warm up both paths before measuring
    await wallMs(200, true);
    for (let i = 0; i < RUNS; i++) {
      ctx.log(`  ${users} users, gallery then custom mappings (run ${i + 1} of ${RUNS})`);
      gallery.push(await wallMs(users, false));
      mapped.push(await wallMs(users, true));
    }
    return judged(
      median(mapped) / 1000,
      median(gallery) / 1000,
      's',
      TARGET,
      `${users} users through one group with the User role, started and run until idle; the figure maps 14 attributes (3 expressions, the role) against the gallery's 3; medians of ${RUNS} alternating runs (gallery ${gallery.map(seconds).join(', ')}; custom ${mapped.map(seconds).join(', ')}).`,
    );
  },
};

export default [item];
