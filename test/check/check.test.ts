/**
 * `scimsim check` against real servers: a scimsim serve (every required test passes, in each profile; group
 * tests not applicable with groups off), and a server that deviates as real services do (it refuses Entra's
 * "False" strings and looks userNames up case-sensitively): the check names exactly those tests. The command's
 * exit codes, --plan, reports, and that it leaves nothing behind.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve as listen, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckRun, runCheck } from '../../simulator/check/run.ts';
import type { Profile } from '../../simulator/check/context.ts';
import { type RunningServer, startServer } from '../../simulator/serve/server.ts';
import { run } from '../helpers/served.ts';

const TOKEN = 'check-scim-token';
let s: RunningServer;
let deviating: ServerType;
let deviatingUrl: string;
const dirs: string[] = [];

beforeAll(async () => {
  s = await startServer({
    host: '127.0.0.1',
    port: 0,
    scimToken: TOKEN,
    adminToken: 'check-admin-token',
    settings: { groupProvisioning: true },
  });
  // A service with two common deviations, in front of scimsim's own SCIM face: PATCH values that are the strings
  // "True" / "False" are refused, and a userName eq filter matches only the exact case.
  deviating = await new Promise<ServerType>((resolve) => {
    const server = listen({ fetch: deviate, hostname: '127.0.0.1', port: 0 }, () => resolve(server));
  });
  const address = deviating.address() as { port: number };
  deviatingUrl = `http://127.0.0.1:${address.port}/scim/v2`;
});
afterAll(async () => {
  await new Promise((resolve) => deviating?.close(resolve));
  await s?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function deviate(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const target = `${s.origin}${url.pathname}${url.search}`;
  const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.text();
  if (request.method === 'PATCH' && body && /"value":"(True|False)"/.test(body))
    return Response.json(
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'active must be a boolean' },
      { status: 400, headers: { 'Content-Type': 'application/scim+json' } },
    );
  const answer = await fetch(target, { method: request.method, headers: request.headers, ...(body ? { body } : {}) });
  const filter = url.searchParams.get('filter');
  const text = await answer.text();
  const m = filter && /^userName eq "(.*)"$/.exec(filter);
  if (m && answer.status === 200) {
    const list = JSON.parse(text);
    list.Resources = (list.Resources ?? []).filter((r: { userName: string }) => r.userName === m[1]);
    list.totalResults = list.Resources.length;
    return Response.json(list, { headers: { 'Content-Type': 'application/scim+json' } });
  }
  return new Response(text || null, { status: answer.status, headers: answer.headers });
}

const check = (url: string, profile: Profile, groups = true): Promise<CheckRun> =>
  runCheck({ url, token: TOKEN, profile, domain: 'example.com', timeoutMs: 5_000, only: [], groups, keep: false });
const verdicts = (r: CheckRun) => Object.fromEntries(r.results.map((x) => [x.id, x.verdict]));
const failed = (r: CheckRun) => r.results.filter((x) => x.verdict === 'failed').map((x) => x.name);

describe('scimsim check against scimsim serve', () => {
  it.each(['entra', 'entra-aadoptscim062020', 'okta'] as const)(
    '%s: every test passes, and nothing is left behind',
    async (profile) => {
      const result = await check(`${s.origin}/scim/v2`, profile);
      expect(failed(result)).toEqual([]);
      // The group tests that drive the engine ran and passed (Okta's profile sends Okta's requests instead).
      const engineGroups = ['engine-on-demand-group', 'engine-restore-group'].map((id) => verdicts(result)[id]);
      expect(engineGroups).toEqual(profile === 'okta' ? ['not applicable', 'not applicable'] : ['passed', 'passed']);
      expect(result.results.filter((x) => x.verdict === 'passed').length).toBeGreaterThanOrEqual(
        profile === 'okta' ? 19 : 25,
      );
      expect(result.left).toEqual([]);
      // Everything made under the run's prefix is gone (deleted) from NordPass.
      const live = s.nordpass.store
        .allMembers()
        .filter((m) => m.userName.startsWith('scimsim-check-') && m.status !== 'deleted');
      expect(live).toEqual([]);
      expect(s.nordpass.store.allGroups().filter((g) => g.displayName.startsWith('scimsim-check-'))).toEqual([]);
      // Every exchange is kept with the result, and no token is in any of it.
      expect(JSON.stringify(result)).not.toContain(TOKEN);
      expect(
        result.results.find((x) => x.id === 'disable-user')!.exchanges.map((x) => `${x.method} ${x.status}`),
      ).toEqual(
        profile === 'okta' ? ['POST 201', 'GET 200', 'PUT 200', 'GET 200'] : ['POST 201', 'PATCH 200', 'GET 200'],
      );
    },
  );

  it('without --groups, or where discovery lists no Group, the group tests are not applicable', async () => {
    const result = await check(`${s.origin}/scim/v2`, 'entra', false);
    const groupTests = result.results.filter((x) => ['create-group', 'add-member', 'delete-group'].includes(x.id));
    expect(groupTests.map((x) => [x.verdict, x.message])).toEqual(
      Array(3).fill(['not applicable', 'group tests run with --groups']),
    );
    expect(failed(result)).toEqual([]);
  });
});

describe('scimsim check against a service that deviates', () => {
  it('finds what it does wrong (Entra\'s "False" strings, case-sensitive lookups) and passes what it does right', async () => {
    const entra = await check(deviatingUrl, 'entra');
    expect(failed(entra).sort()).toEqual(
      [
        'Filter for an existing user with a different case',
        'Patch User - Disable User',
        'Re-enable a disabled user',
        'Unassign, then re-assign',
        // The engine itself meets it: Entra's Disable, sent by scimsim's engine, is refused.
        'Disable_User_Test',
        'Restore_User_Test',
      ].sort(),
    );
    const engine = entra.results.find((x) => x.id === 'engine-disable')!;
    expect(engine.message).toMatch(/^provisioningAction=Disable and status=success, got Disable failure/);
    expect(engine.exchanges.find((x) => x.method === 'PATCH' && x.status === 400)?.requestBody).toContain(
      '"value":"False"',
    );
    expect(entra.results.find((x) => x.id === 'disable-user')!.message).toBe(
      'PATCH active false: expected 200 or 204, got 400 (active must be a boolean)',
    );
    // With the aadOptscim062020 flag Entra sends real booleans: only the lookup is still wrong.
    const flagged = await check(deviatingUrl, 'entra-aadoptscim062020');
    expect(failed(flagged)).toEqual(['Filter for an existing user with a different case']);
    expect(verdicts(flagged)['create-user']).toBe('passed');
  });
});

describe('the scimsim check command', () => {
  it('exit code 0 with reports, 1 when a required test fails, 2 for bad arguments or no endpoint', async () => {
    const out = await mkdtemp(join(tmpdir(), 'scimsim-check-'));
    dirs.push(out);
    const ok = await run([
      'check',
      `${s.origin}/scim/v2`,
      '--token',
      TOKEN,
      '--groups',
      '--report',
      'json,junit,md,html',
      '--out',
      out,
    ]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/✓ Create a new User \[SCIM Validator\]/);
    const json = JSON.parse(await readFile(join(out, 'check.json'), 'utf8')) as CheckRun;
    expect(json.results.filter((x) => x.verdict === 'failed')).toEqual([]);
    // Not applicable here: OAuth token endpoints (a static token). The engine's manager test runs.
    expect(json.results.filter((x) => x.verdict === 'not applicable').map((x) => x.id)).toEqual([
      'direct-token-endpoint',
      'direct-federated-identity',
    ]);
    expect(json.results.find((x) => x.id === 'engine-manager')?.verdict).toBe('passed');
    expect(await readFile(join(out, 'check-junit.xml'), 'utf8')).toMatch(/<testsuite name="scimsim check/);
    expect(await readFile(join(out, 'check.md'), 'utf8')).toContain('| ✓ passed | Create a new User |');
    const html = await readFile(join(out, 'check.html'), 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
    expect(html).toMatch(/<summary>Create a new User<\/summary>/);
    for (const file of ['check.json', 'check-junit.xml', 'check.md', 'check.html'])
      expect(await readFile(join(out, file), 'utf8')).not.toContain(TOKEN);

    const bad = await run(['check', deviatingUrl, '--token', TOKEN]);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toContain('✗ Patch User - Disable User');

    const nobody = await run(['check', 'http://127.0.0.1:9/scim/v2', '--token', TOKEN]);
    expect([nobody.code, nobody.out]).toEqual([2, expect.stringContaining('the endpoint does not answer')]);
    for (const args of [
      ['check'],
      ['check', 'not a url', '--token', TOKEN],
      ['check', `${s.origin}/scim/v2`],
      ['check', `${s.origin}/scim/v2`, '--token', TOKEN, '--profile', 'pingone'],
      ['check', `${s.origin}/scim/v2`, '--token', TOKEN, '--only', 'no-such-test'],
      ['check', 'https://scim.example.org/scim/v2', '--token', TOKEN],
    ]) {
      const r = await run(args);
      expect(r.code, `${args.join(' ')}\n${r.out}`).toBe(2);
      expect(r.out).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('--plan prints every test and its requests, and sends nothing', async () => {
    const before = s.nordpass.store.allMembers().length;
    const plan = await run(['check', '--plan', '--only', 'create-user,remove-member']);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('Create a new User [SCIM Validator]\n    POST /Users');
    expect(plan.out).toContain('Patch Group - Remove Member [SCIM Validator] (with --groups)');
    expect(plan.out).toContain('Nothing was sent (--plan).');
    expect(s.nordpass.store.allMembers().length).toBe(before);
  });
});
