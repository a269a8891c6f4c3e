/**
 * Microsoft's own Graph SDK (@microsoft/microsoft-graph-client 3.0.7, a dev dependency) against `scimsim serve
 * --tls`, in a process of its own that trusts the certificate scimsim made with NODE_EXTRA_CA_CERTS, as the README
 * tells a user to: the seed guide end to end, PageIterator over several pages, and GraphError's status and code.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Served, serve } from '../helpers/served.ts';

const SCRIPT = new URL('./seed-guide.mjs', import.meta.url).pathname;
let served: Served;
let certPath: string;

beforeAll(async () => {
  served = await serve(['--tls']);
  certPath = /TLS certificate: (\S+)/.exec(served.output())![1]!;
}, 40_000);
afterAll(async () => {
  served?.child.kill('SIGTERM');
  await served?.exit;
  if (certPath) await rm(certPath.replace(/\/cert\.pem$/, ''), { recursive: true, force: true });
});

function script(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe("Microsoft's Graph SDK against scimsim serve --tls", () => {
  it('serves https with a certificate it made, which a client must trust', async () => {
    expect(served.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(served.output()).toContain(`trust it with NODE_EXTRA_CA_CERTS=${certPath}`);
    // Not trusted, the SDK's requests fail: the certificate is really checked.
    const untrusted = await script({ SCIMSIM_ORIGIN: served.origin, SCIMSIM_ADMIN_TOKEN: ADMIN });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.err).toMatch(/self[- ]signed certificate|unable to verify/i);
  }, 30_000);

  it('walks the seed guide: users, assignments, credentials, the job, logs paged with PageIterator, GraphError', async () => {
    const run = await script({
      SCIMSIM_ORIGIN: served.origin,
      SCIMSIM_ADMIN_TOKEN: ADMIN,
      NODE_EXTRA_CA_CERTS: certPath,
    });
    expect(run.code, run.err).toBe(0);
    const seen = JSON.parse(run.out);
    // Five Create entries read over three pages of two, newest first.
    expect(seen.entries).toHaveLength(5);
    expect(seen.entries.every(([action, status]: string[]) => action === 'create' && status === 'success')).toBe(true);
    expect(seen.entries.map((e: string[]) => e[2]).sort()).toEqual(['ada', 'bob', 'cy', 'dee', 'eve']);
    expect(seen.status).toBe('Active');
    expect(seen.refused).toEqual({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect(seen.users).toHaveLength(5);
    // The SDK's batch helpers over POST /$batch: a count, a read and a change, each answered.
    expect(seen.batched).toEqual({ count: '5', ada: 'ada', rename: 204, after: 'Ada Lovelace' });
    // The links the SDK followed are the scheme and host it used.
    expect(seen.links[0]).toMatch(new RegExp(`^${served.origin.replace(/[.]/g, '\\.')}/azure/v1\\.0/users\\?`));
  }, 60_000);
});
