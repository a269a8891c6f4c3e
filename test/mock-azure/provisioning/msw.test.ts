/**
 * The engine against SCIM apps that misbehave, served by msw (no NordPass): duplicate matches, 500 storms,
 * 429s with the app's own Retry-After, garbage bodies. Virtual time throughout; msw answers at once.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorText } from '../../../mock-azure/provisioning/logs.ts';
import { createAzure } from '../../../mock-azure/tenant.ts';
import { httpTransport } from '../../../mock-azure/scim-client/transport.ts';
import { Clock } from '../../../simulator/clock.ts';
import { Random } from '../../../simulator/random.ts';
import { byMethod, MIN } from '../../helpers/engine.ts';

const BASE = 'https://scim.example.test/scim';
const TOKEN = 'msw-secret-token';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const list = (resources: unknown[]) =>
  HttpResponse.json({
    schemas: [LIST],
    totalResults: resources.length,
    Resources: resources,
    startIndex: 1,
    itemsPerPage: resources.length,
  });

/** A small well-behaved SCIM app in memory; `extra` handlers come first (first match wins) to make it misbehave. */
function app(extra: HttpHandler[] = []) {
  const users = new Map<string, Record<string, any>>();
  let next = 1;
  const handlers = [
    ...extra,
    http.get(`${BASE}/Users`, ({ request }) => {
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`)
        return HttpResponse.json({ status: '401' }, { status: 401 });
      const filter = new URL(request.url).searchParams.get('filter') ?? '';
      const m = /^userName eq "(.*)"$/.exec(filter);
      return list([...users.values()].filter((u) => m && u.userName.toLowerCase() === m[1]!.toLowerCase()));
    }),
    http.post(`${BASE}/Users`, async ({ request }) => {
      const body = (await request.json()) as Record<string, any>;
      const user = { ...body, id: `u${next++}` };
      users.set(user.id, user);
      return HttpResponse.json(user, { status: 201 });
    }),
    http.get(`${BASE}/Users/:id`, ({ params }) => {
      const user = users.get(params.id as string);
      return user ? HttpResponse.json(user) : HttpResponse.json({ status: '404' }, { status: 404 });
    }),
    http.patch(`${BASE}/Users/:id`, () => new HttpResponse(null, { status: 204 })),
    http.delete(`${BASE}/Users/:id`, ({ params }) =>
      users.delete(params.id as string)
        ? new HttpResponse(null, { status: 204 })
        : HttpResponse.json({ status: '404' }, { status: 404 }),
    ),
  ];
  server.use(...handlers);
  return users;
}

function tenant(upns: string[], engine: Parameters<typeof createAzure>[0]['engine'] = {}) {
  const clock = new Clock('2026-01-05T09:00:00Z');
  const azure = createAzure({ clock, random: new Random('msw'), transport: httpTransport(), engine });
  const users = upns.map((upn) =>
    azure.directory.addUser({ userPrincipalName: upn, mailNickname: upn.split('@')[0]!, displayName: upn }),
  );
  for (const u of users) azure.app.assign(u.id);
  const connect = async () => {
    await azure.job.saveCredentials(BASE, TOKEN);
    await azure.job.start();
  };
  return { clock, azure, users, connect };
}

describe('the engine against misbehaving SCIM apps (msw)', () => {
  it('2+ matches for the userName filter -> failure DuplicateTargetEntries, no POST, escrowed', async () => {
    const twins = [
      { id: 'a1', userName: 'ada@contoso.com', active: true },
      { id: 'a2', userName: 'ADA@contoso.com', active: true },
    ];
    app([
      http.get(`${BASE}/Users`, ({ request }) =>
        new URL(request.url).searchParams.get('filter')!.includes('ada@') ? list(twins) : undefined,
      ),
    ]);
    const { azure, users, connect } = tenant(['ada@contoso.com']);
    await connect();
    const record = azure.logs.query({ userId: users[0]!.id })[0]!;
    expect(record).toMatchObject({ action: 'Create', status: 'failure', errorCode: 'DuplicateTargetEntries' });
    expect(record.reason).toMatch(/2 users/);
    expect(byMethod(azure.exchanges.all(), 'POST')).toEqual([]);
    expect(azure.job.links.size).toBe(0);
    expect(azure.job.escrows.get(users[0]!.id)?.errorCode).toBe('DuplicateTargetEntries');
  });

  it('a 500 storm on every write: every user fails, is escrowed, and the proportion threshold quarantines the job', async () => {
    app([http.post(`${BASE}/Users`, () => HttpResponse.json({ status: '500', detail: 'storm' }, { status: 500 }))]);
    const { azure, connect } = tenant(['a@c.com', 'b@c.com', 'c@c.com', 'd@c.com'], {
      escrowThresholds: { evaluateFrom: 3, proportion: 0.4, total: 1000 },
    });
    await connect();
    expect(azure.logs.all().map((r) => r.errorCode)).toEqual(Array(4).fill('InternalServerError'));
    expect(azure.job.status()).toMatchObject({
      code: 'Quarantine',
      escrows: 4,
      quarantine: { reason: 'EncounteredEscrowProportionThreshold' },
    });
  });

  it("429 with the app's own Retry-After header (seconds or an HTTP date) sets the next attempt", async () => {
    let calls = 0;
    app([
      http.post(`${BASE}/Users`, () =>
        ++calls === 1
          ? HttpResponse.json({ status: '429' }, { status: 429, headers: { 'Retry-After': '5400' } })
          : undefined,
      ),
    ]);
    const { azure, clock, users, connect } = tenant(['ada@contoso.com']);
    const t0 = clock.now();
    await connect();
    expect(azure.logs.query({ userId: users[0]!.id })[0]).toMatchObject({
      errorCode: 'TooManyRequests',
      retries: { count: 0, nextAttempt: t0 + 90 * MIN },
    });
    await clock.advance('80m');
    expect(byMethod(azure.exchanges.all(), 'POST')).toHaveLength(1);
    await clock.advance('40m');
    expect(byMethod(azure.exchanges.all(), 'POST').map((e) => [(e.at - t0) / MIN, e.status])).toEqual([
      [0, 429],
      [120, 201],
    ]);
    // An HTTP-date Retry-After is read against the virtual clock.
    const dated = tenant(['bob@contoso.com']);
    const at = new Date(dated.clock.now() + 2 * 60 * MIN).toUTCString();
    server.use(
      http.post(
        `${BASE}/Users`,
        () => HttpResponse.json({ status: '429' }, { status: 429, headers: { 'Retry-After': at } }),
        { once: true },
      ),
    );
    await dated.connect();
    expect(dated.azure.logs.all()[0]).toMatchObject({
      errorCode: 'TooManyRequests',
      retries: { nextAttempt: dated.clock.now() + 120 * MIN },
    });
  });

  it('garbage bodies: a 200 that is not JSON, a 201 without an id, and Resources that is not a list -> ServiceIncompatible', async () => {
    app([
      http.get(`${BASE}/Users`, ({ request }) => {
        const filter = new URL(request.url).searchParams.get('filter')!;
        if (filter.includes('html@'))
          return new HttpResponse('<html>Login</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
        if (filter.includes('odd@'))
          return HttpResponse.json({ schemas: [LIST], totalResults: 1, Resources: { id: 'x' } });
        return undefined;
      }),
      http.post(`${BASE}/Users`, async ({ request }) => {
        const body = (await request.clone().json()) as { userName: string };
        return body.userName.startsWith('noid@')
          ? HttpResponse.json({ userName: body.userName }, { status: 201 })
          : undefined;
      }),
    ]);
    const { azure, connect } = tenant(['html@contoso.com', 'noid@contoso.com', 'odd@contoso.com', 'fine@contoso.com']);
    await connect();
    const byUpn = Object.fromEntries(azure.logs.all().map((r) => [r.source.userPrincipalName, r]));
    for (const upn of ['html@contoso.com', 'noid@contoso.com', 'odd@contoso.com']) {
      expect(byUpn[upn]).toMatchObject({
        status: 'failure',
        errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
      });
    }
    expect(byUpn['html@contoso.com']!.reason).toMatch(/not JSON/);
    expect(byUpn['noid@contoso.com']!.reason).toMatch(/no id/);
    expect(byUpn['fine@contoso.com']).toMatchObject({ action: 'Create', status: 'success' });
    expect(errorText(byUpn['odd@contoso.com']!)).toMatch(/This operation was retried 0 times/);
  });

  it('a probe answered with garbage or with results fails Test Connection, and Save is refused', async () => {
    app([http.get(`${BASE}/Users`, () => new HttpResponse('OK', { status: 200 }), { once: true })]);
    const { azure } = tenant([]);
    await expect(azure.job.saveCredentials(BASE, TOKEN)).rejects.toMatchObject({ code: 'CredentialValidationFailed' });
    server.use(http.get(`${BASE}/Users`, () => list([{ id: 'someone' }]), { once: true }));
    expect(await azure.job.testConnection(BASE, TOKEN)).toMatchObject({
      ok: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
    });
    expect(await azure.job.testConnection(BASE, TOKEN)).toEqual({ ok: true });
    expect(await azure.job.testConnection(BASE, 'wrong')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Unauthorized/),
    });
  });

  it('PATCH answered 204 with no body and GET showing active as the string "False" are understood', async () => {
    const users = app();
    const {
      azure,
      clock,
      users: [ada],
      connect,
    } = tenant(['ada@contoso.com']);
    await connect();
    const target = [...users.values()][0]!;
    target.active = 'False'; // someone disabled it in the app, with a string
    azure.directory.updateUser(ada!.id, { mailNickname: 'ada.l' });
    await clock.advance('40m');
    const patch = byMethod(azure.exchanges.all(), 'PATCH')[0]!;
    expect(patch.status).toBe(204);
    expect(JSON.parse(patch.requestBody!).Operations).toEqual([
      { op: 'Replace', path: 'externalId', value: 'ada.l' },
      { op: 'Replace', path: 'active', value: 'True' },
    ]);
    expect(azure.logs.all().at(-1)).toMatchObject({ action: 'Update', status: 'success' });
  });

  it('sends the Bearer token and application/scim+json on every request', async () => {
    const seen: Array<{ method: string; auth: string | null; type: string | null }> = [];
    server.events.on(
      'request:start',
      ({ request }) =>
        void seen.push({
          method: request.method,
          auth: request.headers.get('authorization'),
          type: request.headers.get('content-type'),
        }),
    );
    app();
    const { connect } = tenant(['ada@contoso.com']);
    await connect();
    server.events.removeAllListeners();
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'POST']);
    expect(seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen.find((s) => s.method === 'POST')!.type).toBe('application/scim+json');
  });
});
