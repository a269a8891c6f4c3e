/**
 * A served world records what is done to it through its faces, and exports it as a scenario that `scimsim run`
 * replays to the same states: the seed guide walked over HTTP (Graph, Admin Panel, /_sim), exported, replayed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { type RunningServer, startServer } from '../../../simulator/serve/server.ts';
import { newUser } from '../../helpers/graph.ts';

const TOKEN = 'record-scim-token';
const ADMIN = 'record-admin-token';

let s: RunningServer;
beforeEach(async () => {
  s = await startServer({
    host: '127.0.0.1',
    port: 0,
    scimToken: TOKEN,
    adminToken: ADMIN,
    start: '2026-03-02T08:00:00Z',
    seed: 'walk',
  });
});
afterEach(async () => {
  await s.close();
});

type Body = Record<string, any>;
async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body | undefined; text: string }> {
  const res = await fetch(`${s.origin}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: Body | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}
const graph = (method: string, path: string, body?: unknown) => call(method, `/azure/v1.0${path}`, body);
const ok = async (p: Promise<{ status: number; body: Body | undefined }>, status = 200) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body!;
};

/** The seed guide over HTTP: users, assignment, Get Credentials, Save, Start, registration, removal, 30 days. */
async function walkTheSeedGuide(): Promise<void> {
  const ada = await ok(
    graph(
      'POST',
      '/users',
      newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada Lovelace', mailNickname: 'ada' }),
    ),
    201,
  );
  const bob = await ok(
    graph(
      'POST',
      '/users',
      newUser({ userPrincipalName: 'bob@contoso.com', displayName: 'Bob Byte', department: 'Sales' }),
    ),
    201,
  );
  const team = await ok(
    graph('POST', '/groups', {
      displayName: 'NordPass team',
      mailEnabled: false,
      securityEnabled: true,
      mailNickname: 'team',
    }),
    201,
  );
  await ok(
    graph('POST', `/groups/${team.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${bob.id}`,
    }),
    204,
  );
  const sps = await ok(graph('GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'NordPass'")}`));
  const sp = sps.value[0].id as string;
  await ok(graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: ada.id, resourceId: sp }), 201);
  const teamAssignment = await ok(
    graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: team.id, resourceId: sp }),
    201,
  );
  const credentials = await ok(call('POST', '/admin/provisioning/credentials'));
  await ok(
    graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: credentials.tenantUrl },
        { key: 'SecretToken', value: credentials.secretToken },
      ],
    }),
    204,
  );
  const jobs = await ok(graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`));
  const job = jobs.value[0].id as string;
  await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
  await ok(call('POST', '/_sim/clock/advance', { by: '5m' }));
  const members = await ok(call('GET', '/admin/members'));
  const adaMember = members.members.find((m: Body) => m.userName === 'ada@contoso.com');
  await ok(call('POST', `/admin/members/${adaMember.id}/accept-invitation`));
  // A check pinned on the way: it goes into the record as an expect step.
  await ok(call('POST', '/_sim/record/expect', { members: { ada: 'active', bob: 'pending' } }), 201);
  await ok(graph('PATCH', `/users/${bob.id}`, { jobTitle: 'Account manager' }), 204);
  await ok(graph('DELETE', `/servicePrincipals/${sp}/appRoleAssignedTo/${teamAssignment.id}`), 204);
  await ok(graph('DELETE', `/users/${ada.id}`), 204);
  await ok(call('POST', '/_sim/clock/advance', { by: '40m' }));
  await ok(call('POST', '/_sim/faults', { method: 'PATCH', status: 503, count: 1 }), 201);
  await ok(call('POST', '/_sim/clock/advance', { to: '2026-04-02T09:00:00Z' }));
}

describe('the record of a served world', () => {
  it('holds every change as a scenario step at its instant, and exports a scenario that replays to the same states', async () => {
    await walkTheSeedGuide();
    const record = await ok(call('GET', '/_sim/record'));
    expect(record.skipped).toEqual([]);
    expect(record.steps.map((s: Body) => (typeof s.step === 'string' ? s.step : Object.keys(s.step)[0]))).toEqual([
      'createUser',
      'createUser',
      'createGroup',
      'addToGroup',
      'assign',
      'assign',
      'getCredentials',
      'save',
      'start',
      'advance',
      'acceptInvitation',
      'expect',
      'editUser',
      'unassign',
      'deleteUser',
      'advance',
      'fault',
      'advanceTo',
    ]);
    expect(record.steps[2].step).toEqual({ createGroup: { name: 'NordPass-team', displayName: 'NordPass team' } });
    expect(record.steps[3].step).toEqual({ addToGroup: { group: 'NordPass-team', members: 'bob' } });
    expect(record.steps[16].step).toEqual({ fault: { method: 'PATCH', status: 503, count: 1, id: 'fault1' } });

    const exported = await call('GET', '/_sim/record/export');
    expect(exported.status).toBe(200);
    const yaml = exported.text;
    // No secret is written down: the token Get Credentials issued is "the one issued".
    expect(yaml).not.toContain(TOKEN);
    expect(yaml).not.toContain(ADMIN);
    expect(yaml).not.toMatch(/secretToken/);
    if (process.env.SHOW_EXPORT) console.log(yaml);
    const scenario = parseScenario(yaml, 'exported.yaml');
    expect(scenario.seed).toBe('walk');
    expect(scenario.start).toBe('2026-03-02T08:00:00.000Z');
    const replay = await runScenario(scenario);
    expect(replay.failure).toBeUndefined();
    expect(replay.passed).toBe(true);

    // The same states on both sides: the live world and the replay.
    const live = Object.fromEntries(s.nordpass.store.allMembers().map((m) => [m.userName, m.status]));
    const replayed = Object.fromEntries(replay.members.map((m) => [m.userName, m.status]));
    expect(live).toEqual({ 'ada@contoso.com': 'deleted', 'bob@contoso.com': 'deleted' });
    expect(replayed).toEqual(live);
    expect(replay.job.code).toBe(s.azure.job.status().code);
    expect(replay.end).toBe(s.clock.nowIso());
  });

  it('a pinned check that does not hold is refused with expected and actual, and not recorded', async () => {
    await ok(graph('POST', '/users', newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' })), 201);
    const refused = await call('POST', '/_sim/record/expect', { members: { ada: 'active' } });
    expect(refused.status).toBe(409);
    expect(refused.body!.mismatches).toEqual([{ what: 'members.ada', expected: 'active', actual: 'none' }]);
    expect((await call('POST', '/_sim/record/expect', { members: { nobody: 'active' } })).status).toBe(400);
    expect((await call('POST', '/_sim/record/expect', { members: { ada: 'sleeping' } })).status).toBe(400);
    const record = await ok(call('GET', '/_sim/record'));
    expect(record.steps.map((x: Body) => Object.keys(x.step)[0])).toEqual(['createUser']);
  });

  it('lists what no step can say, and the export says so in a comment', async () => {
    // A member created over SCIM by another client: not a tenant user the scenario names.
    const created = await fetch(`${s.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'zed@x.com' }),
    });
    const { id } = (await created.json()) as { id: string };
    await ok(call('DELETE', `/admin/members/${id}`));
    const record = await ok(call('GET', '/_sim/record'));
    expect(record.skipped).toEqual([
      {
        at: '2026-03-02T08:00:00.000Z',
        action: 'deleteMember',
        reason: 'member zed@x.com is no tenant user the scenario names',
      },
    ]);
    const yaml = (await call('GET', '/_sim/record/export')).text;
    expect(yaml).toContain('# Not in the steps (no step can say them):');
    expect(yaml).toContain('deleteMember: member zed@x.com is no tenant user the scenario names');
  });
});

describe('changes arriving together', () => {
  it('happen and are recorded one at a time, in the order they arrived, so the export replays them as they were', async () => {
    // With a data file every NordPass change waits for the disk, so a cycle spans many turns of the event loop
    // and a request arriving meanwhile would run in the middle of it.
    await s.close();
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-together-'));
    s = await startServer({
      host: '127.0.0.1',
      port: 0,
      scimToken: TOKEN,
      adminToken: ADMIN,
      seed: 'walk',
      start: '2026-03-02T08:00:00Z',
      dataFile: join(dir, 'w.json'),
    });
    const ada = await ok(
      graph('POST', '/users', newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' })),
      201,
    );
    const bob = await ok(
      graph('POST', '/users', newUser({ userPrincipalName: 'bob@contoso.com', displayName: 'Bob' })),
      201,
    );
    const sp = (await ok(graph('GET', '/servicePrincipals'))).value[0].id as string;
    await ok(graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: ada.id, resourceId: sp }), 201);
    const credentials = await ok(call('POST', '/admin/provisioning/credentials'));
    await ok(
      graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
        value: [
          { key: 'BaseAddress', value: credentials.tenantUrl },
          { key: 'SecretToken', value: credentials.secretToken },
        ],
      }),
      204,
    );
    const job = (await ok(graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`))).value[0].id as string;
    // Graph's start answers at once and leaves its cycle to the clock; Bob's assignment arrives with it.
    const start = graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`);
    const assign = graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: bob.id, resourceId: sp });
    await ok(start, 204);
    await ok(assign, 201);
    const steps = (await ok(call('GET', '/_sim/record'))).steps.map((x: Body) =>
      typeof x.step === 'string' ? x.step : JSON.stringify(x.step),
    );
    // Recorded in the order they arrived, the start as one that waits for the clock, so the replay does the same.
    expect(steps.slice(-2)).toEqual(['{"start":{"wait":true}}', '{"assign":"bob"}']);
    expect(s.nordpass.store.allMembers()).toEqual([]);
    // The initial cycle, at the start's instant, runs when the clock moves: both are provisioned, in the world and
    // in the replay.
    await ok(call('POST', '/_sim/clock/advance', { by: '40m' }));
    expect(s.nordpass.store.allMembers().map((m) => m.userName)).toEqual(['ada@contoso.com', 'bob@contoso.com']);
    const replay = await runScenario(parseScenario((await call('GET', '/_sim/record/export')).text, 'together.yaml'));
    expect(replay.failure).toBeUndefined();
    expect(replay.members.map((m) => [m.userName, m.status])).toEqual(
      s.nordpass.store.allMembers().map((m) => [m.userName, m.status]),
    );
    await s.close();
    await rm(dir, { recursive: true, force: true });
    s = await startServer({ host: '127.0.0.1', port: 0, scimToken: TOKEN, adminToken: ADMIN, seed: 'walk' });
  });
});

describe('POST /_sim/reset', () => {
  it('builds a new world from a header and starts the record again', async () => {
    await ok(graph('POST', '/users', newUser({ userPrincipalName: 'old@contoso.com', displayName: 'Old' })), 201);
    const reset = await ok(
      call('POST', '/_sim/reset', {
        name: 'Two users',
        seed: 7,
        start: '2027-01-01T00:00:00Z',
        nordpass: { softDeleteWindow: '7d' },
        tenant: { users: { ada: {}, bob: { displayName: 'Bob' } }, groups: { sales: { members: ['bob'] } } },
      }),
    );
    expect(reset).toMatchObject({
      name: 'Two users',
      seed: 7,
      start: '2027-01-01T00:00:00.000Z',
      now: '2027-01-01T00:00:00.000Z',
    });
    expect(reset.tenantUrl).toBe(`${s.origin}/scim/v2`);
    expect(await ok(call('GET', '/_sim/world'))).toEqual(reset);
    expect(await ok(call('GET', '/_sim/names'))).toEqual({
      users: [
        { name: 'ada', userPrincipalName: 'ada@contoso.com' },
        { name: 'bob', userPrincipalName: 'bob@contoso.com' },
      ],
      groups: [{ name: 'sales' }],
    });
    expect(reset.secretToken).toBe(TOKEN);
    expect([...s.azure.directory.users()].map((u) => u.userPrincipalName)).toEqual([
      'ada@contoso.com',
      'bob@contoso.com',
    ]);
    expect(s.nordpass.settings.softDeleteWindowMs).toBe(7 * 86_400_000);
    expect((await ok(call('GET', '/_sim/record'))).steps).toEqual([]);
    // The SCIM token still works in the new world.
    const list = await fetch(`${s.origin}/scim/v2/Users`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(200);
    expect((await ok(call('GET', '/_sim/clock'))).now).toBe('2027-01-01T00:00:00.000Z');
  });

  it('a world with variants and realistic cycles says so, and its export carries them, with who acted in the Admin Panel', async () => {
    const catalogue = await ok(call('GET', '/_sim/variants'));
    expect(Object.keys(catalogue.variants)).toContain('manualSuspendPurge');
    const reset = await ok(
      call('POST', '/_sim/reset', {
        name: 'Variants',
        seed: 8,
        start: '2027-01-01T00:00:00Z',
        provisioning: { cycleDuration: 'realistic' },
        variants: { manualSuspendPurge: 'startsPurge', retryAfter: 'honoured' },
        tenant: { users: { ada: {} } },
      }),
    );
    // Only what differs from the defaults is listed.
    expect(reset).toMatchObject({ cycleDuration: 'realistic', variants: { manualSuspendPurge: 'startsPurge' } });
    expect(Object.keys(reset.variants)).toEqual(['manualSuspendPurge']);
    const sp = s.azure.app.servicePrincipalId;
    const ada = s.azure.directory.userByUpn('ada@contoso.com')!;
    await ok(graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: ada.id, resourceId: sp }), 201);
    const credentials = await ok(call('POST', '/admin/provisioning/credentials'));
    await ok(
      graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
        value: [
          { key: 'BaseAddress', value: credentials.tenantUrl },
          { key: 'SecretToken', value: credentials.secretToken },
        ],
      }),
      204,
    );
    const job = (await ok(graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`))).value[0].id as string;
    await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
    await ok(call('POST', '/_sim/clock/advance', { by: '5m' }));
    const member = (await ok(call('GET', '/admin/members'))).members[0];
    await ok(call('POST', `/admin/members/${member.id}/accept-invitation`));
    const suspended = await ok(call('POST', `/admin/members/${member.id}/suspend?as=admin`));
    // startsPurge: the manual suspension has a purge deadline.
    expect(suspended.purgeAt).toBe('2027-01-31T00:05:00.000Z');
    const yaml = (await call('GET', '/_sim/record/export')).text;
    const scenario = parseScenario(yaml, 'exported.yaml');
    // As the world was given them: a pin of a default stays a pin (--variants all leaves it alone).
    expect(scenario.variants).toEqual({ manualSuspendPurge: 'startsPurge', retryAfter: 'honoured' });
    expect(scenario.provisioning).toMatchObject({ cycleDuration: 'realistic' });
    expect(scenario.steps.map((st) => [st.name, st.args]).filter(([n]) => n === 'suspendMember')).toEqual([
      ['suspendMember', { user: 'ada', as: 'admin' }],
    ]);
    const replay = await runScenario(scenario);
    expect(replay.failure).toBeUndefined();
    expect(replay.members.find((m) => m.name === 'ada')?.status).toBe('suspended');
    // A reset that names no variants keeps the world's, as it keeps its NordPass settings (serve's --variant).
    const again = await ok(call('POST', '/_sim/reset', {}));
    expect(again.variants).toEqual({ manualSuspendPurge: 'startsPurge' });
  });

  it('refuses a header it cannot build, and the world stays as it was', async () => {
    await ok(graph('POST', '/users', newUser({ userPrincipalName: 'keep@contoso.com', displayName: 'Keep' })), 201);
    for (const bad of [
      { start: 'yesterday' },
      { seed: { a: 1 } },
      { nordpass: { softDeleteWindow: 'long' } },
      { tenant: { groups: { sales: { members: ['nobody'] } } } },
      { tenant: { users: { ada: {}, bob: { userPrincipalName: 'ada@contoso.com' } } } },
      { steps: ['start'] },
    ]) {
      const r = await call('POST', '/_sim/reset', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body!.error.code).toBe('invalidRequest');
    }
    expect([...s.azure.directory.users()].map((u) => u.userPrincipalName)).toEqual(['keep@contoso.com']);
  });
});
