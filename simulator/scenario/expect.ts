/** `expect` steps: compare the world with what the scenario says, and describe every difference. */
import { formatDuration, formatInstant, parseDuration } from '../time.ts';
import type { Expectation } from './schema.ts';
import { readScimUser, valueAt } from './scim-read.ts';
import { requireLocalNordPass, StepFailure } from './steps.ts';
import { idOf, memberOf, type World } from './world.ts';

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
  world: World,
  expectation: Expectation,
  sinceExchange: number,
): Promise<ExpectationOutcome> {
  const inside = (['members', 'memberCounts', 'timing', 'outbox'] as const).filter((k) => expectation[k] !== undefined);
  let e = expectation;
  let skipped: string | undefined;
  if (inside.length && world.httpTarget) {
    if (world.strict) requireLocalNordPass(world, `expect ${inside.join(', ')}`);
    skipped = `expect ${inside.join(', ')}: looks inside NordPass, not possible with --http (scim: checks what anyone can see over SCIM)`;
    e = { ...expectation, members: undefined, memberCounts: undefined, timing: undefined, outbox: undefined };
  }
  if (world.dialectCopy && e.requests?.some((r) => r.body !== undefined)) {
    const note =
      'requests checks of bodies: they describe the default dialect (--dialects both compares the answers instead)';
    skipped = skipped ? `${skipped}; ${note}` : note;
    e = { ...e, requests: e.requests.filter((r) => r.body === undefined) };
  }
  const mismatches = [...checkInside(world, e, sinceExchange), ...(await checkScim(world, e))];
  return { mismatches, ...(skipped ? { skipped } : {}) };
}

/** `scim:`: each named user looked up as an IdP does, over the same SCIM route the engine uses. */
async function checkScim(world: World, e: Expectation): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const [name, want] of Object.entries(e.scim ?? {})) {
    const userName = world.upns.get(name);
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

function checkInside(world: World, e: Expectation, sinceExchange: number): Mismatch[] {
  const out: Mismatch[] = [];
  const { nordpass, azure } = world;

  for (const [name, state] of Object.entries(e.members ?? {})) {
    const member = memberOf(world, name);
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

  for (const [state, spec] of Object.entries(e.memberCounts ?? {})) {
    const n = nordpass.members.countByStatus(state as never);
    if (!countOk(spec, n, 0)) out.push({ what: `memberCounts.${state}`, expected: countText(spec), actual: String(n) });
  }

  e.timing?.forEach((t, i) => {
    const member = memberOf(world, t.user);
    const what = `timing[${i}]: ${t.user} ${t.event} ${t.by !== undefined ? `exactly ${t.by}` : `within ${t.within}`} after ${t.after}`;
    const from = member?.history.find((h) => h.type === t.after);
    const to = from ? member!.history.find((h) => h.type === t.event && h.at >= from.at) : undefined;
    if (!from || !to) {
      out.push({
        what,
        expected: `${t.event} after ${t.after}`,
        actual: !from ? `no ${t.after} event` : `no ${t.event} event after ${t.after} (${formatInstant(from.at)})`,
      });
      return;
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
  });

  e.outbox?.forEach((o, i) => {
    const to = o.to ? world.upns.get(o.to)?.toLowerCase() : undefined;
    const n = nordpass.store.data.outbox.filter((m) => to === undefined || m.to.toLowerCase() === to).length;
    if (!countOk(o.count, n))
      out.push({
        what: `outbox[${i}]${o.to ? ` to ${o.to}` : ''}`,
        expected: `${countText(o.count)} emails`,
        actual: String(n),
      });
  });

  e.logs?.forEach((l, i) => {
    const userId = l.user ? idOf(world, l.user) : undefined;
    const found = azure.logs.query({
      userId,
      action: l.action,
      status: l.status,
      errorCode: l.errorCode,
      initiatedBy: l.initiatedBy,
    });
    if (!countOk(l.count, found.length)) {
      const desc = [l.user, l.action, l.status, l.errorCode].filter(Boolean).join(' ');
      const seen = azure.logs
        .all()
        .filter((r) => userId === undefined || r.source.id === userId)
        .slice(-5)
        .map((r) => `${r.action}/${r.status}${r.errorCode ? `/${r.errorCode}` : ''}`);
      out.push({
        what: `logs[${i}] ${desc}`,
        expected: `${countText(l.count)} entries`,
        actual: `${found.length}${seen.length ? ` (latest: ${seen.join(', ')})` : ''}`,
      });
    }
  });

  if (e.job) {
    const status = azure.job.status();
    if (e.job.status && status.code !== e.job.status)
      out.push({
        what: 'job.status',
        expected: e.job.status,
        actual: `${status.code}${status.quarantine ? ` (${status.quarantine.reason})` : ''}`,
      });
    if (e.job.quarantineReason !== undefined && (status.quarantine?.reason ?? null) !== e.job.quarantineReason) {
      out.push({
        what: 'job.quarantineReason',
        expected: String(e.job.quarantineReason),
        actual: String(status.quarantine?.reason ?? null),
      });
    }
    if (e.job.escrows !== undefined && !countOk(e.job.escrows, status.escrows, 0))
      out.push({ what: 'job.escrows', expected: countText(e.job.escrows), actual: String(status.escrows) });
  }

  // all() copies the record once it is full (up to 100,000 exchanges): read it once, not once per entry.
  const exchanges = e.requests ? azure.exchanges.all() : [];
  e.requests?.forEach((r, i) => {
    const from = r.since === 'lastExpect' ? sinceExchange : 0;
    const found = exchanges.filter(
      (x) =>
        x.seq > from &&
        (r.method === undefined || x.method === r.method) &&
        (r.path === undefined || x.path.includes(r.path)) &&
        (r.body === undefined || (x.requestBody ?? '').includes(r.body)) &&
        (r.status === undefined || x.status === r.status),
    );
    if (!countOk(r.count, found.length)) {
      const desc = [r.method, r.path, r.body ? `body containing ${r.body}` : '', r.status ? `answered ${r.status}` : '']
        .filter(Boolean)
        .join(' ');
      out.push({
        what: `requests[${i}] ${desc}`,
        expected: `${countText(r.count)} requests`,
        actual: String(found.length),
      });
    }
  });

  if (e.directory) {
    const d = azure.directory;
    for (const name of list(e.directory.active))
      if (!d.user(idOf(world, name)))
        out.push({
          what: `directory.active ${name}`,
          expected: 'an active user',
          actual: d.deletedUser(idOf(world, name)) ? 'in Deleted users' : 'deleted permanently',
        });
    for (const name of list(e.directory.deleted))
      if (!d.deletedUser(idOf(world, name)))
        out.push({
          what: `directory.deleted ${name}`,
          expected: 'in Deleted users',
          actual: d.user(idOf(world, name)) ? 'active' : 'deleted permanently',
        });
    for (const name of list(e.directory.permanentlyDeleted))
      if (!d.isHardDeleted(idOf(world, name)))
        out.push({
          what: `directory.permanentlyDeleted ${name}`,
          expected: 'deleted permanently',
          actual: d.user(idOf(world, name)) ? 'active' : 'in Deleted users',
        });
    if (e.directory.recycleBin !== undefined) {
      let n = 0;
      for (const _ of d.deletedUsers()) n++;
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
