/**
 * Issue #19: what custom attribute mappings cost a cycle. One scenario, 5,000 users assigned through a group with a
 * role, run to the end, with the gallery app's three mappings (the baseline) and with the non-gallery set plus three
 * expressions and a role mapping (the figure): every user's expressions are evaluated and their bigger POSTs parsed
 * by NordPass. Alternately three times each in this process; the medians are compared.
 */
import { parseScenario } from '../../simulator/scenario/load.ts';
import { seconds } from '../lib/measure.ts';
import { timePair } from '../lib/scenario-pair.ts';
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

const item: BenchItem = {
  name: 'custom mappings, expressions and a role vs the gallery mappings, 5,000 users (wall time)',
  target: TARGET.text,
  async run(ctx: BenchContext) {
    const users = ctx.quick ? 1_000 : 5_000;
    const pair = { scenario, names: ['gallery mappings', 'custom mappings'] as [string, string] };
    const { baseline: gallery, figure: mapped, medians } = await timePair(ctx, pair, users, RUNS);
    return judged(
      medians[1] / 1000,
      medians[0] / 1000,
      's',
      TARGET,
      `${users} users through one group with the User role, started and run until idle; the figure maps 14 attributes (3 expressions, the role) against the gallery's 3; medians of ${RUNS} alternating runs (gallery ${gallery.map(seconds).join(', ')}; custom ${mapped.map(seconds).join(', ')}).`,
    );
  },
};

export default [item];
