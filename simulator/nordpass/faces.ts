/**
 * The faces served by one Hono app (SCIM, the Admin Panel, and in serve mode Graph and /_sim), each with its
 * own error shape. Hono has one error handler per app (a sub-app's own onError makes Hono wrap every one of its
 * handlers in another compose per request), so the root's handler finds the face a failed request belongs to
 * and lets that face's renderer answer: each face registers its renderer where it is mounted.
 */
import type { Context, Hono } from 'hono';

/** Turns any error thrown while serving a face into that face's error response. */
export type ErrorRenderer = (error: Error, c: Context) => Response | Promise<Response>;

export class Faces {
  readonly #faces: Array<{ prefix: string; render: ErrorRenderer }> = [];

  constructor(
    private readonly app: Hono,
    /** For a request under no face's prefix. */
    fallback: ErrorRenderer,
  ) {
    app.onError((error, c) => (this.#faceOf(c.req.path)?.render ?? fallback)(error, c));
  }

  /** Mounts `routes` at `prefix`; errors under it are rendered by `render`. The first matching prefix wins. */
  mount(prefix: string, routes: Hono, render: ErrorRenderer): void {
    this.#faces.push({ prefix: prefix.toLowerCase(), render });
    this.app.route(prefix, routes);
  }

  // Paths are matched without regard to case, as the SCIM face routes them (`/SCIM/v2/users`).
  #faceOf(path: string) {
    const lower = path.toLowerCase();
    return this.#faces.find((f) => lower === f.prefix || lower.startsWith(`${f.prefix}/`));
  }
}
