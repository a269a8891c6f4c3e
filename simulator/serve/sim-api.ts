/** /_sim: the simulation itself over HTTP (serve mode): the virtual clock. Admin token required. */
import { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import { bearerToken, secretsEqual } from '../nordpass/credentials.ts';
import { SimError } from './sim-errors.ts';

export interface SimApiDeps {
  clock: Clock;
  adminToken: string;
  /** Runs after the clock moved, e.g. to persist what the fired timers changed. */
  afterAdvance: () => Promise<void>;
}

export function simRoutes(deps: SimApiDeps): Hono {
  // Errors are rendered by renderSimError, registered where this face is mounted (serve/server.ts).
  const sim = new Hono();
  sim.use('*', async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !secretsEqual(token, deps.adminToken)) {
      throw new SimError(401, 'unauthorized', 'send Authorization: Bearer <admin token>');
    }
    await next();
  });

  sim.get('/clock', (c) => c.json({ now: deps.clock.nowIso(), pendingTimers: deps.clock.pending }));

  sim.post('/clock/advance', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { by?: unknown; to?: unknown } | undefined;
    const by = body?.by;
    const to = body?.to;
    if (!body || typeof body !== 'object' || (by === undefined) === (to === undefined)) {
      throw new SimError(400, 'invalidRequest', 'send {"by": "30d"} or {"to": "2026-01-31T00:00:00Z"} (one of them)');
    }
    if (
      (by !== undefined && typeof by !== 'string' && typeof by !== 'number') ||
      (to !== undefined && typeof to !== 'string')
    ) {
      throw new SimError(
        400,
        'invalidRequest',
        '"by" is a duration such as "30d" or "PT40M"; "to" is an ISO 8601 instant',
      );
    }
    const result = by !== undefined ? await deps.clock.advance(by) : await deps.clock.advanceTo(to as string);
    await deps.afterAdvance();
    return c.json(result);
  });

  sim.all('*', (c) => {
    throw new SimError(404, 'notFound', `no endpoint at ${c.req.method} ${c.req.path}`);
  });
  return sim;
}
