/**
 * Concurrency over real HTTP against `scimsim serve --data` (group commit on): the in-process cases of
 * test/simulator/nordpass/concurrency.test.ts, once more through sockets and the file.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataFile } from '../../simulator/nordpass/store.ts';
import { ADMIN, PATCH_SCHEMA, TOKEN, USER_SCHEMA, call, serve, type Served } from '../helpers/served.ts';

let s: Served;
let file: string;
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'scimsim-conc-')), 'nordpass.json');
  s = await serve(['--data', file, '--start', '2026-03-01T00:00:00Z']);
});
afterAll(() => s?.child.kill('SIGKILL'));

interface History {
  type: string;
  at: string;
  from?: string;
  to?: string;
}

describe('concurrent requests over HTTP', () => {
  it('50 concurrent creates of one userName: exactly one 201, 409 uniqueness for the rest, one member on disk', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(s.origin, 'POST', '/scim/v2/Users', TOKEN, {
          schemas: [USER_SCHEMA],
          userName: i % 2 ? 'Same@Example.com' : 'same@example.com',
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect((await r.json()).scimType).toBe('uniqueness');
    // On disk means the data file with its journal replayed, as a restart would read them.
    const onDisk = (await readDataFile(file)).data;
    expect(onDisk.members.filter((m) => m.userName.toLowerCase() === 'same@example.com')).toHaveLength(1);
  });

  it('50 concurrent PATCH and DELETE on one member end in one consistent state, the same in memory and on disk', async () => {
    const created = await (
      await call(s.origin, 'POST', '/scim/v2/Users', TOKEN, { schemas: [USER_SCHEMA], userName: 'race@example.com' })
    ).json();
    const id = created.id as string;
    const requests = Array.from({ length: 50 }, (_, i) => {
      if (i === 17 || i === 33) return call(s.origin, 'DELETE', `/scim/v2/Users/${id}`, TOKEN);
      const op =
        i % 3 === 0
          ? { op: 'Replace', path: 'active', value: 'False' }
          : i % 3 === 1
            ? { op: 'replace', path: 'active', value: true }
            : { op: 'Replace', path: 'displayName', value: `Name ${i}` };
      return call(s.origin, 'PATCH', `/scim/v2/Users/${id}`, TOKEN, { schemas: [PATCH_SCHEMA], Operations: [op] });
    });
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    for (const x of statuses) expect([200, 204, 404]).toContain(x);
    expect(statuses.filter((x) => x === 204)).toHaveLength(1); // one DELETE wins; the other finds nothing
    const member = (await (await call(s.origin, 'GET', `/admin/members/${id}`, ADMIN)).json()) as {
      status: string;
      history: History[];
    };
    expect(member.status).toBe('deleted');
    // The history is one chain of transitions ending in the status, with nothing after the delete: every event
    // says the state before and after it, and each starts where the one before ended (created from none).
    let status: string | null = null;
    for (const e of member.history) {
      expect(e.from).toBe(status);
      status = e.to!;
    }
    expect(status).toBe('deleted');
    expect(member.history.at(-1)!.type).toBe('deleted');
    expect((await call(s.origin, 'GET', `/scim/v2/Users/${id}`, TOKEN)).status).toBe(404);
    const onDisk = (await readDataFile(file)).data;
    const stored = onDisk.members.find((m) => m.id === id)!;
    expect(stored.status).toBe('deleted');
    expect(stored.history).toHaveLength(member.history.length);
  });

  it('clock advances while requests are in flight fire each timer once, at its own instant', async () => {
    const creates = Array.from({ length: 20 }, (_, i) =>
      call(s.origin, 'POST', '/scim/v2/Users', TOKEN, { schemas: [USER_SCHEMA], userName: `clock${i}@example.com` }),
    );
    const advances = Array.from({ length: 10 }, () =>
      call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '1m' }),
    );
    const done = await Promise.all([...creates, ...advances]);
    for (const r of done) expect([200, 201]).toContain(r.status);
    await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '10m' });
    const { members } = (await (await call(s.origin, 'GET', '/admin/members', ADMIN)).json()) as {
      members: Array<{ id: string; userName: string }>;
    };
    for (const m of members.filter((x) => x.userName.startsWith('clock'))) {
      const detail = (await (await call(s.origin, 'GET', `/admin/members/${m.id}`, ADMIN)).json()) as {
        createdAt: string;
        invitedAt: string;
        history: History[];
      };
      const sent = detail.history.filter((e) => e.type === 'invitationSent');
      expect(sent, m.userName).toHaveLength(1);
      expect(Date.parse(sent[0]!.at) - Date.parse(detail.createdAt), m.userName).toBe(2 * 60_000);
    }
    const outbox = (await (await call(s.origin, 'GET', '/admin/outbox', ADMIN)).json()) as {
      emails: Array<{ to: string }>;
    };
    const clockMails = outbox.emails.filter((e) => e.to.startsWith('clock'));
    expect(new Set(clockMails.map((e) => e.to)).size).toBe(clockMails.length);
    expect(clockMails).toHaveLength(20);
  });
});
