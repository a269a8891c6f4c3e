/**
 * Reading a JSON request body, the same way on every face: a JSON media type, UTF-8, JSON, not nested deeper
 * than the faces' recursive code can take. It says what is wrong and each face throws its own error with it
 * (the SCIM face keeps its own reader, which streams; the Graph face, the Admin Panel and /_sim use this one).
 * No imports: both sides may read it.
 */

/** Deeper JSON than this is refused before it reaches any recursive code. */
export const MAX_JSON_DEPTH = 64;

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: string };

/** Whether a Content-Type header names JSON (`application/json`, `application/scim+json`, with parameters). */
export function isJsonType(contentType: string | null | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body of `request` as JSON: `undefined` when it is empty. A body with a Content-Type that is not JSON, bytes
 * that are not UTF-8, text that is not JSON, or nesting deeper than MAX_JSON_DEPTH is a problem, in words.
 */
export async function readJson(request: Request): Promise<JsonBody> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength === 0) return { ok: true, value: undefined };
  if (!isJsonType(request.headers.get('content-type')))
    return {
      ok: false,
      problem: `the body's Content-Type is ${request.headers.get('content-type') ? `"${request.headers.get('content-type')}"` : 'missing'}: send application/json`,
    };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: 'the body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `the body is not JSON: ${(error as Error).message}` };
  }
  if (depthExceeds(value, MAX_JSON_DEPTH))
    return { ok: false, problem: `the body nests deeper than ${MAX_JSON_DEPTH} levels` };
  return { ok: true, value };
}

/** Whether a parsed value nests deeper than `limit`, found without recursion (a deep value is what is checked). */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
