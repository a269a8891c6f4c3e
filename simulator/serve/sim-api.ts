/** /_sim: the simulation itself over HTTP (serve mode): the virtual clock. Admin token required. */
import { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import { bearerToken, secretsEqual } from '../nordpass/credentials.ts';
import { ClockError } from '../clock.ts';
import { TimeFormatError } from '../time.ts';

export interface SimApiDeps {
  clock: Clock;
  adminToken: string;
  /** Runs after the clock moved, e.g. to persist what the fired timers changed. */
  afterAdvance: () => Promise<void>;
}

export function simRoutes(deps: SimApiDeps): Hono {
  const sim = new Hono();
  sim.onError((error, c) => {
    if (error instanceof ClockError || error instanceof TimeFormatError || error instanceof SimRequestError) {
      return c.json({ error: { code: 'invalidRequest', message: error.message } }, 400);
    }
    console.error('scimsim: internal error in /_sim:', error);
    return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500);
  });
  sim.use('*', async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !secretsEqual(token, deps.adminToken)) {
      return c.json({ error: { code: 'unauthorized', message: 'send Authorization: Bearer <admin token>' } }, 401);
    }
    await next();
  });

  sim.get('/clock', (c) => c.json({ now: deps.clock.nowIso(), pendingTimers: deps.clock.pending }));

  sim.post('/clock/advance', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { by?: unknown; to?: unknown } | undefined;
    const by = body?.by;
    const to = body?.to;
    if (!body || typeof body !== 'object' || (by === undefined) === (to === undefined)) {
      throw new SimRequestError('send {"by": "30d"} or {"to": "2026-01-31T00:00:00Z"} (one of them)');
    }
    if (
      (by !== undefined && typeof by !== 'string' && typeof by !== 'number') ||
      (to !== undefined && typeof to !== 'string')
    ) {
      throw new SimRequestError('"by" is a duration such as "30d" or "PT40M"; "to" is an ISO 8601 instant');
    }
    const result = by !== undefined ? await deps.clock.advance(by) : await deps.clock.advanceTo(to as string);
    await deps.afterAdvance();
    return c.json(result);
  });

  sim.all('*', (c) =>
    c.json({ error: { code: 'notFound', message: `no endpoint at ${c.req.method} ${c.req.path}` } }, 404),
  );
  return sim;
}

class SimRequestError extends Error {}
