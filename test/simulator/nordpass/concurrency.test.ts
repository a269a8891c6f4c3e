/** Concurrent requests on one member, one userName, and the clock: every run ends in one consistent state. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { createNordPass } from '../../../simulator/nordpass/app.ts';
import { NordPassStore } from '../../../simulator/nordpass/store.ts';
import { Random } from '../../../simulator/random.ts';
import {
  ADMIN_TOKEN,
  PATCH_SCHEMA,
  SCIM_TOKEN,
  START,
  USER_SCHEMA,
  harness,
  type Harness,
} from '../../helpers/nordpass.ts';

const DAY = 86_400_000;

type Kind = 'disable' | 'enable' | 'rename' | 'delete';

/** The same mix every run: deletes at fixed positions when wanted. */
function mix(n: number, deletesAt: number[]): Kind[] {
  const cycle: Kind[] = ['disable', 'rename', 'enable', 'rename', 'disable', 'enable'];
  return Array.from({ length: n }, (_, i) => (deletesAt.includes(i) ? 'delete' : cycle[(i * 7) % cycle.length]!));
}

/** Lets `n` turns of the event loop go by (other requests' bodies are read and their writes progress meanwhile). */
async function ticks(n: number): Promise<void> {
  for (let k = 0; k < n; k++) await new Promise<void>((resolve) => setImmediate(resolve));
}

type Scim = Harness['scim'];

/**
 * Request `i` starts in wave floor(i / 5), one event-loop turn after the previous wave, while earlier requests
 * may still wait for their write. Without waves every DELETE (no body to read) would be handled before every
 * PATCH, and the race would not be a race.
 */
async function send(scim: Scim, id: string, kind: Kind, i: number): Promise<Response> {
  await ticks(Math.floor(i / 5));
  const patch = (ops: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: ops });
  switch (kind) {
    case 'disable':
      return patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    case 'enable':
      return patch([{ op: 'replace', path: 'active', value: true }]);
    case 'rename':
      return patch([{ op: 'Replace', path: 'displayName', value: `Name ${i}` }]);
    case 'delete':
      return scim('DELETE', `/Users/${id}`);
  }
}

async function activeMember(h: Pick<Harness, 'createUser' | 'clock' | 'admin'>, userName: string) {
  const user = await h.createUser(userName);
  await h.clock.advance('2m');
  expect((await h.admin('POST', `/members/${user.id}/accept-invitation`)).status).toBe(200);
  return user;
}

interface Event {
  at: string;
  type: string;
  from?: string;
  to?: string;
  detail?: string;
}

/** The history is a chain: every transition starts where the previous one ended, and the last one is the status. */
function expectChain(member: Record<string, any>): void {
  let status: string | undefined;
  for (const event of member.history as Event[]) {
    if (event.to === undefined) continue;
    if (status !== undefined) expect(event.from, `${event.type} at ${event.at}`).toBe(status);
    status = event.to;
  }
  expect(member.status).toBe(status);
}

/** The harness, or the same NordPass over a JSON data file (real writes, group commit: answers wait on the disk). */
async function target(store: 'memory' | 'file'): Promise<Harness & { file?: string }> {
  const h = harness();
  if (store === 'memory') return h;
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-race-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const clock = new Clock(START);
  const fileStore = await NordPassStore.openFile(join(dir, 'nordpass.json'), () => clock.now());
  cleanup.unshift(() => fileStore.close()); // before the folder goes
  const np = createNordPass({
    clock,
    random: new Random('race'),
    store: fileStore,
    scimToken: SCIM_TOKEN,
    adminToken: ADMIN_TOKEN,
  });
  const scim: Scim = (method, path, body) =>
    np.fetch(
      new Request(`http://127.0.0.1:8080/scim/v2${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${SCIM_TOKEN}`,
          ...(body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  const admin: Harness['admin'] = (method, path) =>
    np.fetch(
      new Request(`http://127.0.0.1:8080/admin${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
  return {
    ...h,
    file: join(dir, 'nordpass.json'),
    np,
    clock,
    scim,
    admin,
    createUser: async (userName) =>
      (await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true })).json(),
    member: async (id) => (await admin('GET', `/members/${id}`)).json(),
  };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

describe('50 concurrent PATCH and DELETE requests on one member', () => {
  it.each([
    ['memory', 'with deletes', [17, 18, 33]],
    ['memory', 'with one delete first', [0]],
    ['memory', 'without deletes', []],
    ['file', 'with deletes', [17, 18, 33]],
    ['file', 'without deletes', []],
  ] as const)('%s store, %s: one consistent state', async (store, _name, deletesAt) => {
    const h = await target(store);
    const user = await activeMember(h, 'race@example.com');
    const kinds = mix(50, [...deletesAt]);
    const responses = await Promise.all(kinds.map((kind, i) => send(h.scim, user.id, kind, i)));
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.map((r) => (r.status === 204 ? null : r.json())));
    const member = await h.member(user.id);
    expectChain(member);

    // Each 200 answers with the member as that request left it, not as later requests made it.
    kinds.forEach((kind, i) => {
      if (statuses[i] !== 200) return;
      const body = bodies[i];
      expect(body.id).toBe(user.id);
      if (kind === 'disable') expect(body.active, `#${i} disable`).toBe(false);
      if (kind === 'enable') expect(body.active, `#${i} enable`).toBe(true);
      if (kind === 'rename') expect(body.displayName, `#${i} rename`).toBe(`Name ${i}`);
      expect(responses[i]!.headers.get('etag'), `#${i}`).toBe(body.meta.version);
    });

    if (deletesAt.length > 0) {
      // Exactly one DELETE wins; the requests handled before it are 200, every one after it 404.
      expect(statuses.filter((s) => s === 204)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 204 || s === 404)).toBe(true);
      const won = statuses.indexOf(204);
      const wave = Math.floor(won / 5);
      expect(statuses.slice(0, wave * 5).every((s) => s === 200)).toBe(true);
      expect(statuses.slice((wave + 1) * 5).every((s) => s === 404)).toBe(true);
      // every 200 rename left its mark in the history before the delete, and no 404 did
      const renamed = kinds.filter((k, i) => k === 'rename' && statuses[i] === 200).length;
      expect(member.history.filter((e: Event) => e.type === 'updated')).toHaveLength(renamed);
      kinds.forEach((kind, i) => {
        if (statuses[i] === 404) expect(bodies[i].detail, `#${i} ${kind}`).toMatch(/no member/);
      });
      expect(member.status).toBe('deleted');
      expect(member.history.at(-1).type).toBe('deleted');
      expect(member.history.filter((e: Event) => e.type === 'deleted')).toHaveLength(1);
      expect((await h.scim('GET', `/Users/${user.id}`)).status).toBe(404);
      // no purge is left waiting for a deleted member
      expect(h.clock.pending).toBe(0);
    } else {
      expect(statuses.every((s) => s === 200)).toBe(true);
      const got = await (await h.scim('GET', `/Users/${user.id}`)).json();
      const last = kinds.lastIndexOf('disable') > kinds.lastIndexOf('enable') ? 'suspended' : 'active';
      expect(member.status).toBe(last);
      expect(got.active).toBe(last === 'active');
      expect(got.displayName).toBe(`Name ${kinds.lastIndexOf('rename')}`);
      // the version counts every recorded change, and the ETag says so
      expect(got.meta.version).toBe(`W/"${member.history.length}"`);
      // a purge is waiting exactly when the member is soft-deleted
      expect(h.clock.pending).toBe(last === 'suspended' ? 1 : 0);
    }
    if (h.file) {
      // every acknowledged change is on disk: the file read afresh holds the member as the server has it
      await h.np.store.flush();
      const reread = await NordPassStore.openFile(h.file, () => h.clock.now());
      try {
        const stored = reread.memberById(user.id)!;
        expect(stored.status).toBe(member.status);
        expect(stored.history).toHaveLength(member.history.length);
      } finally {
        await reread.close();
      }
    }
  });
});

describe('50 concurrent POSTs of one userName', () => {
  it('give exactly one 201 and 49 uniqueness conflicts', async () => {
    const h = harness();
    const cases = Array.from({ length: 50 }, (_, i) => {
      const base = 'Dup.User@Example.com';
      return [...base].map((c, j) => ((i >> (j % 6)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
    });
    const responses = await Promise.all(
      cases.map((userName) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const res of responses.filter((r) => r.status === 409)) expect((await res.json()).scimType).toBe('uniqueness');
    const winner = await responses.find((r) => r.status === 201)!.json();
    expect(h.np.store.allMembers()).toHaveLength(1);
    const list = await (await h.scim('GET', '/Users')).json();
    expect(list.Resources.map((r: any) => r.id)).toEqual([winner.id]);
    // one invitation, not fifty
    await h.clock.advance('2m');
    expect((await (await h.admin('GET', '/outbox')).json()).emails).toHaveLength(1);
  });
});

describe('the clock moving while requests arrive', () => {
  it('never fires the purge early or twice', async () => {
    const h = harness();
    const user = await activeMember(h, 'clock@example.com');
    await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const softDeletedAt = Date.parse((await h.member(user.id)).softDeletedAt);
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) {
      work.push(h.clock.advance('1d'));
      work.push(h.patch(user.id, [{ op: 'Replace', path: 'displayName', value: `tick ${i}` }]));
      work.push(h.scim('GET', `/Users/${user.id}`));
      // a second Disable while time moves must not buy another 30 days
      if (i % 10 === 5) work.push(h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]));
    }
    await Promise.all(work);
    const member = await h.member(user.id);
    const purges = member.history.filter((e: Event) => e.type === 'purged');
    expect(purges).toHaveLength(1);
    expect(Date.parse(purges[0].at)).toBe(softDeletedAt + 30 * DAY);
    expect(member.deletedAt).toBe(purges[0].at);
    expect(member.history.at(-1).type).toBe('purged');
    expect(member.history.filter((e: Event) => e.type === 'suspended')).toHaveLength(1);
    // every change that got in happened before the purge
    for (const e of member.history) expect(Date.parse(e.at)).toBeLessThanOrEqual(softDeletedAt + 30 * DAY);
    expect(h.clock.now()).toBe(softDeletedAt + 40 * DAY);
    expect(h.clock.pending).toBe(0);
    expectChain(member);
  });

  it('a restore and a new Disable racing the clock purge once, 30 days after the last Disable', async () => {
    const h = harness();
    const user = await activeMember(h, 'again@example.com');
    await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 45; i++) {
      work.push(h.clock.advance('1d'));
      if (i === 10) work.push(h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'True' }]));
      if (i === 12) work.push(h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]));
      if (i % 3 === 0)
        work.push(h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "again@example.com"')}`));
    }
    await Promise.all(work);
    const member = await h.member(user.id);
    expectChain(member);
    const suspensions = member.history.filter((e: Event) => e.type === 'suspended');
    const purges = member.history.filter((e: Event) => e.type === 'purged');
    expect(purges).toHaveLength(1);
    const lastDisable = Date.parse(suspensions.at(-1).at);
    expect(Date.parse(purges[0].at)).toBe(lastDisable + 30 * DAY);
    // the restore really happened in between, so the first deadline did not fire
    expect(member.history.map((e: Event) => e.type)).toContain('restored');
    expect(h.clock.pending).toBe(0);
  });

  it('advanceTo and advance calls in parallel fire each timer once, at its own instant', async () => {
    const h = harness({ invitationDelay: '1h' });
    const users = await Promise.all(['p1', 'p2', 'p3'].map((n) => h.createUser(`${n}@example.com`)));
    await Promise.all(users.map((u) => h.patch(u.id, [{ op: 'Replace', path: 'active', value: 'False' }])));
    const start = h.clock.now();
    const results = await Promise.all([
      h.clock.advance('10d'),
      h.clock.advanceTo(new Date(start + 31 * DAY).toISOString()),
      h.clock.advance('10d'),
      ...users.map((u) => h.scim('GET', `/Users/${u.id}`)),
    ]);
    const fired = results.slice(0, 3).reduce((n, r) => n + (r as { fired: number }).fired, 0);
    // three invitation timers (due at 1h; they find the member forbidden and send nothing) and three purges
    expect(fired).toBe(6);
    expect(h.clock.pending).toBe(0);
    for (const u of users) {
      const m = await h.member(u.id);
      expect(m.status).toBe('deleted');
      expect(m.history.filter((e: Event) => e.type === 'purged')).toHaveLength(1);
      expect(Date.parse(m.deletedAt)).toBe(start + 30 * DAY);
      expect(m.history.some((e: Event) => e.type === 'invitationSent')).toBe(false);
    }
    expect(h.clock.now()).toBe(start + 41 * DAY);
  });
});
