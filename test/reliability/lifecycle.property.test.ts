/**
 * Property-based (fast-check): random sequences of actions on both sides (Entra: assign, unassign, soft and
 * hard delete, restore, token rotation and re-entry, faults; NordPass: accept invitation, restore, delete;
 * clock advances of random length) checked against a small reference model of the member lifecycle, which
 * follows every SCIM request NordPass answers and every Admin Panel action, and fires its own invitation and
 * purge deadlines. A failure prints fast-check's seed, path and shrunk sequence.
 *
 * SCIMSIM_PROPERTY_RUNS sets the number of runs (npm test: 1,000; npm run test:long: 100,000);
 * SCIMSIM_PROPERTY_SEED (and SCIMSIM_PROPERTY_PATH) replay a reported failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../mock-azure/provisioning/logs.ts';
import type { Transport } from '../../mock-azure/scim-client/transport.ts';
import { createAzure } from '../../mock-azure/tenant.ts';
import { Clock } from '../../simulator/clock.ts';
import { createNordPass } from '../../simulator/nordpass/app.ts';
import type { Member, MemberStatus } from '../../simulator/nordpass/model.ts';
import { Random } from '../../simulator/random.ts';
import { isProbe } from '../helpers/engine.ts';

const RUNS = Number(process.env.SCIMSIM_PROPERTY_RUNS ?? 1_000);
const SEED = process.env.SCIMSIM_PROPERTY_SEED === undefined ? undefined : Number(process.env.SCIMSIM_PROPERTY_SEED);
const PATH = process.env.SCIMSIM_PROPERTY_PATH;

const MIN = 60_000;
const DAY = 86_400_000;
const WINDOW = 30 * DAY;
const INVITATION_DELAY = 2 * MIN;
const ADMIN = 'property-admin-token';
const NAMES = ['ada', 'bob', 'cy'] as const;
// Entra's 40 minutes would spend most of a run on empty cycles over 30-day advances; 12 hours keeps 1,000 runs under
// 20 s and still puts a cycle exactly on every purge deadline (30 days is a whole number of cycles), the instant
// where a restore must lose to the purge.
const CYCLE_MS = Number(process.env.SCIMSIM_PROPERTY_CYCLE_MS ?? 12 * 3_600_000);
type Name = (typeof NAMES)[number];

type Op =
  | {
      op:
        | 'assign'
        | 'unassign'
        | 'deleteUser'
        | 'restoreUser'
        | 'deletePermanently'
        | 'acceptInvitation'
        | 'restoreMember'
        | 'deleteMember';
      user: Name;
    }
  | { op: 'rotateToken' | 'reconnect' | 'clearFaults' }
  | { op: 'fault'; effect: 'status500' | 'status429' | 'timeout' | 'unavailable' | 'malformedBody'; count: number }
  | { op: 'advance'; ms: number };

const name = fc.constantFrom(...NAMES);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: name.map((user) => ({ op: 'assign' as const, user })) },
  { weight: 3, arbitrary: name.map((user) => ({ op: 'unassign' as const, user })) },
  { weight: 2, arbitrary: name.map((user) => ({ op: 'deleteUser' as const, user })) },
  { weight: 2, arbitrary: name.map((user) => ({ op: 'restoreUser' as const, user })) },
  { weight: 1, arbitrary: name.map((user) => ({ op: 'deletePermanently' as const, user })) },
  { weight: 5, arbitrary: name.map((user) => ({ op: 'acceptInvitation' as const, user })) },
  { weight: 2, arbitrary: name.map((user) => ({ op: 'restoreMember' as const, user })) },
  { weight: 1, arbitrary: name.map((user) => ({ op: 'deleteMember' as const, user })) },
  { weight: 1, arbitrary: fc.constant({ op: 'rotateToken' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clearFaults' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('fault' as const),
      effect: fc.constantFrom('status500', 'status429', 'timeout', 'unavailable', 'malformedBody'),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc
      .oneof(
        // The instants where the lifecycle turns, and any length up to 31 days.
        fc.constantFrom(1, INVITATION_DELAY, 40 * MIN, DAY, WINDOW - 1, WINDOW, WINDOW + 1),
        fc.integer({ min: 1, max: 31 * DAY }),
      )
      .map((ms) => ({ op: 'advance' as const, ms })),
  },
);

/** One member as the reference model expects it. */
interface Expected {
  id: string;
  userName: string;
  status: MemberStatus;
  invitationDueAt?: number;
  invitedAt?: number;
  softDeletedAt?: number;
  purgeAt?: number;
  before?: 'pending' | 'active';
  deletedAt?: number;
}

const isSoft = (s: MemberStatus) => s === 'suspended' || s === 'forbidden';

/** The lifecycle as README.md and DESIGN.md state it, driven by what NordPass was asked and answered. */
class Model {
  readonly members = new Map<string, Expected>();

  /** Fires the model's own deadlines due at or before `now`, in time order. */
  fireUntil(now: number): void {
    for (;;) {
      let next: { at: number; m: Expected; kind: 'invitation' | 'purge' } | undefined;
      for (const m of this.members.values()) {
        if (m.invitationDueAt !== undefined && m.invitationDueAt <= now && (!next || m.invitationDueAt < next.at))
          next = { at: m.invitationDueAt, m, kind: 'invitation' };
        if (m.purgeAt !== undefined && isSoft(m.status) && m.purgeAt <= now && (!next || m.purgeAt < next.at))
          next = { at: m.purgeAt, m, kind: 'purge' };
      }
      if (!next) return;
      if (next.kind === 'invitation') {
        delete next.m.invitationDueAt;
        if (next.m.status === 'pending') next.m.invitedAt = next.at;
      } else {
        this.finish(next.m, next.at);
      }
    }
  }

  live(userName: string): Expected | undefined {
    for (const m of this.members.values())
      if (m.status !== 'deleted' && m.userName.toLowerCase() === userName.toLowerCase()) return m;
    return undefined;
  }

  latest(userName: string): Expected | undefined {
    let found: Expected | undefined;
    for (const m of this.members.values()) if (m.userName.toLowerCase() === userName.toLowerCase()) found = m;
    return found;
  }

  create(id: string, userName: string, now: number): void {
    expect(this.live(userName), `POST created a second live ${userName}`).toBeUndefined();
    this.members.set(id, { id, userName, status: 'pending', invitationDueAt: now + INVITATION_DELAY });
  }

  softDelete(m: Expected, now: number): void {
    if (isSoft(m.status)) return; // a second Disable keeps the deadline
    m.before = m.status as 'pending' | 'active';
    m.status = m.status === 'active' ? 'suspended' : 'forbidden';
    m.softDeletedAt = now;
    m.purgeAt = now + WINDOW;
  }

  restore(m: Expected, now: number): void {
    if (!isSoft(m.status)) return;
    expect(now, `restore of ${m.userName} after its purge deadline`).toBeLessThan(m.purgeAt!);
    m.status = m.before!;
    delete m.before;
    delete m.softDeletedAt;
    delete m.purgeAt;
  }

  finish(m: Expected, now: number): void {
    m.status = 'deleted';
    m.deletedAt = now;
    delete m.invitationDueAt;
  }
}

/** What the engine asks for in a PATCH: the requested `active`, if any (every dialect it speaks). */
function requestedActive(body: string | undefined): boolean | undefined {
  if (!body) return undefined;
  const parsed = JSON.parse(body) as { Operations?: Array<{ op?: string; path?: string; value?: unknown }> };
  let active: boolean | undefined;
  const read = (v: unknown) => (typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true');
  for (const o of parsed.Operations ?? []) {
    if (typeof o.path === 'string' && o.path.toLowerCase() === 'active') active = read(o.value);
    else if (o.path === undefined && o.value && typeof o.value === 'object' && 'active' in o.value)
      active = read((o.value as { active: unknown }).active);
  }
  return active;
}

const SCIM_STATUSES = new Set([200, 201, 204, 401, 404, 409]);

/** RFC 7644 shapes: media type, error bodies, ListResponse, created resources. */
function checkWellFormed(method: string, path: string, res: Response, text: string): void {
  const what = `${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`;
  expect(SCIM_STATUSES.has(res.status), what).toBe(true);
  if (res.status === 204) return void expect(text, what).toBe('');
  expect(res.headers.get('content-type'), what).toMatch(/^application\/scim\+json/);
  const body = JSON.parse(text) as Record<string, any>;
  if (res.status >= 400) {
    expect(body.schemas, what).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(body.status, what).toBe(String(res.status));
    expect(typeof body.detail, what).toBe('string');
    if (res.status === 409) expect(body.scimType, what).toBe('uniqueness');
    return;
  }
  if (method === 'GET' && /\/Users\?/.test(path)) {
    expect(body.schemas, what).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(Number.isInteger(body.totalResults) && body.totalResults >= 0, what).toBe(true);
    const resources = (body.Resources ?? []) as Array<Record<string, any>>;
    expect(body.itemsPerPage, what).toBe(resources.length);
    for (const r of resources) checkUser(r, what);
    return;
  }
  if (res.status === 200 && method === 'PATCH' && text === '') return;
  checkUser(body, what);
  if (res.status === 201) expect(res.headers.get('location'), what).toBe(body.meta.location);
}

function checkUser(r: Record<string, any>, what: string): void {
  expect(typeof r.id, what).toBe('string');
  expect(typeof r.userName, what).toBe('string');
  expect(r.schemas, what).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
  expect(typeof r.active, what).toBe('boolean');
  expect(r.meta?.resourceType, what).toBe('User');
  expect(r.meta?.location, what).toMatch(new RegExp(`/Users/${r.id}$`));
}

async function runSequence({ assigned, ops }: { assigned: Name[]; ops: Op[] }): Promise<void> {
  const clock = new Clock('2026-01-05T09:00:00Z');
  const random = new Random('property');
  const np = createNordPass({ clock, random: random.fork('nordpass'), adminToken: ADMIN });
  const model = new Model();
  let seenByNordPass = 0;

  // The engine's transport: NordPass's own fetch, watched. Faults wrap it, so only real requests arrive here.
  const watched: Transport = async (request) => {
    seenByNordPass++;
    const method = request.method;
    const url = new URL(request.url);
    const path = `${url.pathname.replace(/^\/scim\/v2/, '')}${url.search}`;
    const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await request.clone().text() : undefined;
    model.fireUntil(clock.now());
    const res = await np.fetch(request);
    const text = await res.clone().text();
    checkWellFormed(method, decodeURIComponent(path), res, text);
    observe(method, url.pathname, url.search, body, res.status, text, clock.now());
    return res;
  };

  const observe = (
    method: string,
    pathname: string,
    search: string,
    body: string | undefined,
    status: number,
    text: string,
    now: number,
  ) => {
    const id = /\/Users\/([^/?]+)$/.exec(pathname)?.[1];
    const target = id === undefined ? undefined : model.members.get(decodeURIComponent(id));
    const live = target !== undefined && target.status !== 'deleted';
    if (method === 'POST' && id === undefined) {
      const sent = JSON.parse(body!) as { userName: string; active?: unknown };
      if (status === 201) {
        const created = JSON.parse(text) as { id: string; userName: string };
        model.create(created.id, created.userName, now);
        if (sent.active === false) model.softDelete(model.members.get(created.id)!, now);
      } else {
        expect(status).toBe(409);
        expect(model.live(sent.userName), `409 on POST but no live ${sent.userName}`).toBeDefined();
      }
    } else if (id !== undefined) {
      // A request by id succeeds exactly when the model has the member live.
      expect(status === 404, `${method} ${pathname}: ${status}, model has ${target?.status ?? 'nothing'}`).toBe(!live);
      if (status >= 400) return;
      if (method === 'DELETE') model.finish(target!, now);
      if (method === 'PATCH') {
        const active = requestedActive(body);
        if (active === false) model.softDelete(target!, now);
        if (active === true) model.restore(target!, now);
      }
      if (method === 'GET') expect((JSON.parse(text) as { active: boolean }).active).toBe(!isSoft(target!.status));
    } else if (method === 'GET') {
      // userName eq "..." lookups: what the model holds, soft-deleted members included.
      const wanted = /^\?filter=userName\+eq\+"(.*)"$/.exec(decodeURIComponent(search))?.[1];
      if (wanted !== undefined)
        expect((JSON.parse(text) as { totalResults: number }).totalResults).toBe(model.live(wanted) ? 1 : 0);
    }
  };

  const azure = createAzure({
    clock,
    random: random.fork('azure'),
    transport: watched,
    engine: { cycleIntervalMs: CYCLE_MS },
  });
  const records: LogRecord[] = [];
  const add = azure.logs.add.bind(azure.logs);
  // Logs are pruned after 30 days; the accounting below needs every record ever written.
  azure.logs.add = (record) => {
    records.push(record);
    add(record);
  };
  const users = new Map<Name, string>();
  for (const n of NAMES)
    users.set(
      n,
      azure.directory.addUser({ userPrincipalName: `${n}@contoso.com`, displayName: n, mailNickname: n }).id,
    );

  const admin = async (method: string, path: string) =>
    np.fetch(
      new Request(`http://127.0.0.1:8080/admin${path}`, { method, headers: { Authorization: `Bearer ${ADMIN}` } }),
    );
  let token = ((await (await admin('POST', '/provisioning/credentials')).json()) as { secretToken: string })
    .secretToken;
  const tenantUrl = np.tenantUrl();
  for (const n of assigned) azure.app.assign(users.get(n)!);
  await azure.job.saveCredentials(tenantUrl, token);
  await azure.job.start();

  const everSeen = new Set<string>();
  const check = () => {
    model.fireUntil(clock.now());
    const actual = np.store.allMembers();
    expect(actual.length, 'members in the store vs the model').toBe(model.members.size);
    const liveNames = new Set<string>();
    for (const m of actual) {
      const e = model.members.get(m.id);
      expect(e, `member ${m.id} (${m.userName}) unknown to the model`).toBeDefined();
      expect(pick(m), `member ${m.userName}`).toEqual(pick(e!));
      if (m.status !== 'deleted') {
        // No two live members share a userName.
        expect(liveNames.has(m.userName.toLowerCase()), `two live members named ${m.userName}`).toBe(false);
        liveNames.add(m.userName.toLowerCase());
      }
      checkHistory(m);
      everSeen.add(m.id);
    }
    // No member disappears: every id ever seen is still there (deleted members are kept with their history).
    for (const id of everSeen) expect(np.store.memberById(id), `member ${id} disappeared`).toBeDefined();
    // The logs account for every request: each one is a Test Connection probe or belongs to exactly one record.
    const owner = new Map<number, string>();
    for (const r of records)
      for (const seq of r.exchanges) {
        expect(owner.has(seq), `exchange ${seq} is in two log records`).toBe(false);
        owner.set(seq, r.id);
      }
    let injected = 0;
    for (const x of azure.exchanges.all()) {
      if (`${x.error ?? ''}${x.responseBody ?? ''}`.includes('injected fault')) injected++;
      if (!isProbe(x))
        expect(owner.has(x.seq), `${x.method} ${x.path} (exchange ${x.seq}) is in no log record`).toBe(true);
    }
    for (const seq of owner.keys())
      expect(azure.exchanges.bySeq(seq), `log record names exchange ${seq}, which was never sent`).toBeDefined();
    expect(azure.exchanges.total).toBe(azure.exchanges.all().length);
    expect(seenByNordPass, 'requests NordPass saw vs exchanges sent less injected faults').toBe(
      azure.exchanges.total - injected,
    );
  };

  let faults = 0;
  for (const o of ops) {
    const id = 'user' in o ? users.get(o.user)! : '';
    const upn = 'user' in o ? `${o.user}@contoso.com` : '';
    switch (o.op) {
      case 'assign':
        if (azure.directory.user(id) && !azure.app.isAssigned(id)) azure.app.assign(id);
        break;
      case 'unassign':
        if (azure.app.isAssigned(id)) azure.app.unassign(id);
        break;
      case 'deleteUser':
        if (azure.directory.user(id)) azure.directory.deleteUser(id);
        break;
      case 'restoreUser':
        if (azure.directory.deletedUser(id)) azure.directory.restoreUser(id);
        break;
      case 'deletePermanently':
        if (azure.directory.deletedUser(id)) azure.directory.deleteUserPermanently(id);
        break;
      case 'acceptInvitation':
      case 'restoreMember':
      case 'deleteMember': {
        model.fireUntil(clock.now());
        const m = model.latest(upn);
        if (!m) break;
        const path =
          o.op === 'acceptInvitation'
            ? `/members/${m.id}/accept-invitation`
            : o.op === 'restoreMember'
              ? `/members/${m.id}/restore`
              : `/members/${m.id}`;
        const res = await admin(o.op === 'deleteMember' ? 'DELETE' : 'POST', path);
        const now = clock.now();
        if (o.op === 'acceptInvitation') {
          const expected =
            m.status === 'deleted'
              ? 404
              : m.status === 'forbidden'
                ? 403
                : m.status === 'pending' && m.invitedAt !== undefined
                  ? 200
                  : 409;
          expect(res.status, `accept ${upn} (${m.status})`).toBe(expected);
          if (expected === 200) {
            m.status = 'active';
            delete m.invitationDueAt;
          }
        } else if (o.op === 'restoreMember') {
          // A restore succeeds only inside the window: past the deadline the member is already deleted.
          const expected = isSoft(m.status) ? 200 : 409;
          expect(res.status, `restore ${upn} (${m.status})`).toBe(expected);
          if (expected === 200) model.restore(m, now);
        } else {
          const expected = m.status === 'deleted' ? 409 : 200;
          expect(res.status, `delete ${upn} (${m.status})`).toBe(expected);
          if (expected === 200) model.finish(m, now);
        }
        break;
      }
      case 'rotateToken': {
        const res = await admin('POST', '/provisioning/credentials');
        const old = token;
        token = ((await res.json()) as { secretToken: string }).secretToken;
        // The old token fails at once.
        const probe = await np.fetch(
          new Request(`${tenantUrl}/Users?count=0`, { headers: { Authorization: `Bearer ${old}` } }),
        );
        expect(probe.status).toBe(401);
        break;
      }
      case 'reconnect':
        try {
          await azure.job.saveCredentials(tenantUrl, token);
        } catch (error) {
          // Save runs Test Connection, which an injected fault may fail; then the job keeps what it had.
          expect(azure.faults.active().length, (error as Error).message).toBeGreaterThan(0);
          break;
        }
        await azure.job.start();
        break;
      case 'clearFaults':
        azure.faults.clear();
        break;
      case 'fault': {
        const effect =
          o.effect === 'status500'
            ? { status: 500 }
            : o.effect === 'status429'
              ? { status: 429, retryAfterSeconds: 60 }
              : o.effect === 'timeout'
                ? { timeout: true as const }
                : o.effect === 'unavailable'
                  ? { unavailable: true as const }
                  : { malformedBody: true as const };
        azure.faults.inject({ id: `f${++faults}`, effect, count: o.count });
        break;
      }
      case 'advance':
        await clock.advance(o.ms);
        break;
    }
    check();
  }
  // Long enough for every pending deadline: each purge must still fire exactly on time (cycles off: they only cost time).
  azure.job.stop();
  await clock.advance(WINDOW + DAY);
  check();
  for (const m of np.store.allMembers()) for (const e of m.history) STATS.set(e.type, (STATS.get(e.type) ?? 0) + 1);
  STATS.set('exchanges', (STATS.get('exchanges') ?? 0) + azure.exchanges.total);
}

/** Member events over all runs, printed with SCIMSIM_PROPERTY_STATS=1 (to see that the sequences reach every state). */
const STATS = new Map<string, number>();

const pick = (m: Member | Expected) => ({
  status: m.status,
  userName: m.userName,
  softDeletedAt: m.softDeletedAt,
  purgeAt: m.purgeAt,
  deletedAt: m.deletedAt,
  invitedAt: m.invitedAt,
});

/** A member's own history: a chain of transitions; purges exactly at soft delete + window; restores only inside it. */
function checkHistory(m: Member): void {
  let status: MemberStatus | undefined;
  let softAt: number | undefined;
  for (const e of m.history) {
    if (e.from !== undefined)
      expect(e.from, `${m.userName}: ${e.type} from ${e.from}, but it was ${status}`).toBe(status);
    if (e.to !== undefined) status = e.to;
    if (e.type === 'suspended' || e.type === 'forbidden') softAt = e.at;
    if (e.type === 'purged') {
      expect(softAt, `${m.userName} purged without a soft delete`).toBeDefined();
      expect(e.at - softAt!, `${m.userName} purged ${e.at - softAt!} ms after the soft delete`).toBe(WINDOW);
    }
    if (e.type === 'restored') {
      expect(e.at - softAt!, `${m.userName} restored after the window`).toBeLessThan(WINDOW);
      softAt = undefined;
    }
  }
  expect(status).toBe(m.status);
  const last = m.history.at(-1)!;
  // Deleted only by a purge or a delete, and nothing happens after that.
  if (m.status === 'deleted') expect(['purged', 'deleted']).toContain(last.type);
}

describe('the lifecycle under random actions on both sides (fast-check)', () => {
  it(`holds its invariants over ${RUNS} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ assigned: fc.subarray([...NAMES]), ops: fc.array(opArb, { minLength: 1, maxLength: 12 }) }),
        runSequence,
      ),
      {
        numRuns: RUNS,
        ...(SEED !== undefined ? { seed: SEED } : {}),
        ...(PATH !== undefined ? { path: PATH } : {}),
        endOnFailure: false,
      },
    );
    if (process.env.SCIMSIM_PROPERTY_STATS) console.log(Object.fromEntries(STATS));
  }, 3_600_000);
});
