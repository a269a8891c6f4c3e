/**
 * Item 1: SCIM through `app.fetch` in process (no sockets), one request at a time, against a bare Hono route
 * that parses the same JSON and returns it. The Request is built and the body read in both loops alike.
 */
import { Clock } from '../../simulator/clock.ts';
import { createNordPass } from '../../simulator/nordpass/app.ts';
import { Random } from '../../simulator/random.ts';
import { bareApp } from '../lib/bare-app.ts';
import { createBody, SCIM_HEADERS as headers, START, TOKEN } from '../lib/scim-request.ts';
import { alternatingRates, sequentialRate, thousands } from '../lib/measure.ts';
import { atLeast, judged, type BenchContext, type BenchItem } from '../table.ts';

const BASE = 'http://127.0.0.1:8080/scim/v2';
const TARGET = atLeast(0.5);

type Fetch = (request: Request) => Response | Promise<Response>;

function nordpass(): Fetch {
  const clock = new Clock(START);
  return createNordPass({ clock, random: new Random('bench'), scimToken: TOKEN }).fetch;
}

async function send(fetch: Fetch, request: Request, status: number): Promise<void> {
  const response = await fetch(request);
  await response.text();
  if (response.status !== status)
    throw new Error(`${request.method} ${request.url}: ${response.status}, expected ${status}`);
}

const post = (fetch: Fetch) => (i: number) =>
  send(
    fetch,
    new Request(`${BASE}/Users`, { method: 'POST', headers, body: createBody(`user${i}@bench.example`) }),
    201,
  );

const getByFilter = (fetch: Fetch, members: number) => (i: number) =>
  send(
    fetch,
    new Request(`${BASE}/Users?filter=userName+eq+"member${i % members}@bench.example"`, { method: 'GET', headers }),
    200,
  );

async function compare(
  ctx: BenchContext,
  figure: (i: number) => Promise<void>,
  baseline: (i: number) => Promise<void>,
) {
  const roundMs = ctx.quick ? 250 : 1_000;
  // Warm both paths up first: the JIT, and the first hundreds of requests allocating what later ones reuse.
  await sequentialRate(baseline, roundMs / 2, 1_000_000);
  await sequentialRate(figure, roundMs / 2, 1_000_000);
  return alternatingRates(ctx.quick ? 2 : 4, roundMs, figure, baseline);
}

const postItem: BenchItem = {
  name: 'SCIM POST /Users in process (req/s)',
  target: `${TARGET.text} (bare Hono route)`,
  async run(ctx) {
    const rates = await compare(ctx, post(nordpass()), post(bareApp().fetch));
    return judged(
      rates.figure,
      rates.baseline,
      'req/s',
      TARGET,
      'SCIM POST /Users through app.fetch, one at a time, unique userNames; baseline: a bare Hono route that parses the body and returns it (same Request, body read).',
    );
  },
};

const filterItem: BenchItem = {
  name: 'SCIM GET /Users?filter=userName eq in process (req/s)',
  target: `${TARGET.text} (bare Hono route)`,
  async run(ctx) {
    const members = ctx.quick ? 1_000 : 10_000;
    const fetch = nordpass();
    for (let i = 0; i < members; i++) {
      await send(
        fetch,
        new Request(`${BASE}/Users`, { method: 'POST', headers, body: createBody(`member${i}@bench.example`) }),
        201,
      );
    }
    const rates = await compare(ctx, getByFilter(fetch, members), getByFilter(bareApp().fetch, members));
    return judged(
      rates.figure,
      rates.baseline,
      'req/s',
      TARGET,
      `SCIM GET by userName filter through app.fetch, each a hit among ${thousands(members)} members; baseline: a bare Hono route returning a one-user ListResponse.`,
    );
  },
};

export default [postItem, filterItem];
