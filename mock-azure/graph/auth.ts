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

/** A request's session cookie (serve mode's console): allowed, refused, or none (the bearer token decides). */
export type SessionGate = (request: Request) => 'session' | { status: 401 | 403; message: string } | undefined;

/** Throws Graph's 401 or 403 unless the bearer token is the admin token, or (with no Authorization) the session allows. */
export function checkAdmin(request: Request, adminToken: string, gate: SessionGate | undefined): void {
  const header = request.headers.get('authorization') ?? undefined;
  const result = header === undefined ? gate?.(request) : undefined;
  if (result === 'session') return;
  if (result !== undefined) {
    if (result.status === 403) throw new GraphError(403, 'Authorization_RequestDenied', result.message);
    throw new GraphError(401, 'InvalidAuthenticationToken', result.message, undefined, CHALLENGE);
  }
  checkBearer(header, adminToken);
}

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
