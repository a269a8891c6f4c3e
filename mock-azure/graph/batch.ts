/**
 * JSON batching (`POST /$batch`, Graph's "Combine multiple requests in one HTTP call"): up to 20 requests, each
 * `{id, method, url, headers?, body?, dependsOn?}` with a URL relative to the version root, answered as
 * `{responses: [{id, status, headers, body}]}`. They run in the order given (an order Graph may choose too); a
 * request whose dependency failed answers 424 Failed Dependency without running. Each runs as a request of its own,
 * with the batch's Authorization, so it is checked, refused and recorded exactly as it would be alone.
 */
import { badRequest, GraphError } from './errors.ts';
import type { GraphRequest } from './http.ts';
import { json } from './http.ts';

/** "JSON batch requests are currently limited to 20 individual requests." */
const MAX_REQUESTS = 20;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

function parseItems(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw badRequest('Invalid batch payload format: "requests" must be a non-empty array.');
  if (requests.length > MAX_REQUESTS)
    throw badRequest(`Invalid batch payload format: a batch holds at most ${MAX_REQUESTS} requests.`);
  const ids = new Set<string>();
  return requests.map((r, i) => {
    const at = `requests[${i}]`;
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw badRequest(`${at} must be an object.`);
    const { id, method, url, headers, body: itemBody, dependsOn } = r as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw badRequest(`${at}.id must be a non-empty string.`);
    if (ids.has(id)) throw badRequest(`Invalid batch payload format: the id '${id}' is used twice.`);
    ids.add(id);
    if (typeof method !== 'string' || !METHODS.has(method.toUpperCase()))
      throw badRequest(`${at}.method must be one of ${[...METHODS].join(', ')}.`);
    if (typeof url !== 'string' || url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url))
      throw badRequest(`${at}.url must be relative to the version root, such as "/users?$top=5".`);
    if (/^\/?\$batch(\?|$)/i.test(url)) throw badRequest(`${at}: a batch cannot hold another batch.`);
    if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers)))
      throw badRequest(`${at}.headers must be an object.`);
    const after = dependsOn === undefined ? [] : dependsOn;
    if (!Array.isArray(after) || after.some((d) => typeof d !== 'string' || !ids.has(d) || d === id))
      throw badRequest(`${at}.dependsOn must list the ids of requests before it.`);
    if (itemBody !== undefined && method.toUpperCase() === 'GET') throw badRequest(`${at}: a GET has no body.`);
    return {
      id,
      method: method.toUpperCase(),
      url: url.startsWith('/') ? url : `/${url}`,
      headers: Object.fromEntries(
        Object.entries((headers as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
      ),
      ...(itemBody !== undefined ? { body: itemBody } : {}),
      dependsOn: after as string[],
    };
  });
}

export async function runBatch(
  req: GraphRequest,
  send: (request: Request, path: string) => Promise<Response>,
): Promise<Response> {
  const items = parseItems(await req.json());
  const status = new Map<string, number>();
  const responses: Array<Record<string, unknown>> = [];
  for (const item of items) {
    const failed = item.dependsOn.find((d) => (status.get(d) ?? 0) >= 400);
    if (failed !== undefined) {
      status.set(item.id, 424);
      const error = new GraphError(424, 'FailedDependency', `The request it depends on ('${failed}') failed.`);
      responses.push({ id: item.id, status: 424, body: { error: { code: error.code, message: error.message } } });
      continue;
    }
    const headers = new Headers(item.headers);
    const authorization = req.header('authorization');
    if (authorization !== undefined) headers.set('Authorization', authorization);
    const cookie = req.header('cookie');
    if (cookie !== undefined && authorization === undefined) headers.set('Cookie', cookie);
    for (const name of ['x-csrf-token', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']) {
      const value = req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    let body: string | undefined;
    if (item.body !== undefined) {
      body = typeof item.body === 'string' ? item.body : JSON.stringify(item.body);
      if (!headers.has('content-type')) headers.set('Content-Type', 'application/json');
    }
    // The SDK's BatchRequestContent writes the URL with the path it was given (`/azure/v1.0/users`, or `/v1.0/users`
    // against Graph): that prefix is the version root too.
    const root = new URL(req.base).pathname.toLowerCase();
    const lower = item.url.toLowerCase();
    const url = lower.startsWith(`${root}/`)
      ? item.url.slice(root.length)
      : lower.startsWith('/v1.0/')
        ? item.url.slice('/v1.0'.length)
        : item.url;
    const path = url.split('?')[0]!;
    const inner = new Request(`${req.base}${url}`, {
      method: item.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const answer = await send(inner, path);
    status.set(item.id, answer.status);
    const text = await answer.text();
    const type = answer.headers.get('content-type') ?? '';
    const shown: Record<string, string> = {};
    // Named as Graph writes them (the SDK's BatchResponseContent looks for "Content-Type" exactly).
    for (const name of ['Content-Type', 'Location', 'Retry-After']) {
      const value = answer.headers.get(name);
      if (value !== null) shown[name] = value;
    }
    responses.push({
      id: item.id,
      status: answer.status,
      ...(Object.keys(shown).length ? { headers: shown } : {}),
      ...(text ? { body: type.includes('json') ? JSON.parse(text) : text } : {}),
    });
  }
  return json({ responses });
}
