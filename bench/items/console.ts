/**
 * The console with a large tenant (issue #14): "with 10,000 users every list is paged, and the actions whose work
 * does not grow with the tenant answer about as fast as with 100 users; the first page load transfers under
 * 500 KB". Two `scimsim console` children, `--users 100` and `--users 10000`, each prepared alike through the
 * routes the console calls (signed in with the session cookie and the CSRF token, as the page is): Get Credentials,
 * Save with "Sync all users and groups", Start (the initial cycle makes every user a member and a log entry),
 * then 10 minutes so every invitation email is sent. Then:
 *
 * - each constant-size action, timed in the two worlds alternately (noise on the shared machine hits both), judged
 *   by the action whose time grows most from 100 to 10,000 users;
 * - the first page load in the 10,000-user world: in Chromium (playwright-core, as the console tests) everything
 *   the browser transfers from the sign-in link until the page has drawn and the network is quiet (the page, its
 *   scripts and styles, and the data it asks for). Without Chromium only the page's own files are fetched (the
 *   HTML, every script and stylesheet it references, the modules they import), and the row is reported only.
 *
 * ACTIONS is what the console sends for each action: when the console pages a list differently, change it there.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startChild, type Child } from '../lib/http.ts';
import { thousands } from '../lib/measure.ts';
import { ADMIN_TOKEN, START } from '../lib/scim-request.ts';
import { judged, type BenchContext, type BenchItem, type BenchResult, type RatioTarget } from '../table.ts';

const SIZES = { small: 100, large: 10_000 } as const;
type Size = keyof typeof SIZES;
const GRAPH = '/azure/v1.0';
const CHROMIUM = '/usr/bin/chromium';
const KB = 1000;
const PAGE_LIMIT_KB = 500;
/** A list page is this long (the console's Users list shows 25); an answer with more is not a page. */
const PAGE = 25;

const atMost = (max: number): RatioTarget => ({
  text: `ratio <= ${max}`,
  met: (r) => Number.isFinite(r) && r <= max,
});
const ACTIONS_TARGET = atMost(2);

/** A served world, signed in as the console is. */
interface World {
  url: string;
  /** `Cookie:` for every request; `X-CSRF-Token:` for every change. */
  cookie: string;
  csrf: string;
  servicePrincipal: string;
  /** Members, log entries and users that the actions open or assign in turn (the same count in both worlds). */
  memberIds: string[];
  logIds: string[];
  users: Array<{ id: string; userPrincipalName: string }>;
  counts: { members: number; logEntries: number; emails: number };
}

interface Answer {
  status: number;
  bytes: number;
  body: unknown;
}

async function call(world: Pick<World, 'url' | 'cookie' | 'csrf'>, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: 'application/json', Cookie: world.cookie };
  if (method !== 'GET') headers['X-CSRF-Token'] = world.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return { status: response.status, bytes: Buffer.byteLength(text), body: text ? JSON.parse(text) : undefined };
}

const get = (world: World, path: string): Promise<Answer> => call(world, 'GET', path);
const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;
const odataFilter = (expression: string) => `$filter=${encodeURIComponent(expression)}`;
/** `count` items spread over `list`, the same positions whatever its length. */
const spread = <T>(list: readonly T[], count: number): T[] =>
  Array.from({ length: Math.min(count, list.length) }, (_, i) => list[Math.floor((i * list.length) / count)]!);

/** A one-time sign-in link (asked for with the admin token), opened: the session and CSRF cookies it sets. */
async function signIn(url: string): Promise<{ cookie: string; csrf: string; link: string }> {
  const link = await newSignInLink(url);
  const response = await fetch(link, { redirect: 'manual' });
  await response.arrayBuffer();
  const cookies = new Map(
    response.headers.getSetCookie().map((c) => {
      const pair = c.split(';')[0]!;
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const session = cookies.get('scimsim_session');
  const csrf = cookies.get('scimsim_csrf');
  if (response.status !== 303 || !session || !csrf) throw new Error(`signing in at ${url}: ${response.status}`);
  return { cookie: `scimsim_session=${session}; scimsim_csrf=${csrf}`, csrf, link };
}

async function newSignInLink(url: string): Promise<string> {
  const response = await fetch(`${url}/_sim/sign-in-links`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { link } = (await response.json()) as { link?: string };
  if (response.status !== 201 || !link) throw new Error(`POST /_sim/sign-in-links: ${response.status}`);
  return link;
}

/** `scimsim console --users N`, signed in, provisioned: every user a pending member with its invitation sent. */
async function preparedWorld(ctx: BenchContext, size: number, children: Child[]): Promise<World> {
  const child = await startChild(
    [
      'bin/scimsim.mjs',
      'console',
      '--port',
      '0',
      '--admin-token',
      ADMIN_TOKEN,
      '--seed',
      'bench-console',
      '--start',
      START,
      '--users',
      String(size),
    ],
    ctx.root,
  );
  children.push(child);
  const session = { url: child.url, ...(await signIn(child.url)) };
  const began = performance.now();
  // Get Credentials, then Entra's Provisioning page: Save (with "Sync all users and groups", so every user is in
  // scope without 10,000 assignments), Start. The initial cycle runs before Start answers.
  const { tenantUrl, secretToken } = (await call(session, 'POST', '/admin/provisioning/credentials')).body as {
    tenantUrl: string;
    secretToken: string;
  };
  const sps = await call(session, 'GET', `${GRAPH}/servicePrincipals?${odataFilter("displayName eq 'NordPass'")}`);
  const servicePrincipal = (sps.body as { value: Array<{ id: string }> }).value[0]!.id;
  const sync = `${GRAPH}/servicePrincipals/${servicePrincipal}/synchronization`;
  await call(session, 'PUT', `${sync}/secrets`, {
    value: [
      { key: 'BaseAddress', value: tenantUrl },
      { key: 'SecretToken', value: secretToken },
      { key: 'SyncAll', value: 'True' },
    ],
  });
  const job = ((await call(session, 'GET', `${sync}/jobs`)).body as { value: Array<{ id: string }> }).value[0]!;
  await call(session, 'POST', `${sync}/jobs/${job.id}/start`);
  // The invitation emails go out after --invitation-delay (2 minutes); the next cycle is 40 minutes away.
  await call(session, 'POST', '/_sim/clock/advance', { by: '10m' });

  // What the actions open in turn, read once here (in full: this is set-up, not measured).
  const members = ((await call(session, 'GET', '/admin/members')).body as { members: Array<{ id: string }> }).members;
  const emails = ((await call(session, 'GET', '/admin/outbox')).body as { emails: unknown[] }).emails.length;
  const logs = (await call(session, 'GET', `${GRAPH}/auditLogs/provisioning?$top=${PAGE}&$select=id`)).body as {
    value: Array<{ id: string }>;
  };
  const users = (await call(session, 'GET', `${GRAPH}/users?$top=${PAGE}&$select=id,userPrincipalName`)).body as {
    value: Array<{ id: string; userPrincipalName: string }>;
  };
  if (members.length !== size || emails !== size)
    throw new Error(`the ${thousands(size)}-user world has ${members.length} members and ${emails} emails`);
  ctx.log(`  ${thousands(size)} users: provisioned in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  return {
    ...session,
    servicePrincipal,
    memberIds: spread(members, PAGE).map((m) => m.id),
    logIds: logs.value.map((r) => r.id),
    users: users.value,
    counts: { members: members.length, logEntries: size, emails },
  };
}

interface Action {
  name: string;
  /** The requests of one action, in order; what it answered (bytes summed). `i` picks the member, entry or user. */
  run(world: World, i: number): Promise<Answer>;
  /** The action lists a page: its answer must hold at most PAGE items. */
  page?: (answer: unknown) => number;
}

const listed = (key: string) => (body: unknown) => ((body as Record<string, unknown[]>)[key] ?? []).length;

/** What the console sends for each action that does not grow with the tenant. */
const ACTIONS: Action[] = [
  {
    name: 'Users list page',
    run: (w) => get(w, `${GRAPH}/users?$top=${PAGE}&$select=id,displayName,userPrincipalName,accountEnabled`),
    page: listed('value'),
  },
  {
    // A tab's first page (the Admin Panel's `top` and `skip`, with `total` and the tabs' `counts`).
    name: 'Members page (Pending tab)',
    run: (w) => get(w, `/admin/members?status=pending&top=${PAGE}&skip=0`),
    page: listed('members'),
  },
  {
    name: 'Outbox page',
    run: (w) => get(w, `/admin/outbox?top=${PAGE}`),
    page: listed('emails'),
  },
  {
    name: 'Provisioning logs page',
    run: (w) => get(w, `${GRAPH}/auditLogs/provisioning?$top=20`),
    page: listed('value'),
  },
  {
    name: 'open a member',
    run: (w, i) => get(w, `/admin/members/${w.memberIds[i % w.memberIds.length]}`),
  },
  {
    // One entry by its id (a deep link to it): Graph's provisioning logs are read by $filter, not by a path.
    name: 'open a log entry',
    // The entry by id, then the HTTP exchanges behind it, as the page asks for them.
    async run(w, i) {
      const id = w.logIds[i % w.logIds.length]!;
      const entry = await get(w, `${GRAPH}/auditLogs/provisioning?${odataFilter(`id eq ${quoted(id)}`)}`);
      const behind = await get(w, `/_sim/logs/${encodeURIComponent(id)}/requests`);
      return { status: behind.status, bytes: entry.bytes + behind.bytes, body: entry.body };
    },
  },
  {
    // Users and groups > Add user/group (the user looked up by name, as the form does), then Remove.
    name: 'assign and remove one user',
    async run(w, i) {
      const user = w.users[i % w.users.length]!;
      const found = await get(
        w,
        `${GRAPH}/users?${odataFilter(`userPrincipalName eq ${quoted(user.userPrincipalName)}`)}`,
      );
      const id = (found.body as { value: Array<{ id: string }> }).value[0]!.id;
      const assignments = `${GRAPH}/servicePrincipals/${w.servicePrincipal}/appRoleAssignedTo`;
      const assigned = await call(w, 'POST', assignments, { principalId: id, resourceId: w.servicePrincipal });
      const removed = await call(w, 'DELETE', `${assignments}/${(assigned.body as { id: string }).id}`);
      return { status: removed.status, bytes: found.bytes + assigned.bytes + removed.bytes, body: undefined };
    },
  },
  {
    name: 'Get Credentials',
    run: (w) => call(w, 'POST', '/admin/provisioning/credentials'),
  },
];

interface Timing {
  calls: number;
  ms: number;
  /** What the last call answered. */
  last?: Answer;
}

/**
 * Calls `action` one after another for about `ms` (at least 3 times), checking the time after each call: a slow
 * action must not hold a slice for long.
 */
async function slice(action: Action, world: World, ms: number, counter: { i: number }, into: Timing): Promise<void> {
  const began = performance.now();
  let calls = 0;
  let elapsed = 0;
  while (calls < 3 || elapsed < ms) {
    into.last = await action.run(world, counter.i++);
    calls++;
    elapsed = performance.now() - began;
  }
  into.calls += calls;
  into.ms += elapsed;
}

interface ActionFigures {
  name: string;
  small: Timing;
  large: Timing;
  /** Items the large world's page held (for a list page). */
  pageItems?: number;
}

const meanMs = (t: Timing) => t.ms / t.calls;

/** Each action in both worlds, alternately, `rounds` times (the first world alternates too), after a warm-up. */
async function timeActions(ctx: BenchContext, worlds: Record<Size, World>): Promise<ActionFigures[]> {
  const rounds = ctx.quick ? 2 : 6;
  const sliceMs = ctx.quick ? 150 : 300;
  ctx.log(`  ${ACTIONS.length} actions: ${rounds} rounds of ${sliceMs} ms in each world`);
  const figures: ActionFigures[] = [];
  for (const action of ACTIONS) {
    const counter = { i: 0 };
    // A warm-up slice in each world, not counted: the 10,000-user server has just answered 10,000 SCIM requests
    // and the 100-user one 100, so without it the smaller world's code would be the colder.
    for (const size of ['small', 'large'] as const)
      await slice(action, worlds[size], sliceMs, counter, { calls: 0, ms: 0 });
    const small: Timing = { calls: 0, ms: 0 };
    const large: Timing = { calls: 0, ms: 0 };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const);
      for (const size of order) await slice(action, worlds[size], sliceMs, counter, size === 'small' ? small : large);
    }
    const pageItems = action.page?.(large.last?.body);
    figures.push({ name: action.name, small, large, ...(pageItems !== undefined ? { pageItems } : {}) });
  }
  return figures;
}

interface PageLoad {
  kb: number;
  requests: number;
  /** KB of the page's own files (document, scripts, styles) and of the data it asked for. */
  filesKb: number;
  dataKb: number;
  /** The largest answers, for the note. */
  largest: Array<{ path: string; kb: number }>;
  how: 'chromium' | 'files only';
}

/** The first page load in Chromium: from the sign-in link until the page has drawn and the network is quiet. */
async function pageLoadInBrowser(world: World): Promise<PageLoad> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const inFlight = new Set<unknown>();
    let lastActivity = performance.now();
    const sizes: Array<Promise<{ path: string; type: string; bytes: number }>> = [];
    page.on('request', (r) => {
      // The live-activity stream stays open: it is no part of loading.
      if (r.resourceType() === 'eventsource') return;
      inFlight.add(r);
      lastActivity = performance.now();
    });
    const settle = (r: import('playwright-core').Request) => {
      if (!inFlight.delete(r)) return;
      lastActivity = performance.now();
      sizes.push(
        r.sizes().then((s) => ({
          path: new URL(r.url()).pathname,
          type: r.resourceType(),
          bytes: s.responseHeadersSize + s.responseBodySize + s.requestHeadersSize + s.requestBodySize,
        })),
      );
    };
    page.on('requestfinished', settle);
    const failed: string[] = [];
    // A refusal (signed out, a 404) would make a small page load of a broken page.
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${new URL(r.url()).pathname}: ${r.status()}`);
    });
    page.on('requestfailed', (r) => {
      if (inFlight.delete(r)) failed.push(`${new URL(r.url()).pathname}: ${r.failure()?.errorText}`);
    });
    await page.goto(await newSignInLink(world.url), { waitUntil: 'load', timeout: 60_000 });
    const deadline = performance.now() + 60_000;
    while (inFlight.size > 0 || performance.now() - lastActivity < 750) {
      if (performance.now() > deadline) throw new Error('the console did not finish loading within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (failed.length > 0) throw new Error(`the page's requests failed: ${failed.join('; ')}`);
    const all = await Promise.all(sizes);
    const files = all.filter((s) => ['document', 'script', 'stylesheet', 'font', 'image'].includes(s.type));
    const sum = (list: typeof all) => list.reduce((total, s) => total + s.bytes, 0) / KB;
    return {
      kb: sum(all),
      requests: all.length,
      filesKb: sum(files),
      dataKb: sum(all) - sum(files),
      largest: [...all]
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3)
        .map((s) => ({ path: s.path, kb: s.bytes / KB })),
      how: 'chromium',
    };
  } finally {
    await browser.close();
  }
}

/** Without a browser: `/` as a browser asks for it, and every script, stylesheet and module it reaches. */
async function pageFiles(world: World): Promise<PageLoad> {
  const origin = new URL(world.url).origin;
  const seen = new Set<string>();
  const fetched: Array<{ path: string; bytes: number }> = [];
  const visit = async (url: URL, accept: string): Promise<void> => {
    if (url.origin !== origin || seen.has(url.href)) return;
    seen.add(url.href);
    const response = await fetch(url, { headers: { Accept: accept, Cookie: world.cookie } });
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok) throw new Error(`GET ${url.pathname}: ${response.status}`);
    fetched.push({ path: url.pathname, bytes: body.length });
    const text = body.toString('utf8');
    const type = response.headers.get('content-type') ?? '';
    const refs = type.includes('html')
      ? [...text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/gi)].map((m) => m[1]!)
      : type.includes('javascript')
        ? [
            ...text.matchAll(/(?:^|[;\s}])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']/g),
            ...text.matchAll(/(?:^|[;\s])import\s*\(?\s*["']([^"']+)["']/g),
          ].map((m) => m[1]!)
        : type.includes('css')
          ? [...text.matchAll(/(?:@import\s+|url\()\s*["']?([^"')\s;]+)/g)].map((m) => m[1]!)
          : [];
    for (const ref of refs) {
      if (/^(?:data|blob|javascript):/i.test(ref)) continue;
      await visit(new URL(ref, url), '*/*');
    }
  };
  await visit(new URL('/', origin), 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
  const kb = fetched.reduce((total, f) => total + f.bytes, 0) / KB;
  return {
    kb,
    requests: fetched.length,
    filesKb: kb,
    dataKb: 0,
    largest: [...fetched]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3)
      .map((f) => ({ path: f.path, kb: f.bytes / KB })),
    how: 'files only',
  };
}

interface ConsoleFigures {
  actions: ActionFigures[];
  load: Record<Size, PageLoad>;
  counts: World['counts'];
}

/** Both worlds, the page loads (before any action adds to the record), then the actions; children always stopped. */
function consoleFigures(ctx: BenchContext): Promise<ConsoleFigures> {
  return ctx.memo('console:worlds', async () => {
    const children: Child[] = [];
    try {
      ctx.log(`  scimsim console --users ${SIZES.small} and --users ${thousands(SIZES.large)}`);
      const [small, large] = await Promise.all([
        preparedWorld(ctx, SIZES.small, children),
        preparedWorld(ctx, SIZES.large, children),
      ]);
      const worlds = { small, large };
      const browser = existsSync(CHROMIUM);
      ctx.log(`  first page load ${browser ? 'in Chromium' : `(no ${CHROMIUM}: the page's files only)`}`);
      const loadOf = browser ? pageLoadInBrowser : pageFiles;
      const load = { small: await loadOf(small), large: await loadOf(large) };
      const actions = await timeActions(ctx, worlds);
      return { actions, load, counts: large.counts };
    } finally {
      for (const child of children) await child.stop();
    }
  });
}

const ms = (t: Timing) => `${meanMs(t).toFixed(meanMs(t) < 10 ? 2 : 1)} ms`;
const kb = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} KB`;

const actionsItem: BenchItem = {
  name: 'Console, 10,000 users vs 100: constant-size actions (ms, slowest-growing action)',
  target: `${ACTIONS_TARGET.text} for every action (its time with 10,000 users / with 100)`,
  async run(ctx) {
    const { actions, counts } = await consoleFigures(ctx);
    const ratio = (a: ActionFigures) => meanMs(a.large) / meanMs(a.small);
    const worst = actions.reduce((w, a) => (ratio(a) > ratio(w) ? a : w));
    const unpaged = actions.filter((a) => a.pageItems !== undefined && a.pageItems > PAGE);
    const result: BenchResult = judged(
      meanMs(worst.large),
      meanMs(worst.small),
      'ms',
      ACTIONS_TARGET,
      [
        `Mean time of each action through the console's routes (session cookie, CSRF token), 10,000 vs 100 users, in alternating slices;`,
        `figure and baseline are the action whose time grew most: ${worst.name}.`,
        `The 10,000-user world: ${thousands(counts.members)} members (pending, invitation sent), ${thousands(counts.logEntries)} log entries, ${thousands(counts.emails)} emails.`,
        actions
          .map(
            (a) =>
              `${a.name}: ${ms(a.large)} vs ${ms(a.small)} (x${ratio(a).toFixed(2)}, ${kb((a.large.last?.bytes ?? 0) / KB)} vs ${kb((a.small.last?.bytes ?? 0) / KB)}, ${thousands(a.large.calls)}/${thousands(a.small.calls)} calls)`,
          )
          .join('; '),
        ...(unpaged.length
          ? [
              `NOT PAGED with 10,000 users: ${unpaged.map((a) => `${a.name} answered ${thousands(a.pageItems!)} items`).join(', ')}.`,
            ]
          : []),
      ].join(' '),
    );
    return result;
  },
};

const pageLoadItem: BenchItem = {
  name: 'Console first page load, 10,000 users (KB transferred)',
  target: `figure < ${PAGE_LIMIT_KB} KB (baseline: 100 users)`,
  async run(ctx) {
    const { load } = await consoleFigures(ctx);
    const { large, small } = load;
    const largest = large.largest.map((l) => `${l.path} ${kb(l.kb)}`).join(', ');
    return {
      figure: large.kb,
      baseline: small.kb,
      ratio: large.kb / small.kb,
      unit: 'KB',
      // Without a browser the data the page asks for is not in the figure: it cannot be judged.
      pass: large.how === 'chromium' ? large.kb < PAGE_LIMIT_KB : null,
      note:
        large.how === 'chromium'
          ? `Everything Chromium transferred (headers and bodies) from the sign-in link until the page had drawn and the network was quiet for 750 ms (the live-activity stream left out): ${large.requests} requests, ${kb(large.filesKb)} of page files (document, scripts, styles), ${kb(large.dataKb)} of data; largest: ${largest}. With 100 users: ${kb(small.kb)} (${kb(small.dataKb)} of data).`
          : `No ${CHROMIUM}, so only the page's own files (the HTML and every script, stylesheet and module it reaches; bodies only): ${large.requests} files, largest: ${largest}. The data the page asks for is not measured: reported only.`,
    };
  },
};

export default [actionsItem, pageLoadItem];
