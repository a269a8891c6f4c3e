/**
 * The admin token check. Local on purpose: mock-azure must not import simulator/nordpass (DESIGN.md), so
 * this repeats the constant-time comparison rather than borrowing NordPass's.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphError } from './errors.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Equal secrets of any length, in time that does not depend on where they differ (digests are equal-length). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

// What Graph sends with a 401, so clients that read the challenge find one.
const CHALLENGE = {
  'WWW-Authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

/** Throws Graph's 401 unless `Authorization: Bearer <adminToken>`. */
export function checkBearer(header: string | undefined, adminToken: string): void {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', undefined, CHALLENGE);
  if (!tokensEqual(match[1]!, adminToken)) {
    throw new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Send Authorization: Bearer <the simulator admin token>.',
      undefined,
      CHALLENGE,
    );
  }
}
