/**
 * Bad input to the simulation API (/_sim) and to the console's routes (the page, /console/<file>, the sign-in link,
 * and the /_sim, /admin and Graph routes as the console calls them: a session cookie and, for a change, the CSRF
 * header), table-driven. Every error case checks the exact status, the face's error shape with the expected code,
 * that the world is unchanged (everything observable, and the member's SCIM `meta.version` / `lastModified`), and
 * that the server still serves afterwards (reads on every face, then a clock advance). Valid-but-odd inputs check
 * the success.
 */
import http from 'node:http';
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
import { newUser } from '../helpers/graph.ts';
import { BODY_LIMIT, codes, nested, paddedTo, statuses, streamed } from '../helpers/bad-input.ts';

/** The one body limit every face shares (README: limits on body size, 1 MiB). */
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Session {
  /** The HttpOnly session cookie's value. */
  id: string;
  /** The readable CSRF cookie's value: what X-CSRF-Token must carry. */
  csrf: string;
  /** Both cookies, as a browser sends them. */
  cookie: string;
}

interface Ctx {
  w: FacesWorld;
  /** The member whose SCIM meta must not move (default: the pending member the world provisioned). */
  member: string;
  /** A signed-in browser (setup `signedIn`). */
  session?: Session;
  /** A second one (setup `twoSessions`). */
  other?: Session;
  /** A sign-in link not used yet (setup `unusedLink`). */
  link?: string;
}

/**
 * How the error body must look: `json` the Admin Panel's and /_sim's `{"error": {"code", "message"}}`, `graph`
 * Graph's (with `innerError`), `scim` RFC 7644's, `plain` a 404 outside every face (no face shape to keep, but
 * nothing of the server's files), `none` an answer from Node's HTTP parser before any route runs.
 */
type Shape = 'json' | 'graph' | 'scim' | 'plain' | 'none';

interface ErrorCase {
  name: string;
  setup?: (x: Ctx) => Promise<void>;
  request: (x: Ctx) => Promise<Answer>;
  status: number | readonly number[];
  code?: string | readonly string[];
  shape?: Shape;
  /** Top-level keys the body may have beside `error` (`mismatches`, `problems`). */
  extra?: readonly string[];
  /** More to check about the answer or the world, after the rest. */
  check?: (body: any, x: Ctx) => void | Promise<void>;
}

const json = (v: unknown) => JSON.stringify(v);
const ymlPadding = (bytes: number) => `#${'x'.repeat(bytes)}\n`;
/** `body` followed by spaces to exactly `bytes` bytes: still the same JSON, so only its size can refuse it. */

type Init = Parameters<FacesWorld['send']>[2];
const send = (x: Ctx, method: string, path: string, init?: Init) => answer(x.w.send(method, path, init));
const post = (x: Ctx, path: string, body: RawBody | object, headers?: Record<string, string>) =>
  send(x, 'POST', path, {
    body: typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream ? body : json(body),
    ...(headers ? { headers } : {}),
  });
const advance = (x: Ctx, body: RawBody | object, headers?: Record<string, string>) =>
  post(x, '/_sim/clock/advance', body, headers);

/**
 * A request on a connection of its own, with the path sent exactly as written (fetch would resolve `..` and
 * `%2e%2e` before sending) and headers larger than fetch would send.
 */
function raw(x: Ctx, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(x.w.s.origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, method, headers, agent: false },
      (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) for (const one of [v].flat()) h.append(k, one);
          resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Must succeed: a step of a case's setup. */
async function ok(x: Ctx, method: string, path: string, body?: unknown): Promise<any> {
  const a = await send(x, method, path, body === undefined ? {} : { body: json(body) });
  if (a.status >= 300) throw new Error(`setup ${method} ${path}: ${a.status} ${a.text}`);
  return a.text ? JSON.parse(a.text) : undefined;
}

/** A browser follows a sign-in link: the session and CSRF cookies it is given. */
async function signIn(w: FacesWorld): Promise<Session> {
  const res = await fetch(w.s.session.signIn.newLink(w.s.origin), { redirect: 'manual' });
  await res.text();
  if (res.status !== 303) throw new Error(`sign-in: ${res.status}`);
  const set = res.headers.getSetCookie();
  const value = (name: string) => {
    const cookie = set.find((c) => c.startsWith(`${name}=`));
    if (!cookie) throw new Error(`sign-in set no ${name} cookie: ${set.join(' | ')}`);
    return cookie.slice(name.length + 1).split(';')[0]!;
  };
  const id = value('scimsim_session');
  const csrf = value('scimsim_csrf');
  return { id, csrf, cookie: `scimsim_session=${id}; scimsim_csrf=${csrf}` };
}

/**
 * A request as the console sends it: no Authorization header, the cookies, and X-CSRF-Token (`csrf`: the
 * session's by default, null for none, or the given text).
 */
function browser(
  x: Ctx,
  method: string,
  path: string,
  init: { csrf?: string | null; body?: RawBody; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const session = x.session;
  if (!session && init.cookie === undefined) throw new Error('the case has no session: setup signedIn');
  const headers: Record<string, string> = { Cookie: init.cookie ?? session!.cookie, ...(init.headers ?? {}) };
  const csrf = init.csrf === undefined ? session?.csrf : init.csrf;
  if (csrf !== null && csrf !== undefined) headers['X-CSRF-Token'] = csrf;
  return send(x, method, path, { token: null, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
}

const signedIn = async (x: Ctx) => {
  x.session = await signIn(x.w);
};
const twoSessions = async (x: Ctx) => {
  x.session = await signIn(x.w);
  x.other = await signIn(x.w);
};
const unusedLink = async (x: Ctx) => {
  x.link = x.w.s.session.signIn.newLink(x.w.s.origin);
};
const usedLink = async (x: Ctx) => {
  x.link = x.w.s.session.signIn.newLink(x.w.s.origin);
  const res = await fetch(x.link, { redirect: 'manual' });
  await res.text();
  if (res.status !== 303) throw new Error(`setup sign-in: ${res.status}`);
};
const secretOf = (link: string) => new URL(link).searchParams.get('secret')!;

/**
 * Provisioning paused: no cycle repeats every 40 minutes, so an advance of thousands of years costs nothing if
 * the clock takes it (today it would otherwise fire cycles for ever, and the test would hang instead of failing).
 */
const pauseJob = async (x: Ctx) => {
  const { servicePrincipal, job } = x.w.ids;
  await ok(x, 'POST', `/azure/v1.0/servicePrincipals/${servicePrincipal}/synchronization/jobs/${job}/pause`);
};
const BUNDLED = '01-assign-and-provision.yaml';
const openScenario = async (x: Ctx) => {
  await ok(x, 'POST', '/_sim/scenario', { bundled: BUNDLED });
};
const scenarioRunToStep3 = async (x: Ctx) => {
  await openScenario(x);
  await ok(x, 'POST', '/_sim/scenario/run-to', { step: 3 });
};
const scenarioFinished = async (x: Ctx) => {
  await openScenario(x);
  const total = (await ok(x, 'GET', '/_sim/scenario')).total as number;
  const view = await ok(x, 'POST', '/_sim/scenario/run-to', { step: total });
  if (view.ran !== total) throw new Error(`setup: the scenario stopped at step ${view.ran} of ${total}`);
};

/** Reads on each face, then a clock advance: the server still serves after the case. */
async function stillServing(x: Ctx): Promise<void> {
  const reads = ['/_sim/clock', '/_sim/world', '/_sim/faults', '/_sim/timers', '/_sim/record', '/admin/members'];
  for (const path of reads) {
    const a = await send(x, 'GET', path);
    expect.soft(a.status, `GET ${path} afterwards: ${a.text.slice(0, 300)}`).toBe(200);
  }
  const page = await answer(fetch(`${x.w.s.origin}/console/core.js`));
  expect.soft(page.status, 'GET /console/core.js afterwards').toBe(200);
  const moved = await advance(x, { by: '1m' });
  expect.soft(moved.status, `a later clock advance: ${moved.text.slice(0, 300)}`).toBe(200);
  const clock = await send(x, 'GET', '/_sim/clock');
  expect.soft(clock.status, `GET /_sim/clock after the advance: ${clock.text.slice(0, 300)}`).toBe(200);
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checkShape(c: ErrorCase, a: Answer, x: Ctx): any {
  const shape = c.shape ?? 'json';
  const body = parse(a.text);
  const where = a.text.slice(0, 500);
  expect.soft(a.text, 'no internals').not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  expect.soft(a.text, 'no admin token').not.toContain(ADMIN);
  expect.soft(a.text, 'no SCIM token').not.toContain(x.w.scimToken);
  if (shape === 'none') return body;
  if (shape === 'plain') {
    // Nothing of the server's own files: not the package, not a source file.
    expect.soft(a.text).not.toMatch(/"dependencies"|"devDependencies"|\bimport\b|readFileSync|root:x:0/);
    return body;
  }
  if (shape === 'scim') {
    expect.soft(a.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json/);
    expect.soft(body?.schemas, where).toEqual([SCIM_ERROR]);
    expect.soft(body?.status, where).toBe(String(a.status));
    return body;
  }
  expect.soft(a.headers.get('content-type') ?? '', where).toMatch(/^application\/json/);
  expect.soft(body && Object.keys(body).sort(), where).toEqual(['error', ...(c.extra ?? [])].sort());
  if (shape === 'graph') {
    expect.soft(body?.error && Object.keys(body.error).sort(), where).toEqual(['code', 'innerError', 'message']);
  } else {
    expect.soft(body?.error && Object.keys(body.error).sort(), where).toEqual(['code', 'message']);
  }
  expect.soft(codes(c.code), `code of ${where}`).toContain(body?.error?.code);
  expect.soft(typeof body?.error?.message, where).toBe('string');
  return body;
}

async function runErrorCase(c: ErrorCase): Promise<void> {
  const w = await facesWorld();
  try {
    const x: Ctx = { w, member: w.ids.member };
    if (c.setup) await c.setup(x);
    const before = snapshotOf(w);
    const member = await scimView(x.w, x.member);
    const a = await c.request(x);
    expect.soft(statuses(c.status), `status ${a.status}: ${a.text.slice(0, 500)}`).toContain(a.status);
    const body = checkShape(c, a, x);
    if (c.check) await c.check(body, x);
    // Nothing changed: the whole world, and the member's SCIM version and lastModified.
    expect.soft(changedParts(before, snapshotOf(w)), 'parts of the world that changed').toEqual([]);
    expect.soft(await scimView(x.w, x.member), "the member's SCIM view").toEqual(member);
    await stillServing(x);
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// /_sim
// ---------------------------------------------------------------------------------------------------------------

const bad400 = { status: 400, code: 'invalidRequest' } as const;

const SIM_CASES: ErrorCase[] = [
  // Tokens and endpoints
  {
    name: 'no Authorization header',
    request: (x) => send(x, 'GET', '/_sim/clock', { token: null }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a wrong admin token on a change',
    request: (x) => send(x, 'POST', '/_sim/reset', { token: 'wrong', body: '{}' }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'the SCIM Secret Token instead of the admin token',
    request: (x) => send(x, 'POST', '/_sim/clock/advance', { token: x.w.scimToken, body: json({ by: '1d' }) }),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a new sign-in link asked for with a wrong token',
    request: (x) => send(x, 'POST', '/_sim/sign-in-links', { token: 'wrong' }),
    status: 401,
    code: 'unauthorized',
  },
  { name: 'an unknown endpoint', request: (x) => send(x, 'GET', '/_sim/widgets'), status: 404, code: 'notFound' },
  {
    name: 'PUT on the clock (no such endpoint)',
    request: (x) => send(x, 'PUT', '/_sim/clock', { body: json({ now: '2027-01-01T00:00:00Z' }) }),
    status: 404,
    code: 'notFound',
  },

  // The clock: what to advance by or to
  { name: 'advance with neither by nor to', request: (x) => advance(x, {}), ...bad400 },
  {
    name: 'advance with both by and to',
    request: (x) => advance(x, { by: '1h', to: '2026-03-03T00:00:00Z' }),
    ...bad400,
  },
  {
    name: 'to February 30th (2027-02-30)',
    request: (x) => advance(x, { to: '2027-02-30T00:00:00Z' }),
    ...bad400,
  },
  { name: 'to April 31st (2026-04-31)', request: (x) => advance(x, { to: '2026-04-31' }), ...bad400 },
  {
    name: 'to February 29th of a common year (2027-02-29)',
    request: (x) => advance(x, { to: '2027-02-29T12:00:00Z' }),
    ...bad400,
  },
  { name: 'to hour 24:30', request: (x) => advance(x, { to: '2026-03-03T24:30:00Z' }), ...bad400 },
  { name: 'to month 13', request: (x) => advance(x, { to: '2026-13-01' }), ...bad400 },
  { name: 'to second 60', request: (x) => advance(x, { to: '2026-03-03T23:59:60Z' }), ...bad400 },
  { name: 'to a local time without a zone', request: (x) => advance(x, { to: '2026-03-03T10:00:00' }), ...bad400 },
  { name: 'to a number', request: (x) => advance(x, { to: 1_800_000_000_000 }), ...bad400 },
  { name: 'to an object', request: (x) => advance(x, { to: { year: 2027 } }), ...bad400 },
  { name: 'to the past', request: (x) => advance(x, { to: '2026-03-01T00:00:00Z' }), ...bad400 },
  { name: 'to a word ("tomorrow")', request: (x) => advance(x, { to: 'tomorrow' }), ...bad400 },
  { name: 'by -1d', request: (x) => advance(x, { by: '-1d' }), ...bad400 },
  { name: 'by "0" (no unit)', request: (x) => advance(x, { by: '0' }), ...bad400 },
  { name: 'by an empty string', request: (x) => advance(x, { by: '' }), ...bad400 },
  { name: 'by 1.5 (a number that is not an integer)', request: (x) => advance(x, { by: 1.5 }), ...bad400 },
  { name: 'by -60000 (a negative number)', request: (x) => advance(x, { by: -60_000 }), ...bad400 },
  { name: 'by true', request: (x) => advance(x, { by: true }), ...bad400 },
  { name: 'by "1y" (years have no fixed length)', request: (x) => advance(x, { by: '1y' }), ...bad400 },
  { name: 'by "P1M" (months have no fixed length)', request: (x) => advance(x, { by: 'P1M' }), ...bad400 },
  { name: 'by "999999999d" (not a safe number of ms)', request: (x) => advance(x, { by: '999999999d' }), ...bad400 },
  {
    // 8.64e15 ms from now is past the last instant a Date can hold (+275760-09-13): today the clock takes it, fires
    // every timer on the way, and is left at an instant it cannot write, so every later clock request is a 500.
    name: 'by "99999999d" (beyond the last instant the clock can show)',
    setup: pauseJob,
    request: (x) => advance(x, { by: '99999999d' }),
    ...bad400,
  },
  {
    name: 'by 8640000000000000 (ms, beyond the last instant the clock can show)',
    setup: pauseJob,
    request: (x) => advance(x, { by: 8_640_000_000_000_000 }),
    ...bad400,
  },

  {
    // About 8,200 years: within what a Date holds, past the end of year 9999.
    name: 'by "3000000d" (past the end of year 9999)',
    setup: pauseJob,
    request: (x) => advance(x, { by: '3000000d' }),
    ...bad400,
  },
  { name: 'to year 10000', request: (x) => advance(x, { to: '10000-01-01T00:00:00Z' }), ...bad400 },
  { name: 'to an expanded year (+275760)', request: (x) => advance(x, { to: '+275760-09-13T00:00:00Z' }), ...bad400 },

  // The clock: the body itself
  { name: 'advance body not JSON', request: (x) => advance(x, 'by=1h'), ...bad400 },
  { name: 'advance body truncated', request: (x) => advance(x, '{"by": "1'), ...bad400 },
  { name: 'advance body a JSON array', request: (x) => advance(x, json([{ by: '1h' }])), ...bad400 },
  { name: 'advance body null', request: (x) => advance(x, 'null'), ...bad400 },
  { name: 'advance body a JSON string', request: (x) => advance(x, '"1h"'), ...bad400 },
  { name: 'advance body empty', request: (x) => advance(x, ''), ...bad400 },
  {
    name: 'advance body invalid UTF-8',
    request: (x) => advance(x, new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    ...bad400,
  },
  {
    name: 'advance body sent as text/plain',
    request: (x) => advance(x, json({ by: '1h' }), { 'Content-Type': 'text/plain' }),
    ...bad400,
  },
  { name: 'advance body nested 10,000 deep', request: (x) => advance(x, `{"by":${nested(10_000)}}`), ...bad400 },
  {
    name: 'advance body with an unknown field',
    request: (x) => advance(x, { by: '1h', fireTimers: false }),
    ...bad400,
  },
  {
    name: 'advance body over the limit (Content-Length)',
    request: (x) => advance(x, paddedTo(json({ by: '1h' }), 2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'advance body over the limit (streamed)',
    request: (x) => advance(x, streamed(2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },

  // Reset
  {
    name: 'reset with an impossible start (2026-02-30)',
    request: (x) => post(x, '/_sim/reset', { start: '2026-02-30T00:00:00Z' }),
    ...bad400,
  },
  {
    name: 'reset with an impossible start (2026-04-31)',
    request: (x) => post(x, '/_sim/reset', { start: '2026-04-31' }),
    ...bad400,
  },
  {
    name: 'reset with a start before 1970',
    request: (x) => post(x, '/_sim/reset', { start: '1969-12-31T23:59:59Z' }),
    ...bad400,
  },
  { name: 'reset with start "yesterday"', request: (x) => post(x, '/_sim/reset', { start: 'yesterday' }), ...bad400 },
  { name: 'reset with an unknown field', request: (x) => post(x, '/_sim/reset', { sead: 7 }), ...bad400 },
  { name: 'reset with a seed that is an object', request: (x) => post(x, '/_sim/reset', { seed: {} }), ...bad400 },
  { name: 'reset body a JSON array', request: (x) => post(x, '/_sim/reset', '[]'), ...bad400 },
  { name: 'reset body not JSON', request: (x) => post(x, '/_sim/reset', 'seed: 7'), ...bad400 },
  {
    name: 'reset with a group whose member is no user',
    request: (x) => post(x, '/_sim/reset', { tenant: { users: { ada: {} }, groups: { Sales: { members: ['zed'] } } } }),
    ...bad400,
  },
  {
    name: 'reset with two users of one userPrincipalName',
    request: (x) =>
      post(x, '/_sim/reset', {
        tenant: { users: { ada: { userPrincipalName: 'a@contoso.com' }, bob: { userPrincipalName: 'a@contoso.com' } } },
      }),
    ...bad400,
  },
  {
    name: 'reset body over the limit (Content-Length; valid JSON padded with spaces)',
    request: (x) => post(x, '/_sim/reset', paddedTo(json({ seed: 7 }), 2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'reset body over the limit (streamed)',
    request: (x) => post(x, '/_sim/reset', streamed(2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },

  // Faults
  { name: 'fault for "-1h"', request: (x) => post(x, '/_sim/faults', { status: 503, for: '-1h' }), ...bad400 },
  { name: 'fault for "forever"', request: (x) => post(x, '/_sim/faults', { for: 'forever' }), ...bad400 },
  {
    name: 'fault for "99999999d" (an end no instant can show)',
    request: (x) => post(x, '/_sim/faults', { status: 503, for: '99999999d' }),
    ...bad400,
  },
  {
    // It would end past the last instant the clock keeps (the end of year 9999).
    name: 'fault for "3000000d" (an end past year 9999)',
    request: (x) => post(x, '/_sim/faults', { status: 503, for: '3000000d' }),
    ...bad400,
  },
  {
    name: 'fault retryAfter "soon"',
    request: (x) => post(x, '/_sim/faults', { status: 429, retryAfter: 'soon' }),
    ...bad400,
  },
  { name: 'fault retryAfter -5', request: (x) => post(x, '/_sim/faults', { status: 429, retryAfter: -5 }), ...bad400 },
  { name: 'fault status 99', request: (x) => post(x, '/_sim/faults', { status: 99 }), ...bad400 },
  { name: 'fault status "503" (a string)', request: (x) => post(x, '/_sim/faults', { status: '503' }), ...bad400 },
  { name: 'fault path not a regular expression', request: (x) => post(x, '/_sim/faults', { path: '(' }), ...bad400 },
  { name: 'fault method FETCH', request: (x) => post(x, '/_sim/faults', { method: 'FETCH' }), ...bad400 },
  { name: 'fault count 0', request: (x) => post(x, '/_sim/faults', { count: 0 }), ...bad400 },
  { name: 'fault with an unknown field', request: (x) => post(x, '/_sim/faults', { staus: 503 }), ...bad400 },
  { name: 'fault body not JSON', request: (x) => post(x, '/_sim/faults', '{status: 503}'), ...bad400 },
  {
    name: 'fault id already taken',
    setup: async (x) => {
      await ok(x, 'POST', '/_sim/faults', { id: 'outage', unavailable: true, for: '3h' });
    },
    request: (x) => post(x, '/_sim/faults', { id: 'outage', status: 503 }),
    status: 409,
    code: 'conflict',
  },
  {
    name: 'fault id taken by a generated one (fault1)',
    setup: async (x) => {
      await ok(x, 'POST', '/_sim/faults', { status: 503 });
    },
    request: (x) => post(x, '/_sim/faults', { id: 'fault1', status: 500 }),
    status: 409,
    code: 'conflict',
  },
  {
    name: 'fault body over the limit',
    request: (x) => post(x, '/_sim/faults', paddedTo(json({ status: 503 }), 2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'clear an unknown fault',
    request: (x) => send(x, 'DELETE', '/_sim/faults/unknown'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'clear a fault by bad percent-encoding (%ZZ)',
    request: (x) => send(x, 'DELETE', '/_sim/faults/%ZZ'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    // The malformed reference must not be read as the literal text "%ZZ" and clear the fault of that name.
    name: 'clear a fault by bad percent-encoding (%ZZ) while a fault is named "%ZZ"',
    setup: async (x) => {
      await ok(x, 'POST', '/_sim/faults', { id: '%ZZ', status: 503 });
    },
    request: (x) => send(x, 'DELETE', '/_sim/faults/%ZZ'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },

  // Why?, timers, requests: references and limits
  {
    name: 'why of a user by bad percent-encoding (%E0%A4%A)',
    request: (x) => send(x, 'GET', '/_sim/why/users/%E0%A4%A'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    name: 'why of a member by bad percent-encoding (%E0%A4%A)',
    request: (x) => send(x, 'GET', '/_sim/why/members/%E0%A4%A'),
    status: [400, 404],
    code: ['invalidRequest', 'notFound'],
  },
  {
    name: 'why of an unknown user',
    request: (x) => send(x, 'GET', '/_sim/why/users/nobody@contoso.com'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'why of an unknown member',
    request: (x) => send(x, 'GET', '/_sim/why/members/nobody'),
    status: 404,
    code: 'notFound',
  },
  { name: 'timers limit=0', request: (x) => send(x, 'GET', '/_sim/timers?limit=0'), ...bad400 },
  { name: 'timers limit=x', request: (x) => send(x, 'GET', '/_sim/timers?limit=x'), ...bad400 },
  { name: 'timers limit=10000000', request: (x) => send(x, 'GET', '/_sim/timers?limit=10000000'), ...bad400 },
  { name: 'timers limit=-1', request: (x) => send(x, 'GET', '/_sim/timers?limit=-1'), ...bad400 },
  { name: 'timers limit=1.5', request: (x) => send(x, 'GET', '/_sim/timers?limit=1.5'), ...bad400 },
  { name: 'timers except=bogus', request: (x) => send(x, 'GET', '/_sim/timers?except=bogus'), ...bad400 },
  { name: 'timers except=cycle,', request: (x) => send(x, 'GET', '/_sim/timers?except=cycle,'), ...bad400 },
  { name: 'result with names as a list', request: (x) => post(x, '/_sim/result', { names: ['ada'] }), ...bad400 },
  {
    name: 'result with an empty userPrincipalName',
    request: (x) => post(x, '/_sim/result', { names: { ada: '' } }),
    ...bad400,
  },
  { name: 'result with an unknown field', request: (x) => post(x, '/_sim/result', { steps: [] }), ...bad400 },
  { name: 'result with a body that is not JSON', request: (x) => post(x, '/_sim/result', '{'), ...bad400 },
  { name: 'requests limit=0', request: (x) => send(x, 'GET', '/_sim/requests?limit=0'), ...bad400 },
  { name: 'requests limit=10001', request: (x) => send(x, 'GET', '/_sim/requests?limit=10001'), ...bad400 },
  { name: 'requests status=abc', request: (x) => send(x, 'GET', '/_sim/requests?status=abc'), ...bad400 },
  { name: 'requests since=-1', request: (x) => send(x, 'GET', '/_sim/requests?since=-1'), ...bad400 },
  {
    name: 'request abc (not a sequence number)',
    request: (x) => send(x, 'GET', '/_sim/requests/abc'),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'request 99999999 (not kept)',
    request: (x) => send(x, 'GET', '/_sim/requests/99999999'),
    status: 404,
    code: 'notFound',
  },

  // Scenarios
  {
    name: 'scenario next when none is open',
    request: (x) => send(x, 'POST', '/_sim/scenario/next'),
    status: 409,
    code: ['noScenario', 'conflict'],
  },
  {
    name: 'scenario next when every step has run',
    setup: scenarioFinished,
    request: (x) => send(x, 'POST', '/_sim/scenario/next'),
    status: 409,
    code: 'finished',
  },
  {
    name: 'run-to step -1',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: -1 }),
    ...bad400,
  },
  {
    name: 'run-to step 1.5',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: 1.5 }),
    ...bad400,
  },
  {
    name: 'run-to step "x"',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: 'x' }),
    ...bad400,
  },
  {
    name: 'run-to step "3" (a string)',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: '3' }),
    ...bad400,
  },
  {
    name: 'run-to beyond the end',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: 999 }),
    status: [400, 409],
    code: ['invalidRequest', 'conflict'],
  },
  {
    name: 'run-to without a step',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', {}),
    ...bad400,
  },
  {
    name: 'run-to with an unknown field',
    setup: openScenario,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: 2, fast: true }),
    ...bad400,
  },
  {
    name: 'run-to a step that has run already',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/run-to', { step: 1 }),
    status: 409,
    code: 'alreadyRun',
  },
  {
    name: 'back-to step 0',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/back-to', { step: 0 }),
    ...bad400,
  },
  {
    name: 'back-to step -1',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/back-to', { step: -1 }),
    ...bad400,
  },
  {
    name: 'back-to step 1.5',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/back-to', { step: 1.5 }),
    ...bad400,
  },
  {
    name: 'back-to beyond the end',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/back-to', { step: 999 }),
    status: [400, 409],
    code: ['invalidRequest', 'conflict'],
  },
  {
    name: 'open a scenario whose YAML is over the limit',
    request: (x) =>
      post(x, '/_sim/scenario', {
        text: `name: big\nsteps:\n  - advance: 1m\n${ymlPadding(2 * BODY_LIMIT)}`,
        file: 'big.yaml',
      }),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'open a scenario with mistakes',
    request: (x) => post(x, '/_sim/scenario', { text: 'name: x\nsteps:\n  - advanc: 5m\n', file: 'bad.yaml' }),
    status: 400,
    code: 'invalidScenario',
    extra: ['problems'],
    check: (b) => expect(b.problems.length).toBeGreaterThan(0),
  },
  {
    name: 'open a scenario that is not YAML',
    request: (x) => post(x, '/_sim/scenario', { text: 'name: [unclosed\n  - {' }),
    status: 400,
    code: 'invalidScenario',
    extra: ['problems'],
  },
  {
    name: 'open a bundled scenario outside the folder (../package.json)',
    request: (x) => post(x, '/_sim/scenario', { bundled: '../package.json' }),
    ...bad400,
  },
  {
    name: 'open a bundled scenario that does not exist',
    request: (x) => post(x, '/_sim/scenario', { bundled: 'nope.yaml' }),
    status: 404,
    code: 'notFound',
  },
  { name: 'open a scenario with neither text nor bundled', request: (x) => post(x, '/_sim/scenario', {}), ...bad400 },
  {
    name: 'open a scenario with both text and bundled',
    request: (x) => post(x, '/_sim/scenario', { text: 'name: x\nsteps: []\n', bundled: BUNDLED }),
    ...bad400,
  },
  { name: 'open a scenario with empty text', request: (x) => post(x, '/_sim/scenario', { text: '' }), ...bad400 },

  // Check this: the record's expectations
  {
    name: 'expect naming an unknown user',
    request: (x) => post(x, '/_sim/record/expect', { members: { zed: 'active' } }),
    ...bad400,
  },
  {
    name: 'expect that does not hold',
    request: (x) => post(x, '/_sim/record/expect', { members: { ada: 'active' } }),
    status: 409,
    code: 'notSo',
    extra: ['mismatches'],
    check: (b) => expect(b.mismatches.length).toBeGreaterThan(0),
  },
  {
    name: 'expect with an unknown state',
    request: (x) => post(x, '/_sim/record/expect', { members: { ada: 'asleep' } }),
    ...bad400,
  },
  {
    name: 'expect with an unknown field',
    request: (x) => post(x, '/_sim/record/expect', { membrs: { ada: 'pending' } }),
    ...bad400,
  },
  {
    name: 'expect body over the limit',
    request: (x) => post(x, '/_sim/record/expect', paddedTo(json({ members: { ada: 'pending' } }), 2 * BODY_LIMIT)),
    status: 413,
    code: 'tooLarge',
  },
];

describe(`/_sim bad input (${SIM_CASES.length} cases)`, () => {
  it('has at least 20 cases, each named once', () => {
    expect(SIM_CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(SIM_CASES.map((c) => c.name)).size).toBe(SIM_CASES.length);
  });

  it.each(SIM_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => runErrorCase(c));
});

interface OddCase {
  name: string;
  setup?: (x: Ctx) => Promise<void>;
  request: (x: Ctx) => Promise<Answer>;
  status: number;
  check?: (a: Answer, x: Ctx) => void | Promise<void>;
}

const body = (a: Answer) => JSON.parse(a.text);

const SIM_ODD: OddCase[] = [
  {
    name: 'by "0s" moves nothing',
    request: (x) => advance(x, { by: '0s' }),
    status: 200,
    check: (a) => expect(body(a)).toEqual({ now: '2026-03-02T09:00:00.000Z', fired: 0 }),
  },
  {
    name: 'by "pt1m" (ISO 8601 in lower case)',
    request: (x) => advance(x, { by: 'pt1m' }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-02T09:01:00.000Z'),
  },
  {
    name: 'by "1.5h"',
    request: (x) => advance(x, { by: '1.5h' }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-02T10:30:00.000Z'),
  },
  {
    name: 'by 60000 (a number is milliseconds)',
    request: (x) => advance(x, { by: 60_000 }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-02T09:01:00.000Z'),
  },
  {
    name: 'to an instant with an offset',
    request: (x) => advance(x, { to: '2026-03-02T11:00:00+01:00' }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-02T10:00:00.000Z'),
  },
  {
    name: 'to now exactly',
    request: (x) => advance(x, { to: '2026-03-02T09:00:00Z' }),
    status: 200,
    check: (a) => expect(body(a)).toEqual({ now: '2026-03-02T09:00:00.000Z', fired: 0 }),
  },
  {
    name: 'to a bare date (midnight UTC)',
    request: (x) => advance(x, { to: '2026-03-03' }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-03T00:00:00.000Z'),
  },
  {
    name: 'timers limit=10000 (the largest)',
    request: (x) => send(x, 'GET', '/_sim/timers?limit=10000'),
    status: 200,
    check: (a) => expect(body(a).timers.length).toBe(body(a).total),
  },
  {
    name: 'timers except=cycle: what else is due',
    request: (x) => send(x, 'GET', '/_sim/timers?except=cycle&limit=10000'),
    status: 200,
    check: async (a, x) => {
      const all = body(await send(x, 'GET', '/_sim/timers?limit=10000')).timers as Array<{ kind: string }>;
      expect(all.some((t) => t.kind === 'cycle')).toBe(true);
      expect(body(a).timers).toEqual(all.filter((t) => t.kind !== 'cycle'));
    },
  },
  {
    name: 'requests filtered by a part of the request body',
    request: (x) => send(x, 'GET', '/_sim/requests?body=ada%40contoso.com&limit=10000'),
    status: 200,
    check: (a) => {
      expect(body(a).matching).toBeGreaterThan(0);
      expect(body(a).exchanges.every((e: { requestBody?: string }) => e.requestBody?.includes('ada@contoso.com'))).toBe(
        true,
      );
    },
  },
  {
    name: 'result with the names a run calls its users',
    request: (x) => post(x, '/_sim/result', { names: { lovelace: 'ADA@contoso.com' } }),
    status: 200,
    check: (a) => {
      expect(body(a).members[0]).toMatchObject({ name: 'lovelace', userName: 'ada@contoso.com' });
      expect(Object.keys(body(a))).toEqual([
        'end',
        'members',
        'otherMembers',
        'cycles',
        'logs',
        'logsTotal',
        'exchanges',
        'exchangesTotal',
        'job',
        'variants',
      ]);
    },
  },
  {
    name: 'requests filtered by a lower-case method, a status and limit=10000',
    request: (x) => send(x, 'GET', '/_sim/requests?method=post&status=201&limit=10000'),
    status: 200,
    check: (a) => expect(body(a).exchanges).toMatchObject([{ method: 'POST', status: 201 }]),
  },
  {
    name: 'why of a user by userPrincipalName in upper case',
    request: (x) => send(x, 'GET', '/_sim/why/users/ADA%40CONTOSO.COM'),
    status: 200,
    check: (a) => expect(body(a).scope.inScope).toBe(true),
  },
  {
    name: 'why of a member by userName',
    request: (x) => send(x, 'GET', '/_sim/why/members/ada%40contoso.com'),
    status: 200,
    check: (a) => expect(body(a).member.status).toBe('pending'),
  },
  {
    name: 'clear every fault when there is none',
    request: (x) => send(x, 'DELETE', '/_sim/faults'),
    status: 204,
  },
  {
    name: 'a fault with every field',
    request: (x) =>
      post(x, '/_sim/faults', {
        id: 'throttle',
        status: 429,
        retryAfter: '30s',
        method: 'PATCH',
        path: '^/Users/',
        for: '3h',
        count: 2,
      }),
    status: 201,
    check: (a) =>
      expect(body(a)).toMatchObject({ id: 'throttle', effect: { status: 429, retryAfterSeconds: 30 }, count: 2 }),
  },
  {
    name: 'an expectation that holds is recorded',
    request: (x) => post(x, '/_sim/record/expect', { members: { ada: 'pending' } }),
    status: 201,
    check: async (_a, x) => {
      const record = body(await send(x, 'GET', '/_sim/record'));
      expect(record.steps.at(-1).step).toEqual({ expect: { members: { ada: 'pending' } } });
    },
  },
  {
    name: 'reset with an empty body keeps the seed and start',
    request: (x) => post(x, '/_sim/reset', ''),
    status: 200,
    check: (a) => expect(body(a)).toMatchObject({ seed: 'faces', start: '2026-03-02T08:00:00.000Z' }),
  },
  {
    name: 'back-to step 2 after running to step 3',
    setup: scenarioRunToStep3,
    request: (x) => post(x, '/_sim/scenario/back-to', { step: 2 }),
    status: 200,
    check: (a) => expect(body(a).ran).toBe(1),
  },
];

describe('valid but odd /_sim requests succeed', () => {
  it.each(SIM_ODD.map((c) => [c.name, c] as const))('%s', (_name, c) => runOddCase(c));
});

async function runOddCase(c: OddCase): Promise<void> {
  const w = await facesWorld();
  try {
    const x: Ctx = { w, member: w.ids.member };
    if (c.setup) await c.setup(x);
    const a = await c.request(x);
    expect(a.status, a.text.slice(0, 500)).toBe(c.status);
    if (c.check) await c.check(a, x);
    await stillServing(x);
  } finally {
    await w.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The console: its page and files, the sign-in link, and the faces as the console calls them
// ---------------------------------------------------------------------------------------------------------------

const NOT_A_FILE = { status: 404, shape: 'plain' } as const;
const FORBIDDEN = { status: 403, code: 'forbidden' } as const;
const UNAUTHORIZED = { status: 401, code: 'unauthorized' } as const;

const CONSOLE_CASES: ErrorCase[] = [
  // Files under /console/
  { name: 'file: /console/../package.json', request: (x) => raw(x, 'GET', '/console/../package.json'), ...NOT_A_FILE },
  {
    name: 'file: /console/%2e%2e/%2e%2e/package.json',
    request: (x) => raw(x, 'GET', '/console/%2e%2e/%2e%2e/package.json'),
    ...NOT_A_FILE,
  },
  {
    name: 'file: /console/..%2f..%2fpackage.json',
    request: (x) => raw(x, 'GET', '/console/..%2f..%2fpackage.json'),
    ...NOT_A_FILE,
  },
  {
    name: 'file: /console/..%5c..%5cpackage.json',
    request: (x) => raw(x, 'GET', '/console/..%5c..%5cpackage.json'),
    ...NOT_A_FILE,
  },
  {
    name: 'file: /console/%2fetc%2fpasswd',
    request: (x) => raw(x, 'GET', '/console/%2fetc%2fpasswd'),
    ...NOT_A_FILE,
  },
  {
    name: 'file: the page under /console/ (console.html)',
    request: (x) => send(x, 'GET', '/console/console.html'),
    ...NOT_A_FILE,
  },
  { name: 'file: a name in upper case', request: (x) => send(x, 'GET', '/console/CORE.JS'), ...NOT_A_FILE },
  { name: 'file: a NUL after the name', request: (x) => raw(x, 'GET', '/console/core.js%00'), ...NOT_A_FILE },
  { name: 'file: a source file', request: (x) => send(x, 'GET', '/console/routes.ts'), ...NOT_A_FILE },
  { name: 'file: a source map', request: (x) => send(x, 'GET', '/console/core.js.map'), ...NOT_A_FILE },
  { name: 'file: no name', request: (x) => send(x, 'GET', '/console/'), ...NOT_A_FILE },
  {
    name: 'file: a name of 10,000 characters',
    request: (x) => send(x, 'GET', `/console/${'a'.repeat(10_000)}.js`),
    ...NOT_A_FILE,
  },

  // The sign-in link
  {
    name: 'sign-in: a used secret',
    setup: usedLink,
    request: (x) => answer(fetch(x.link!, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
  },
  {
    name: 'sign-in: a forged secret',
    request: (x) => answer(fetch(`${x.w.s.origin}/_sim/sign-in?secret=forged`, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
  },
  {
    name: 'sign-in: an empty secret',
    request: (x) => answer(fetch(`${x.w.s.origin}/_sim/sign-in?secret=`, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
  },
  {
    name: 'sign-in: no secret',
    request: (x) => answer(fetch(`${x.w.s.origin}/_sim/sign-in`, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
  },
  {
    name: 'sign-in: a secret of 8,000 characters',
    request: (x) => answer(fetch(`${x.w.s.origin}/_sim/sign-in?secret=${'a'.repeat(8_000)}`, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
  },
  {
    name: 'sign-in: a secret with bad percent-encoding',
    request: (x) => raw(x, 'GET', '/_sim/sign-in?secret=%ZZ%E0%A4%A'),
    status: [400, 403],
    code: ['invalidRequest', 'signInRefused'],
  },
  {
    name: 'sign-in: a valid secret with a character more',
    setup: unusedLink,
    request: (x) => answer(fetch(`${x.link!}x`, { redirect: 'manual' })),
    status: 403,
    code: 'signInRefused',
    check: async (_b, x) => {
      const res = await fetch(x.link!, { redirect: 'manual' });
      expect(res.status, 'the real link still works').toBe(303);
    },
  },
  {
    name: 'sign-in: POST with a valid secret (GET only), which is not used up',
    setup: unusedLink,
    request: (x) => send(x, 'POST', `/_sim/sign-in?secret=${secretOf(x.link!)}`),
    status: 404,
    code: 'notFound',
    check: async (_b, x) => {
      const res = await fetch(x.link!, { redirect: 'manual' });
      expect(res.status, 'the link still works').toBe(303);
    },
  },

  // Changes with the session cookie but without the CSRF token, or with a wrong one
  {
    name: 'session: advance the clock without X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/clock/advance', { csrf: null, body: json({ by: '1d' }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: inject a fault with a wrong X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/faults', { csrf: 'wrong', body: json({ status: 503 }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: reset with the session id as the CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/reset', { csrf: x.session!.id, body: '{}' }),
    ...FORBIDDEN,
  },
  {
    name: 'session: open a scenario with an empty X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/scenario', { csrf: '', body: json({ bundled: BUNDLED }) }),
    ...FORBIDDEN,
  },
  {
    name: "session: another session's CSRF token",
    setup: twoSessions,
    request: (x) => browser(x, 'POST', '/_sim/clock/advance', { csrf: x.other!.csrf, body: json({ by: '1h' }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: the CSRF token in the query instead of the header',
    setup: signedIn,
    request: (x) =>
      browser(x, 'POST', `/_sim/clock/advance?csrf=${x.session!.csrf}`, { csrf: null, body: json({ by: '1h' }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: a new sign-in link without X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/sign-in-links', { csrf: null }),
    ...FORBIDDEN,
  },
  {
    name: 'session: clear the faults without X-CSRF-Token',
    setup: async (x) => {
      await ok(x, 'POST', '/_sim/faults', { id: 'outage', unavailable: true });
      await signedIn(x);
    },
    request: (x) => browser(x, 'DELETE', '/_sim/faults', { csrf: null }),
    ...FORBIDDEN,
  },
  {
    name: 'session: PATCH (a change method) without X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'PATCH', '/_sim/clock', { csrf: null, body: json({ by: '1h' }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: accept an invitation in the Admin Panel without X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', `/admin/members/${x.member}/accept-invitation`, { csrf: null }),
    ...FORBIDDEN,
  },
  {
    name: 'session: delete a member with a wrong X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'DELETE', `/admin/members/${x.member}`, { csrf: 'x'.repeat(43) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: make a member Owner without X-CSRF-Token',
    setup: signedIn,
    request: (x) => browser(x, 'PUT', `/admin/members/${x.member}/role`, { csrf: null, body: json({ role: 'owner' }) }),
    ...FORBIDDEN,
  },
  {
    name: 'session: Get Credentials without X-CSRF-Token (the Secret Token is not rotated)',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/admin/provisioning/credentials', { csrf: null }),
    ...FORBIDDEN,
  },
  {
    name: 'session: create a tenant user over Graph without X-CSRF-Token',
    setup: signedIn,
    request: (x) =>
      browser(x, 'POST', '/azure/v1.0/users', {
        csrf: null,
        body: json(newUser({ userPrincipalName: 'eve@contoso.com', displayName: 'Eve' })),
      }),
    status: 403,
    code: 'Authorization_RequestDenied',
    shape: 'graph',
  },

  // Cookies that are not a session
  {
    name: 'session: a forged session cookie',
    request: (x) => browser(x, 'GET', '/_sim/clock', { cookie: 'scimsim_session=forged; scimsim_csrf=forged' }),
    ...UNAUTHORIZED,
  },
  {
    name: 'session: a forged session cookie on the Admin Panel',
    request: (x) => browser(x, 'GET', '/admin/members', { cookie: 'scimsim_session=forged' }),
    ...UNAUTHORIZED,
  },
  {
    name: 'session: an empty session cookie',
    request: (x) => browser(x, 'GET', '/_sim/world', { cookie: 'scimsim_session=' }),
    ...UNAUTHORIZED,
  },
  {
    name: 'session: a forged session cookie with a change and a matching CSRF token',
    request: (x) =>
      browser(x, 'POST', '/_sim/clock/advance', {
        cookie: 'scimsim_session=forged; scimsim_csrf=c',
        csrf: 'c',
        body: json({ by: '1h' }),
      }),
    ...UNAUTHORIZED,
  },
  {
    name: 'session: a valid session cookie beside a wrong bearer token (the bearer decides)',
    setup: signedIn,
    request: (x) =>
      send(x, 'POST', '/_sim/clock/advance', {
        token: 'wrong',
        headers: { Cookie: x.session!.cookie, 'X-CSRF-Token': x.session!.csrf },
        body: json({ by: '1h' }),
      }),
    ...UNAUTHORIZED,
  },
  {
    name: 'session: the session cookie on SCIM (SCIM takes only its Secret Token)',
    setup: signedIn,
    request: (x) => browser(x, 'GET', '/scim/v2/Users'),
    status: 401,
    shape: 'scim',
  },
  {
    name: 'session: a cookie header of 100 KB',
    request: (x) =>
      raw(x, 'GET', '/_sim/clock', { Cookie: `big=${'x'.repeat(100_000)}`, Authorization: `Bearer ${ADMIN}` }),
    status: 431,
    shape: 'none',
  },
  {
    name: 'session: a body over the limit with the session and its CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/faults', { body: paddedTo(json({ status: 503 }), 2 * BODY_LIMIT) }),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'session: a streamed role body over the limit with the session and its CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'PUT', `/admin/members/${x.member}/role`, { body: streamed(2 * BODY_LIMIT) }),
    status: 413,
    code: 'tooLarge',
  },
  {
    name: 'session: OPTIONS on the clock (no CSRF needed; no such endpoint)',
    setup: signedIn,
    request: (x) => browser(x, 'OPTIONS', '/_sim/clock', { csrf: null }),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'session: OPTIONS on a member (no CSRF needed; no such endpoint)',
    setup: signedIn,
    request: (x) => browser(x, 'OPTIONS', `/admin/members/${x.member}`, { csrf: null }),
    status: 404,
    code: 'notFound',
  },
  {
    name: 'session: an unknown /_sim endpoint',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/widgets', { body: '{}' }),
    status: 404,
    code: 'notFound',
  },
];

describe(`console routes, bad input (${CONSOLE_CASES.length} cases)`, () => {
  it('has at least 20 cases, each named once', () => {
    expect(CONSOLE_CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CONSOLE_CASES.map((c) => c.name)).size).toBe(CONSOLE_CASES.length);
  });

  it.each(CONSOLE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => runErrorCase(c));
});

const CSP = /script-src 'self'/;

const CONSOLE_ODD: OddCase[] = [
  {
    name: 'the page for a browser (HTML before JSON in Accept)',
    request: (x) =>
      answer(fetch(`${x.w.s.origin}/`, { headers: { Accept: 'text/html,application/json;q=0.9,*/*;q=0.8' } })),
    status: 200,
    check: (a) => {
      expect(a.headers.get('content-type')).toMatch(/^text\/html/);
      expect(a.headers.get('content-security-policy')).toMatch(CSP);
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.text).toContain('/console/console.js');
    },
  },
  {
    name: '/ for a client asking for JSON',
    request: (x) => answer(fetch(`${x.w.s.origin}/`, { headers: { Accept: 'application/json, text/html' } })),
    status: 200,
    check: (a) => expect(JSON.parse(a.text)).toMatchObject({ service: 'scimsim', now: '2026-03-02T09:00:00.000Z' }),
  },
  {
    name: '/ with Accept */* is JSON',
    request: (x) => answer(fetch(`${x.w.s.origin}/`, { headers: { Accept: '*/*' } })),
    status: 200,
    check: (a) => expect(a.headers.get('content-type')).toMatch(/^application\/json/),
  },
  {
    name: 'HEAD / for a browser: no body',
    request: (x) => answer(fetch(`${x.w.s.origin}/`, { method: 'HEAD', headers: { Accept: 'text/html' } })),
    status: 200,
    check: (a) => {
      expect(a.text).toBe('');
      expect(a.headers.get('content-type')).toMatch(/^text\/html/);
    },
  },
  {
    name: 'HEAD /console/core.js: no body',
    request: (x) => answer(fetch(`${x.w.s.origin}/console/core.js`, { method: 'HEAD' })),
    status: 200,
    check: (a) => expect(a.text).toBe(''),
  },
  {
    name: 'a module with a query string',
    request: (x) => answer(fetch(`${x.w.s.origin}/console/core.js?v=2`)),
    status: 200,
    check: (a) => expect(a.headers.get('content-type')).toMatch(/^text\/javascript/),
  },
  {
    name: 'the stylesheet',
    request: (x) => answer(fetch(`${x.w.s.origin}/console/console.css`)),
    status: 200,
    check: (a) => {
      expect(a.headers.get('content-type')).toMatch(/^text\/css/);
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    },
  },
  {
    name: 'a module with a forged session cookie (files need none)',
    request: (x) => answer(fetch(`${x.w.s.origin}/console/console.js`, { headers: { Cookie: 'scimsim_session=x' } })),
    status: 200,
  },
  {
    name: 'sign-in: the link sets the two cookies and redirects to /',
    setup: unusedLink,
    request: (x) => answer(fetch(x.link!, { redirect: 'manual' })),
    status: 303,
    check: (a) => {
      expect(a.headers.get('location')).toBe('/');
      expect(a.headers.get('cache-control')).toBe('no-store');
      const set = a.headers.getSetCookie();
      const session = set.find((c) => c.startsWith('scimsim_session='))!;
      const csrf = set.find((c) => c.startsWith('scimsim_csrf='))!;
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Strict/i);
      expect(csrf).toMatch(/SameSite=Strict/i);
      expect(csrf).not.toMatch(/HttpOnly/i);
    },
  },
  {
    name: 'session: reads need no CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'GET', '/_sim/clock', { csrf: null }),
    status: 200,
  },
  {
    name: 'session: the Members tab as the console asks for it',
    setup: signedIn,
    request: (x) => browser(x, 'GET', '/admin/members?status=pending&top=25&skip=0', { csrf: null }),
    status: 200,
    check: (a) => expect(body(a)).toMatchObject({ total: 1, counts: { pending: 1 } }),
  },
  {
    name: 'session: Graph users',
    setup: signedIn,
    request: (x) => browser(x, 'GET', '/azure/v1.0/users', { csrf: null }),
    status: 200,
  },
  {
    name: 'session: the timeline',
    setup: signedIn,
    request: (x) => browser(x, 'GET', '/_sim/timeline', { csrf: null }),
    status: 200,
    check: (a) => {
      expect(a.headers.get('content-type')).toMatch(/^text\/html/);
      expect(a.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    },
  },
  {
    name: 'session: a change with the CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/clock/advance', { body: json({ by: '1h' }) }),
    status: 200,
    check: (a) => expect(body(a).now).toBe('2026-03-02T10:00:00.000Z'),
  },
  {
    name: 'session: accept an invitation with the CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', `/admin/members/${x.member}/accept-invitation`),
    status: 200,
    check: (a) => expect(body(a).status).toBe('active'),
  },
  {
    name: 'session: the CSRF header alone (no csrf cookie sent) is enough',
    setup: signedIn,
    request: (x) =>
      browser(x, 'POST', '/_sim/clock/advance', {
        cookie: `scimsim_session=${x.session!.id}`,
        body: json({ by: '1m' }),
      }),
    status: 200,
  },
  {
    name: 'session: among 8 KB of other cookies',
    setup: signedIn,
    request: (x) =>
      browser(x, 'GET', '/_sim/world', {
        cookie: `a=${'x'.repeat(4_000)}; ${x.session!.cookie}; b=${'y'.repeat(4_000)}`,
        csrf: null,
      }),
    status: 200,
  },
  {
    name: 'session: a valid bearer token beside a forged cookie (the bearer decides)',
    request: (x) => send(x, 'GET', '/_sim/clock', { headers: { Cookie: 'scimsim_session=forged' } }),
    status: 200,
  },
  {
    name: 'session: it outlives a reset',
    setup: signedIn,
    request: async (x) => {
      const reset = await browser(x, 'POST', '/_sim/reset', { body: '{}' });
      expect(reset.status, reset.text).toBe(200);
      return browser(x, 'GET', '/_sim/world', { csrf: null });
    },
    status: 200,
  },
  {
    name: 'session: a new sign-in link with the CSRF token',
    setup: signedIn,
    request: (x) => browser(x, 'POST', '/_sim/sign-in-links'),
    status: 201,
    check: async (a) => {
      const res = await fetch(body(a).link, { redirect: 'manual' });
      expect(res.status).toBe(303);
    },
  },
];

describe('valid but odd console requests succeed', () => {
  it.each(CONSOLE_ODD.map((c) => [c.name, c] as const))('%s', (_name, c) => runOddCase(c));
});
