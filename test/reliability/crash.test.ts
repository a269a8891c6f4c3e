/**
 * Crashes (issue #6): `scimsim serve --data FILE` on loopback under a bounded write load on both sides (SCIM to
 * NordPass, Graph to the mock Entra), killed with SIGKILL at random moments and restarted. After every kill the
 * file parses; after every restart each acknowledged write is there (NordPass members and Entra users), the clock is no earlier than any acknowledged advance, and every purge fired exactly at its deadline.
 *
 * Not part of `npm test` (it takes about a minute): `npm run test:crash` sets SCIMSIM_CRASH=1.
 * SCIMSIM_CRASH_KILLS (default 25) and SCIMSIM_CRASH_SEED change the run.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataFile } from '../../simulator/nordpass/store.ts';
import { ADMIN, PATCH_SCHEMA, TOKEN, USER_SCHEMA, call, serve, type Served } from '../helpers/served.ts';
import { newUser } from '../helpers/graph.ts';

const KILLS = Number(process.env.SCIMSIM_CRASH_KILLS ?? 25);
const SEED = Number(process.env.SCIMSIM_CRASH_SEED ?? Date.now() % 1_000_000);
const WINDOW = 30 * 86_400_000;
const WORKERS = 4;

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Acked {
  created: Map<string, string>; // id -> userName
  softDeleted: Set<string>;
  deleted: Set<string>;
  /** Users created in the mock Entra over Graph: id -> userPrincipalName (the other side of the world). */
  entra: Map<string, string>;
  /** The latest virtual time an acknowledged advance reached. */
  clock: number;
}

interface AdminMember {
  id: string;
  userName: string;
  status: string;
  softDeletedAt?: string;
  purgeAt?: string;
  deletedAt?: string;
}

describe.skipIf(!process.env.SCIMSIM_CRASH)('serve --data survives SIGKILL under write load', () => {
  it(`keeps every acknowledged write over ${KILLS} kills (seed ${SEED})`, async () => {
    const random = rng(SEED);
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-crash-'));
    const file = join(dir, 'nordpass.json');
    const acked: Acked = {
      created: new Map(),
      softDeleted: new Set(),
      deleted: new Set(),
      entra: new Map(),
      clock: Date.parse('2026-01-01T00:00:00Z'),
    };
    let counter = 0;
    let survived = 0;

    for (let round = 0; round <= KILLS; round++) {
      const s = await serve(['--data', file, ...(round === 0 ? ['--start', '2026-01-01T00:00:00Z'] : [])]);
      try {
        await verify(s, acked, `round ${round} (seed ${SEED})`);
        if (round === KILLS) {
          // Last: move past every deadline; each purge fires exactly at soft delete + 30 days.
          const res = await call(s.origin, 'POST', '/_sim/clock/advance', ADMIN, { by: '31d' });
          expect(res.status).toBe(200);
          acked.clock = Date.parse(((await res.json()) as { now: string }).now);
          await verify(s, acked, 'after the last advance');
          s.child.kill('SIGTERM');
          expect(await s.exit).toBe(0);
          break;
        }
        let stop = false;
        const load = Array.from({ length: WORKERS }, async () => {
          while (!stop) await step(s.origin, acked, random, () => `u${++counter}-${SEED}@example.com`);
        });
        await new Promise((resolve) => setTimeout(resolve, 30 + Math.floor(random() * 400)));
        stop = true;
        s.child.kill('SIGKILL');
        await s.exit;
        await Promise.allSettled(load);
        survived++;
        // The file always parses, whatever the moment of the kill, and its journal replays onto it.
        const data = JSON.parse(await readFile(file, 'utf8')) as { format: number; members: unknown[] };
        expect(data.format).toBe(1);
        const onDisk = (await readDataFile(file)).data;
        for (const id of acked.created.keys())
          expect(
            onDisk.members.some((m) => m.id === id),
            `acknowledged create ${id} on disk after the kill`,
          ).toBe(true);
      } finally {
        s.child.kill('SIGKILL');
      }
    }
    expect(survived).toBe(KILLS);
    expect(acked.created.size).toBeGreaterThan(KILLS);
    console.log(
      `crash test: ${survived} kills survived, ${acked.created.size} acknowledged creates, ${acked.softDeleted.size} soft deletes, ${acked.deleted.size} deletes, ${acked.entra.size} Entra users (seed ${SEED})`,
    );
  }, 600_000);
});

/** One write, recorded only when acknowledged (a 2xx came back before the kill). */
async function step(origin: string, acked: Acked, random: () => number, nextName: () => string): Promise<void> {
  const ids = [...acked.created.keys()].filter((id) => !acked.deleted.has(id));
  const pick = () => ids[Math.floor(random() * ids.length)]!;
  const roll = random();
  try {
    if (roll < 0.55 || ids.length === 0) {
      const userName = nextName();
      const res = await call(origin, 'POST', '/scim/v2/Users', TOKEN, {
        schemas: [USER_SCHEMA],
        userName,
        active: true,
      });
      if (res.status === 201) acked.created.set(((await res.json()) as { id: string }).id, userName);
    } else if (roll < 0.8) {
      const id = pick();
      const res = await call(origin, 'PATCH', `/scim/v2/Users/${id}`, TOKEN, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      });
      if (res.status === 200) acked.softDeleted.add(id);
    } else if (roll < 0.85) {
      const id = pick();
      const res = await call(origin, 'DELETE', `/scim/v2/Users/${id}`, TOKEN);
      if (res.status === 204) acked.deleted.add(id);
    } else if (roll < 0.93) {
      const upn = `e-${nextName()}`;
      const res = await fetch(`${origin}/azure/v1.0/users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(newUser({ userPrincipalName: upn, displayName: upn })),
      });
      if (res.status === 201) acked.entra.set(((await res.json()) as { id: string }).id, upn);
    } else {
      const by = `${1 + Math.floor(random() * 10)}d`;
      const res = await call(origin, 'POST', '/_sim/clock/advance', ADMIN, { by });
      if (res.status === 200)
        acked.clock = Math.max(acked.clock, Date.parse(((await res.json()) as { now: string }).now));
    }
  } catch {
    // The server was killed mid-request: no answer, so nothing was acknowledged.
  }
}

async function verify(s: Served, acked: Acked, when: string): Promise<void> {
  const clock = (await (await call(s.origin, 'GET', '/_sim/clock', ADMIN)).json()) as { now: string };
  const now = Date.parse(clock.now);
  expect(now, `${when}: the clock went back before an acknowledged advance`).toBeGreaterThanOrEqual(acked.clock);
  const { members } = (await (await call(s.origin, 'GET', '/admin/members', ADMIN)).json()) as {
    members: AdminMember[];
  };
  const byId = new Map(members.map((m) => [m.id, m]));
  // The mock Entra side: every acknowledged Graph create is there, with the same id, after any kill.
  const entra = new Map<string, string>();
  for (let url: string | undefined = `${s.origin}/azure/v1.0/users?$top=999`; url; ) {
    const page = (await (await fetch(url, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as {
      value: Array<{ id: string; userPrincipalName: string }>;
      '@odata.nextLink'?: string;
    };
    for (const u of page.value) entra.set(u.id, u.userPrincipalName);
    url = page['@odata.nextLink'];
  }
  for (const [id, upn] of acked.entra)
    expect(entra.get(id), `${when}: acknowledged Entra user ${upn} is missing`).toBe(upn);
  for (const [id, userName] of acked.created) {
    const m = byId.get(id);
    expect(m, `${when}: acknowledged create of ${userName} is missing`).toBeDefined();
    expect(m!.userName).toBe(userName);
  }
  for (const id of acked.softDeleted) {
    const m = byId.get(id)!;
    expect(m.softDeletedAt, `${when}: acknowledged soft delete of ${m.userName} is missing`).toBeDefined();
    expect(['suspended', 'forbidden', 'deleted']).toContain(m.status);
  }
  for (const id of acked.deleted) expect(byId.get(id)!.status, `${when}: acknowledged delete`).toBe('deleted');
  for (const m of members) {
    if (m.softDeletedAt === undefined) continue;
    const purgeAt = Date.parse(m.softDeletedAt) + WINDOW;
    // Scheduled purges still fire at their deadlines: past one, the member is gone, at exactly that instant
    // unless a DELETE came first.
    if (purgeAt <= now) {
      expect(m.status, `${when}: ${m.userName} not purged though ${new Date(purgeAt).toISOString()} has passed`).toBe(
        'deleted',
      );
      if (Date.parse(m.deletedAt!) !== purgeAt) {
        const detail = (await (await call(s.origin, 'GET', `/admin/members/${m.id}`, ADMIN)).json()) as {
          history: Array<{ type: string }>;
        };
        expect(
          detail.history.at(-1)!.type,
          `${when}: ${m.userName} deleted at ${m.deletedAt}, not at its purge deadline`,
        ).toBe('deleted');
      }
    } else {
      expect(m.status === 'deleted' ? 'deleted' : m.purgeAt, `${when}: ${m.userName}'s deadline moved`).toBe(
        m.status === 'deleted' ? 'deleted' : new Date(purgeAt).toISOString(),
      );
    }
  }
}
