/** Reading SCIM requests and writing SCIM responses: size and type limits, JSON, query parameters. */
import type { Context } from 'hono';
import { MAX_JSON_DEPTH } from '../../json-body.ts';
import { readWithin } from '../faces.ts';
import { ScimError, badRequest } from './errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const ACCEPTED_TYPES = new Set(['application/scim+json', 'application/json']);

/** A JSON response with SCIM's media type. */
export function scimJson(_c: Context, body: unknown, status = 200, headers?: Record<string, string>): Response {
  const all: Record<string, string> = { 'Content-Type': CONTENT_TYPE_HEADER };
  if (headers) for (const name in headers) all[name] = headers[name]!;
  return new Response(JSON.stringify(body), { status, headers: all });
}

const CONTENT_TYPE_HEADER = `${SCIM_CONTENT_TYPE}; charset=utf-8`;

/** Reads a JSON request body within the size limit; the right SCIM error for every way it can be wrong. */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(type)) {
    throw new ScimError(
      415,
      undefined,
      type
        ? `unsupported Content-Type "${type}": send application/scim+json or application/json`
        : 'missing Content-Type: send application/scim+json or application/json',
    );
  }
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const text = Number.isFinite(declared)
    ? decode(new Uint8Array(await c.req.raw.arrayBuffer()), maxBytes)
    : await readLimited(c.req.raw, maxBytes);
  if (text.trim() === '') throw badRequest('invalidSyntax', 'the request body is empty; a JSON object is required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest('invalidSyntax', `the request body is not valid JSON: ${(e as Error).message}`);
  }
  // Nesting needs an opening bracket per level: a body with fewer brackets than the limit cannot be too deep.
  if (bracketsExceed(text, MAX_JSON_DEPTH) && depthOf(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw badRequest('invalidSyntax', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value;
}

// A body without Content-Length (chunked, or a Request built in process) is read chunk by chunk, so one that
// runs past the limit is refused without being held whole. With Content-Length (checked above) it is read in one
// go: @hono/node-server then reads the socket directly, where touching request.body built a web stream per
// request (half the cost of a POST in serve mode).
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const body = await readWithin(reader, maxBytes);
  if (!body) {
    await reader.cancel();
    throw tooLarge(maxBytes);
  }
  return decode(body, maxBytes);
}

// Stateless between calls (no `stream` option), so one decoder serves every request.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('invalidSyntax', 'the request body is not valid UTF-8');
  }
}

const tooLarge = (maxBytes: number) =>
  new ScimError(413, undefined, `the request body is larger than the limit of ${maxBytes} bytes`);

function bracketsExceed(text: string, limit: number): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code === 123 || code === 91) && ++count > limit) return true; // { [
  }
  return false;
}

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const child of Object.values(value)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** A query parameter given at most once (a repeated one is ambiguous, so it is an error). */
export function singleQuery(c: Context, name: string): string | undefined {
  const all = queriesIgnoringCase(c, name);
  if (all.length > 1)
    throw badRequest('invalidValue', `query parameter "${name}" is given ${all.length} times; give it once`);
  return all[0];
}

// Query parameters by lower-cased name, parsed once per request: a list reads five of them, and parsing the
// whole query string for each was a sixth of the time of a GET by filter.
const queriesByRequest = new WeakMap<Request, Map<string, string[]>>();
const NONE: readonly string[] = [];

// Entra and the Microsoft collection are loose about case (`startindex`, `Filter`): parameter names match case-insensitively.
function queriesIgnoringCase(c: Context, name: string): readonly string[] {
  // Most writes carry no query string at all: nothing to parse.
  if (!c.req.url.includes('?')) return NONE;
  let byName = queriesByRequest.get(c.req.raw);
  if (!byName) {
    byName = parseQuery(c.req.url);
    queriesByRequest.set(c.req.raw, byName);
  }
  return byName.get(name.toLowerCase()) ?? [];
}

// A small parser of its own: Hono's general one was a tenth of the time of a GET by filter in serve mode.
function parseQuery(url: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const start = url.indexOf('?');
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end === -1 ? undefined : end);
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    const all = byName.get(key);
    if (all) all.push(value);
    else byName.set(key, [value]);
  }
  return byName;
}

// `+` is a space in a query string (Entra sends `filter=userName+eq+"..."`); malformed escapes are kept as sent.
function decodeComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** A non-negative integer query parameter, or the fallback when absent; non-numbers are invalidValue. */
export function integerQuery(c: Context, name: string): number | undefined {
  const raw = singleQuery(c, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim()))
    throw badRequest('invalidValue', `query parameter "${name}" must be an integer, got "${raw}"`);
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : raw.trim().startsWith('-') ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}
