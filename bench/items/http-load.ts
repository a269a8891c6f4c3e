/**
 * Item 5: `scimsim serve` (in memory) over real HTTP on loopback, under autocannon from this process (50
 * connections), against a bare @hono/node-server route in another child process of the same run.
 */
import { thousands } from '../lib/measure.ts';
import { KINDS, inMemoryLoads, loadSeconds, type Kind } from '../lib/scim-load.ts';
import { atLeast, judged, type BenchItem } from '../table.ts';

const TARGET = atLeast(0.5);

const itemFor = (kind: Kind): BenchItem => ({
  name: `HTTP ${kind}, scimsim serve (req/s)`,
  target: `${TARGET.text} (bare node-server route)`,
  async run(ctx) {
    const { scimsim, bare } = (await inMemoryLoads(ctx))[kind];
    return judged(
      scimsim.rps,
      bare.rps,
      'req/s',
      TARGET,
      `${kind}: 50 connections for ${loadSeconds(ctx)} s, ${thousands(scimsim.ok)} 2xx from scimsim, ${thousands(bare.ok)} from the bare route (a pool of 1,000 members; POST with unique userNames, PATCH a new displayName each).`,
    );
  },
});

export default KINDS.map(itemFor);
