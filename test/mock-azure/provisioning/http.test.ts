/** http mode: the engine over real HTTP (httpTransport) against a `scimsim serve` process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzure } from '../../../mock-azure/tenant.ts';
import { httpTransport } from '../../../mock-azure/scim-client/transport.ts';
import { Clock } from '../../../simulator/clock.ts';
import { Random } from '../../../simulator/random.ts';

const TOKEN = 'http-mode-scim-token';
const ADMIN = 'http-mode-admin-token';

let child: ChildProcess | undefined;
let origin = '';

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['bin/scimsim.mjs', 'serve', '--port', '0', '--token', TOKEN, '--admin-token', ADMIN],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`scimsim serve did not start in time\n${out}\n${err}`)), 20_000);
    child!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child!.on('exit', (code) => reject(new Error(`scimsim serve exited with ${code}\n${out}\n${err}`)));
  });
}, 30_000);

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

describe('http mode', () => {
  it('provisions, updates and disables a user end to end over real HTTP', { timeout: 30_000 }, async () => {
    const clock = new Clock('2026-01-05T09:00:00Z');
    const azure = createAzure({ clock, random: new Random('http'), transport: httpTransport({ timeoutMs: 10_000 }) });
    const ada = azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    azure.app.assign(ada.id);
    const tenantUrl = `${origin}/scim/v2`;
    expect(await azure.job.testConnection(tenantUrl, 'wrong-token-123')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Unauthorized/),
    });
    await azure.job.saveCredentials(tenantUrl, TOKEN);
    await azure.job.start();
    expect(azure.logs.all()[0]).toMatchObject({ action: 'Create', status: 'success' });
    const members = async () =>
      (
        (await (await fetch(`${origin}/admin/members`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as {
          members: Array<{ userName: string; status: string }>;
        }
      ).members;
    expect(await members()).toMatchObject([{ userName: 'ada@contoso.com', status: 'pending' }]);
    azure.directory.updateUser(ada.id, { mailNickname: 'ada.l' });
    await clock.advance('40m');
    expect(azure.logs.all().at(-1)).toMatchObject({ action: 'Update', status: 'success' });
    azure.app.unassign(ada.id);
    await clock.advance('40m');
    expect(azure.logs.all().at(-1)).toMatchObject({ action: 'Disable', status: 'success' });
    expect(await members()).toMatchObject([{ userName: 'ada@contoso.com', status: 'forbidden' }]);
    expect(azure.exchanges.all().every((e) => e.url.startsWith(`${origin}/scim/v2/Users`))).toBe(true);
  });

  it('an unreachable host: Test Connection says CredentialValidationUnavailable', async () => {
    const clock = new Clock('2026-01-05T09:00:00Z');
    const azure = createAzure({ clock, random: new Random('http'), transport: httpTransport({ timeoutMs: 5_000 }) });
    // Port 9 (discard) on loopback refuses connections.
    expect(await azure.job.testConnection('http://127.0.0.1:9/scim/v2', TOKEN)).toMatchObject({
      ok: false,
      errorCode: 'CredentialValidationUnavailable',
      message: expect.stringMatching(/An error occured while sending the request/),
    });
  });
});
