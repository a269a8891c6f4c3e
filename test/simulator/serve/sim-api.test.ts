/** The /_sim face of a served world, in process over loopback: timers, faults, the request journal, the event stream. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../simulator/serve/server.ts';
import { call } from '../../helpers/served.ts';

const TOKEN = 'sim-api-scim-token';
const ADMIN = 'sim-api-admin-token';
const START = '2026-01-05T09:00:00Z';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let s: RunningServer;
beforeEach(async () => {
  s = await startServer({ host: '127.0.0.1', port: 0, scimToken: TOKEN, adminToken: ADMIN, start: START, seed: 'sim' });
});
afterEach(async () => {
  await s.close();
});

const sim = async (method: string, path: string, body?: unknown) => {
  const res = await call(s.origin, method, `/_sim${path}`, ADMIN, body);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

/** Ada assigned in Entra, the credentials saved, and the initial cycle run: the engine has sent its requests. */
async function provisionAda(): Promise<void> {
  const { directory, app, job } = s.azure;
  const ada = directory.addUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada', mailNickname: 'ada' });
  app.assign(ada.id);
  const credentials = await call(s.origin, 'POST', '/admin/provisioning/credentials', ADMIN);
  const { tenantUrl, secretToken } = (await credentials.json()) as { tenantUrl: string; secretToken: string };
  await job.saveCredentials(tenantUrl, secretToken);
  await job.start();
}

describe('/_sim/timers', () => {
  it('lists what will happen next in firing order: invitations, the next cycle, a purge', async () => {
    const created = await call(s.origin, 'POST', '/scim/v2/Users', TOKEN, { schemas: [USER], userName: 'bob@x.com' });
    const { id } = (await created.json()) as { id: string };
    const patch = await call(s.origin, 'PATCH', `/scim/v2/Users/${id}`, TOKEN, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(patch.status).toBe(200);
    await provisionAda();
    const carol = s.azure.directory.addUser({ userPrincipalName: 'carol@contoso.com', displayName: 'Carol' });
    s.azure.directory.deleteUser(carol.id);
    const { status, body } = await sim('GET', '/timers');
    expect(status).toBe(200);
    expect(body.now).toBe('2026-01-05T09:00:00.000Z');
    // Same instant: in the order they were scheduled (bob's invitation still fires; it sends nothing to a forbidden member).
    expect(body.timers).toEqual([
      { at: '2026-01-05T09:02:00.000Z', kind: 'invitation', label: 'invitation bob@x.com' },
      { at: '2026-01-05T09:02:00.000Z', kind: 'invitation', label: 'invitation ada@contoso.com' },
      { at: '2026-01-05T09:40:00.000Z', kind: 'cycle', label: 'provisioning cycle' },
      { at: '2026-02-04T09:00:00.000Z', kind: 'purge', label: 'purge bob@x.com' },
      {
        at: '2026-02-04T09:00:00.000Z',
        kind: 'recycleBinExpiry',
        label: 'directory: permanent deletion of carol@contoso.com',
      },
    ]);
    expect(body.total).toBe(5);
    expect((await sim('GET', '/timers?limit=1')).body.timers).toHaveLength(1);
    await sim('POST', '/clock/advance', { by: '5m' });
    expect((await sim('GET', '/timers')).body.timers.map((t: { kind: string }) => t.kind)).toEqual([
      'cycle',
      'purge',
      'recycleBinExpiry',
    ]);
  });

  it('refuses a limit it cannot read', async () => {
    for (const limit of ['0', '-1', 'x', '10001', '1e3']) {
      const { status, body } = await sim('GET', `/timers?limit=${limit}`);
      expect(status, limit).toBe(400);
      expect(body.error.code).toBe('invalidRequest');
    }
  });
});

describe('/_sim/faults', () => {
  it('injects a fault the engine then meets, lists it with its use count, and clears it by id', async () => {
    const made = await sim('POST', '/faults', { method: 'POST', path: '/Users', status: 503, count: 1 });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      id: 'fault1',
      match: { method: 'POST', path: '/Users' },
      effect: { status: 503 },
      from: '2026-01-05T09:00:00.000Z',
      count: 1,
      used: 0,
    });
    await provisionAda();
    expect(s.azure.logs.all().map((r) => [r.action, r.status])).toEqual([['Create', 'failure']]);
    expect((await sim('GET', '/faults')).body.faults).toMatchObject([{ id: 'fault1', used: 1 }]);
    expect((await sim('DELETE', '/faults/fault1')).status).toBe(204);
    expect((await sim('GET', '/faults')).body.faults).toEqual([]);
  });

  it('takes a window of virtual time and an id; clears all at once', async () => {
    const outage = await sim('POST', '/faults', { id: 'outage', unavailable: true, for: '3h' });
    expect(outage.body).toMatchObject({
      id: 'outage',
      effect: { unavailable: true },
      until: '2026-01-05T12:00:00.000Z',
    });
    await sim('POST', '/faults', { status: 429, retryAfter: '2m' });
    expect((await sim('GET', '/faults')).body.faults.map((f: { id: string }) => f.id)).toEqual(['outage', 'fault1']);
    expect((await sim('DELETE', '/faults')).status).toBe(204);
    expect((await sim('GET', '/faults')).body.faults).toEqual([]);
  });

  it('refuses what is not a fault, a taken id, and an unknown id, changing nothing', async () => {
    for (const bad of [
      { status: 'x' },
      { status: 99 },
      { path: '(' },
      { method: 'TRACE' },
      { for: 'soon' },
      { nonsense: true },
    ]) {
      const { status, body } = await sim('POST', '/faults', bad);
      expect(status, JSON.stringify(bad)).toBe(400);
      expect(body.error.message).toMatch(/^not a fault: /);
    }
    expect((await call(s.origin, 'POST', '/_sim/faults', ADMIN)).status).toBe(400);
    await sim('POST', '/faults', { id: 'x', status: 500 });
    expect((await sim('POST', '/faults', { id: 'x', status: 502 })).status).toBe(409);
    expect((await sim('DELETE', '/faults/nope')).status).toBe(404);
    expect((await sim('GET', '/faults')).body.faults).toMatchObject([{ id: 'x', effect: { status: 500 } }]);
  });
});

describe('/_sim/requests', () => {
  it('is the journal of what the engine sent, filterable, and never holds a token', async () => {
    await provisionAda();
    const all = await sim('GET', '/requests');
    expect(all.status).toBe(200);
    const lines = all.body.exchanges.map((x: { method: string; path: string; status: number }) => [x.method, x.status]);
    // Save's Test Connection probe, the initial cycle's probe, the lookup, the create.
    expect(lines).toEqual([
      ['GET', 200],
      ['GET', 200],
      ['GET', 200],
      ['POST', 201],
    ]);
    expect(all.body).toMatchObject({ total: 4, kept: 4, matching: 4 });
    const posts = await sim('GET', '/requests?method=post');
    expect(posts.body.exchanges).toHaveLength(1);
    expect(posts.body.exchanges[0].requestBody).toContain('ada@contoso.com');
    expect((await sim('GET', '/requests?status=201')).body.matching).toBe(1);
    expect((await sim('GET', '/requests?path=ada%40contoso.com')).body.matching).toBe(1);
    expect((await sim('GET', '/requests?since=3')).body.exchanges.map((x: { seq: number }) => x.seq)).toEqual([4]);
    expect((await sim('GET', '/requests?limit=2')).body.exchanges.map((x: { seq: number }) => x.seq)).toEqual([3, 4]);
    const text = JSON.stringify(all.body);
    expect(text).not.toContain(ADMIN);
    expect(text).not.toContain(s.azure.app.settings.secretToken!);
    expect((await sim('GET', '/requests?status=abc')).status).toBe(400);
    expect((await sim('GET', '/requests?since=-1')).status).toBe(400);
  });
});

describe('/_sim/events', () => {
  it('streams member transitions, cycles, log entries, clock moves, recorded steps and changes as server-sent events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${s.origin}/_sim/events`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}:\n${text}`);
        text += value;
      }
    };
    await until(/event: hello/);
    await provisionAda();
    await sim('POST', '/clock/advance', { by: '5m' });
    await until(/event: clock\ndata: .*"fired":1/);
    abort.abort();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => [m[1], JSON.parse(m[2]!)]);
    // Get Credentials over the Admin Panel and the advance over /_sim are steps of the record, too.
    // Each change through a face is told too (`change`), recorded as a step or not, so an open console draws it again.
    expect(events.map(([type]) => type)).toEqual([
      'hello',
      'step',
      'change',
      'member',
      'log',
      'cycle',
      'step',
      'clock',
    ]);
    expect(events[1]![1]).toEqual({ type: 'step', at: '2026-01-05T09:00:00.000Z', step: 'getCredentials' });
    expect(events[2]![1]).toEqual({ type: 'change', at: '2026-01-05T09:00:00.000Z', action: 'getCredentials' });
    expect(events[6]![1]).toEqual({ type: 'step', at: '2026-01-05T09:05:00.000Z', step: { advance: '5m' } });
    events.splice(6, 1);
    events.splice(1, 2);
    expect(events[1]![1]).toMatchObject({
      type: 'member',
      userName: 'ada@contoso.com',
      event: 'created',
      from: null,
      to: 'pending',
    });
    expect(events[2]![1]).toMatchObject({ type: 'log', action: 'Create', status: 'success', user: 'ada@contoso.com' });
    expect(events[3]![1]).toMatchObject({ type: 'cycle', kind: 'initial', state: 'Succeeded', countExported: 1 });
    expect(events[4]![1]).toEqual({ type: 'clock', at: '2026-01-05T09:05:00.000Z', fired: 1 });
  });

  it('needs the admin token', async () => {
    const res = await fetch(`${s.origin}/_sim/events`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'send Authorization: Bearer <admin token>, or sign in with the link serve printed',
      },
    });
  });
});

describe('a world whose deadlines would fall past the clock', () => {
  it('is not built: a soft-delete window over ten years is a 400, and the world stays as it was', async () => {
    const before = s.session.summary();
    for (const nordpass of [{ softDeleteWindow: '99999999d' }, { invitationDelay: '3651d' }]) {
      const { status, body } = await sim('POST', '/reset', { nordpass });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(/longer than ten years/);
    }
    expect(s.session.summary().generation).toBe(before.generation);
    expect((await sim('POST', '/reset', { nordpass: { softDeleteWindow: '3650d' } })).status).toBe(200);
  });
});
