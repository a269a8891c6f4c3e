/**
 * "Why?" over HTTP: what Entra will do at the next cycle with a tenant user or a NordPass member, and why. Each
 * answer is then checked against what the next cycle really logs, so the explanation cannot drift from the engine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../simulator/serve/server.ts';
import { newUser } from '../../helpers/graph.ts';

const ADMIN = 'why-admin-token';
let s: RunningServer;
beforeEach(async () => {
  s = await startServer({
    host: '127.0.0.1',
    port: 0,
    scimToken: 'why-scim-token',
    adminToken: ADMIN,
    start: '2026-03-02T08:00:00Z',
    seed: 'why',
  });
});
afterEach(async () => {
  await s.close();
});

type Body = Record<string, any>;
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${s.origin}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
const ok = async (p: Promise<{ status: number; body: Body }>, status = 200) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};
const graph = (method: string, path: string, body?: unknown) => call(method, `/azure/v1.0${path}`, body);
const why = (upn: string) => ok(call('GET', `/_sim/why/users/${encodeURIComponent(upn)}`));
const user = (upn: string) =>
  ok(
    graph('POST', '/users', newUser({ userPrincipalName: upn, displayName: upn.split('@')[0], mailNickname: 'x' })),
    201,
  );
const group = (displayName: string) =>
  ok(graph('POST', '/groups', { displayName, mailEnabled: false, securityEnabled: true, mailNickname: 'g' }), 201);
const addMember = (groupId: string, memberId: string) =>
  ok(
    graph('POST', `/groups/${groupId}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}`,
    }),
    204,
  );

let sp: string;
let job: string;
let secretToken: string;
async function configure(): Promise<void> {
  sp = (await ok(graph('GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'NordPass'")}`)))
    .value[0].id;
  const credentials = await ok(call('POST', '/admin/provisioning/credentials'));
  secretToken = credentials.secretToken;
  await ok(
    graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: credentials.tenantUrl },
        { key: 'SecretToken', value: credentials.secretToken },
      ],
    }),
    204,
  );
  job = (await ok(graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`))).value[0].id;
}
const assign = (principalId: string) =>
  ok(graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId, resourceId: sp }), 201);
const nextCycle = () => ok(call('POST', '/_sim/clock/advance', { by: '40m' }));
/** The actions the provisioning logs hold for a user, oldest first. */
const logged = (userId: string) =>
  s.azure.logs
    .all()
    .filter((r) => r.source.id === userId)
    .map((r) => `${r.action}:${r.status}`);

describe('Why? for a tenant user', () => {
  it('says why a user is out of scope, through which group another is in, and that nested groups do not count', async () => {
    await configure();
    const ada = await user('ada@contoso.com');
    const bob = await user('bob@contoso.com');
    const cy = await user('cy@contoso.com');
    const sales = await group('Sales');
    const emea = await group('EMEA sales');
    await addMember(sales.id, bob.id);
    await addMember(sales.id, emea.id);
    await addMember(emea.id, cy.id);
    await assign(sales.id);

    const a = await why('ada@contoso.com');
    expect(a.user).toMatchObject({ id: ada.id, userPrincipalName: 'ada@contoso.com', deleted: false });
    expect(a.scope).toEqual({
      inScope: false,
      through: [],
      text: 'Not in scope: NotEffectivelyEntitled: The user is not assigned to the application.',
    });
    expect(a.nextCycle).toEqual({
      action: 'None',
      text: 'Nothing: NotEffectivelyEntitled: The user is not assigned to the application. Nothing is sent to NordPass.',
    });
    expect(a.job.status).toBe('NotRun');

    const b = await why(bob.id);
    expect(b.scope.inScope).toBe(true);
    expect(b.scope.through).toEqual([{ principalType: 'Group', principalId: sales.id, principalDisplayName: 'Sales' }]);
    expect(b.scope.text).toBe('In scope: a member of the assigned group Sales.');
    expect(b.nextCycle.action).toBe('Create');
    expect(b.link).toBeNull();

    const c = await why('CY@contoso.com');
    expect(c.scope.inScope).toBe(false);
    expect(c.scope.text).toContain('nested in Sales, which is assigned, but nested groups are not expanded');

    // What the cycle then does agrees with what Why? said.
    await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
    await nextCycle();
    expect(logged(bob.id)).toEqual(['Create:success']);
    expect(logged(cy.id)).toEqual([]);
    expect(logged(ada.id)).toEqual([]);
  });

  it('follows a user through link, no change, blocked sign-in (disable) and the suspended member it links to', async () => {
    await configure();
    const ada = await user('ada@contoso.com');
    await assign(ada.id);
    await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
    await nextCycle();
    const linked = await why(ada.id);
    expect(linked.link).toMatchObject({ active: true, managed: true });
    expect(linked.job.status).toBe('Active');
    expect(linked.job.nextCycleAt).toMatch(/^2026-03-02T/);
    expect(linked.nextCycle.action).toBe('None');
    expect(linked.nextCycle.text).toContain('nothing about User');
    const memberId = linked.link.targetId as string;

    await ok(graph('PATCH', `/users/${ada.id}`, { accountEnabled: false }), 204);
    const blocked = await why(ada.id);
    expect(blocked.nextCycle.action).toBe('Disable');
    expect(blocked.nextCycle.text).toContain('IsSoftDeleted is true because sign-in is blocked');
    await nextCycle();
    expect(logged(ada.id)).toEqual(['Create:success', 'Disable:success']);

    const member = await ok(call('GET', `/_sim/why/members/${memberId}`));
    expect(member.member).toMatchObject({ id: memberId, userName: 'ada@contoso.com', status: 'forbidden' });
    expect(member.nordpass.purgeAt).toBe('2026-04-01T09:20:00.000Z');
    expect(member.nordpass.timeLeft).toBe('30d');
    expect(member.nordpass.text).toContain('Forbidden to accept the invitation');
    expect(member.entra.user.id).toBe(ada.id);
    expect(member.entra.nextCycle.action).toBe('None');
    // By userName too, as the Admin Panel finds members.
    expect((await ok(call('GET', '/_sim/why/members/ada@contoso.com'))).member.id).toBe(memberId);
  });

  it('names the escrow and when it retries, and a member no tenant user is linked to', async () => {
    await configure();
    const ada = await user('ada@contoso.com');
    await assign(ada.id);
    await ok(call('POST', '/_sim/faults', { method: 'POST', status: 503 }), 201);
    await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
    await ok(call('POST', '/_sim/clock/advance', { by: '1m' }));
    expect(logged(ada.id)).toEqual(['Create:failure']);
    const escrowed = await why(ada.id);
    expect(escrowed.escrow).toMatchObject({ attempts: 1 });
    expect(escrowed.escrow.text).toContain('It will be retried again after this date:');
    expect(escrowed.nextCycle.action).toBe('Create');

    // A member another SCIM client made: no tenant user is linked to it.
    const made = await fetch(`${s.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secretToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'zed@contoso.com' }),
    });
    expect(made.status).toBe(201);
    const zed = await ok(call('GET', `/_sim/why/members/${((await made.json()) as Body).id}`));
    expect(zed.entra).toBeNull();
    expect(zed.text).toContain('No tenant user is linked to this member');
  });

  it('answers 404 in the /_sim error shape for names it does not know, and changes nothing', async () => {
    const before = s.clock.nowIso();
    const r = await call('GET', '/_sim/why/users/nobody@contoso.com');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'notFound' });
    expect((await call('GET', '/_sim/why/members/nobody')).status).toBe(404);
    expect(s.clock.nowIso()).toBe(before);
  });
});

describe('what waits in the job, and the exchanges behind a log entry', () => {
  it('lists escrows with their retry instant, and serves each exchange a log entry names', async () => {
    await configure();
    const ada = await user('ada@contoso.com');
    await assign(ada.id);
    await ok(call('POST', '/_sim/faults', { method: 'POST', status: 503 }), 201);
    await ok(graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job}/start`), 204);
    await ok(call('POST', '/_sim/clock/advance', { by: '1m' }));
    const waiting = await ok(call('GET', '/_sim/job/waiting'));
    expect(waiting.escrowCount).toBe(1);
    expect(waiting.escrows[0]).toMatchObject({
      userId: ada.id,
      userPrincipalName: 'ada@contoso.com',
      attempts: 1,
      nextAttemptAt: '2026-03-02T08:40:00.000Z',
    });
    expect(waiting.stagedDeletes).toEqual([]);

    const logs = await ok(graph('GET', '/auditLogs/provisioning'));
    const entry = logs.value.find((e: Body) => e.sourceIdentity.id === ada.id);
    // Graph's entry has no exchanges field; /_sim has the exchanges behind it, each as /_sim/requests/{seq} shows it.
    expect(entry.exchanges).toBeUndefined();
    expect(entry.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const behind = await ok(call('GET', `/_sim/logs/${entry.id}/requests`));
    expect(behind.id).toBe(entry.id);
    const { exchanges } = behind as { exchanges: Body[] };
    expect(exchanges.length).toBeGreaterThan(0);
    for (const x of exchanges) expect(await ok(call('GET', `/_sim/requests/${x.seq}`))).toEqual(x);
    expect((await call('GET', '/_sim/logs/no-such-entry/requests')).status).toBe(404);
    const post = exchanges.find((x) => x.method === 'POST')!;
    expect(post).toMatchObject({ path: '/Users', status: 503 });
    expect(post.requestBody).toContain('ada@contoso.com');
    expect((await call('GET', '/_sim/requests/999999')).status).toBe(404);
    expect((await call('GET', '/_sim/requests/abc')).status).toBe(404);
  });
});
