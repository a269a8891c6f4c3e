/**
 * The README's reference tables of steps and expectations, generated from the zod schema's descriptions,
 * with one example each (a test checks every example against the schema, so the README cannot drift).
 */
import type { z } from 'zod';
import { type Expectation, ScenarioHeader, STEPS, STEP_NAMES, type StepName } from './schema.ts';
import { VARIANT_NAMES, VARIANTS } from '../variants.ts';

export const STEP_EXAMPLES: Record<Exclude<StepName, 'expect'>, string> = {
  assign: 'assign: { principals: [ada, sales], role: Admin }',
  unassign: 'unassign: ada',
  getCredentials: 'getCredentials',
  enterCredentials: 'enterCredentials: { secretToken: wrong-token }',
  testConnection: 'testConnection: { expect: failure }',
  save: 'save',
  start: 'start',
  stop: 'stop',
  deleteJob: 'deleteJob',
  restart: 'restart',
  allowDeletes: 'allowDeletes',
  configureProvisioning: 'configureProvisioning: { scope: all }',
  setScopingFilters: 'setScopingFilters: [{ clauses: [{ attribute: department, operator: EQUALS, value: Sales }] }]',
  setAttributeMappings:
    "setAttributeMappings: [{ target: 'roles[primary eq \"True\"].value', expression: 'SingleAppRoleAssignment([appRoleAssignments])' }]",
  deleteAttributeMappings: 'deleteAttributeMappings: [externalId]',
  provisionOnDemand: 'provisionOnDemand: ada',
  createUser: 'createUser: { name: carol, displayName: Carol Shaw }',
  deleteUser: 'deleteUser: ada',
  restoreUser: 'restoreUser: ada',
  deletePermanently: 'deletePermanently: ada',
  blockSignIn: 'blockSignIn: ada',
  unblockSignIn: 'unblockSignIn: ada',
  editUser: 'editUser: { user: ada, set: { displayName: Ada King } }',
  setManager: 'setManager: { user: ada, manager: bob }',
  removeManager: 'removeManager: ada',
  createGroup: 'createGroup: { name: support, members: [ada, bob] }',
  editGroup: 'editGroup: { group: sales, set: { displayName: Sales EMEA } }',
  deleteGroup: 'deleteGroup: sales',
  addToGroup: 'addToGroup: { group: sales, members: bob }',
  removeFromGroup: 'removeFromGroup: { group: sales, members: bob }',
  acceptInvitation: 'acceptInvitation: { user: bob, expect: refused }',
  restoreMember: 'restoreMember: bob',
  suspendMember: 'suspendMember: { user: bob, as: admin }',
  activateMember: 'activateMember: bob',
  deleteMember: 'deleteMember: { user: ada, expect: refused }',
  setRole: 'setRole: { user: ada, role: owner }',
  advance: 'advance: 29d23h59m59s',
  advanceTo: 'advanceTo: 2026-02-04T09:40:00Z',
  untilIdle: 'untilIdle',
  fault: 'fault: { method: POST, path: /Users, status: 503, for: 3h }',
  clearFault: 'clearFault: outage',
};

export const EXPECT_EXAMPLES: Record<keyof Expectation, string> = {
  members: 'members: { ada: suspended, bob: none }',
  roles: 'roles: { ada: admin, bob: user }',
  managers: 'managers: { ada: bob, bob: null }',
  memberCounts: 'memberCounts: { pending: 5000, deleted: 0 }',
  timing: 'timing: [{ user: ada, event: purged, after: suspended, by: 30d }]',
  outbox: 'outbox: [{ to: ada, count: 1 }]',
  scim: 'scim: { ada: { exists: true, active: false } }',
  logs: 'logs: [{ user: ada, action: Disable, status: success, count: 1 }]',
  job: 'job: { status: Quarantine, quarantineReason: TooManyDeletes }',
  requests: 'requests: [{ method: PATCH, body: \'"value":"False"\', count: 1 }]',
  directory: 'directory: { deleted: ada, recycleBin: 1 }',
  testConnection: 'testConnection: { result: failure }',
};

export function stepsTable(): string {
  const rows = STEP_NAMES.filter((n): n is Exclude<StepName, 'expect'> => n !== 'expect').map(
    (name) => `| \`${name}\` | ${(STEPS[name] as z.ZodType).description ?? ''} | \`- ${STEP_EXAMPLES[name]}\` |`,
  );
  return ['| step | what it does | example |', '| --- | --- | --- |', ...rows].join('\n');
}

export function expectationsTable(): string {
  const shape = (STEPS.expect as unknown as { shape: Record<string, z.ZodType> }).shape;
  const rows = Object.entries(shape).map(
    ([key, schema]) => `| \`${key}\` | ${describe(schema)} | \`${EXPECT_EXAMPLES[key as keyof Expectation]}\` |`,
  );
  return ['| expect | checks | example |', '| --- | --- | --- |', ...rows].join('\n');
}

function describe(schema: z.ZodType): string {
  let s: z.ZodType | undefined = schema;
  while (s && !s.description) s = (s as unknown as { def?: { innerType?: z.ZodType } }).def?.innerType;
  return (s?.description ?? '').replace(/\|/g, '\\|');
}

/** The README's table of variants: every behaviour no public source settles, its alternatives and default. */
export function variantsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = VARIANT_NAMES.map((name) => {
    const v = VARIANTS[name];
    const alternatives = Object.entries(v.alternatives)
      .map(([alt, { does }]) => `\`${alt}\`${alt === v.default ? ' (default)' : ''}: ${cell(does)}`)
      .join('<br>');
    return `| \`${name}\` | ${v.side === 'entra' ? 'Entra' : 'NordPass'}: ${cell(v.question)} | ${alternatives} | ${cell(v.reason)} |`;
  });
  return ['| variant | question | alternatives | why the default |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** One example per provisioning key, as a scenario writes it (a test reads each one against the schema). */
export const PROVISIONING_EXAMPLES: Record<string, string> = {
  scope: 'scope: all',
  app: 'app: nonGallery',
  mappings: 'mappings: nonGallery',
  targetActions: 'targetActions: { delete: false }',
  skipOutOfScopeDeletions: 'skipOutOfScopeDeletions: true',
  deletionThreshold: 'deletionThreshold: 10',
  aadOptscim062020: 'aadOptscim062020: true',
  groupProvisioning: 'groupProvisioning: true',
  logRetention: 'logRetention: free',
  scopingFilters: 'scopingFilters: [{ clauses: [{ attribute: department, operator: EQUALS, value: Sales }] }]',
  attributeMappings: 'attributeMappings: [{ target: displayName, expression: \'Join(" ", [givenName], [surname])\' }]',
  cycleDuration: 'cycleDuration: realistic',
  unavailableCyclesBeforeQuarantine: 'unavailableCyclesBeforeQuarantine: 5',
  probeIdleCycles: 'probeIdleCycles: true',
  escrowThresholds: 'escrowThresholds: { evaluateFrom: 10, proportion: 0.5 }',
};

/** The README's table of `provisioning:` keys, from the schema's descriptions, with an example each. */
export function provisioningTable(): string {
  let schema: z.ZodType | undefined = (ScenarioHeader.shape as Record<string, z.ZodType>).provisioning;
  while (schema && !(schema as unknown as { shape?: unknown }).shape)
    schema = (schema as unknown as { def?: { innerType?: z.ZodType } }).def?.innerType;
  const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
  const rows = Object.entries(shape).map(
    ([key, s]) => `| \`${key}\` | ${describe(s)} | \`${(PROVISIONING_EXAMPLES[key] ?? '').replace(/\|/g, '\\|')}\` |`,
  );
  return ['| provisioning key | what it sets | example |', '| --- | --- | --- |', ...rows].join('\n');
}
