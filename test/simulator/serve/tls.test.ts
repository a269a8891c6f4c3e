/** `scimsim serve --tls`: the certificate scimsim makes, kept beside --data, and --cert/--key checked before serving. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCertificate, TlsError, tlsFiles } from '../../../simulator/serve/tls.ts';
import { run } from '../../helpers/served.ts';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const DAY = 86_400_000;
const dirs: string[] = [];
const dir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'scimsim-tls-test-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the certificate scimsim makes', () => {
  it('is self-signed for loopback, ECDSA P-256 with SHA-256, valid from a day before for 397 days', () => {
    const { cert, key } = makeCertificate(NOW);
    const x = new X509Certificate(cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.ca).toBe(false);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(x.validFrom)).toBe(NOW - DAY);
    expect(Date.parse(x.validTo)).toBe(NOW + 397 * DAY);
  });

  it('is kept beside the data file and used again while valid; made anew when it is about to expire', async () => {
    const data = join(await dir(), 'world.json');
    const first = await tlsFiles({ dataFile: data }, NOW);
    expect(first).toMatchObject({ certPath: `${data}.cert.pem`, made: true });
    expect(await readFile(`${data}.cert.pem`, 'utf8')).toBe(first.cert);
    expect((await tlsFiles({ dataFile: data }, NOW + 300 * DAY)).cert).toBe(first.cert);
    const renewed = await tlsFiles({ dataFile: data }, NOW + 397 * DAY);
    expect(renewed.cert).not.toBe(first.cert);
    expect(await readFile(`${data}.cert.pem`, 'utf8')).toBe(renewed.cert);
  });

  it('without --data it goes to a fresh temporary folder, so a client can still be pointed at it', async () => {
    const made = await tlsFiles({}, NOW);
    dirs.push(made.certPath.replace(/\/cert\.pem$/, ''));
    expect(made.certPath).toMatch(/scimsim-tls-[^/]+\/cert\.pem$/);
    expect(await readFile(made.certPath, 'utf8')).toBe(made.cert);
  });
});

describe('--cert and --key', () => {
  it('are read and checked: both given, PEM, the key the certificate’s', async () => {
    const d = await dir();
    const a = makeCertificate(NOW);
    const b = makeCertificate(NOW);
    await writeFile(join(d, 'a.pem'), a.cert);
    await writeFile(join(d, 'a.key'), a.key);
    await writeFile(join(d, 'b.key'), b.key);
    await writeFile(join(d, 'junk.pem'), 'not a certificate');
    expect(await tlsFiles({ certFile: join(d, 'a.pem'), keyFile: join(d, 'a.key') }, NOW)).toMatchObject({
      cert: a.cert,
      made: false,
    });
    const refused = (options: Parameters<typeof tlsFiles>[0]) => tlsFiles(options, NOW).catch((e) => e);
    for (const [options, message] of [
      [{ certFile: join(d, 'a.pem') }, /--cert and --key go together/],
      [{ certFile: join(d, 'a.pem'), keyFile: join(d, 'b.key') }, /is not the key of the certificate/],
      [{ certFile: join(d, 'junk.pem'), keyFile: join(d, 'a.key') }, /not a PEM certificate and key/],
      [{ certFile: join(d, 'missing.pem'), keyFile: join(d, 'a.key') }, /cannot read the certificate file .*ENOENT/],
    ] as const) {
      const error = await refused(options);
      expect(error).toBeInstanceOf(TlsError);
      expect(error.message).toMatch(message);
    }
  });

  it('a bad pair stops serve with exit code 2 and the reason, before it listens', async () => {
    const d = await dir();
    const result = await run(['serve', '--port', '0', '--cert', join(d, 'missing.pem'), '--key', join(d, 'k.pem')]);
    expect(result.code, result.out).toBe(2);
    expect(result.out).toMatch(/cannot read the certificate file/);
    expect(result.out).not.toMatch(/listening|\n\s+at /);
  });
});
