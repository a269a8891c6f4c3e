/**
 * The faces served by one Hono app (SCIM, the Admin Panel, and in serve mode Graph and /_sim), each with its
 * own error shape. Hono has one error handler per app (a sub-app's own onError makes Hono wrap every one of its
 * handlers in another compose per request), so the root's handler finds the face a failed request belongs to
 * and lets that face's renderer answer: each face registers its renderer where it is mounted.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';

/** Turns any error thrown while serving a face into that face's error response. */
export type ErrorRenderer = (error: Error, c: Context) => Response | Promise<Response>;

/**
 * A request body over the limit every face shares (NordPass's `maxBodyBytes`), refused before any route reads
 * it; each face's renderer answers it with 413 in its own shape.
 */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`the request body is larger than the limit of ${limit} bytes`);
  }
}

/** A path that is not a valid URL path (bad percent-encoding): 400 in the face's own shape, never a 500. */
export class MalformedPath extends Error {
  override name = 'MalformedPath';
}

export class Faces {
  readonly #faces: Array<{ prefix: string; render: ErrorRenderer }> = [];

  constructor(
    private readonly app: Hono,
    /** For a request under no face's prefix. */
    fallback: ErrorRenderer,
    /** The largest request body any face accepts, in bytes. */
    private readonly maxBodyBytes: () => number,
  ) {
    app.onError((error, c) => (this.#faceOf(c.req.path)?.render ?? fallback)(error, c));
  }

  /**
   * Mounts `routes` at `prefix`; errors under it are rendered by `render`. The first matching prefix wins. A path
   * that does not decode and a body over the limit are refused before the routes see them, unless the face does
   * both itself (`ownBodyLimit`: SCIM streams its bodies and counts as it reads, and has its own path rules).
   */
  mount(prefix: string, routes: Hono, render: ErrorRenderer, options: { ownBodyLimit?: boolean } = {}): void {
    this.#faces.push({ prefix: prefix.toLowerCase(), render });
    if (!options.ownBodyLimit) this.app.use(`${prefix}/*`, checkPath, limitBody(this.maxBodyBytes));
    this.app.route(prefix, routes);
  }

  // Paths are matched without regard to case, as the SCIM face routes them (`/SCIM/v2/users`).
  #faceOf(path: string) {
    const lower = path.toLowerCase();
    return this.#faces.find((f) => lower === f.prefix || lower.startsWith(`${f.prefix}/`));
  }
}

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every segment of the path must decode: `%ZZ` or a cut UTF-8 sequence is refused before a route reads it. */
const checkPath: MiddlewareHandler = async (c, next) => {
  try {
    decodeURIComponent(new URL(c.req.url).pathname);
  } catch {
    throw new MalformedPath(`the path ${new URL(c.req.url).pathname} is not valid percent-encoded UTF-8`);
  }
  return next();
};

/**
 * Refuses a body over the limit: by its Content-Length before reading, or, sent without one (chunked), while
 * reading it, so it is never held whole. A body read here is handed on to the route as it came.
 */
function limitBody(maxBytes: () => number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (NO_BODY.has(raw.method) || !raw.body) return next();
    const limit = maxBytes();
    const declared = c.req.header('content-length');
    if (declared !== undefined) {
      if (Number(declared) <= limit) return next();
      // Read and dropped, so the connection is clean for the client's next request (a body much larger is not).
      if (Number(declared) <= limit * DRAIN_FACTOR) await drain(raw.body.getReader(), limit * DRAIN_FACTOR);
      throw new BodyTooLarge(limit);
    }
    const reader = raw.body.getReader();
    const body = await readWithin(reader, limit);
    if (!body) {
      await drain(reader, limit * DRAIN_FACTOR);
      throw new BodyTooLarge(limit);
    }
    c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body });
    return next();
  };
}

/**
 * A body read chunk by chunk, at most `limit` bytes: never held whole when it runs past the limit. Undefined when
 * it does, with the reader left where it stopped (the caller drains or cancels it).
 */
export async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > limit) return undefined;
    chunks.push(value);
  }
}

/**
 * How much of a body over the limit is read (and dropped, never held) before the 413, so the connection can
 * carry the client's next request: left unread, it was closed under the next request ("other side closed"). A
 * body longer still is cut off, and its connection with it.
 */
const DRAIN_FACTOR = 16;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
    if (read > budget) return void (await reader.cancel());
  }
}
