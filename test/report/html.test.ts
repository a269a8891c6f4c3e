/** The HTML report: one self-contained, escaped document, and in a real browser a chart whose markers open details. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, htmlReporter } from '../../simulator/report/html.ts';
import { ticks } from '../../simulator/report/html/axis.ts';
import type {
  AzureMarker,
  ExchangeResult,
  LogEntryResult,
  MemberTimeline,
  RunReport,
  ScenarioResult,
} from '../../simulator/scenario/result.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const EVIL = '<script>alert(1)</script>';

function cycles(from: number, to: number, everyMs = 40 * MIN): AzureMarker[] {
  const out: AzureMarker[] = [];
  for (let t = from, i = 0; t <= to; t += everyMs, i++) {
    out.push({
      at: iso(t),
      kind: 'cycle',
      label: i === 0 ? 'initial cycle' : 'incremental cycle',
      detail: 'Succeeded: 0 exported, 0 failed',
    });
  }
  return out;
}

function action(at: number, label: string, detail = ''): AzureMarker {
  return { at: iso(at), kind: 'action', label, detail };
}

/** A log entry at a cycle's instant and the two exchanges behind it (GET by userName, then the change). */
function entry(
  at: number,
  cycleId: string,
  action: string,
  user: string,
  seq: number,
  change: { method: string; path: string; status: number; body: unknown },
): { log: LogEntryResult; exchanges: ExchangeResult[] } {
  return {
    log: { at: iso(at), cycleId, action, status: 'success', user, exchanges: [seq, seq + 1] },
    exchanges: [
      {
        seq,
        at: iso(at),
        method: 'GET',
        path: `/Users?filter=userName+eq+"${user}"`,
        status: 200,
        responseBody: JSON.stringify({ totalResults: 0, Resources: [] }),
      },
      {
        seq: seq + 1,
        at: iso(at),
        method: change.method,
        path: change.path,
        status: change.status,
        requestBody: JSON.stringify(change.body),
        responseBody: JSON.stringify({ id: `id-${seq}`, userName: user, active: true }),
      },
    ],
  };
}

function scenario(over: Partial<ScenarioResult>): ScenarioResult {
  return {
    file: 'scenarios/x.yaml',
    name: 'x',
    seed: 1,
    start: iso(T0),
    end: iso(T0),
    passed: true,
    reproduce: 'npx scimsim run scenarios/x.yaml --seed "1"',
    steps: [],
    members: [],
    otherMembers: { count: 0, byStatus: {} },
    markers: [],
    logs: [],
    logsTotal: 0,
    exchanges: [],
    exchangesTotal: 0,
    job: {
      code: 'Active',
      lastCycle: null,
      steadyStateFirstAchievedAt: null,
      steadyStateLastAchievedAt: null,
      countSuccessiveCompleteFailures: 0,
      quarantine: null,
      nextCycleAt: null,
      escrows: 0,
      links: 0,
      stagedDeletes: 0,
    },
    variants: { set: {}, consulted: [] },
    wallMs: 12,
    ...over,
  };
}

/** ada: pending -> active -> suspended -> deleted exactly 30 days later; bob: forbidden, then restored. */
function passing(): ScenarioResult {
  const d1 = T0 + DAY;
  const d2 = T0 + 2 * DAY;
  const d3 = T0 + 3 * DAY;
  const end = T0 + 33 * DAY;
  const a = entry(T0, 'cyc-0', 'Create', 'ada@contoso.com', 1, {
    method: 'POST',
    path: '/Users',
    status: 201,
    body: { userName: 'ada@contoso.com', active: true },
  });
  const b = entry(T0, 'cyc-0', 'Create', 'bob@contoso.com', 3, {
    method: 'POST',
    path: '/Users',
    status: 201,
    body: { userName: 'bob@contoso.com', active: true },
  });
  const c = entry(d1, 'cyc-36', 'Disable', 'bob@contoso.com', 5, {
    method: 'PATCH',
    path: '/Users/id-3',
    status: 200,
    body: { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
  });
  const d = entry(d2, 'cyc-72', 'Disable', 'ada@contoso.com', 7, {
    method: 'PATCH',
    path: '/Users/id-1',
    status: 200,
    body: { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
  });
  const e = entry(d3, 'cyc-108', 'Update', 'bob@contoso.com', 9, {
    method: 'PATCH',
    path: '/Users/id-3',
    status: 200,
    body: { Operations: [{ op: 'Replace', path: 'active', value: 'True' }] },
  });
  const members: MemberTimeline[] = [
    {
      name: 'ada',
      userName: 'ada@contoso.com',
      id: 'id-1',
      status: 'deleted',
      events: [
        { at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' },
        { at: iso(T0 + 5 * MIN), type: 'invitationSent', from: 'pending', to: 'pending', by: 'system' },
        { at: iso(T0 + 2 * 60 * MIN), type: 'invitationAccepted', from: 'pending', to: 'active', by: 'invitee' },
        {
          at: iso(d2),
          type: 'suspended',
          from: 'active',
          to: 'suspended',
          by: 'scim',
          detail: `purge due ${iso(d2 + 30 * DAY)}`,
          purgeAt: iso(d2 + 30 * DAY),
          windowMs: 30 * DAY,
        },
        { at: iso(d2 + 30 * DAY), type: 'purged', from: 'suspended', to: 'deleted', by: 'system' },
      ],
    },
    {
      name: 'bob',
      userName: 'bob@contoso.com',
      id: 'id-3',
      status: 'pending',
      events: [
        { at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' },
        { at: iso(T0 + 5 * MIN), type: 'invitationSent', from: 'pending', to: 'pending', by: 'system' },
        {
          at: iso(d1),
          type: 'forbidden',
          from: 'pending',
          to: 'forbidden',
          by: 'scim',
          detail: `purge due ${iso(d1 + 30 * DAY)}`,
          purgeAt: iso(d1 + 30 * DAY),
          windowMs: 30 * DAY,
        },
        { at: iso(d3), type: 'restored', from: 'forbidden', to: 'pending', by: 'scim' },
      ],
    },
  ];
  const logs = [a, b, c, d, e];
  const steps = [
    { name: 'assign', args: 'ada', at: T0 },
    { name: 'assign', args: 'bob', at: T0 },
    { name: 'start', args: null, at: T0 },
    { name: 'acceptInvitation', args: 'ada', at: T0 + 2 * 60 * MIN },
    { name: 'unassign', args: 'bob', at: d1 - 30 * MIN },
    { name: 'unassign', args: 'ada', at: d2 - 30 * MIN },
    { name: 'assign', args: 'bob', at: d3 - 30 * MIN },
    { name: 'advance', args: '30d', at: d3 },
    { name: 'expect', args: { members: { ada: 'deleted', bob: 'pending' } }, at: end },
  ];
  return scenario({
    file: 'scenarios/05-purge-after-30-days.yaml',
    name: 'A suspended member is purged exactly 30 days later, and a forbidden member can be restored',
    description:
      'Ada registers, is unassigned and suspended; 30 days later NordPass purges her. Bob is removed before registering and re-assigned two days later.',
    seed: 5,
    end: iso(end),
    steps: steps.map((s, i) => ({
      index: i,
      line: 12 + i * 2,
      name: s.name,
      args: s.args,
      at: iso(s.at),
      endedAt: iso(s.at),
      ok: true,
      ...(s.name === 'advance' ? { note: 'past the purge deadline' } : {}),
    })),
    members,
    markers: [
      ...steps
        .filter((s) => !['advance', 'expect'].includes(s.name))
        .map((s) => action(s.at, s.name, String(s.args ?? ''))),
      ...cycles(T0, end),
    ].sort((x, y) => x.at.localeCompare(y.at)),
    logs: logs.map((x) => x.log),
    logsTotal: logs.length,
    exchanges: logs.flatMap((x) => x.exchanges),
    exchangesTotal: 10,
  });
}

/** Two hours of minutes-scale activity, a user-supplied name with markup, and an expectation that fails. */
function failing(): ScenarioResult {
  const end = T0 + 2 * 60 * MIN;
  const x = entry(T0, 'f-0', 'Create', 'carol@contoso.com', 1, {
    method: 'POST',
    path: '/Users',
    status: 201,
    body: { userName: 'carol@contoso.com' },
  });
  return scenario({
    file: 'scenarios/09-delete-user.yaml',
    name: `Deleting a user ${EVIL} suspends the member`,
    description: 'A description with <b>markup</b> & ampersands.',
    seed: 'abc',
    end: iso(end),
    passed: false,
    failure: {
      step: 2,
      line: 21,
      name: 'expect',
      message: 'member carol: expected suspended, got active',
      mismatches: [{ what: 'member carol', expected: 'suspended', actual: 'active' }],
    },
    reproduce: 'npx scimsim run scenarios/09-delete-user.yaml --seed "abc"',
    steps: [
      { index: 0, line: 15, name: 'assign', args: 'carol', at: iso(T0), endedAt: iso(T0), ok: true },
      {
        index: 1,
        line: 17,
        name: 'deleteUser',
        args: { user: 'carol', token: '[redacted]' },
        at: iso(T0 + 50 * MIN),
        endedAt: iso(T0 + 50 * MIN),
        ok: true,
      },
      {
        index: 2,
        line: 21,
        name: 'expect',
        args: { members: { carol: 'suspended' } },
        at: iso(end),
        endedAt: iso(end),
        ok: false,
        message: 'member carol: expected suspended, got active',
        mismatches: [{ what: 'member carol', expected: 'suspended', actual: 'active' }],
      },
    ],
    members: [
      {
        name: 'carol',
        userName: 'carol@contoso.com',
        id: 'id-1',
        status: 'active',
        events: [
          { at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' },
          { at: iso(T0 + 5 * MIN), type: 'invitationSent', from: 'pending', to: 'pending', by: 'system' },
          { at: iso(T0 + 30 * MIN), type: 'invitationAccepted', from: 'pending', to: 'active', by: 'invitee' },
        ],
      },
      {
        name: 'mallory',
        userName: 'mallory"><img src=x onerror=alert(1)>@contoso.com',
        id: 'id-2',
        status: 'pending',
        events: [{ at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' }],
      },
    ],
    otherMembers: { count: 1234, byStatus: { active: 1200, suspended: 34 } },
    markers: [action(T0, 'assign', 'carol'), action(T0 + 50 * MIN, 'deleteUser', 'carol'), ...cycles(T0, end)].sort(
      (a, b) => a.at.localeCompare(b.at),
    ),
    logs: [x.log],
    logsTotal: 1,
    exchanges: x.exchanges,
    exchangesTotal: 2,
  });
}

function report(scenarios: ScenarioResult[], invalid: RunReport['invalid'] = []): RunReport {
  const failed = scenarios.filter((s) => !s.passed).length;
  return {
    schemaVersion: 1,
    tool: 'scimsim',
    startedAt: '2026-03-01T10:15:00.000Z',
    wallMs: 2345,
    passed: scenarios.length - failed,
    failed,
    invalid,
    scenarios,
  };
}

const count = (text: string, needle: string | RegExp) =>
  typeof needle === 'string' ? text.split(needle).length - 1 : (text.match(new RegExp(needle, 'g')) ?? []).length;

describe('html reporter: the document', () => {
  const html = htmlReporter.render(
    report([passing(), failing()], [{ file: 'scenarios/bad.yaml', message: `steps.0: unknown step "${EVIL}"` }]),
  );

  it('is named html and writes index.html', () => {
    expect(htmlReporter.name).toBe('html');
    expect(htmlReporter.fileName).toBe('index.html');
  });

  it('is one document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(count(html, /<html[\s>]/)).toBe(1);
    expect(count(html, '</html>')).toBe(1);
    expect(count(html, /<body[\s>]/)).toBe(1);
    expect(count(html, /<style[\s>]/)).toBe(1);
  });

  it('fetches nothing: no external URLs, imports, fonts or images', () => {
    for (const bad of [
      /src="http/i,
      /href="http/i,
      /@import/i,
      /url\(\s*['"]?http/i,
      /<link[\s>]/i,
      /<img[\s>]/i,
      /<iframe/i,
      /@font-face/i,
    ])
      expect(html).not.toMatch(bad);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes every piece of report text', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(count(html, /<script[\s>]/)).toBe(1);
    expect(html).toContain('mallory&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@contoso.com');
    expect(html).toContain('A description with &lt;b&gt;markup&lt;/b&gt; &amp; ampersands.');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml('a\u0000b')).toBe('ab');
  });

  it('lists failed scenarios first in the header, with the counts and when it ran', () => {
    const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
    expect(nav.indexOf('09-delete-user.yaml')).toBeLessThan(nav.indexOf('05-purge-after-30-days.yaml'));
    expect(nav).toContain('href="#s2"');
    expect(html).toContain('2 of 3 scenarios failed');
    expect(html).toContain('1 passed · 1 failed · 1 invalid file');
    expect(html).toContain('1 Mar 2026, 10:15 UTC');
  });

  it('spells out the failure: where, expected vs actual, and how to reproduce', () => {
    const box = html.slice(
      html.indexOf('<div class="failure"'),
      html.indexOf('</div></div>', html.indexOf('<div class="failure"')),
    );
    expect(box).toContain('scenarios/09-delete-user.yaml:21');
    expect(box).toContain('step 3');
    expect(box).toMatch(/<td>member carol<\/td><td class="expected">suspended<\/td><td class="actual">active<\/td>/);
    expect(box).toContain('npx scimsim run scenarios/09-delete-user.yaml --seed &quot;abc&quot;');
    expect(html).toContain('class="scenario failed" id="s2"');
    // The failed scenario is the first section on the page.
    expect(html.indexOf('<section class="scenario failed" id="s2"')).toBeLessThan(
      html.indexOf('<section class="scenario passed" id="s1"'),
    );
  });

  it('draws one lane per member, the 30-day windows, and clickable cycles only where something happened', () => {
    const s1 = html.slice(html.indexOf('id="s1"'), html.indexOf('</section>', html.indexOf('id="s1"')));
    expect(count(s1, 'class="lane"')).toBe(2);
    expect(s1).toContain('data-state="suspended"');
    expect(s1).toContain('data-state="forbidden"');
    expect(s1).toContain('purged 30 days after the suspension');
    expect(s1).toContain('restored after 2 days');
    expect(count(s1, 'data-cycle-marker=')).toBe(4);
    expect(s1).toContain('1189 cycles, every 40 min');
    // Each log row knows its cycle, so a click on that cycle can show it.
    expect(s1).toMatch(/<tr id="s1-l0" data-cycle="s1-c0" data-x="1 2">/);
    expect(s1).toMatch(/<tr id="s1-l2" data-cycle="s1-c36"/);
  });

  it("draws a window from the event's purge deadline and length, whatever the setting (no prose read)", () => {
    const soft = T0 + DAY;
    const page = htmlReporter.render(
      report([
        scenario({
          end: iso(T0 + 3 * DAY),
          members: [
            {
              name: 'cy',
              userName: 'cy@contoso.com',
              id: 'id-9',
              status: 'suspended',
              events: [
                { at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' },
                { at: iso(T0 + MIN), type: 'invitationAccepted', from: 'pending', to: 'active', by: 'invitee' },
                // A 7-day window, and a detail that says nothing of the deadline.
                {
                  at: iso(soft),
                  type: 'suspended',
                  from: 'active',
                  to: 'suspended',
                  by: 'scim',
                  detail: 'x',
                  purgeAt: iso(soft + 7 * DAY),
                  windowMs: 7 * DAY,
                },
              ],
            },
          ],
        }),
      ]),
    );
    expect(page).toContain('7-day window (suspended 6 Jan 2026 09:00, deadline 13 Jan 2026 09:00)');
    expect(page).toContain('7-day window · purge due 13 Jan');
    expect(page).not.toContain('30-day window');
  });

  it('pretty-prints JSON bodies and links log entries to their exchanges', () => {
    expect(html).toContain('&quot;userName&quot;: &quot;ada@contoso.com&quot;');
    expect(html).toContain('<a href="#s1-x2">#2</a>');
    expect(html).toContain('id="s1-x2"');
  });

  it('summarises members not drawn under the chart', () => {
    expect(html).toContain('…and 1,234 other members not drawn: 1,200 active, 34 suspended.');
  });

  it('labels the axis with times for minutes, days for weeks, months for years', () => {
    expect(ticks(T0, T0 + 2 * 60 * MIN).map((t) => t.lines[0])).toContain('09:30');
    expect(ticks(T0, T0 + 33 * DAY)[0]!.lines.join(' ')).toMatch(/^\d+ (Jan|Feb) 2026$/);
    expect(ticks(T0, T0 + 400 * DAY).map((t) => t.lines[0])).toContain('Jan 2027');
    for (const span of [MIN, 90 * MIN, 3 * DAY, 60 * DAY, 3 * 365 * DAY])
      expect(ticks(T0, T0 + span).length).toBeLessThanOrEqual(10);
  });
});

/** 60 lanes, 2,000 log entries and 2,000 exchanges: the scenario shape of a large tenant. */
function large(n: number): ScenarioResult {
  const end = T0 + 90 * DAY;
  const members: MemberTimeline[] = Array.from({ length: 60 }, (_, i) => ({
    name: `user${i}`,
    userName: `user${i}@contoso.com`,
    id: `id-${i}`,
    status: 'suspended',
    events: [
      { at: iso(T0), type: 'created', from: null, to: 'pending', by: 'scim' },
      { at: iso(T0 + i * MIN * 10), type: 'invitationAccepted', from: 'pending', to: 'active', by: 'invitee' },
      {
        at: iso(T0 + 60 * DAY),
        type: 'suspended',
        from: 'active',
        to: 'suspended',
        by: 'scim',
        detail: `purge due ${iso(T0 + 90 * DAY)}`,
        purgeAt: iso(T0 + 90 * DAY),
        windowMs: 30 * DAY,
      },
    ],
  }));
  const logs: LogEntryResult[] = [];
  const exchanges: ExchangeResult[] = [];
  for (let i = 0; i < 2_000; i++) {
    // 20 cycles with changes, 160 cycles (~4.4 days) apart.
    const at = iso(T0 + Math.floor(i / 100) * 160 * 40 * MIN);
    logs.push({
      at,
      cycleId: `c${Math.floor(i / 100)}`,
      action: 'Update',
      status: 'success',
      user: `user${i % 60}@contoso.com`,
      exchanges: [i + 1],
    });
    exchanges.push({
      seq: i + 1,
      at,
      method: 'PATCH',
      path: `/Users/id-${i % 60}`,
      status: 200,
      requestBody: JSON.stringify({ Operations: [{ op: 'Replace', path: 'displayName', value: `body-${n}-${i}` }] }),
      responseBody: '{"ok":true}',
    });
  }
  return scenario({
    file: `scenarios/large-${n}.yaml`,
    name: `Large tenant ${n}`,
    end: iso(end),
    members,
    otherMembers: { count: 5000, byStatus: { active: 5000 } },
    markers: cycles(T0, end),
    logs,
    logsTotal: 10_000,
    exchanges,
    exchangesTotal: 20_000,
  });
}

describe('html reporter: size', () => {
  it('stays proportional to the data for 30 large scenarios, each exchange body written once', () => {
    const run = report(Array.from({ length: 30 }, (_, i) => large(i)));
    const html = htmlReporter.render(run);
    const json = JSON.stringify(run).length;
    expect(html.length).toBeLessThan(json * 2.5);
    expect(count(html, 'body-7-1234&quot;')).toBe(1);
    expect(html).toContain('the last 2,000 of 10,000 entries');
    expect(html).toContain('the last 2,000 of 20,000');
    expect(count(html, 'class="lane"')).toBe(30 * 60);
    expect(count(html, 'data-cycle-marker=')).toBe(30 * 20);
  });

  it('merges cycles too close to click apart into one marker whose panel lists them all', () => {
    const s = large(0);
    // Move the second cycle's entries to 40 minutes after the first: a pixel apart over 90 days.
    for (const l of s.logs.slice(100, 200)) l.at = iso(T0 + 40 * MIN);
    const html = htmlReporter.render(report([s]));
    expect(count(html, 'data-cycle-marker=')).toBe(19);
    const panel = html.slice(html.indexOf('id="s1-c0-p"'), html.indexOf('id="s1-c320-p"'));
    expect(panel).toContain('2 provisioning cycles');
    expect(panel).toContain('data-fill="s1-c0"');
    expect(panel).toContain('data-fill="s1-c1"');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const REPORTS = new URL('../../reports/', import.meta.url).pathname;

const HAS_CHROMIUM = existsSync(CHROMIUM);
const BROWSER_SUITE = HAS_CHROMIUM
  ? 'html reporter in Chromium'
  : `html reporter in Chromium: skipped, ${CHROMIUM} is not installed (apt-get install -y chromium)`;

describe.skipIf(!HAS_CHROMIUM)(BROWSER_SUITE, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(run: RunReport, name: string) {
    const dir = join(REPORTS, 'html-test');
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    await writeFile(file, htmlReporter.render(run));
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) requests.push(req.url());
    });
    await page.goto(pathToFileURL(file).href);
    return { page, errors, requests };
  }

  it('renders lanes and segments, opens a cycle with its log entries and exchanges, and has no errors', async () => {
    const { page, errors, requests } = await open(report([passing(), failing()]), htmlReporter.fileName);
    try {
      expect(await page.locator('svg.chart').count()).toBe(2);
      expect(await page.locator('#s1 svg .lane').count()).toBe(2);
      expect(await page.locator('#s2 svg .lane').count()).toBe(2);
      const ada = page.locator('#s1 .lane[data-member="ada@contoso.com"]');
      for (const state of ['pending', 'active', 'suspended', 'deleted'])
        expect(await ada.locator(`rect.seg[data-state="${state}"]`).count()).toBe(1);
      const bob = page.locator('#s1 .lane[data-member="bob@contoso.com"]');
      expect(
        await bob.locator('rect.seg').evaluateAll((els) => els.map((el) => el.getAttribute('data-state'))),
      ).toEqual(['pending', 'forbidden', 'pending']);
      expect(await page.locator('#s1 svg g.win').count()).toBe(2);

      const panel = page.locator('#s1-c0-p');
      expect(await panel.isVisible()).toBe(false);
      await page.locator('#s1 [data-cycle-marker="s1-c0"]').click();
      await panel.waitFor({ state: 'visible' });
      const entries = panel.locator('tr.cycle-entry');
      expect(await entries.count()).toBe(2);
      expect(await entries.first().textContent()).toContain('ada@contoso.com');
      expect(await entries.first().textContent()).toContain('Create');
      const post = panel.locator('details.x', { hasText: 'POST' }).first();
      await post.locator('summary').click();
      expect(await post.locator('pre').first().isVisible()).toBe(true);
      expect(await post.locator('pre').first().textContent()).toContain('"userName": "ada@contoso.com"');

      await page.locator('#s1 [data-cycle-marker="s1-c72"]').click();
      expect(await page.locator('#s1-c72-p').isVisible()).toBe(true);
      expect(await panel.isVisible()).toBe(false);
      expect(await page.locator('#s1-c72-p tr.cycle-entry').textContent()).toContain('Disable');

      await ada.locator('rect.seg[data-state="suspended"]').click();
      expect(await page.locator('#s1-pm0').isVisible()).toBe(true);
      expect(await page.locator('#s1-pm0').textContent()).toContain('purged');

      // A link from the log table opens the collapsed exchanges section at that exchange.
      await page.locator('#s1-l0 a[href="#s1-x2"]').click();
      expect(await page.locator('#s1-x2 pre').first().isVisible()).toBe(true);

      // The markup in a member's userName stayed text.
      expect(await page.locator('#s2 img').count()).toBe(0);
      expect(await page.locator('#s2 h2').textContent()).toContain(EVIL);

      await page.locator('#s1 [data-cycle-marker="s1-c0"]').click();
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(REPORTS, 'html-screenshot.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('opens a large report (3 scenarios of 60 lanes, 2,000 entries and exchanges) without errors', async () => {
    const { page, errors } = await open(report([large(1), large(2), large(3)]), 'large.html');
    try {
      expect(await page.locator('svg .lane').count()).toBe(180);
      await page.locator('#s2 [data-cycle-marker]').nth(5).click();
      await page.locator('#s2 .panel:not([hidden])').waitFor();
      expect(await page.locator('#s2 .panel:not([hidden]) tr.cycle-entry').count()).toBe(100);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
