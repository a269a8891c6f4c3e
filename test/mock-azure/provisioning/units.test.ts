/** Unit tests for the engine's parts: escrow back-off, PATCH dialects, tenant URL flags, error codes, faults, paths, logs, plans. */
import { describe, expect, it } from 'vitest';
import { collectWork } from '../../../mock-azure/provisioning/collect.ts';
import { DEFAULT_ESCROW, Escrows } from '../../../mock-azure/provisioning/escrow.ts';
import { ExchangeLog } from '../../../mock-azure/scim-client/exchanges.ts';
import { errorText, ProvisioningLogs, toObjectSummary, type LogRecord } from '../../../mock-azure/provisioning/logs.ts';
import { desiredValues, matchingMappings, NON_GALLERY_MAPPINGS } from '../../../mock-azure/app/mappings.ts';
import { planFor, type Link } from '../../../mock-azure/provisioning/plan.ts';
import { errorCodeFor, parseTenantUrl, ScimClient } from '../../../mock-azure/scim-client/client.ts';
import { readTarget, writeTarget } from '../../../mock-azure/app/target-paths.ts';
import { createAzure } from '../../../mock-azure/tenant.ts';
import { FaultInjector } from '../../../mock-azure/scim-client/transport.ts';
import { Clock } from '../../../simulator/clock.ts';
import { Random } from '../../../simulator/random.ts';
import { DAY, MIN } from '../../helpers/engine.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The clock and random source expressions would read: these mappings are Direct, so nothing reads them. */
const NO_EXPRESSIONS = { now: () => 0, random: new Random('units'), rolesOf: () => [] };

describe('escrow', () => {
  it('backs off +40m, doubling, capped at 24h; a success clears the entry', () => {
    const e = new Escrows(DEFAULT_ESCROW);
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const entry = e.fail('u1', 'InternalServerError', 'boom', now)!;
      waits.push((entry.nextAttemptAt - now) / MIN);
      expect(entry.attempts).toBe(i + 1);
      now = entry.nextAttemptAt;
    }
    expect(waits).toEqual([40, 80, 160, 320, 640, 1280, 1440, 1440, 1440]);
    expect(e.get('u1')!.firstFailedAt).toBe(0);
    e.succeed('u1');
    expect(e.size).toBe(0);
  });

  it('follows a wait it is given (a honoured Retry-After), and gives up 28 days after the first failure', () => {
    const e = new Escrows(DEFAULT_ESCROW);
    expect(e.fail('u1', 'TooManyRequests', '', 0, 5_000)!.nextAttemptAt).toBe(5_000);
    expect(new Escrows(DEFAULT_ESCROW).fail('u1', 'TooManyRequests', '', 0)!.nextAttemptAt).toBe(40 * MIN);
    expect(e.fail('u1', 'X', '', 28 * DAY - 1)).toBeDefined();
    expect(e.fail('u1', 'X', '', 28 * DAY)).toBeUndefined();
    expect(e.size).toBe(0);
  });

  it('due() lists entries whose next attempt has come, in the order they failed', () => {
    const e = new Escrows(DEFAULT_ESCROW);
    e.fail('b', 'X', '', 0);
    e.fail('a', 'X', '', 10 * MIN);
    expect(e.due(40 * MIN - 1)).toEqual([]);
    expect(e.due(40 * MIN)).toEqual(['b']);
    expect(e.due(50 * MIN)).toEqual(['b', 'a']);
    e.clear();
    expect(e.due(DAY)).toEqual([]);
  });
});

describe('SCIM client', () => {
  const client = (tenantUrl: string) =>
    new ScimClient({
      transport: async () => new Response(null),
      clock: new Clock(0),
      random: new Random('c'),
      tenantUrl,
      secretToken: 't',
      exchanges: new ExchangeLog(),
    });

  it('reads SCIM flags off the Tenant URL and keeps a clean base', () => {
    expect(parseTenantUrl('https://np.example/scim/v2/?aadOptscim062020')).toEqual({
      base: 'https://np.example/scim/v2',
      flags: new Set(['aadoptscim062020']),
    });
    expect(parseTenantUrl('https://np.example/scim/v2/')).toEqual({
      base: 'https://np.example/scim/v2',
      flags: new Set(),
    });
    expect(() => parseTenantUrl('np.example/scim')).toThrow(/not a URL/);
    expect(client('https://np.example/scim?aadOptscim062020').dialect).toBe('rfc');
    expect(client('https://np.example/scim').dialect).toBe('entra');
  });

  it('default dialect: one capitalised Replace per attribute, booleans as "True"/"False"', () => {
    expect(
      client('https://x/scim').patchOperations([
        { path: 'displayName', value: 'A' },
        { path: 'emails[type eq "work"].value', value: 'a@x' },
        { path: 'active', value: false },
      ]),
    ).toEqual([
      { op: 'Replace', path: 'displayName', value: 'A' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'a@x' },
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
  });

  it('aadOptscim062020: value-filter paths separate, the rest in one path-less replace; a single attribute keeps its path', () => {
    const rfc = client('https://x/scim?aadOptscim062020');
    expect(
      rfc.patchOperations([
        { path: 'displayName', value: 'A' },
        { path: 'emails[type eq "work"].value', value: 'a@x' },
        { path: `${ENTERPRISE}:employeeNumber`, value: '7' },
      ]),
    ).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x' },
      { op: 'replace', value: { displayName: 'A', [`${ENTERPRISE}:employeeNumber`]: '7' } },
    ]);
    expect(rfc.patchOperations([{ path: 'active', value: false }])).toEqual([
      { op: 'replace', path: 'active', value: false },
    ]);
  });

  it("maps HTTP failures to Entra's error codes", () => {
    expect(errorCodeFor(401, 'query')).toBe('Unauthorized');
    expect(errorCodeFor(403, 'byId')).toBe('InsufficientRights');
    expect(errorCodeFor(404, 'byId')).toBe('InvalidAnchor');
    expect(errorCodeFor(404, 'query')).toBe('SystemForCrossDomainIdentityManagementServiceIncompatible');
    expect(errorCodeFor(409, 'create')).toBe('SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering');
    expect(errorCodeFor(409, 'byId')).toBe('EntryConflict');
    expect(errorCodeFor(422, 'create')).toBe('UnprocessableEntity');
    expect(errorCodeFor(429, 'create')).toBe('TooManyRequests');
    expect(errorCodeFor(501, 'create')).toBe('NotImplemented');
    expect(errorCodeFor(503, 'create')).toBe('InternalServerError');
    expect(errorCodeFor(400, 'create')).toBe('SystemForCrossDomainIdentityManagementBadRequest');
  });

  it('percent-encodes characters that would change the filter, and nothing else', async () => {
    const seen: string[] = [];
    const exchanges = new ExchangeLog();
    const c = new ScimClient({
      transport: async (r) => {
        seen.push(r.url);
        return Response.json({ totalResults: 0, Resources: [] });
      },
      clock: new Clock(0),
      random: new Random('c'),
      tenantUrl: 'https://x/scim',
      secretToken: 't',
      exchanges,
    });
    await c.findUsers('userName', 'a+b&c#d%e@x.com');
    await c.findUsers('userName', 'plain@x.com');
    expect(exchanges.all().map((e) => e.path)).toEqual([
      '/Users?filter=userName+eq+"a%2Bb%26c%23d%25e@x.com"',
      '/Users?filter=userName+eq+"plain@x.com"',
    ]);
    expect(new URL(seen[0]!).searchParams.get('filter')).toBe('userName eq "a+b&c#d%e@x.com"');
  });
});

describe('fault injector', () => {
  const req = (method: string, url: string) => new Request(url, { method });
  const ok = async () => new Response('{"ok":true}', { status: 200 });

  it('first match wins; count, from/until and method/path narrow it; paths match after the tenant URL or in full', async () => {
    const clock = new Clock(0);
    const f = new FaultInjector(clock);
    const t = f.wrap(ok);
    f.inject({ id: 'once', match: { method: 'post', path: '^/Users$' }, effect: { status: 500 }, count: 1 });
    f.inject({ id: 'later', match: { path: '/scim/v2/Users/' }, effect: { status: 404 }, from: 1_000, until: 2_000 });
    expect((await t(req('POST', 'http://h/scim/v2/Users'))).status).toBe(500);
    expect((await t(req('POST', 'http://h/scim/v2/Users'))).status).toBe(200);
    expect((await t(req('GET', 'http://h/scim/v2/Users/1'))).status).toBe(200);
    await clock.advance(1_000);
    expect((await t(req('GET', 'http://h/scim/v2/Users/1'))).status).toBe(404);
    await clock.advance(1_000);
    expect((await t(req('GET', 'http://h/scim/v2/Users/1'))).status).toBe(200);
    f.clear();
    expect(f.active()).toEqual([]);
  });

  it('timeouts and unreachable hosts throw; Retry-After and bodies are set; malformed bodies replace the real answer', async () => {
    const f = new FaultInjector(new Clock(0));
    const t = f.wrap(ok);
    f.inject({ id: 'a', effect: { timeout: true }, count: 1 });
    await expect(t(req('GET', 'http://h/Users'))).rejects.toMatchObject({ name: 'TransportError', kind: 'timeout' });
    f.inject({ id: 'b', effect: { unavailable: true }, count: 1 });
    await expect(t(req('GET', 'http://h/Users'))).rejects.toMatchObject({ kind: 'unavailable' });
    f.inject({ id: 'c', effect: { status: 429, retryAfterSeconds: 30 }, count: 1 });
    const limited = await t(req('GET', 'http://h/Users'));
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(await limited.json()).toMatchObject({
      status: '429',
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    });
    f.inject({ id: 'd', effect: { malformedBody: true }, count: 1 });
    const garbled = await t(req('GET', 'http://h/Users'));
    expect(garbled.status).toBe(200);
    await expect(garbled.clone().json()).rejects.toThrow();
  });
});

describe('target paths', () => {
  it('reads core, dotted, value-filtered and extension paths, case-insensitively', () => {
    const user = {
      UserName: 'a',
      name: { GivenName: 'Ada' },
      emails: [{ type: 'Work', value: 'a@x' }],
      [ENTERPRISE]: { department: 'R&D' },
    };
    expect(readTarget(user, 'userName')).toBe('a');
    expect(readTarget(user, 'name.givenName')).toBe('Ada');
    expect(readTarget(user, 'emails[type eq "work"].value')).toBe('a@x');
    expect(readTarget(user, 'phoneNumbers[type eq "work"].value')).toBeUndefined();
    expect(readTarget(user, `${ENTERPRISE}:department`)).toBe('R&D');
  });

  it('writes a POST body: containers and typed elements made as needed, the first email primary', () => {
    const body: Record<string, unknown> = {};
    writeTarget(body, 'name.givenName', 'Ada');
    writeTarget(body, 'emails[type eq "work"].value', 'a@x');
    writeTarget(body, 'phoneNumbers[type eq "mobile"].value', '1');
    writeTarget(body, `${ENTERPRISE}:department`, 'R&D');
    expect(body).toEqual({
      name: { givenName: 'Ada' },
      emails: [{ type: 'work', primary: true, value: 'a@x' }],
      phoneNumbers: [{ type: 'mobile', value: '1' }],
      [ENTERPRISE]: { department: 'R&D' },
    });
    expect(() => writeTarget(body, 'a b', 1)).toThrow(/unsupported target path/);
  });
});

describe('mappings', () => {
  it('leaves out empty values and creation-only mappings on update; matching in precedence order', () => {
    const user = {
      id: '1',
      userPrincipalName: 'a@x',
      displayName: 'A',
      mailNickname: 'a',
      accountEnabled: true,
      createdDateTime: 0,
      department: '',
    };
    const values = desiredValues(user, NON_GALLERY_MAPPINGS, 'create', NO_EXPRESSIONS);
    expect([...values.keys()]).toEqual(['userName', 'displayName', 'externalId']);
    expect(
      desiredValues(
        user,
        [{ source: 'displayName', target: 'displayName', apply: 'creation' }],
        'update',
        NO_EXPRESSIONS,
      ).size,
    ).toBe(0);
    expect(
      matchingMappings([
        { source: 'mail', target: 'emails', matchingPrecedence: 2 },
        { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
      ]).map((m) => m.target),
    ).toEqual(['userName', 'emails']);
  });
});

describe('exchanges and logs', () => {
  it('keeps the newest exchanges, counts all, finds by seq and cuts long bodies', () => {
    const log = new ExchangeLog(2);
    for (let i = 0; i < 3; i++)
      log.begin({ at: i, method: 'GET', url: 'u', path: '/p', requestBody: 'x'.repeat(5_000) });
    expect(log.total).toBe(3);
    expect(log.all().map((e) => e.seq)).toEqual([2, 3]);
    expect(log.bySeq(3)!.at).toBe(2);
    expect(log.all()[0]!.requestBody).toMatch(/…\(5000 chars\)$/);
  });

  const record = (over: Partial<LogRecord> = {}): LogRecord => ({
    id: 'r',
    at: Date.parse('2026-01-05T09:00:00Z'),
    cycleId: 'c',
    changeId: 'ch',
    jobId: 'j',
    action: 'Create',
    status: 'failure',
    initiatedBy: 'system',
    source: { id: 's', userPrincipalName: 'ada@x', displayName: 'Ada' },
    matching: 'created',
    scope: { inScope: true, softDeleted: false, accountEnabled: true },
    errorCode: 'InternalServerError',
    reason: 'StatusCode: InternalServerError',
    retries: { count: 2, nextAttempt: Date.parse('2026-01-05T11:40:00Z') },
    exchanges: [1, 2],
    ...over,
  });

  it('finds an entry by id, before and after the index is built, and forgets pruned ones', () => {
    const logs = new ProvisioningLogs(DAY);
    const t0 = Date.parse('2026-01-05T09:00:00Z');
    logs.add(record({ id: 'a', at: t0 }));
    logs.add(record({ id: 'b', at: t0 + DAY / 2 }));
    expect(logs.byId('a')?.at).toBe(t0);
    logs.add(record({ id: 'c', at: t0 + DAY }));
    expect(logs.byId('c')?.at).toBe(t0 + DAY);
    expect(logs.byId('nope')).toBeUndefined();
    logs.prune(t0 + DAY + 1);
    expect(logs.byId('a')).toBeUndefined();
    expect(logs.byId('b')?.id).toBe('b');
    logs.prune(t0 + 3 * DAY);
    expect([logs.byId('b'), logs.byId('c')]).toEqual([undefined, undefined]);
  });

  it("errorText appends Entra's retry sentence", () => {
    expect(errorText(record())).toBe(
      'StatusCode: InternalServerError This operation was retried 2 times. It will be retried again after this date: 2026-01-05T11:40:00.000Z UTC',
    );
    expect(errorText(record({ retries: { count: 5 } }))).toMatch(/retried 5 times\. It will not be retried\.$/);
    expect(errorText(record({ retries: undefined, reason: 'x' }))).toBe('x');
  });

  it("renders Graph's provisioningObjectSummary with steps and error information", () => {
    const s = toObjectSummary(record(), { displayName: 'NordPass', servicePrincipalId: 'sp', tenantId: 't' });
    expect(s).toMatchObject({
      provisioningAction: 'create',
      activityDateTime: '2026-01-05T09:00:00.000Z',
      provisioningStatusInfo: { status: 'failure', errorInformation: { errorCode: 'InternalServerError' } },
    });
    expect(s.provisioningSteps.map((p) => p.provisioningStepType)).toEqual([
      'import',
      'scoping',
      'matching',
      'processing',
      'export',
    ]);
    expect(s.provisioningSteps.at(-1)).toMatchObject({
      status: 'failure',
      details: { ErrorCode: 'InternalServerError' },
    });
    const ondemand = toObjectSummary(record({ status: 'success', errorCode: undefined, initiatedBy: 'onDemand' }), {
      displayName: 'NordPass',
      servicePrincipalId: 'sp',
      tenantId: 't',
    });
    expect(ondemand.initiatedBy.initiatorType).toBe('user');
    expect(ondemand.provisioningStatusInfo).toEqual({ status: 'success' });
  });

  it('prunes records older than the retention', () => {
    const logs = new ProvisioningLogs(30 * DAY);
    logs.add(record({ id: 'old', at: 0 }));
    logs.add(record({ id: 'new', at: 10 * DAY }));
    logs.prune(35 * DAY);
    expect(logs.all().map((r) => r.id)).toEqual(['new']);
    logs.prune(100 * DAY);
    expect(logs.all()).toEqual([]);
  });
});

describe('plan and collect (no HTTP)', () => {
  const setup = () => {
    const clock = new Clock('2026-01-05T09:00:00Z');
    const azure = createAzure({
      clock,
      random: new Random('p'),
      transport: async () => new Response(null, { status: 500 }),
    });
    const links = new Map<string, Link>();
    const add = (n: string) =>
      azure.directory.addUser({ userPrincipalName: `${n}@x.com`, mailNickname: n, displayName: n });
    return { clock, azure, links, add };
  };

  it('plans create / update / disable / delete / skip / forget from state alone', () => {
    const { azure, links, add } = setup();
    const { directory, app } = azure;
    const a = add('a');
    expect(planFor(a.id, directory, app, links)).toBeUndefined(); // not assigned, not linked
    app.assign(a.id);
    expect(planFor(a.id, directory, app, links)!.kind).toBe('create');
    links.set(a.id, { targetId: 't', userPrincipalName: 'a@x.com', active: true, managed: true });
    expect(planFor(a.id, directory, app, links)!.kind).toBe('update');
    app.unassign(a.id);
    expect(planFor(a.id, directory, app, links)).toMatchObject({ kind: 'disable', leavingScope: true });
    app.configure({ skipOutOfScopeDeletions: true });
    expect(planFor(a.id, directory, app, links)).toBeUndefined();
    app.assign(a.id);
    directory.blockSignIn(a.id);
    expect(planFor(a.id, directory, app, links)).toMatchObject({ kind: 'disable', leavingScope: false });
    links.get(a.id)!.active = false;
    expect(planFor(a.id, directory, app, links)).toBeUndefined(); // already disabled
    directory.deleteUser(a.id);
    directory.deleteUserPermanently(a.id);
    expect(planFor(a.id, directory, app, links)!.kind).toBe('delete');
    links.get(a.id)!.managed = false;
    expect(planFor(a.id, directory, app, links)!.kind).toBe('forget');
    const b = add('b');
    app.assign(b.id);
    directory.blockSignIn(b.id);
    expect(planFor(b.id, directory, app, links)!.kind).toBe('skipDisabled');
  });

  it('collects everyone in scope plus links without a watermark; only changes and due escrows with one', () => {
    const { azure, links, add } = setup();
    const { directory, app } = azure;
    const [a, b, c] = [add('a'), add('b'), add('c')];
    app.assign(a.id);
    app.assign(b.id);
    links.set(c.id, { targetId: 't', userPrincipalName: 'c@x.com', active: true, managed: true });
    expect([...collectWork(directory, app, links, undefined, [], undefined)]).toEqual([a.id, b.id, c.id]);
    const mark = { directorySeq: directory.seq, appSeq: app.changeSeq };
    expect([...collectWork(directory, app, links, mark, [], undefined)]).toEqual([]);
    directory.updateUser(b.id, { displayName: 'B' });
    expect([...collectWork(directory, app, links, mark, ['x'], new Set(['y']))]).toEqual([b.id, 'x', 'y']);
  });
});
