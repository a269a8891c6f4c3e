/**
 * How a browser (the console) gets admin rights without holding the admin token: a one-time sign-in link, whose
 * secret works once, sets a session cookie (HttpOnly, SameSite=Strict) and a CSRF cookie the page can read; a
 * change made with the session cookie must send that CSRF token back in `X-CSRF-Token`. Only digests of the
 * secrets are kept. Sessions live as long as the process: after a restart, sign in with the new link it prints.
 */
import { createHash, randomBytes } from 'node:crypto';
import { secretsEqual } from '../nordpass/credentials.ts';

export const SESSION_COOKIE = 'scimsim_session';
export const CSRF_COOKIE = 'scimsim_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const SIGN_IN_PATH = '/_sim/sign-in';

/** What a face learns from a request's cookie: a session, a refusal, or nothing (no cookie: check the bearer). */
export type GateResult = 'session' | { status: 401 | 403; message: string } | undefined;
export type SessionGate = (request: Request) => GateResult;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const secret = () => randomBytes(32).toString('base64url');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class SignIn {
  /** Digests of the sign-in secrets not used yet. */
  readonly #links = new Set<string>();
  /** Session digest -> its CSRF token. */
  readonly #sessions = new Map<string, string>();

  /** A new one-time sign-in link. */
  newLink(origin: string): string {
    const value = secret();
    this.#links.add(digest(value));
    return `${origin}${SIGN_IN_PATH}?secret=${value}`;
  }

  /** Uses up a link's secret: the new session's cookie values, or undefined when the secret is unknown or used. */
  redeem(value: string): { session: string; csrf: string } | undefined {
    const key = digest(value);
    if (!this.#links.delete(key)) return undefined;
    const session = secret();
    const csrf = secret();
    this.#sessions.set(digest(session), csrf);
    return { session, csrf };
  }

  /** The gate every admin face consults when a request carries no Authorization header. */
  readonly gate: SessionGate = (request) => {
    const cookies = parseCookies(request.headers.get('cookie'));
    const session = cookies.get(SESSION_COOKIE);
    if (session === undefined) return undefined;
    const csrf = this.#sessions.get(digest(session));
    if (csrf === undefined)
      return { status: 401, message: 'this session is not known (the server restarted?): sign in with a new link' };
    const sent = request.headers.get(CSRF_HEADER);
    if (!SAFE_METHODS.has(request.method.toUpperCase()) && (sent === null || !secretsEqual(sent, csrf)))
      return {
        status: 403,
        message: `a change made with the session cookie needs the ${CSRF_HEADER} header (the ${CSRF_COOKIE} cookie's value)`,
      };
    return 'session';
  };
}

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}
