/**
 * `scimsim serve --tls`: HTTPS with a certificate scimsim makes itself (no openssl, no dependency), or the one given
 * with --cert and --key. Microsoft's Graph SDK attaches its token only to https:// URLs, so an SDK client needs this.
 * The made certificate is self-signed for 127.0.0.1, ::1 and localhost (an ECDSA P-256 key, SHA-256), valid from a
 * day before it was made for 397 days; a client trusts it with NODE_EXTRA_CA_CERTS=<its path>. With --data it is
 * kept beside the data file and used again while it is valid, so a trusted certificate survives a restart.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Where the certificate is (what NODE_EXTRA_CA_CERTS names). */
  certPath: string;
  /** Whether scimsim made it (else it was given with --cert and --key). */
  made: boolean;
}

const DAY = 86_400_000;
/** How long a made certificate is valid: the most a browser accepts for a server certificate. */
const VALID_DAYS = 397;

/**
 * The certificate and key to serve with: the given files; else the made ones kept beside the data file (made anew
 * when missing or no longer valid at `now`); else new ones in a fresh temporary folder. `now` is the wall clock.
 */
export async function tlsFiles(
  options: { certFile?: string; keyFile?: string; dataFile?: string },
  now: number,
): Promise<TlsFiles> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined)
      throw new TlsError('--cert and --key go together: give both files');
    const [cert, key] = await Promise.all([readPem(options.certFile, 'certificate'), readPem(options.keyFile, 'key')]);
    try {
      const certificate = new X509Certificate(cert);
      if (!certificate.checkPrivateKey(createPrivateKey(key)))
        throw new TlsError(`${options.keyFile} is not the key of the certificate in ${options.certFile}`);
    } catch (error) {
      if (error instanceof TlsError) throw error;
      throw new TlsError(
        `${options.certFile} / ${options.keyFile}: not a PEM certificate and key (${(error as Error).message})`,
      );
    }
    return { cert, key, certPath: options.certFile, made: false };
  }
  const [certPath, keyPath] = options.dataFile
    ? [`${options.dataFile}.cert.pem`, `${options.dataFile}.key.pem`]
    : await (async () => {
        const dir = await mkdtemp(join(tmpdir(), 'scimsim-tls-'));
        return [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      })();
  if (existsSync(certPath) && existsSync(keyPath)) {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const certificate = new X509Certificate(cert);
    const valid = Date.parse(certificate.validFrom) <= now && now < Date.parse(certificate.validTo) - DAY;
    if (valid && certificate.checkPrivateKey(createPrivateKey(key))) return { cert, key, certPath, made: true };
  }
  const made = makeCertificate(now);
  await writeFile(keyPath, made.key, { mode: 0o600 });
  await writeFile(certPath, made.cert);
  return { ...made, certPath, made: true };
}

/** A certificate or key file that cannot be used: the CLI prints it with exit code 2. */
export class TlsError extends Error {
  override name = 'TlsError';
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new TlsError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** A self-signed certificate for loopback, and its key, as PEM. */
export function makeCertificate(now: number): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('scimsim (127.0.0.1)')))));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive INTEGER
  const extensions = seq(
    // subjectAltName: localhost, 127.0.0.1, ::1
    seq(
      oid('2.5.29.17'),
      tlv(
        0x04,
        seq(
          tlv(0x82, Buffer.from('localhost')),
          tlv(0x87, Buffer.from([127, 0, 0, 1])),
          tlv(0x87, Buffer.from([...new Array(15).fill(0), 1])),
        ),
      ),
    ),
    // basicConstraints (critical): not a CA
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq())),
    // keyUsage (critical): digitalSignature
    seq(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, tlv(0x03, Buffer.from([0x07, 0x80])))),
    // extKeyUsage: serverAuth
    seq(oid('2.5.29.37'), tlv(0x04, seq(oid('1.3.6.1.5.5.7.3.1')))),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(time(now - DAY), time(now + VALID_DAYS * DAY)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

// DER, just what a certificate needs (ITU-T X.690).
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ), which X.509 uses for instants before 2050. */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text));
}
