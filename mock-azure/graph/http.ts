/**
 * The Graph face's own small router: routes as a list, first match wins (literal routes are listed before
 * the `:id` routes they would shadow), segments compared case-insensitively as Graph does, and a path
 * that exists under another method is a 405 with Allow rather than a 404.
 */
import type { Azure } from '../tenant.ts';
import type { Clock } from '../../simulator/clock.ts';
import type { ActionListener } from './actions.ts';
import type { SessionGate } from './auth.ts';
import { GraphError, badRequest } from './errors.ts';
import { GRAPH_JSON } from './media-type.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface GraphDeps {
  azure: Azure;
  adminToken: string;
  clock: Clock;
  /** Told each change a request made, after it was made (serve mode records them as scenario steps). */
  onAction?: ActionListener;
  /** Serve mode's console sessions: consulted when a request has no Authorization header. */
  gate?: SessionGate;
  /** Runs after a request that may have changed something, before it is answered (serve mode: write it down). */
  afterChange?: () => Promise<void>;
  /** Runs a request that may change something in its turn (serve mode: one change at a time). */
  inTurn?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** What the Graph face keeps that the models do not: attributes Graph requires but the directory has no field for. */
export interface GraphState {
  groupMailNicknames: Map<string, string>;
}

export interface GraphRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  /** `https://host:port/prefix/v1.0`: where @odata.context and @odata.nextLink point. */
  base: string;
  /** A query option, with or without its `$` (Graph v1.0 accepts both). */
  option(name: string): string | undefined;
  /** A request header (`ConsistencyLevel`), by its name in lower case. */
  header(name: string): string | undefined;
  /** The JSON body; a missing body is `undefined`, malformed JSON is a 400. */
  json(): Promise<unknown>;
  deps: GraphDeps;
  state: GraphState;
}

export type Handler = (req: GraphRequest) => Response | Promise<Response>;

export interface Route {
  method: Method;
  pattern: string;
  handler: Handler;
  /** A directory collection: `$count`, `$orderby` and `$search` are Graph's here (directory-query.ts), refused elsewhere. */
  directoryQueries?: boolean;
}

export const route = (
  method: Method,
  pattern: string,
  handler: Handler,
  flags: { directoryQueries?: boolean } = {},
): Route => ({
  method,
  pattern,
  handler,
  ...flags,
});

interface CompiledRoute extends Route {
  segments: string[];
}

export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((r) => ({
      ...r,
      segments: split(r.pattern).map((s) => (s.startsWith(':') ? s : s.toLowerCase())),
    }));
  }

  /** The route for a method and path (already split and decoded), a 405 list of allowed methods, or nothing. */
  match(
    method: string,
    segments: string[],
  ): { route: Route; params: Record<string, string> } | { allow: Method[] } | undefined {
    const allow = new Set<Method>();
    for (const r of this.#routes) {
      const params = matchSegments(r.segments, segments);
      if (!params) continue;
      if (r.method === method) return { route: r, params };
      allow.add(r.method);
    }
    return allow.size > 0 ? { allow: [...allow] } : undefined;
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p !== s.toLowerCase()) return undefined;
  }
  return params;
}

/** Splits a path into decoded segments; `/users/ada%40contoso.com/` -> ['users', 'ada@contoso.com']. */
export function split(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      throw badRequest(`The path segment '${raw}' is not valid percent-encoding.`);
    }
  }
  return out;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': GRAPH_JSON, ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** Reads a body as a JSON object (not an array or a scalar), as every Graph write here takes. */
export async function objectBody(req: GraphRequest, what: string): Promise<Record<string, unknown>> {
  const body = await req.json();
  if (body === undefined) throw badRequest(`The request body is empty; send a JSON ${what}.`);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest(`The request body must be a JSON object (${what}).`);
  return body as Record<string, unknown>;
}

export function methodNotAllowed(allow: Method[]): GraphError {
  // INFERRED: Graph's body for a 405; the status and the Allow header are HTTP's.
  return new GraphError(
    405,
    'Request_BadRequest',
    'Specified HTTP method is not allowed for the request uri.',
    undefined,
    { Allow: allow.join(', ') },
  );
}
