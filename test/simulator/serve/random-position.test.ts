/**
 * The seed and the random source's position survive a restart, clean or killed: the next member id is the one
 * that would have come without the restart (before, a fixed --seed gave the first id again: two members, one id).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../../simulator/serve/server.ts';
import { call, serve, TOKEN, USER_SCHEMA, type Served } from '../../helpers/served.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function create(origin: string, userName: string): Promise<string> {
  const res = await call(origin, 'POST', '/scim/v2/Users', TOKEN, { schemas: [USER_SCHEMA], userName });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The ids a world with this seed gives its first two members when nothing restarts. */
async function idsWithoutRestart(seed: string): Promise<string[]> {
  const s = await startServer({ host: '127.0.0.1', port: 0, scimToken: TOKEN, seed, start: '2026-01-01T00:00:00Z' });
  try {
    return [await create(s.origin, 'a@x.com'), await create(s.origin, 'b@x.com')];
  } finally {
    await s.close();
  }
}

async function dataFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-random-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'np.json');
}

describe('after a restart', () => {
  it('a clean stop: the seed is kept without --seed, and the next id is the second, not the first again', async () => {
    const expected = await idsWithoutRestart('kept-seed');
    const file = await dataFile();
    const options = { host: '127.0.0.1', port: 0, scimToken: TOKEN, dataFile: file };
    const first = await startServer({ ...options, seed: 'kept-seed', start: '2026-01-01T00:00:00Z' });
    expect(await create(first.origin, 'a@x.com')).toBe(expected[0]);
    await first.close();
    const second = await startServer(options);
    try {
      expect(second.session.header.seed).toBe('kept-seed');
      expect(await create(second.origin, 'b@x.com')).toBe(expected[1]);
      expect(new Set(second.nordpass.store.allMembers().map((m) => m.id)).size).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('a SIGKILL right after the 201: the position went to disk with the member', async () => {
    const expected = await idsWithoutRestart('killed-seed');
    const file = await dataFile();
    const args = ['--data', file, '--seed', 'killed-seed', '--start', '2026-01-01T00:00:00Z'];
    const first: Served = await serve(args);
    expect(await create(first.origin, 'a@x.com')).toBe(expected[0]);
    first.child.kill('SIGKILL');
    await first.exit;
    const second: Served = await serve(['--data', file]);
    cleanup.push(() => second.child.kill('SIGKILL'));
    expect(await create(second.origin, 'b@x.com')).toBe(expected[1]);
  });
});
