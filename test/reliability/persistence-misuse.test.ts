/**
 * The data file under misuse: two servers on one file, a clock at the end of its range and a restart, a
 * snapshot cut mid-way, and writes that fail (a full disk, injected at the file layer: tests run as root, so
 * permissions would not stop them). Clear errors, exit code 2 where it cannot start, no 2xx for a change that
 * was not written, nothing acknowledged lost.
 */
import { mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../simulator/nordpass/journal.ts';
import { startServer } from '../../simulator/serve/server.ts';
import { ADMIN, TOKEN, USER_SCHEMA, call, run, serve, type Served } from '../helpers/served.ts';
import { newUser } from '../helpers/graph.ts';

const dirs: string[] = [];
const children: Served[] = [];
async function dataFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-misuse-'));
  dirs.push(dir);
  return join(dir, 'world.json');
}
async function started(args: string[], options?: { scimToken?: boolean }): Promise<Served> {
  const served = await serve(args, options);
  children.push(served);
  return served;
}
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const create = (origin: string, userName: string, token = TOKEN) =>
  call(origin, 'POST', '/scim/v2/Users', token, { schemas: [USER_SCHEMA], userName });
const count = async (origin: string, token = TOKEN) =>
  ((await (await call(origin, 'GET', '/scim/v2/Users?count=0', token)).json()) as { totalResults: number })
    .totalResults;

describe('one writer per data file', () => {
  it('a second server on a file in use is refused with exit code 2; a lock left by a killed server is taken over', async () => {
    const file = await dataFile();
    const first = await started(['--data', file]);
    expect((await create(first.origin, 'ada@example.com')).status).toBe(201);
    const second = await run(['serve', '--port', '0', '--data', file, '--admin-token', ADMIN]);
    expect(second.code).toBe(2);
    expect(second.out).toMatch(/in use by another scimsim \(process \d+\)/);
    expect(second.out).not.toMatch(/\n\s+at /); // no stack trace
    // The first is untouched and still serving.
    expect((await create(first.origin, 'bob@example.com')).status).toBe(201);
    first.child.kill('SIGKILL');
    await first.exit;
    expect((await stat(`${file}.lock`)).isFile()).toBe(true); // left behind by the kill
    const third = await started(['--data', file], { scimToken: false });
    expect(await count(third.origin)).toBe(2);
    third.child.kill('SIGTERM');
    await third.exit;
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/); // let go on a clean stop
  }, 60_000);
});

describe('the clock at the end of its range, then a restart', () => {
  it('goes to the last instant, refuses to go further, and starts again there', async () => {
    const file = await dataFile();
    const a = await started(['--data', file]);
    expect((await create(a.origin, 'ada@example.com')).status).toBe(201);
    const advance = (body: unknown) => call(a.origin, 'POST', '/_sim/clock/advance', ADMIN, body);
    expect((await advance({ to: '9999-12-31T23:59:59.999Z' })).status).toBe(200);
    const refused = await advance({ by: '1ms' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/past 9999-12-31/);
    a.child.kill('SIGTERM');
    await a.exit;
    const b = await started(['--data', file], { scimToken: false });
    const clock = (await (await call(b.origin, 'GET', '/_sim/clock', ADMIN)).json()) as { now: string };
    expect(clock.now).toBe('9999-12-31T23:59:59.999Z');
    expect((await call(b.origin, 'GET', '/admin/members', ADMIN)).status).toBe(200);
    expect(await count(b.origin)).toBe(1);
  }, 60_000);
});

describe('a data file cut mid-way', () => {
  it('is refused at start with its name, exit code 2, and left as it was', async () => {
    const file = await dataFile();
    const a = await started(['--data', file]);
    for (const name of ['ada', 'bob', 'cy']) await create(a.origin, `${name}@example.com`);
    a.child.kill('SIGTERM');
    await a.exit;
    const { size } = await stat(file);
    await truncate(file, Math.floor(size / 2));
    const before = await readFile(file);
    const result = await run(['serve', '--port', '0', '--data', file, '--admin-token', ADMIN]);
    expect(result.code).toBe(2);
    expect(result.out).toContain(file);
    expect(result.out).not.toMatch(/\n\s+at /);
    expect((await readFile(file)).equals(before)).toBe(true);
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  }, 60_000);
});

describe('writes that fail (a full disk)', () => {
  it('no 2xx for a change that was not written; once writes work again nothing acknowledged is lost', async () => {
    const file = await dataFile();
    let s = await startServer({ host: '127.0.0.1', port: 0, dataFile: file, scimToken: TOKEN, adminToken: ADMIN });
    const acknowledged: string[] = [];
    const attempt = async (userName: string) => {
      const r = await create(s.origin, userName);
      if (r.status === 201) acknowledged.push(userName);
      return r;
    };
    expect((await attempt('before@example.com')).status).toBe(201);
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const append = vi.spyOn(Journal.prototype, 'append').mockRejectedValue(full);
    const refused = await attempt('during@example.com');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(
      /could not be written to the data file \(ENOSPC/,
    );
    // Every face says so in its own shape, with no 2xx for a change.
    const member = s.nordpass.store.allMembers()[0]!.id;
    const role = await call(s.origin, 'PUT', `/admin/members/${member}/role`, ADMIN, { role: 'admin' });
    expect([role.status, ((await role.json()) as { error: { code: string } }).error.code]).toEqual([503, 'notWritten']);
    const advance = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '1m' });
    expect([advance.status, ((await advance.json()) as { error: { code: string } }).error.code]).toEqual([
      503,
      'notWritten',
    ]);
    const graph = await call(
      s.origin,
      'POST',
      '/azure/v1.0/users',
      ADMIN,
      newUser({
        userPrincipalName: 'g@contoso.com',
        displayName: 'G',
      }),
    );
    expect([graph.status, ((await graph.json()) as { error: { code: string } }).error.code]).toEqual([
      503,
      'ServiceNotAvailable',
    ]);
    append.mockRestore();
    expect((await attempt('after@example.com')).status).toBe(201);
    await s.close();
    s = await startServer({ host: '127.0.0.1', port: 0, dataFile: file, adminToken: ADMIN });
    const stored = s.nordpass.store.allMembers().map((m) => m.userName);
    for (const userName of acknowledged) expect(stored).toContain(userName);
    await s.close();
  }, 60_000);
});
