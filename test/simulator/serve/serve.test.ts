/** `scimsim serve` as a real process: banner, auth on every face, clock over HTTP, persistence, graceful stop. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, BIN, call, serve as start, TOKEN, USER_SCHEMA, type Served } from '../../helpers/served.ts';

const running: Served[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.child.kill('SIGKILL');
});

async function serve(args: string[]): Promise<Served> {
  const served = await start(args);
  running.push(served);
  return served;
}

describe('scimsim serve', () => {
  it('prints the credentials, binds loopback, serves every face with its own token, and moves the clock on request', async () => {
    const s = await serve(['--start', '2026-02-01T00:00:00Z']);
    expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.output()).toContain(`Tenant URL:    ${s.origin}/scim/v2`);
    expect(s.output()).toContain(`Secret Token:  ${TOKEN}`);
    expect(s.output()).toContain(`Admin token:     ${ADMIN}`);

    expect((await call(s.origin, 'GET', '/scim/v2/Users', TOKEN)).status).toBe(200);
    expect((await call(s.origin, 'GET', '/scim/v2/Users', ADMIN)).status).toBe(401);
    expect((await call(s.origin, 'GET', '/admin/members', TOKEN)).status).toBe(401);
    expect((await call(s.origin, 'GET', '/_sim/clock', TOKEN)).status).toBe(401);

    expect(await (await call(s.origin, 'GET', '/_sim/clock', ADMIN)).json()).toMatchObject({
      now: '2026-02-01T00:00:00.000Z',
    });
    const created = await (
      await call(s.origin, 'POST', '/scim/v2/Users', TOKEN, { schemas: [USER_SCHEMA], userName: 'x@example.com' })
    ).json();
    await call(s.origin, 'PATCH', `/scim/v2/Users/${created.id}`, TOKEN, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    const adv = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '30d' });
    expect(await adv.json()).toEqual({ now: '2026-03-03T00:00:00.000Z', fired: 2 }); // the invitation email, then the purge
    expect((await call(s.origin, 'GET', `/scim/v2/Users/${created.id}`, TOKEN)).status).toBe(404);
    const to = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { to: '2026-04-01T00:00:00Z' });
    expect(await to.json()).toEqual({ now: '2026-04-01T00:00:00.000Z', fired: 0 });
    const back = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { to: '2026-01-01T00:00:00Z' });
    expect(back.status).toBe(400);
    expect((await back.json()).error.message).toMatch(/cannot go back in time/);
    const bad = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: 'soon' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/invalid duration "soon"/);

    // The mock Entra answers under Microsoft Graph's routes, with the admin token only.
    const sp = await call(s.origin, 'GET', "/azure/v1.0/servicePrincipals?$filter=displayName eq 'NordPass'", ADMIN);
    expect(sp.status).toBe(200);
    expect((await sp.json()).value[0].displayName).toBe('NordPass');
    expect((await call(s.origin, 'GET', '/azure/v1.0/users', TOKEN)).status).toBe(401);

    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('scimsim: stopped.');
  });

  it('with --data, a restart shows every acknowledged change and the pending purge still fires on time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-'));
    const file = join(dir, 'nordpass.json');
    const first = await serve(['--data', file, '--start', '2026-01-01T00:00:00Z']);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await call(first.origin, 'POST', '/scim/v2/Users', TOKEN, {
        schemas: [USER_SCHEMA],
        userName: `u${i}@example.com`,
      });
      expect(res.status).toBe(201);
      ids.push((await res.json()).id);
    }
    await call(first.origin, 'PATCH', `/scim/v2/Users/${ids[0]}`, TOKEN, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    await call(first.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '10d' });
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    JSON.parse(await readFile(file, 'utf8'));

    const second = await serve(['--data', file]);
    expect(await (await call(second.origin, 'GET', '/_sim/clock', ADMIN)).json()).toMatchObject({
      now: '2026-01-11T00:00:00.000Z',
    });
    const list = await (await call(second.origin, 'GET', '/scim/v2/Users?count=100', TOKEN)).json();
    expect(list.totalResults).toBe(20);
    await call(second.origin, 'POST', '/_sim/clock/advance', ADMIN, { to: '2026-01-30T23:59:59.999Z' });
    expect((await (await call(second.origin, 'GET', `/admin/members/${ids[0]}`, ADMIN)).json()).status).toBe(
      'forbidden',
    );
    await call(second.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '1ms' });
    const purged = await (await call(second.origin, 'GET', `/admin/members/${ids[0]}`, ADMIN)).json();
    expect(purged).toMatchObject({ status: 'deleted', deletedAt: '2026-01-31T00:00:00.000Z' });
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('--realtime lets virtual time follow the wall clock', async () => {
    const s = await serve(['--realtime', '--start', '2026-02-01T00:00:00Z']);
    expect(s.output()).toContain('follows the wall clock');
    const first = Date.parse((await (await call(s.origin, 'GET', '/_sim/clock', ADMIN)).json()).now);
    await new Promise((r) => setTimeout(r, 2_500));
    const later = Date.parse((await (await call(s.origin, 'GET', '/_sim/clock', ADMIN)).json()).now);
    // The server moves the clock once a second to the wall time elapsed: after 2.5 s it has moved at least 1 s.
    expect(later - first).toBeGreaterThanOrEqual(1_000);
    expect(later - first).toBeLessThan(60_000);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('--variant sets the unsettled behaviours of the served world; --no-owner-protection is scimOnOwner applied', async () => {
    const s = await serve(['--variant', 'manualSuspendPurge=startsPurge', '--no-owner-protection']);
    const world = await (await call(s.origin, 'GET', '/_sim/world', ADMIN)).json();
    expect(world.variants).toEqual({ manualSuspendPurge: 'startsPurge', scimOnOwner: 'applied' });
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('refuses a corrupt data file with a clear error and leaves it untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-'));
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"format":1,"members":[');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', file]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/not valid JSON.*left untouched/);
    expect(await readFile(file, 'utf8')).toBe('{"format":1,"members":[');
  });

  it('rejects unknown flags with exit code 2 and no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--prot', '80']);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Unknown option '--prot'/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
