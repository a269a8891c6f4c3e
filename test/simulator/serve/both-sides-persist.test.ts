/**
 * With --data both sides survive a restart, even `kill -9` right after the last answer: the mock Entra (users,
 * groups, assignments, credentials, the job and its links) is rebuilt from the world's record, NordPass comes from
 * its data file, and what happens afterwards is what would have happened without the restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, serve, type Served } from '../../helpers/served.ts';
import { newUser } from '../../helpers/graph.ts';

const running: Served[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) s.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function start(args: string[], options: { scimToken?: boolean } = {}): Promise<Served> {
  const s = await serve(args, options);
  running.push(s);
  return s;
}

type Body = Record<string, any>;
async function call(s: Served, method: string, path: string, body?: unknown): Promise<Body> {
  const res = await fetch(`${s.origin}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Body) : {};
}

/** Users, a group, assignments, credentials saved, provisioning started, a registration: then Bob's group goes. */
async function setUp(s: Served): Promise<void> {
  const ada = await call(
    s,
    'POST',
    '/azure/v1.0/users',
    newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' }),
  );
  const bob = await call(
    s,
    'POST',
    '/azure/v1.0/users',
    newUser({ userPrincipalName: 'bob@contoso.com', displayName: 'Bob' }),
  );
  const team = await call(s, 'POST', '/azure/v1.0/groups', { displayName: 'Team' });
  await call(s, 'POST', `/azure/v1.0/groups/${team.id}/members/$ref`, {
    '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${bob.id}`,
  });
  const sp = (await call(s, 'GET', `/azure/v1.0/servicePrincipals`)).value[0].id;
  await call(s, 'POST', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, {
    principalId: ada.id,
    resourceId: sp,
  });
  const teamAssignment = await call(s, 'POST', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, {
    principalId: team.id,
    resourceId: sp,
  });
  const { tenantUrl, secretToken } = await call(s, 'POST', '/admin/provisioning/credentials');
  await call(s, 'PUT', `/azure/v1.0/servicePrincipals/${sp}/synchronization/secrets`, {
    value: [
      { key: 'BaseAddress', value: tenantUrl },
      { key: 'SecretToken', value: secretToken },
    ],
  });
  const job = (await call(s, 'GET', `/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs`)).value[0].id;
  await call(s, 'POST', `/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs/${job}/start`);
  await call(s, 'POST', '/_sim/clock/advance', { by: '5m' });
  const adaMember = (await call(s, 'GET', '/admin/members')).members.find(
    (m: Body) => m.userName === 'ada@contoso.com',
  );
  await call(s, 'POST', `/admin/members/${adaMember.id}/accept-invitation`);
  await call(s, 'DELETE', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo/${teamAssignment.id}`);
}

/** Forty minutes on: the next cycle disables Bob (out of scope), which needs the job's link to his member. */
async function goOn(s: Served): Promise<void> {
  await call(s, 'POST', '/_sim/clock/advance', { by: '40m' });
}

/** Both sides as a client sees them. */
async function state(s: Served) {
  const sp = (await call(s, 'GET', '/azure/v1.0/servicePrincipals')).value[0].id;
  const jobs = await call(s, 'GET', `/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs`);
  return {
    users: (await call(s, 'GET', '/azure/v1.0/users')).value.map((u: Body) => [u.id, u.userPrincipalName]),
    groups: (await call(s, 'GET', '/azure/v1.0/groups')).value.map((g: Body) => [g.id, g.displayName]),
    assigned: (await call(s, 'GET', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`)).value.map(
      (a: Body) => a.principalDisplayName,
    ),
    job: { id: jobs.value[0].id, code: jobs.value[0].status.code },
    members: (await call(s, 'GET', '/admin/members')).members.map((m: Body) => [m.id, m.userName, m.status]),
    logs: (await call(s, 'GET', '/azure/v1.0/auditLogs/provisioning')).value.map((l: Body) => [
      l.provisioningAction,
      l.provisioningStatusInfo?.status,
      l.sourceIdentity?.details?.UserPrincipalName ?? l.sourceIdentity?.displayName,
    ]),
    now: (await call(s, 'GET', '/_sim/clock')).now,
    record: (await call(s, 'GET', '/_sim/record')).steps.length,
  };
}

describe('serve --data keeps both sides', () => {
  it('after kill -9 right after the last answer, the world goes on as if nothing had happened', async () => {
    const args = ['--seed', 'both', '--start', '2026-05-04T09:00:00Z'];
    // The same walk without a restart: what should happen.
    const steady = await start(args);
    await setUp(steady);
    await goOn(steady);
    const expected = await state(steady);
    expect(expected.members.map((m: string[]) => [m[1], m[2]])).toEqual([
      ['ada@contoso.com', 'active'],
      ['bob@contoso.com', 'forbidden'],
    ]);

    const dir = await mkdtemp(join(tmpdir(), 'scimsim-both-'));
    dirs.push(dir);
    const file = join(dir, 'world.json');
    const first = await start([...args, '--data', file]);
    await setUp(first);
    const before = await state(first);
    first.child.kill('SIGKILL');
    await first.exit;

    // No --seed, no --start, no --token: the data file holds them (a --token would replace the token Entra saved).
    const second = await start(['--data', file], { scimToken: false });
    const after = await state(second);
    expect(after).toEqual(before);
    await goOn(second);
    const end = await state(second);
    expect({ ...end, record: 0 }).toEqual({ ...expected, record: 0 });
    expect(end.record).toBe(expected.record);
  }, 120_000);
});
