/** `expect` steps: compare the world with what the scenario says, and describe every difference. */
import { formatDuration, formatInstant, parseDuration } from '../time.ts';
import type { Expectation } from './schema.ts';
import { readScimUser, valueAt } from './scim-read.ts';
import { requireLocalNordPass, StepFailure } from './steps.ts';
import type { DirectoryPlace } from './target.ts';
import { idOf, memberOf, type ScenarioState, userNameOf } from './world.ts';

/** Where a tenant user is, as a mismatch says it (an expected active user "is an active user"). */
const PLACE_WORDS: Record<DirectoryPlace, string> = {
  active: 'an active user',
  deleted: 'in Deleted users',
  permanentlyDeleted: 'deleted permanently',
};

export interface Mismatch {
  /** What was checked, in the scenario's words, e.g. `members.ada`. */
  what: string;
  expected: string;
  actual: string;
}

type CountSpec = number | { atLeast?: number | undefined; atMost?: number | undefined };

function countOk(spec: CountSpec | undefined, n: number, fallback: CountSpec = { atLeast: 1 }): boolean {
  const s = spec ?? fallback;
  if (typeof s === 'number') return n === s;
  return (s.atLeast === undefined || n >= s.atLeast) && (s.atMost === undefined || n <= s.atMost);
}

function countText(spec: CountSpec | undefined, fallback: CountSpec = { atLeast: 1 }): string {
  const s = spec ?? fallback;
  if (typeof s === 'number') return String(s);
  return [s.atLeast !== undefined ? `at least ${s.atLeast}` : '', s.atMost !== undefined ? `at most ${s.atMost}` : '']
    .filter(Boolean)
    .join(' and ');
}

const list = (refs: string | string[] | undefined) => (refs === undefined ? [] : Array.isArray(refs) ? refs : [refs]);

export interface ExpectationOutcome {
  mismatches: Mismatch[];
  /** With --http (not --strict): the checks that look inside NordPass, not made, and why. */
  skipped?: string;
}

/** Checks an expectation; with --http, the parts that look inside NordPass are skipped (failed with --strict). */
export async function checkExpectation(
  world: ScenarioState,
  expectation: Expectation,
  sinceExchange: number,
): Promise<ExpectationOutcome> {
  const inside = (['members', 'roles', 'memberCounts', 'timing', 'outbox'] as const).filter(
    (k) => expectation[k] !== undefined,
  );
  let e = expectation;
  let skipped: string | undefined;
  if (inside.length && world.httpTarget) {
    if (world.strict) requireLocalNordPass(world, `expect ${inside.join(', ')}`);
    skipped = `expect ${inside.join(', ')}: looks inside NordPass, not possible with --http (scim: checks what anyone can see over SCIM)`;
    e = {
      ...expectation,
      members: undefined,
      roles: undefined,
      memberCounts: undefined,
      timing: undefined,
      outbox: undefined,
    };
  }
  if (world.dialectCopy && e.requests?.some((r) => r.body !== undefined)) {
    const note =
      'requests checks of bodies: they describe the default dialect (--dialects both compares the answers instead)';
    skipped = skipped ? `${skipped}; ${note}` : note;
    e = { ...e, requests: e.requests.filter((r) => r.body === undefined) };
  }
  const mismatches = [
    ...(await checkInside(world, e, sinceExchange)),
    ...(await checkScim(world, e)),
    ...(await checkManagers(world, e)),
  ];
  return { mismatches, ...(skipped ? { skipped } : {}) };
}

/** `scim:`: each named user looked up as an IdP does, over the same SCIM route the engine uses. */
async function checkScim(world: ScenarioState, e: Expectation): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const [name, want] of Object.entries(e.scim ?? {})) {
    const userName = userNameOf(world, name);
    if (!userName) throw new StepFailure(`scim.${name}: no tenant user named ${name}`);
    const read = await readScimUser(world, userName);
    if (read.problem) {
      out.push({ what: `scim.${name}`, expected: 'a ListResponse', actual: read.problem });
      continue;
    }
    const found = read.user !== undefined;
    const exists = want.exists ?? (want.active !== undefined || want.attributes !== undefined ? true : undefined);
    if (exists !== undefined && found !== exists) {
      out.push({ what: `scim.${name}.exists`, expected: String(exists), actual: String(found) });
      continue;
    }
    if (!read.user) continue;
    if (want.active !== undefined) {
      const active = valueAt(read.user, 'active');
      const actual = active === true || active === 'True' || active === 'true';
      if (actual !== want.active)
        out.push({
          what: `scim.${name}.active`,
          expected: String(want.active),
          actual: JSON.stringify(active ?? null),
        });
    }
    for (const [path, value] of Object.entries(want.attributes ?? {})) {
      const actual = valueAt(read.user, path) ?? null;
      if (JSON.stringify(actual) !== JSON.stringify(value))
        out.push({ what: `scim.${name}.${path}`, expected: JSON.stringify(value), actual: JSON.stringify(actual) });
    }
  }
  return out;
}

/** The enterprise extension's manager, as anyone reads it over SCIM. */
const MANAGER_PATH = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';

/**
 * `managers:`: each named user's manager over SCIM (the id in their enterprise `manager`) is the SCIM id of the named
 * manager, or there is none (null).
 */
async function checkManagers(world: ScenarioState, e: Expectation): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  const scimId = async (name: string) => {
    const userName = userNameOf(world, name);
    if (!userName) throw new StepFailure(`managers.${name}: no tenant user named ${name}`);
    return readScimUser(world, userName);
  };
  for (const [name, managerName] of Object.entries(e.managers ?? {})) {
    const read = await scimId(name);
    if (!read.user) {
      out.push({ what: `managers.${name}`, expected: `a user ${name} over SCIM`, actual: read.problem ?? 'not found' });
      continue;
    }
    const manager = valueAt(read.user, MANAGER_PATH) as { value?: unknown } | undefined;
    const actualId = typeof manager?.value === 'string' && manager.value !== '' ? manager.value : undefined;
    const wanted = managerName === null ? undefined : await scimId(managerName);
    const wantedId = wanted?.user?.id as string | undefined;
    if (actualId === wantedId && (managerName === null || wantedId !== undefined)) continue;
    const nameOf = async (id: string | undefined) => {
      if (id === undefined) return 'none';
      for (const other of world.users.keys()) if ((await scimId(other)).user?.id === id) return `${other} (${id})`;
      return id;
    };
    out.push({
      what: `managers.${name}`,
      expected: managerName === null ? 'none' : `${managerName} (${wantedId ?? 'not in NordPass'})`,
      actual: await nameOf(actualId),
    });
  }
  return out;
}

async function checkInside(world: ScenarioState, e: Expectation, sinceExchange: number): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  const { target } = world;

  for (const [name, state] of Object.entries(e.members ?? {})) {
    const member = await memberOf(world, name);
    const actual = member?.status ?? 'none';
    if (actual !== state) {
      const last = member?.history.at(-1);
      out.push({
        what: `members.${name}`,
        expected: state,
        actual: `${actual}${last ? ` (last event: ${last.type} at ${formatInstant(last.at)})` : ''}`,
      });
    }
  }

  for (const [name, role] of Object.entries(e.roles ?? {})) {
    const member = await memberOf(world, name);
    const actual = member?.role ?? 'no member';
    if (actual !== role) out.push({ what: `roles.${name}`, expected: role, actual });
  }

  for (const [state, spec] of Object.entries(e.memberCounts ?? {})) {
    const n = await target.memberCount(state as never);
    if (!countOk(spec, n, 0)) out.push({ what: `memberCounts.${state}`, expected: countText(spec), actual: String(n) });
  }

  for (const [i, t] of (e.timing ?? []).entries()) {
    const member = await memberOf(world, t.user);
    const what = `timing[${i}]: ${t.user} ${t.event} ${t.by !== undefined ? `exactly ${t.by}` : `within ${t.within}`} after ${t.after}`;
    const from = member?.history.find((h) => h.type === t.after);
    const to = from ? member!.history.find((h) => h.type === t.event && h.at >= from.at) : undefined;
    if (!from || !to) {
      out.push({
        what,
        expected: `${t.event} after ${t.after}`,
        actual: !from ? `no ${t.after} event` : `no ${t.event} event after ${t.after} (${formatInstant(from.at)})`,
      });
      continue;
    }
    const gap = to.at - from.at;
    const limit = parseDuration(t.by ?? t.within!);
    const ok = t.by !== undefined ? gap === limit : gap <= limit;
    if (!ok)
      out.push({
        what,
        expected: t.by !== undefined ? `exactly ${formatDuration(limit)}` : `at most ${formatDuration(limit)}`,
        actual: `${formatDuration(gap)} (${t.after} ${formatInstant(from.at)}, ${t.event} ${formatInstant(to.at)})`,
      });
  }

  for (const [i, o] of (e.outbox ?? []).entries()) {
    const n = await target.outboxCount(o.to ? (userNameOf(world, o.to) ?? o.to) : undefined);
    if (!countOk(o.count, n))
      out.push({
        what: `outbox[${i}]${o.to ? ` to ${o.to}` : ''}`,
        expected: `${countText(o.count)} emails`,
        actual: String(n),
      });
  }

  for (const [i, l] of (e.logs ?? []).entries()) {
    const userId = l.user ? idOf(world, l.user) : undefined;
    const found = await target.logCount({
      userId,
      action: l.action,
      status: l.status,
      errorCode: l.errorCode,
      initiatedBy: l.initiatedBy,
    });
    if (!countOk(l.count, found)) {
      const desc = [l.user, l.action, l.status, l.errorCode].filter(Boolean).join(' ');
      const seen = await target.latestLogs(userId, 5);
      out.push({
        what: `logs[${i}] ${desc}`,
        expected: `${countText(l.count)} entries`,
        actual: `${found}${seen.length ? ` (latest: ${seen.join(', ')})` : ''}`,
      });
    }
  }

  if (e.job) {
    const status = await target.jobStatus();
    if (e.job.status && status.code !== e.job.status)
      out.push({
        what: 'job.status',
        expected: e.job.status,
        actual: `${status.code}${status.quarantineReason ? ` (${status.quarantineReason})` : ''}`,
      });
    if (e.job.quarantineReason !== undefined && status.quarantineReason !== e.job.quarantineReason) {
      out.push({
        what: 'job.quarantineReason',
        expected: String(e.job.quarantineReason),
        actual: String(status.quarantineReason),
      });
    }
    if (e.job.escrows !== undefined && !countOk(e.job.escrows, status.escrows, 0))
      out.push({ what: 'job.escrows', expected: countText(e.job.escrows), actual: String(status.escrows) });
  }

  for (const [i, r] of (e.requests ?? []).entries()) {
    const found = await target.exchangeCount({
      since: r.since === 'lastExpect' ? sinceExchange : 0,
      method: r.method,
      path: r.path,
      body: r.body,
      status: r.status,
    });
    if (!countOk(r.count, found)) {
      const desc = [r.method, r.path, r.body ? `body containing ${r.body}` : '', r.status ? `answered ${r.status}` : '']
        .filter(Boolean)
        .join(' ');
      out.push({
        what: `requests[${i}] ${desc}`,
        expected: `${countText(r.count)} requests`,
        actual: String(found),
      });
    }
  }

  if (e.directory) {
    const expected = [
      ...list(e.directory.active).map((name) => [name, 'active'] as const),
      ...list(e.directory.deleted).map((name) => [name, 'deleted'] as const),
      ...list(e.directory.permanentlyDeleted).map((name) => [name, 'permanentlyDeleted'] as const),
    ];
    for (const [name, place] of expected) {
      const actual = await target.directoryPlace(idOf(world, name));
      if (actual !== place)
        out.push({ what: `directory.${place} ${name}`, expected: PLACE_WORDS[place], actual: PLACE_WORDS[actual] });
    }
    if (e.directory.recycleBin !== undefined) {
      const n = await target.recycleBinCount();
      if (!countOk(e.directory.recycleBin, n, 0))
        out.push({ what: 'directory.recycleBin', expected: countText(e.directory.recycleBin), actual: String(n) });
    }
  }

  if (e.testConnection) {
    const last = world.lastTestConnection;
    const actual = last
      ? last.ok
        ? 'success'
        : `failure${last.errorCode ? ` (${last.errorCode})` : ''}`
      : 'no Test Connection yet';
    if (
      !last ||
      (last.ok ? 'success' : 'failure') !== e.testConnection.result ||
      (e.testConnection.errorCode && last.errorCode !== e.testConnection.errorCode)
    ) {
      out.push({
        what: 'testConnection',
        expected: `${e.testConnection.result}${e.testConnection.errorCode ? ` (${e.testConnection.errorCode})` : ''}`,
        actual,
      });
    }
  }
  return out;
}
