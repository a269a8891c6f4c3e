/**
 * Item 6: the write loads again with `--data FILE` (lowdb, group commit) against the in-memory figures of
 * item 5; then SIGTERM, and every member whose POST got a 201 must be in the file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thousands } from '../lib/measure.ts';
import { load, type LoadResult } from '../lib/http.ts';
import {
  LOAD_PREFIX,
  checked,
  createPool,
  inMemoryLoads,
  loadSeconds,
  specFor,
  startScimsim,
} from '../lib/scim-load.ts';
import { atLeast, judged, type BenchContext, type BenchItem } from '../table.ts';

const TARGET = atLeast(0.5);

interface DataRun {
  post: LoadResult;
  patch: LoadResult;
  membersOnDisk: number;
  loadMembersOnDisk: number;
  fileMb: number;
  exitCode: number | null;
}

function withDataFile(ctx: BenchContext): Promise<DataRun> {
  return ctx.memo('http:data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-bench-'));
    const file = join(dir, 'nordpass.json');
    const server = await startScimsim(ctx, file);
    let exitCode: number | null;
    let post: LoadResult;
    let patch: LoadResult;
    try {
      const pool = await createPool(server.url);
      ctx.log(`  POST, then PATCH, with --data (${loadSeconds(ctx)} s each)`);
      post = checked('POST', 'scimsim --data', await load(server.url, specFor('POST', pool), loadSeconds(ctx)));
      patch = checked('PATCH', 'scimsim --data', await load(server.url, specFor('PATCH', pool), loadSeconds(ctx)));
    } finally {
      exitCode = await server.stop();
    }
    try {
      const text = await readFile(file, 'utf8');
      const members = (JSON.parse(text) as { members: Array<{ userName: string }> }).members;
      return {
        post,
        patch,
        membersOnDisk: members.length,
        loadMembersOnDisk: members.filter((m) => m.userName.startsWith(LOAD_PREFIX)).length,
        fileMb: text.length / 1e6,
        exitCode,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

const throughputItem = (kind: 'POST' | 'PATCH'): BenchItem => ({
  name: `HTTP ${kind} with --data FILE vs in memory (req/s)`,
  target: `${TARGET.text} (in-memory scimsim)`,
  async run(ctx) {
    const memory = (await inMemoryLoads(ctx))[kind].scimsim;
    const data = await withDataFile(ctx);
    const figure = kind === 'POST' ? data.post : data.patch;
    return judged(
      figure.rps,
      memory.rps,
      'req/s',
      TARGET,
      `${kind} with --data (group commit; the file held ${thousands(data.membersOnDisk)} members, ${data.fileMb.toFixed(1)} MB, at the end) against the same load on the in-memory server of item 5.`,
    );
  },
});

const DURABLE = atLeast(1);

const durabilityItem: BenchItem = {
  name: 'Acknowledged POSTs on disk after SIGTERM (members)',
  target: `${DURABLE.text} (every 201 on disk)`,
  async run(ctx) {
    const data = await withDataFile(ctx);
    if (data.exitCode !== 0) throw new Error(`scimsim serve --data exited with ${data.exitCode} on SIGTERM`);
    return judged(
      data.loadMembersOnDisk,
      data.post.ok,
      'members',
      DURABLE,
      `Members from the POST load found in the data file after SIGTERM (figure) vs POSTs autocannon counted as 2xx (baseline); requests still in flight when the load stopped may add members, never remove any.`,
    );
  },
};

export default [throughputItem('POST'), throughputItem('PATCH'), durabilityItem];
