/**
 * /_sim: the simulation itself over HTTP (serve mode): the virtual clock, what will happen next (timers), the
 * faults the engine meets, the journal of engine <-> NordPass exchanges, and a stream of what happens. Admin
 * token required. Errors are rendered by renderSimError, registered where this face is mounted (serve/server.ts).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Fault } from '../../mock-azure/scim-client/transport.ts';
import { exchangeMatches } from '../../mock-azure/scim-client/exchanges.ts';
import { bearerToken, secretsEqual } from '../nordpass/credentials.ts';
import { faultFrom } from '../scenario/faults.ts';
import { exchange } from '../scenario/run.ts';
import { STEPS } from '../scenario/schema.ts';
import { formatInstant } from '../time.ts';
import type { ServedSession } from './session.ts';
import { worldRoutes } from './sim-world-routes.ts';
import { timelineRoutes } from './timeline-route.ts';
import { whyRoutes } from './why-routes.ts';
import { READS } from './one-at-a-time.ts';
import { simObject } from './sim-body.ts';
import { SimError } from './sim-errors.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from './sign-in.ts';
import type { WorldEvent } from './world-events.ts';

export interface SimApiDeps {
  /** The served world and its record (the world is read per request: reset replaces it). */
  session: ServedSession;
  adminToken: string;
}

/** What a timer is, read off its label (the models name their timers; see Clock.schedule). */
const TIMER_KINDS: Array<[prefix: string, kind: string]> = [
  ['provisioning cycle', 'cycle'],
  ['cycle in progress', 'cycleInProgress'],
  ['purge ', 'purge'],
  ['invitation ', 'invitation'],
  ['directory: permanent deletion', 'recycleBinExpiry'],
];
const timerKind = (label: string) => TIMER_KINDS.find(([prefix]) => label.startsWith(prefix))?.[1] ?? 'other';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Events a slow /_sim/events reader may fall behind by before the oldest are dropped (and it is told how many). */
const STREAM_QUEUE_LIMIT = 10_000;

export function simRoutes(deps: SimApiDeps): Hono {
  const { session } = deps;
  const sim = new Hono();
  // The sign-in link is its own credential (a one-time secret), so it comes before the check.
  sim.get('/sign-in', (c) => {
    const redeemed = session.signIn.redeem(c.req.query('secret') ?? '');
    if (!redeemed)
      throw new SimError(403, 'signInRefused', 'this sign-in link is not valid or was used already: ask for a new one');
    const cookie = 'Path=/; SameSite=Strict';
    c.header('Set-Cookie', `${SESSION_COOKIE}=${redeemed.session}; ${cookie}; HttpOnly`, { append: true });
    c.header('Set-Cookie', `${CSRF_COOKIE}=${redeemed.csrf}; ${cookie}`, { append: true });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/', 303);
  });

  sim.use('*', async (c, next) => {
    const authorization = c.req.header('authorization');
    const gate = authorization === undefined ? session.signIn.gate(c.req.raw) : undefined;
    if (gate !== undefined && gate !== 'session')
      throw new SimError(gate.status, gate.status === 401 ? 'unauthorized' : 'forbidden', gate.message);
    const token = bearerToken(authorization);
    if (gate === undefined && (token === undefined || !secretsEqual(token, deps.adminToken))) {
      throw new SimError(
        401,
        'unauthorized',
        'send Authorization: Bearer <admin token>, or sign in with the link serve printed',
      );
    }
    await next();
  });

  // A change waits for the one before it, through whichever face it came (the record keeps their order).
  sim.use('*', (c, next) => (READS.has(c.req.method) ? next() : session.inTurn(next)));

  // Another one-time link (the one printed at start works once).
  sim.post('/sign-in-links', (c) => c.json({ link: session.signIn.newLink(new URL(c.req.url).origin) }, 201));

  sim.get('/clock', (c) => c.json({ now: session.world.clock.nowIso(), pendingTimers: session.world.clock.pending }));

  sim.post('/clock/advance', async (c) => {
    const body = await simObject(c.req.raw);
    const { by, to, ...other } = body;
    if (Object.keys(other).length > 0)
      throw new SimError(400, 'invalidRequest', `unknown field ${Object.keys(other)[0]}: send {"by"} or {"to"}`);
    if ((by === undefined) === (to === undefined)) {
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
    const { world } = session;
    const result = by !== undefined ? await world.clock.advance(by) : await world.clock.advanceTo(to as string);
    session.recorder.add(world, by !== undefined ? 'advance' : 'advanceTo', by ?? to);
    await world.nordpass.store.commit();
    session.events.emit({ type: 'clock', at: result.now, fired: result.fired });
    return c.json(result);
  });

  // What will happen next and when: cycles, purges, invitations, recycle-bin expiries, in firing order.
  sim.get('/timers', (c) => {
    const limit = limitParam(c.req.query('limit'));
    // `except=cycle` leaves out kinds of timer: what else is due besides the ever-repeating cycles (untilIdle).
    const except = c.req.query('except')?.split(',');
    const kinds = new Set(TIMER_KINDS.map(([, kind]) => kind).concat('other'));
    const unknown = except?.find((k) => !kinds.has(k));
    if (unknown !== undefined)
      throw new SimError(400, 'invalidRequest', `"except" names kinds of timer: ${[...kinds].join(', ')}`);
    const wanted = except && ((label: string) => !except.includes(timerKind(label)));
    const timers = session.world.clock.upcoming(limit, wanted).map((t) => ({
      at: formatInstant(t.at),
      kind: timerKind(t.label),
      label: t.label,
    }));
    return c.json({ now: session.world.clock.nowIso(), total: session.world.clock.pending, timers });
  });

  sim.get('/faults', (c) => c.json({ faults: session.world.azure.faults.active().map(renderFault) }));

  sim.post('/faults', async (c) => {
    const parsed = STEPS.fault.safeParse(await simObject(c.req.raw));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
      throw new SimError(400, 'invalidRequest', `not a fault: ${problems.join('; ')}`);
    }
    const spec = parsed.data;
    if (spec.id !== undefined && session.world.azure.faults.active().some((f) => f.id === spec.id))
      throw new SimError(409, 'conflict', `a fault with id ${spec.id} is already set; clear it first`);
    const fault = faultFrom(spec, session.world.clock.now(), () => session.world.nextId('fault'));
    session.world.azure.faults.inject(fault);
    session.recorder.add(session.world, 'fault', { ...spec, id: fault.id });
    await session.world.nordpass.store.commit();
    return c.json(renderFault(fault), 201);
  });

  sim.delete('/faults', async (c) => {
    session.world.azure.faults.clear();
    session.recorder.add(session.world, 'clearFault');
    await session.world.nordpass.store.commit();
    return c.body(null, 204);
  });

  sim.delete('/faults/:id', async (c) => {
    const id = c.req.param('id');
    if (!session.world.azure.faults.active().some((f) => f.id === id))
      throw new SimError(404, 'notFound', `no fault with id ${id}`);
    session.world.azure.faults.clear(id);
    session.recorder.add(session.world, 'clearFault', id);
    await session.world.nordpass.store.commit();
    return c.body(null, 204);
  });

  // The engine's exchanges with the SCIM app, oldest first; the record never holds the Authorization header.
  sim.get('/requests', (c) => {
    const method = c.req.query('method')?.toUpperCase();
    const path = c.req.query('path');
    const status = c.req.query('status');
    const since = c.req.query('since');
    const body = c.req.query('body');
    if (status !== undefined && !/^\d{3}$/.test(status))
      throw new SimError(400, 'invalidRequest', '"status" is an HTTP status such as 201');
    if (since !== undefined && !/^\d{1,15}$/.test(since))
      throw new SimError(400, 'invalidRequest', '"since" is the sequence number after which to list');
    const limit = limitParam(c.req.query('limit'));
    const all = session.world.azure.exchanges.all();
    const query = {
      method,
      path,
      body,
      ...(status !== undefined ? { status: Number(status) } : {}),
      ...(since !== undefined ? { since: Number(since) } : {}),
    };
    const matching = all.filter((x) => exchangeMatches(x, query));
    const page = matching.slice(-limit);
    return c.json({
      total: session.world.azure.exchanges.total,
      kept: all.length,
      matching: matching.length,
      exchanges: page.map(exchange),
    });
  });

  // One exchange by its sequence number: what a provisioning log entry's `exchanges` name.
  sim.get('/requests/:seq', (c) => {
    const seq = c.req.param('seq');
    const found = /^\d{1,15}$/.test(seq) ? session.world.azure.exchanges.bySeq(Number(seq)) : undefined;
    if (!found)
      throw new SimError(
        404,
        'notFound',
        `no exchange ${seq} is kept (the newest ${session.world.azure.exchanges.limit.toLocaleString('en-US')} are)`,
      );
    return c.json(exchange(found));
  });

  // The HTTP exchanges behind one provisioning log entry (Graph's provisioningObjectSummary has no place for them):
  // each as /_sim/requests/{seq} shows it, or `{"seq", "gone": true}` once it is no longer kept.
  sim.get('/logs/:id/requests', (c) => {
    const { logs, exchanges } = session.world.azure;
    const entry = logs.byId(c.req.param('id'));
    if (!entry) throw new SimError(404, 'notFound', `no provisioning log entry ${c.req.param('id')}`);
    return c.json({
      id: entry.id,
      exchanges: entry.exchanges.map((seq) => {
        const found = exchanges.bySeq(seq);
        return found ? exchange(found) : { seq, gone: true };
      }),
    });
  });

  // Server-sent events: one `event: <type>` message per thing that happens, as it happens.
  sim.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: WorldEvent[] = [];
      let dropped = 0;
      let wake: (() => void) | undefined;
      const stop = session.events.subscribe((event) => {
        if (queue.length >= STREAM_QUEUE_LIMIT) {
          queue.shift();
          dropped++;
        }
        queue.push(event);
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ now: session.world.clock.nowIso() }) });
        while (open) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
            continue;
          }
          if (dropped > 0) {
            await stream.writeSSE({ event: 'dropped', data: JSON.stringify({ count: dropped }) });
            dropped = 0;
          }
          const event = queue.shift()!;
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
        }
      } finally {
        stop();
      }
    }),
  );

  sim.route('/', worldRoutes(session));
  sim.route('/', whyRoutes(session));
  sim.route('/', timelineRoutes(session));

  sim.all('*', (c) => {
    throw new SimError(404, 'notFound', `no endpoint at ${c.req.method} ${c.req.path}`);
  });
  return sim;
}

function renderFault(f: Fault & { used?: number }) {
  return {
    id: f.id,
    ...(f.match ? { match: f.match } : {}),
    effect: f.effect,
    ...(f.from !== undefined ? { from: formatInstant(f.from) } : {}),
    ...(f.until !== undefined ? { until: formatInstant(f.until) } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
    used: f.used ?? 0,
  };
}

function limitParam(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT)
    throw new SimError(400, 'invalidRequest', `"limit" is a whole number from 1 to ${MAX_LIMIT}`);
  return Number(text);
}
