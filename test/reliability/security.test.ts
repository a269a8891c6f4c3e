/**
 * Security (issue #6): constant-time token checks, rotation that bites at once, each token only on its own face,
 * no token in logs or reports, loopback by default, and the limits on bodies, filters, pages, tenants and time.
 */
import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../simulator/cli/cli.ts';
import { loadScenarioFile } from '../../simulator/scenario/load.ts';
import { MAX_GENERATED_USERS } from '../../simulator/scenario/schema.ts';
import { STEP_HANDLERS } from '../../simulator/scenario/steps.ts';
import { buildWorld } from '../../simulator/scenario/world.ts';
import { SCIM_TOKEN, harness } from '../helpers/nordpass.ts';
import { ADMIN, TOKEN, USER_SCHEMA, call, run, serve, type Served } from '../helpers/served.ts';

const SOURCE = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('token comparison is constant-time', () => {
  it('every face compares secrets through SHA-256 digests and timingSafeEqual, never with ===', async () => {
    const credentials = await SOURCE('simulator/nordpass/credentials.ts');
    // Digests come from digestOf, a small cache over sha256 keyed by the caller's own token.
    expect(credentials).toMatch(/function digestOf[\s\S]*?digest = sha256\(token\)/);
    expect(credentials).toMatch(/timingSafeEqual\(digestOf\(token\), /);
    expect(credentials).toMatch(/export function secretsEqual[\s\S]*?timingSafeEqual\(digestOf\(a\), digestOf\(b\)\)/);
    expect(await SOURCE('mock-azure/graph/auth.ts')).toMatch(/timingSafeEqual\(sha256\(a\), sha256\(b\)\)/);
    const checks: Array<[string, RegExp]> = [
      ['simulator/nordpass/scim/index.ts', /credentials\.verify\(token\)/],
      ['simulator/nordpass/admin.ts', /secretsEqual\(token, deps\.adminToken\)/],
      ['simulator/serve/sim-api.ts', /secretsEqual\(token, deps\.adminToken\)/],
      ['mock-azure/graph/auth.ts', /tokensEqual\(match\[1\]!, adminToken\)/],
    ];
    for (const [file, check] of checks) {
      const text = await SOURCE(file);
      expect(text, file).toMatch(check);
      expect(text, file).not.toMatch(
        /[Tt]oken\w*\s*[!=]==\s*(?!undefined)\w|\w\s*[!=]==\s*\w*[Tt]oken\b(?!\s*===?\s*undefined)/,
      );
    }
  });

  it('a token that differs in its first or last character, or in length, is refused the same way', async () => {
    const h = harness();
    const variants = [
      `x${SCIM_TOKEN.slice(1)}`,
      `${SCIM_TOKEN.slice(0, -1)}x`,
      SCIM_TOKEN.slice(0, 8),
      `${SCIM_TOKEN}${SCIM_TOKEN}`,
    ];
    const bodies = await Promise.all(
      variants.map(async (token) => {
        const res = await h.scim('GET', '/Users', undefined, { token });
        expect(res.status).toBe(401);
        return res.text();
      }),
    );
    expect(new Set(bodies).size).toBe(1);
  });
});

describe('serve: faces, tokens, rotation, logs', () => {
  let s: Served;
  afterAll(() => s?.child.kill('SIGKILL'));

  it('binds 127.0.0.1 by default, and without a warning', async () => {
    s = await serve([]);
    expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.output()).not.toMatch(/WARNING/);
  });

  it('each token opens its own faces only', async () => {
    const faces: Array<[string, string, string]> = [
      ['GET', '/scim/v2/Users', 'scim'],
      ['GET', '/scim/v2/ServiceProviderConfig', 'scim'],
      ['GET', '/admin/members', 'admin'],
      ['GET', '/admin/outbox', 'admin'],
      ['GET', '/_sim/clock', 'admin'],
      ['GET', '/azure/v1.0/users', 'admin'],
      ['GET', "/azure/v1.0/servicePrincipals?$filter=displayName eq 'NordPass'", 'admin'],
    ];
    for (const [method, path, face] of faces) {
      expect(
        (await call(s.origin, method, path, face === 'scim' ? TOKEN : ADMIN)).status,
        `${path} with its own token`,
      ).toBe(200);
      expect(
        (await call(s.origin, method, path, face === 'scim' ? ADMIN : TOKEN)).status,
        `${path} with the other token`,
      ).toBe(401);
      expect((await fetch(`${s.origin}${path}`)).status, `${path} with no token`).toBe(401);
    }
    // Writes too: the SCIM token cannot rotate credentials or move the clock; the admin token cannot create users.
    expect((await call(s.origin, 'POST', '/admin/provisioning/credentials', TOKEN)).status).toBe(401);
    expect((await call(s.origin, 'POST', '/_sim/clock/advance', TOKEN, { by: '30d' })).status).toBe(401);
    expect(
      (await call(s.origin, 'POST', '/scim/v2/Users', ADMIN, { schemas: [USER_SCHEMA], userName: 'x@example.com' }))
        .status,
    ).toBe(401);
  });

  it('a rotated SCIM token fails at once; the new one works at once', async () => {
    const first = await call(s.origin, 'POST', '/admin/provisioning/credentials', ADMIN);
    const { secretToken: next } = (await first.json()) as { secretToken: string };
    expect((await call(s.origin, 'GET', '/scim/v2/Users', TOKEN)).status).toBe(401);
    expect((await call(s.origin, 'GET', '/scim/v2/Users', next)).status).toBe(200);
    const second = await call(s.origin, 'POST', '/admin/provisioning/credentials', ADMIN);
    const { secretToken: third } = (await second.json()) as { secretToken: string };
    expect(third).not.toBe(next);
    expect((await call(s.origin, 'GET', '/scim/v2/Users', next)).status).toBe(401);
    expect((await call(s.origin, 'GET', '/scim/v2/Users', third)).status).toBe(200);
    // Nothing after the banner (errors, 401s) shows a token.
    const after = s.output().slice(s.output().indexOf('Press Ctrl+C to stop.'));
    for (const secret of [TOKEN, ADMIN, next, third]) expect(after).not.toContain(secret);
  });
});

describe('tokens never reach a report', () => {
  it('a run with typed and issued Secret Tokens writes none of them to report.json, junit.xml, summary.md or index.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-redact-'));
    const scenario = join(dir, 'credentials.yaml');
    const typed = 'typed-wrong-secret-token-0001';
    await writeFile(
      scenario,
      `name: Credentials never reach a report
seed: 7
tenant:
  users:
    ada: {}
steps:
  - assign: ada
  - enterCredentials: { tenantUrl: "http://127.0.0.1:8080/scim/v2", secretToken: ${typed} }
  - testConnection: { expect: failure }
  - save: { expect: refused }
  - getCredentials
  - save
  - start
  - expect: { members: { ada: pending } }
  - enterCredentials: { secretToken: ${typed} }
  - save: { expect: saved }
`,
    );
    // The token Get Credentials issues in that run: the same seed draws the same one.
    const world = buildWorld(await loadScenarioFile(scenario));
    await STEP_HANDLERS.getCredentials(world, null, undefined as never);
    const issued = world.issued!.secretToken;
    expect(issued.length).toBeGreaterThan(16);

    const out = join(dir, 'reports');
    const { code, out: printed } = await run(['run', scenario, '--workers', '1', '--out', out]);
    // The last step fails on purpose (the typed token is refused), so failure texts are in every report too.
    expect(code, printed).toBe(1);
    expect(printed).toMatch(/step 10 "save" failed[\s\S]*expected: saved[\s\S]*actual: +refused/);
    const secrets = [typed, issued, world.nordpass.adminToken];
    for (const name of ['report.json', 'junit.xml', 'summary.md', 'index.html']) {
      const text = await readFile(join(out, name), 'utf8');
      expect(text.length).toBeGreaterThan(100);
      for (const secret of secrets) expect(text, `${name} holds a secret`).not.toContain(secret);
    }
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(await readFile(join(out, 'report.json'), 'utf8')).toContain('[redacted]');
  });
});

describe('limits', () => {
  it('listen addresses other than loopback are told apart (serve warns on them)', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com'])
      expect(isLoopback(host), host).toBe(false);
  });

  it('filter length and nesting: at the limit accepted, past it 400 invalidFilter', async () => {
    const h = harness({ maxFilterLength: 9_000 });
    const at = `userName eq "${'a'.repeat(9_000 - 'userName eq ""'.length)}"`;
    expect(at.length).toBe(9_000);
    expect((await h.scim('GET', `/Users?filter=${encodeURIComponent(at)}`)).status).toBe(200);
    const past = `userName eq "${'a'.repeat(9_001 - 'userName eq ""'.length)}"`;
    const res = await h.scim('GET', `/Users?filter=${encodeURIComponent(past)}`);
    expect(res.status).toBe(400);
    expect((await res.json()).scimType).toBe('invalidFilter');
    const nest = (n: number) => `${'('.repeat(n)}userName eq "a"${')'.repeat(n)}`;
    expect((await harness().scim('GET', `/Users?filter=${encodeURIComponent(nest(50))}`)).status).toBe(200);
    expect((await harness().scim('GET', `/Users?filter=${encodeURIComponent(nest(51))}`)).status).toBe(400);
  });

  it('limits agree: the longest userName POST accepts is found with userName eq, even with every character escaped', async () => {
    const h = harness();
    // 4,096 characters (MAX_VALUE_LENGTH), quotes and backslashes that the filter must escape.
    const longest = `${'"\\'.repeat(1_000)}${'x'.repeat(4_096 - 2_000 - '@example.com'.length)}@example.com`;
    expect(longest.length).toBe(4_096);
    const created = await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: longest });
    expect(created.status).toBe(201);
    const escaped = longest.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const found = await h.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${escaped}"`)}`);
    expect(found.status).toBe(200);
    expect((await found.json()).totalResults).toBe(1);
    const tooLong = await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${'y'.repeat(4_097)}` });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({
      scimType: 'invalidValue',
      detail: 'userName is longer than 4096 characters',
    });
    expect(() => harness({ maxFilterLength: 8_000 })).toThrow('below 8256');
  });

  it('count is capped at the maxResults ServiceProviderConfig advertises', async () => {
    const h = harness({ maxResults: 2 });
    for (const u of ['a', 'b', 'c']) await h.createUser(`${u}@example.com`);
    const spc = await (await h.scim('GET', '/ServiceProviderConfig')).json();
    const list = await (await h.scim('GET', `/Users?count=${Number.MAX_SAFE_INTEGER}`)).json();
    expect(list.itemsPerPage).toBe(spc.filter.maxResults);
    expect(list.totalResults).toBe(3);
  });

  it('generated users are limited, and so is virtual time (see cli-bad-input.test.ts for both through the command)', () => {
    expect(MAX_GENERATED_USERS).toBe(200_000);
  });
});
