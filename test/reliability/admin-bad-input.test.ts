/**
 * Bad input to the NordPass Admin Panel face (/admin) of a served world, table-driven. Every error case checks the
 * exact status, the face's error shape `{"error": {"code", "message"}}` with the expected code, that the world is
 * unchanged (everything observable, and the member's SCIM `meta.version` / `lastModified`), and that the server
 * still serves afterwards (reads on every face, then a clock advance). Valid-but-odd inputs check the success.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  type Answer,
  answer,
  changedParts,
  type FacesWorld,
  facesWorld,
  type RawBody,
  scimView,
  snapshotOf,
} from '../helpers/faces.ts';
import { BODY_LIMIT, codes, nested, paddedTo, statuses, streamed } from '../helpers/bad-input.ts';

interface Ctx {
  w: FacesWorld;
  /** The member whose SCIM meta must not move (default: the pending member the world provisioned). */
  member: string;
}

interface ErrorCase {
  name: string;
  /** Runs before the world is snapshotted; may point `member` at another member. */
  setup?: (x: Ctx) => Promise<void>;
  request: (x: Ctx) => Promise<Answer>;
  status: number | readonly number[];
  /** The error code (one of, when several are acceptable). */
  code: string | readonly string[];
}

const json = (v: unknown) => JSON.stringify(v);

type Init = Parameters<FacesWorld['send']>[2];
const send = (x: Ctx, method: string, path: string, init?: Init) => answer(x.w.send(method, path, init));
const role = (x: Ctx, body: RawBody, headers?: Record<string, string>) =>
  send(x, 'PUT', `/admin/members/${x.member}/role`, { body, ...(headers ? { headers } : {}) });

/** Must succeed: a step of a case's setup. */
async function ok(x: Ctx, method: string, path: string, body?: unknown): Promise<any> {
  const a = await send(x, method, path, body === undefined ? {} : { body: json(body) });
  if (a.status >= 300) throw new Error(`setup ${method} ${path}: ${a.status} ${a.text}`);
  return a.text ? JSON.parse(a.text) : undefined;
}

const accept = (x: Ctx) => ok(x, 'POST', `/admin/members/${x.member}/accept-invitation`);
const remove = (x: Ctx) => ok(x, 'DELETE', `/admin/members/${x.member}`);

/** A SCIM request with the Secret Token Get Credentials issued. */
function scim(x: Ctx, method: string, path: string, body?: unknown): Promise<Answer> {
  return answer(
    x.w.send(method, `/scim/v2${path}`, {
      token: x.w.scimToken,
      ...(body === undefined ? {} : { body: json(body), headers: { 'Content-Type': 'application/scim+json' } }),
    }),
  );
}

/** Entra's Disable: the pending member becomes forbidden (soft deleted). */
async function softDelete(x: Ctx): Promise<void> {
  const a = await scim(x, 'PATCH', `/Users/${x.member}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  if (a.status !== 200) throw new Error(`setup soft delete: ${a.status} ${a.text}`);
}

/** A member created over SCIM just now: its invitation email has not gone out yet. */
async function freshMember(x: Ctx): Promise<void> {
  const a = await scim(x, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'cat@contoso.com',
    active: true,
  });
  if (a.status !== 201) throw new Error(`setup create: ${a.status} ${a.text}`);
  x.member = JSON.parse(a.text).id;
}

/** Reads on each face, then a clock advance: the server still serves after the case. */
async function stillServing(x: Ctx): Promise<void> {
  for (const path of ['/_sim/clock', '/_sim/world', '/_sim/faults', '/admin/members', '/admin/outbox']) {
    const a = await send(x, 'GET', path);
    expect.soft(a.status, `GET ${path} afterwards: ${a.text}`).toBe(200);
  }
  const member = await send(x, 'GET', `/admin/members/${x.member}`);
  expect.soft([200, 404], `GET the member afterwards: ${member.text}`).toContain(member.status);
  const advance = await send(x, 'POST', '/_sim/clock/advance', { body: json({ by: '1m' }) });
  expect.soft(advance.status, `a later clock advance: ${advance.text}`).toBe(200);
  const clock = await send(x, 'GET', '/_sim/clock');
  expect.soft(clock.status, `GET /_sim/clock after the advance: ${clock.text}`).toBe(200);
}

const ERROR_CASES: ErrorCase[] = [
  // Tokens
  {
    name: 'no Authorization header',
    request: (x) => send(x, 'GET', '/admin/members', { token: null }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a wrong admin token',
    request: (x) => send(x, 'GET', '/admin/members', { token: 'not-the-admin-token' }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'the SCIM Secret Token instead of the admin token',
    request: (x) => send(x, 'GET', '/admin/members', { token: x.w.scimToken }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'the admin token in the Basic scheme',
    request: (x) => send(x, 'GET', '/admin/members', { headers: { Authorization: `Basic ${ADMIN}` } }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Bearer with no token',
    request: (x) => send(x, 'GET', '/admin/members', { headers: { Authorization: 'Bearer ' } }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'the admin token with a character more',
    request: (x) => send(x, 'GET', '/admin/members', { token: `${ADMIN}x` }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'accept the invitation without a token',
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`, { token: null }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'delete with a wrong token',
    request: (x) => send(x, 'DELETE', `/admin/members/${x.member}`, { token: 'wrong' }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Get Credentials without a token (the Secret Token is not rotated)',
    request: (x) => send(x, 'POST', '/admin/provisioning/credentials', { token: null }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a forged session cookie and no token',
    request: (x) =>
      send(x, 'GET', '/admin/members', { token: null, headers: { Cookie: 'scimsim_session=forged-session' } }),
    status: 401,
    code: 'unauthorized',
  },

  // Unknown members and endpoints, malformed references
  {
    name: 'GET an unknown member',
    request: (x) => send(x, 'GET', '/admin/members/nope'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'accept the invitation of an unknown member',
    request: (x) => send(x, 'POST', '/admin/members/nope/accept-invitation'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'restore an unknown member',
    request: (x) => send(x, 'POST', '/admin/members/nope/restore'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'delete an unknown member',
    request: (x) => send(x, 'DELETE', '/admin/members/00000000-0000-0000-0000-000000000000'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'set the role of an unknown member',
    request: (x) => send(x, 'PUT', '/admin/members/nope/role', { body: json({ role: 'admin' }) }),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'GET a member by bad percent-encoding (%E0%A4%A)',
    request: (x) => send(x, 'GET', '/admin/members/%E0%A4%A'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    name: 'delete a member by bad percent-encoding (%E0%A4%A)',
    request: (x) => send(x, 'DELETE', '/admin/members/%E0%A4%A'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    name: 'restore a member by bad percent-encoding (%ZZ)',
    request: (x) => send(x, 'POST', '/admin/members/%ZZ/restore'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    name: 'a member id that is 10,000 characters',
    request: (x) => send(x, 'GET', `/admin/members/${'a'.repeat(10_000)}`),
    status: 404,
    code: 'notFound',
  },
  { name: 'an unknown endpoint', request: (x) => send(x, 'GET', '/admin/widgets'), status: 404, code: 'notFound' },
  {
    name: 'PATCH on a member (no such endpoint)',
    request: (x) => send(x, 'PATCH', `/admin/members/${x.member}`, { body: json({ status: 'active' }) }),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'an unknown action on a member',
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/archive`),
    status: 404,
    code: 'notFound',
  },

  // The member lifecycle's refusals (LIFECYCLE_TO_ADMIN) and the Admin Panel's own
  {
    name: 'accept an invitation twice',
    setup: accept,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`),
    status: 409,
    code: 'invalidTransition',
  },
  {
    name: 'accept an invitation not sent yet',
    setup: freshMember,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`),
    status: 409,
    code: 'invalidTransition',
  },
  {
    name: 'accept as a forbidden invitee',
    setup: softDelete,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`),
    status: 403,
    code: 'forbidden',
  },
  {
    // README's lifecycle table: notFound is "no such (live) member"; a deleted member is not live.
    name: 'accept the invitation of a deleted member',
    setup: remove,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'restore an active member',
    setup: accept,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/restore`),
    status: 409,
    code: 'notRestorable',
  },
  {
    name: 'restore a pending member',
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/restore`),
    status: 409,
    code: 'notRestorable',
  },
  {
    name: 'restore a deleted member',
    setup: remove,
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/restore`),
    status: 409,
    code: 'notRestorable',
  },
  {
    name: 'delete twice',
    setup: remove,
    request: (x) => send(x, 'DELETE', `/admin/members/${x.member}`),
    status: 409,
    code: 'alreadyDeleted',
  },
  {
    name: 'set the role of a deleted member',
    setup: remove,
    request: (x) => role(x, json({ role: 'admin' })),
    status: 409,
    code: 'deleted',
  },

  // The role's body
  {
    name: 'role not user/admin/owner',
    request: (x) => role(x, json({ role: 'superuser' })),
    status: 400,
    code: 'invalidRole',
  },
  { name: 'role missing', request: (x) => role(x, json({})), status: 400, code: 'invalidRole' },
  {
    name: 'role in another case ("Admin")',
    request: (x) => role(x, json({ role: 'Admin' })),
    status: 400,
    code: 'invalidRole',
  },
  { name: 'role null', request: (x) => role(x, json({ role: null })), status: 400, code: 'invalidRole' },
  { name: 'role a number', request: (x) => role(x, json({ role: 1 })), status: 400, code: 'invalidRole' },
  { name: 'role an array', request: (x) => role(x, json({ role: ['admin'] })), status: 400, code: 'invalidRole' },
  { name: 'role with spaces', request: (x) => role(x, json({ role: ' admin ' })), status: 400, code: 'invalidRole' },
  {
    name: 'role body not JSON',
    request: (x) => role(x, '{role: admin}'),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body truncated',
    request: (x) => role(x, '{"role": "adm'),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body a JSON array',
    request: (x) => role(x, json([{ role: 'admin' }])),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  { name: 'role body null', request: (x) => role(x, 'null'), status: 400, code: ['invalidRole', 'invalidRequest'] },
  {
    name: 'role body a JSON string',
    request: (x) => role(x, '"admin"'),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  { name: 'role body empty', request: (x) => role(x, ''), status: 400, code: ['invalidRole', 'invalidRequest'] },
  {
    name: 'role body invalid UTF-8',
    request: (x) => role(x, new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body nested 10,000 deep',
    request: (x) => role(x, `{"role":${nested(10_000)}}`),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body with an unknown field',
    request: (x) => role(x, json({ role: 'admin', expiresAt: '2027-01-01T00:00:00Z' })),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body sent as text/plain',
    request: (x) => role(x, json({ role: 'admin' }), { 'Content-Type': 'text/plain' }),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },
  {
    name: 'role body sent as a form',
    request: (x) => role(x, 'role=admin', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    status: 400,
    code: ['invalidRole', 'invalidRequest'],
  },

  // One body limit for every face
  {
    name: 'role body over the limit (Content-Length; valid JSON padded with spaces)',
    request: (x) => role(x, paddedTo(json({ role: 'admin' }), 2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'role body over the limit (streamed, no Content-Length)',
    request: (x) => role(x, streamed(2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'role body one byte over the limit',
    request: (x) => role(x, paddedTo(json({ role: 'admin' }), BODY_LIMIT + 1)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'accept the invitation with a body over the limit',
    request: (x) =>
      send(x, 'POST', `/admin/members/${x.member}/accept-invitation`, {
        body: json({ pad: 'x'.repeat(2 * BODY_LIMIT) }),
      }),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'Get Credentials with a streamed body over the limit (the Secret Token is not rotated)',
    request: (x) => send(x, 'POST', '/admin/provisioning/credentials', { body: streamed(2 * BODY_LIMIT) }),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'delete with a body over the limit',
    request: (x) => send(x, 'DELETE', `/admin/members/${x.member}`, { body: 'x'.repeat(BODY_LIMIT + 1) }),
    status: 413,
    code: 'tooLarge',
  },

  // Paging and filters
  { name: 'top=0', request: (x) => send(x, 'GET', '/admin/members?top=0'), status: 400, code: 'invalidRequest' },
  { name: 'top=1001', request: (x) => send(x, 'GET', '/admin/members?top=1001'), status: 400, code: 'invalidRequest' },
  { name: 'skip=-1', request: (x) => send(x, 'GET', '/admin/members?skip=-1'), status: 400, code: 'invalidRequest' },
  { name: 'top=abc', request: (x) => send(x, 'GET', '/admin/members?top=abc'), status: 400, code: 'invalidRequest' },
  { name: 'top=1.5', request: (x) => send(x, 'GET', '/admin/members?top=1.5'), status: 400, code: 'invalidRequest' },
  { name: 'skip=1e3', request: (x) => send(x, 'GET', '/admin/members?skip=1e3'), status: 400, code: 'invalidRequest' },
  {
    name: 'top of 40 digits',
    request: (x) => send(x, 'GET', `/admin/members?top=${'9'.repeat(40)}`),
    status: 400,
    code: 'invalidRequest',
  },
  {
    name: 'status=bogus',
    request: (x) => send(x, 'GET', '/admin/members?status=bogus'),
    status: 400,
    code: 'invalidStatus',
  },
  {
    name: 'status with one bogus state among good ones',
    request: (x) => send(x, 'GET', '/admin/members?status=active,bogus'),
    status: 400,
    code: 'invalidStatus',
  },
  {
    name: 'status=bogus and top=0 together',
    request: (x) => send(x, 'GET', '/admin/members?status=bogus&top=0'),
    status: 400,
    code: ['invalidStatus', 'invalidRequest'],
  },
  { name: 'outbox top=0', request: (x) => send(x, 'GET', '/admin/outbox?top=0'), status: 400, code: 'invalidRequest' },
  {
    name: 'outbox top=-1',
    request: (x) => send(x, 'GET', '/admin/outbox?top=-1'),
    status: 400,
    code: 'invalidRequest',
  },
  {
    name: 'outbox top=1001',
    request: (x) => send(x, 'GET', '/admin/outbox?top=1001'),
    status: 400,
    code: 'invalidRequest',
  },
];

describe(`Admin Panel bad input (${ERROR_CASES.length} cases)`, () => {
  it('has at least 30 cases, each named once', () => {
    expect(ERROR_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ERROR_CASES.map((c) => c.name)).size).toBe(ERROR_CASES.length);
  });

  it.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const w = await facesWorld();
    try {
      const x: Ctx = { w, member: w.ids.member };
      if (c.setup) await c.setup(x);
      const before = snapshotOf(w);
      const member = await scimView(x.w, x.member);
      const a = await c.request(x);
      expect.soft(statuses(c.status), `status ${a.status}: ${a.text.slice(0, 500)}`).toContain(a.status);
      expect.soft(a.headers.get('content-type') ?? '').toMatch(/^application\/json/);
      let body: any;
      try {
        body = JSON.parse(a.text);
      } catch {
        body = undefined;
      }
      expect.soft(body && Object.keys(body), a.text.slice(0, 500)).toEqual(['error']);
      expect.soft(body?.error && Object.keys(body.error).sort()).toEqual(['code', 'message']);
      expect.soft(codes(c.code), `code of ${a.text.slice(0, 500)}`).toContain(body?.error?.code);
      expect.soft(typeof body?.error?.message).toBe('string');
      expect.soft(a.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
      expect.soft(a.text).not.toContain(ADMIN);
      expect.soft(a.text).not.toContain(w.scimToken);
      // Nothing changed: the whole world, and the member's SCIM version and lastModified.
      expect.soft(changedParts(before, snapshotOf(w)), 'parts of the world that changed').toEqual([]);
      expect.soft(await scimView(x.w, x.member), "the member's SCIM view").toEqual(member);
      await stillServing(x);
    } finally {
      await w.close();
    }
  });
});

interface OddCase {
  name: string;
  request: (x: Ctx) => Promise<Answer>;
  status: number;
  check?: (body: any, x: Ctx) => void;
}

const ODD_CASES: OddCase[] = [
  {
    name: 'top=1000 (the largest page)',
    request: (x) => send(x, 'GET', '/admin/members?top=1000'),
    status: 200,
    check: (b) => expect(b).toMatchObject({ total: 1, members: [{ status: 'pending' }] }),
  },
  {
    name: 'top=1 and skip past the end',
    request: (x) => send(x, 'GET', '/admin/members?top=1&skip=999999999'),
    status: 200,
    check: (b) => expect(b).toMatchObject({ total: 1, members: [] }),
  },
  {
    name: 'every state named, in any order',
    request: (x) => send(x, 'GET', '/admin/members?status=deleted,forbidden,suspended,active,pending'),
    status: 200,
    check: (b) => expect(b.total).toBe(1),
  },
  {
    name: 'a search with %, _ and a non-ASCII character finds nothing',
    request: (x) => send(x, 'GET', `/admin/members?search=${encodeURIComponent('%_✓')}`),
    status: 200,
    check: (b) => expect(b).toMatchObject({ total: 0, members: [] }),
  },
  {
    name: 'a search in upper case finds the member',
    request: (x) => send(x, 'GET', '/admin/members?search=ADA%40CONTOSO'),
    status: 200,
    check: (b) => expect(b.total).toBe(1),
  },
  {
    name: 'an empty search matches every member',
    request: (x) => send(x, 'GET', '/admin/members?search='),
    status: 200,
    check: (b) => expect(b.total).toBe(1),
  },
  {
    name: 'outbox top=1000',
    request: (x) => send(x, 'GET', '/admin/outbox?top=1000'),
    status: 200,
    check: (b) => expect(b).toMatchObject({ total: 1, emails: [{}] }),
  },
  {
    name: '"bearer" in lower case',
    request: (x) => send(x, 'GET', '/admin/members', { headers: { Authorization: `bearer ${ADMIN}` } }),
    status: 200,
  },
  {
    name: 'role with Content-Type parameters',
    request: (x) => role(x, json({ role: 'admin' }), { 'Content-Type': 'Application/JSON; charset=UTF-8' }),
    status: 200,
    check: (b) => expect(b.role).toBe('admin'),
  },
  {
    name: 'role body with whitespace around it',
    request: (x) => role(x, '\n  { "role" : "owner" }\n'),
    status: 200,
    check: (b) => expect(b.role).toBe('owner'),
  },
  {
    name: 'role body exactly at the limit (padded with spaces)',
    request: (x) => role(x, paddedTo(json({ role: 'admin' }), BODY_LIMIT)),
    status: 200,
    check: (b) => expect(b.role).toBe('admin'),
  },
  {
    name: 'the role it already has',
    request: (x) => role(x, json({ role: 'user' })),
    status: 200,
    check: (b) => expect(b.role).toBe('user'),
  },
  {
    name: 'accept the invitation with an empty JSON body',
    request: (x) => send(x, 'POST', `/admin/members/${x.member}/accept-invitation`, { body: '{}' }),
    status: 200,
    check: (b) => expect(b.status).toBe('active'),
  },
];

describe('valid but odd Admin Panel requests succeed', () => {
  it.each(ODD_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const w = await facesWorld();
    try {
      const x: Ctx = { w, member: w.ids.member };
      const a = await c.request(x);
      expect(a.status, a.text.slice(0, 500)).toBe(c.status);
      c.check?.(JSON.parse(a.text), x);
      await stillServing(x);
    } finally {
      await w.close();
    }
  });

  it('a body over the limit leaves the connection able to carry the next request', async () => {
    const w = await facesWorld();
    try {
      const x: Ctx = { w, member: w.ids.member };
      for (let i = 0; i < 3; i++) {
        const over = await role(x, paddedTo(json({ role: 'admin' }), 2 * BODY_LIMIT));
        expect(over.status).toBe(413);
        // The next request goes out on the same keep-alive connection, straight away.
        const next = await send(x, 'POST', '/_sim/clock/advance', { body: json({ by: '1m' }) });
        expect(next.status, next.text).toBe(200);
      }
      expect(JSON.parse((await send(x, 'GET', `/admin/members/${x.member}`)).text).role).toBe('user');
    } finally {
      await w.close();
    }
  });
});
