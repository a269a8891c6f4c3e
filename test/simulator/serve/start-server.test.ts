/** startServer in process: a start that fails after the data file was opened lets go of it. */
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startServer } from '../../../simulator/serve/server.ts';
import { watchJournals } from '../../helpers/journals.ts';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

describe('startServer', () => {
  it('closes the data file when the port is taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-start-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const journals = watchJournals();
    const port = (taken.address() as AddressInfo).port;
    await expect(startServer({ host: '127.0.0.1', port, dataFile: join(dir, 'np.json') })).rejects.toThrow(
      /EADDRINUSE/,
    );
    expect(journals).toHaveLength(1);
    expect(journals[0]!.handle.fd).toBe(-1);
  });

  it('closes the data file when --start is before the time the file has reached', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-start-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'np.json');
    const first = await startServer({ host: '127.0.0.1', port: 0, dataFile: file, start: '2026-03-01T00:00:00Z' });
    const res = await fetch(`${first.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${first.nordpass.initialScimToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.com' }),
    });
    expect(res.status).toBe(201);
    await first.close();
    const journals = watchJournals();
    await expect(
      startServer({ host: '127.0.0.1', port: 0, dataFile: file, start: '2026-01-01T00:00:00Z' }),
    ).rejects.toThrow(/time cannot go back/);
    expect(journals).toHaveLength(1);
    expect(journals[0]!.handle.fd).toBe(-1);
  });

  it('a reset with --data starts a fresh data file; a restart finds the new world', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-start-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'np.json');
    const options = { host: '127.0.0.1', port: 0, dataFile: file, scimToken: 'tok', adminToken: 'adm' };
    const first = await startServer({ ...options, start: '2026-03-01T00:00:00Z' });
    const post = (origin: string) =>
      fetch(`${origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.com' }),
      });
    expect((await post(first.origin)).status).toBe(201);
    const reset = await fetch(`${first.origin}/_sim/reset`, {
      method: 'POST',
      headers: { Authorization: 'Bearer adm', 'Content-Type': 'application/json' },
      body: JSON.stringify({ start: '2026-06-01T00:00:00Z' }),
    });
    expect(reset.status).toBe(200);
    expect(first.nordpass.store.allMembers()).toEqual([]);
    expect((await post(first.origin)).status).toBe(201); // the same userName is free in the new world
    await first.close();
    const second = await startServer(options);
    try {
      expect(second.nordpass.store.allMembers().map((m) => m.userName)).toEqual(['ada@contoso.com']);
      expect(second.clock.nowIso()).toBe('2026-06-01T00:00:00.000Z');
    } finally {
      await second.close();
    }
  });
});
