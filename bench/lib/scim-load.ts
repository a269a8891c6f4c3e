/**
 * The HTTP loads of items 5 and 6: `scimsim serve` in a child process, a pool of members made first, then
 * autocannon for each kind of request Entra sends.
 */
import { ADMIN_TOKEN, createBody, SCIM_HEADERS as headers, TOKEN } from './scim-request.ts';
import type { BenchContext } from '../table.ts';
import { load, startChild, type Child, type LoadResult, type LoadSpec } from './http.ts';

const POOL = 1_000;
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type Kind = 'GET by id' | 'GET by filter' | 'POST' | 'PATCH';
export const KINDS: Kind[] = ['GET by id', 'GET by filter', 'POST', 'PATCH'];
/** POSTs of the load create members named load-<id>@bench.example. */
export const LOAD_PREFIX = 'load-';

/** Seconds of load per kind and server, in `rounds` alternating slices (drift on a shared machine hits both alike). */
export const loadSeconds = (ctx: BenchContext) => (ctx.quick ? 2 : 10);
const rounds = (ctx: BenchContext) => (ctx.quick ? 1 : 2);

/** `scimsim serve` on a free loopback port; `--data FILE` when given. */
export function startScimsim(ctx: BenchContext, dataFile?: string): Promise<Child> {
  const args = [
    'bin/scimsim.mjs',
    'serve',
    '--port',
    '0',
    '--token',
    TOKEN,
    '--admin-token',
    ADMIN_TOKEN,
    '--seed',
    'bench',
  ];
  return startChild(dataFile ? [...args, '--data', dataFile] : args, ctx.root);
}

export function startBare(ctx: BenchContext): Promise<Child> {
  return startChild(['--import', 'tsx', 'bench/lib/bare-server.ts'], ctx.root);
}

export interface Pool {
  ids: string[];
  userNames: string[];
}

/** Creates the members the GET and PATCH loads go round (20 requests in flight). */
export async function createPool(url: string): Promise<Pool> {
  const pool: Pool = { ids: [], userNames: [] };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < POOL; i = next++) {
      const userName = `pool${i}@bench.example`;
      const response = await fetch(`${url}/scim/v2/Users`, { method: 'POST', headers, body: createBody(userName) });
      const created = (await response.json()) as { id?: string };
      if (response.status !== 201 || !created.id) throw new Error(`creating ${userName}: ${response.status}`);
      pool.ids[i] = created.id;
      pool.userNames[i] = userName;
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  return pool;
}

/** What each kind of request looks like; the same spec goes to scimsim and to the bare route. */
export function specFor(kind: Kind, pool: Pool): LoadSpec {
  switch (kind) {
    case 'GET by id':
      return { method: 'GET', headers, paths: pool.ids.map((id) => `/scim/v2/Users/${id}`) };
    case 'GET by filter':
      return {
        method: 'GET',
        headers,
        paths: pool.userNames.map((u) => `/scim/v2/Users?filter=userName+eq+%22${encodeURIComponent(u)}%22`),
      };
    case 'POST':
      return {
        method: 'POST',
        headers,
        paths: ['/scim/v2/Users'],
        body: createBody(`${LOAD_PREFIX}[<id>]@bench.example`),
      };
    case 'PATCH':
      return {
        method: 'PATCH',
        headers,
        paths: pool.ids.map((id) => `/scim/v2/Users/${id}`),
        body: JSON.stringify({
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'Replace', path: 'displayName', value: 'Load [<id>]' }],
        }),
      };
  }
}

/** Fails loudly on anything but 2xx: a throughput of errors is no throughput. */
export function checked(kind: Kind, where: string, result: LoadResult): LoadResult {
  if (result.notOk > 0 || result.errors > 0) {
    throw new Error(
      `${kind} against ${where}: ${result.notOk} non-2xx responses and ${result.errors} errors of ${result.ok + result.notOk}`,
    );
  }
  return result;
}

/** Slices of one load as one: requests over the summed durations. */
function combined(results: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => results.reduce((total, r) => total + f(r), 0);
  return {
    rps: sum((r) => r.rps * r.seconds) / sum((r) => r.seconds),
    seconds: sum((r) => r.seconds),
    ok: sum((r) => r.ok),
    notOk: sum((r) => r.notOk),
    errors: sum((r) => r.errors),
  };
}

/** Item 5's measurement: each kind against the bare route, then against scimsim in memory. */
export function inMemoryLoads(ctx: BenchContext): Promise<Record<Kind, { scimsim: LoadResult; bare: LoadResult }>> {
  return ctx.memo('http:in-memory', async () => {
    const servers: Child[] = [];
    try {
      const scimsim = await startScimsim(ctx);
      servers.push(scimsim);
      const bare = await startBare(ctx);
      servers.push(bare);
      const pool = await createPool(scimsim.url);
      const out = {} as Record<Kind, { scimsim: LoadResult; bare: LoadResult }>;
      for (const kind of KINDS) {
        ctx.log(`  ${kind}: bare route and scimsim, ${loadSeconds(ctx)} s each`);
        const spec = specFor(kind, pool);
        const slice = loadSeconds(ctx) / rounds(ctx);
        const results = { bare: [] as LoadResult[], scimsim: [] as LoadResult[] };
        for (let round = 0; round < rounds(ctx); round++) {
          results.bare.push(checked(kind, 'the bare route', await load(bare.url, spec, slice)));
          results.scimsim.push(checked(kind, 'scimsim', await load(scimsim.url, spec, slice)));
        }
        out[kind] = { bare: combined(results.bare), scimsim: combined(results.scimsim) };
      }
      return out;
    } finally {
      for (const server of servers) await server.stop();
    }
  });
}
