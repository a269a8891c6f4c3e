/** The steps that build the tenant as the portal and Graph can: new users and groups, group edits and deletes, scope. */
import { describe, expect, it } from 'vitest';
import type { ScenarioFileError } from '../../../simulator/scenario/errors.ts';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';

const HEAD = `name: tenant steps
seed: 1
start: 2026-01-05T09:00:00Z
tenant:
  users:
    ada: {}
steps:
`;

const run = (steps: string) => runScenario(parseScenario(HEAD + steps, 'tenant-steps.yaml'));

describe('tenant steps', () => {
  it('createUser and createGroup make named objects that later steps and checks refer to', async () => {
    const result = await run(`  - createUser: { name: carol, displayName: Carol Shaw, department: Sales }
  - createGroup: { name: sales, members: [ada, carol] }
  - assign: sales
  - getCredentials
  - save
  - start
  - expect:
      members: { ada: pending, carol: pending }
      directory: { active: [ada, carol] }
  - editGroup: { group: sales, set: { displayName: Sales EMEA } }
  - deleteGroup: sales
  - advance: 40m
  - expect:
      members: { ada: forbidden, carol: forbidden }
`);
    expect(result.failure).toBeUndefined();
    expect(result.passed).toBe(true);
    expect(result.members.map((m) => [m.name, m.userName, m.status])).toEqual([
      ['ada', 'ada@contoso.com', 'forbidden'],
      ['carol', 'carol@contoso.com', 'forbidden'],
    ]);
  });

  it('configureProvisioning switches the scope to all users mid-run; the next restart applies it to everyone', async () => {
    const result = await run(`  - createUser: { name: bob }
  - getCredentials
  - save
  - start
  - expect: { members: { ada: none, bob: none } }
  - configureProvisioning: { scope: all }
  - advance: 40m
  - expect: { members: { ada: none, bob: none } }
  - restart
  - expect: { members: { ada: pending, bob: pending } }
`);
    expect(result.failure).toBeUndefined();
  });

  it('refuses a name used twice and a group that does not exist, with the line', () => {
    const bad = (steps: string) => {
      try {
        parseScenario(HEAD + steps, 'bad.yaml');
      } catch (error) {
        return (error as ScenarioFileError).problems.map((p) => `${p.line}: ${p.message}`);
      }
      return [];
    };
    expect(bad('  - createUser: { name: ada }\n')).toEqual(['8: "ada" already names a user or group of the tenant']);
    expect(bad('  - deleteGroup: sales\n')[0]).toMatch(/^8: "sales" is not a group of the tenant/);
    expect(bad('  - createGroup: { name: sales }\n  - createUser: { name: sales }\n')).toEqual([
      '9: "sales" already names a user or group of the tenant',
    ]);
    expect(bad('  - createUser: { name: 9lives }\n')[0]).toMatch(/^8: .*names are a letter/);
  });
});

describe('start: {wait: true}, as Graph leaves it', () => {
  it('the cycle waits for the next advance and runs at the start instant; a change in between is in it', async () => {
    const result = await run(`  - assign: ada
  - getCredentials
  - save
  - start: { wait: true }
  - expect:
      members: { ada: none }
      job: { status: Active }
  - createUser: { name: bob }
  - assign: bob
  - advance: 1m
  - expect:
      members: { ada: pending, bob: pending }
      logs: [{ user: ada, action: Create, count: 1 }, { user: bob, action: Create, count: 1 }]
  - restart: { wait: true }
  - advance: 0s
  - allowDeletes: { wait: true }
  - advance: 1s
`);
    expect(result.failure).toBeUndefined();
    const cycles = result.markers.filter((m) => m.kind === 'cycle');
    // The initial cycle began at the start's instant, not at the advance's end; the restarts each ran one.
    expect(cycles.map((c) => [c.at, c.label])).toEqual([
      ['2026-01-05T09:00:00.000Z', 'initial cycle'],
      ['2026-01-05T09:01:00.000Z', 'initial cycle'],
      ['2026-01-05T09:01:00.000Z', 'initial cycle'],
    ]);
  });
});

describe('deleteJob', () => {
  it('stops the job and forgets what it knew; the next save makes a new one, whose initial cycle matches again', async () => {
    const result = await run(`  - assign: ada
  - getCredentials
  - save
  - start
  - deleteJob
  - expect:
      job: { status: NotConfigured }
  - advance: 2h
  - expect:
      logs: [{ user: ada, action: Create, count: 1 }]
  - save
  - start
  - expect:
      members: { ada: pending }
      memberCounts: { pending: 1 }
      logs:
        - { user: ada, action: Create, count: 1 }
        - { user: ada, action: Other, status: skipped, errorCode: RedundantExport, count: 1 }
`);
    expect(result.failure).toBeUndefined();
    // One cycle before the delete, none while there was no job, one initial cycle for the new job.
    expect(result.markers.filter((m) => m.kind === 'cycle').map((c) => c.at)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-05T11:00:00.000Z',
    ]);
    // The new job found Ada by userName and had nothing to send: linked, not created twice.
    expect(result.job.code).toBe('Active');
  });

  it('a start without a job is refused with the reason', async () => {
    const result = await run(`  - getCredentials
  - save
  - deleteJob
  - start
`);
    expect(result.failure?.message).toMatch(/no provisioning job/);
  });
});

describe('provisioning.logRetention', () => {
  it('keeps the provisioning logs 30 days (premium, the default) or 7 (free)', async () => {
    const scenario = (retention: string) =>
      parseScenario(
        `name: log retention
seed: 1
start: 2026-01-05T09:00:00Z
${retention}
tenant:
  users:
    ada: {}
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - advance: 7d1h
  - expect:
      logs: [{ user: ada, action: Create, count: 1 }]
  - advance: 23d
  - expect:
      logs: [{ user: ada, action: Create, count: 0 }]
`,
        'retention.yaml',
      );
    const premium = await runScenario(scenario(''));
    expect(premium.failure).toBeUndefined();
    const free = await runScenario(scenario('provisioning: { logRetention: free }'));
    expect(free.failure?.message).toMatch(/^logs\[0\] ada Create: expected 1 entries, got 0/);
  });
});
