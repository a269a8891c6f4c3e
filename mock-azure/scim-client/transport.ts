/**
 * The seam between Entra's engine and a SCIM app: a fetch-shaped function. In process it is the NordPass
 * app's own fetch (no sockets); `httpTransport` is real HTTP to any URL. Faults are injected here.
 */
import type { Clock } from '../../simulator/clock.ts';

export type Transport = (request: Request) => Promise<Response>;

/** A request that got no HTTP response: the host is unreachable, or it did not answer in time. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Real HTTP, with a wall-clock timeout per request (Entra gives up on slow apps too). */
export function httpTransport(options: { timeoutMs?: number } = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (request) => {
    try {
      return await fetch(request, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new TransportError('timeout', `no response within ${timeoutMs} ms`);
      throw new TransportError(
        'unavailable',
        `An error occured while sending the request. (${(error as Error).message})`,
      );
    }
  };
}

/** What a fault does to a matching request. */
export type FaultEffect =
  | { status: number; body?: string; headers?: Record<string, string>; retryAfterSeconds?: number }
  | { timeout: true }
  | { unavailable: true }
  | { malformedBody: true };

export interface Fault {
  id: string;
  /** Which requests: a method and/or a path regular expression (matched against the path after the tenant URL). */
  match?: { method?: string; path?: string };
  effect: FaultEffect;
  /** Active from this virtual instant (default: when injected) ... */
  from?: number;
  /** ... until this one (exclusive; default: until cleared). */
  until?: number;
  /** Or only for the next N matching requests. */
  count?: number;
}

/**
 * Faults as a list of handlers, first match wins (msw's model). Windows are virtual time, so "NordPass is
 * down for 3 hours" is the same 3 hours on every run.
 */
export class FaultInjector {
  readonly #faults: Array<Fault & { used: number; pathRegex?: RegExp }> = [];

  constructor(private readonly clock: Clock) {}

  inject(fault: Fault): void {
    // Compiled once here: a bad pattern is refused when the fault is set, not on some later request.
    const pathRegex = fault.match?.path !== undefined ? new RegExp(fault.match.path, 'i') : undefined;
    this.#faults.push({ ...fault, used: 0, ...(pathRegex ? { pathRegex } : {}) });
  }

  clear(id?: string): void {
    for (let i = this.#faults.length - 1; i >= 0; i--)
      if (id === undefined || this.#faults[i]!.id === id) this.#faults.splice(i, 1);
  }

  active(): readonly Fault[] {
    return this.#faults;
  }

  /** Wraps a transport so matching requests get the fault instead of (or, for malformed bodies, after) the real answer. */
  wrap(inner: Transport): Transport {
    return async (request) => {
      const fault = this.#match(request);
      if (!fault) return inner(request);
      const effect = fault.effect;
      if ('timeout' in effect) throw new TransportError('timeout', 'the request timed out (injected fault)');
      if ('unavailable' in effect)
        throw new TransportError('unavailable', 'An error occured while sending the request. (injected fault)');
      if ('malformedBody' in effect) {
        const real = await inner(request);
        return new Response('{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListRe', {
          status: real.status === 204 ? 200 : real.status,
          headers: { 'Content-Type': 'application/scim+json' },
        });
      }
      const headers: Record<string, string> = { 'Content-Type': 'application/scim+json', ...(effect.headers ?? {}) };
      if (effect.retryAfterSeconds !== undefined) headers['Retry-After'] = String(effect.retryAfterSeconds);
      const body =
        effect.body ??
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: String(effect.status),
          detail: `injected fault ${fault.id}`,
        });
      return new Response(effect.status === 204 ? null : body, { status: effect.status, headers });
    };
  }

  #match(request: Request): Fault | undefined {
    // Every engine request passes here; with no faults set there is nothing to parse.
    if (this.#faults.length === 0) return undefined;
    const now = this.clock.now();
    const path = new URL(request.url).pathname;
    const resource = resourcePart(path);
    for (const fault of this.#faults) {
      if (fault.from !== undefined && now < fault.from) continue;
      if (fault.until !== undefined && now >= fault.until) continue;
      if (fault.count !== undefined && fault.used >= fault.count) continue;
      if (fault.match?.method && fault.match.method.toUpperCase() !== request.method) continue;
      if (fault.pathRegex && !fault.pathRegex.test(path) && !(resource !== undefined && fault.pathRegex.test(resource)))
        continue;
      fault.used++;
      return fault;
    }
    return undefined;
  }
}

// The doc above promises a match "against the path after the tenant URL", but the injector was only given the
// URL's full pathname (`/scim/v2/Users`), so `^/Users$` never matched. It also tries the part from the resource
// segment on (`/Users/...`); patterns written against the full pathname keep working.
const resourcePart = (pathname: string) =>
  /\/(?:Users|Groups|Schemas|ResourceTypes|ServiceProviderConfig)(?:\/.*)?$/i.exec(pathname)?.[0];
