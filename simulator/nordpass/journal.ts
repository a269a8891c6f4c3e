/**
 * The journal beside a `--data` file (FILE.journal): one JSON line per group commit, holding only what changed
 * since the previous line. Appending a line costs the change, not the file; the snapshot (FILE, lowdb's JSON) is
 * rewritten only at compaction. The state on disk is always the snapshot with every complete line replayed.
 *
 * Why this is safe against SIGKILL (not power loss: the page cache survives a killed process, so no fsync):
 * - a line goes out in one write, so a kill leaves at most the LAST line torn (no newline yet); it was never
 *   acknowledged, and replay drops it. A torn or invalid line anywhere else is corruption, never skipped.
 * - replay is idempotent (members and groups are upserted by id, outbox entries placed at their index, clockNow
 *   only moves forward), and a compaction's snapshot is made in the same turn as the last line before it, so a
 *   kill between "snapshot renamed" and "journal truncated" replays lines the snapshot already holds: no change.
 * Also here: reading the data on disk (snapshot + journal) with every check, before anything is written.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { SavedStep, SavedWorld, Email, GroupRecord, Member, NordPassData } from './model.ts';
import { DataFileError, emptyData, memberProblem } from './model.ts';

/** One line. store.ts writes it by hand (to keep each member's JSON for the next snapshot), in this key order. */
export interface JournalRecord {
  /** The virtual time at the commit. */
  clockNow: number;
  /** Set only when the token changed since the previous line. */
  scimTokenSha256?: string;
  /** Set only when they changed since the previous line. */
  seed?: string | number;
  random?: Record<string, [number, number, number, number]>;
  /** A new served world: its header and every step so far. */
  world?: SavedWorld;
  /** The record's steps from index stepsFrom on (the record is append-only). */
  stepsFrom?: number;
  steps?: SavedStep[];
  /** Whole members not on disk before, in creation order (and any a line must hold whole). */
  members?: Member[];
  /**
   * Members already on disk that changed: each whole but for its history, which holds only the events from
   * `historyFrom` on (history only grows). A PATCH adds one event to a member that may hold hundreds: a line
   * with the whole history cost more than the request itself.
   */
  updates?: MemberUpdate[];
  /** Outbox entries from index outboxFrom on (the outbox is append-only). */
  outboxFrom?: number;
  outbox?: Email[];
  /** Whole groups, new or changed, upserted by id. */
  groups?: GroupRecord[];
  removedGroups?: string[];
}

/** A changed member: `member.history` is only its events from index `historyFrom` on. */
export interface MemberUpdate {
  historyFrom: number;
  member: Member;
}

export const journalPath = (file: string) => `${file}.journal`;

/** The records of a journal's text, in order; a torn last line (no newline) is dropped, anything else invalid refused. */
export function parseJournal(path: string, text: string): JournalRecord[] {
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or the torn line a kill left
  return lines.map((line, i) => {
    const refuse = (why: string) =>
      new DataFileError(
        `journal ${path} line ${i + 1} ${why}; it and the data file were left untouched. Move both away or pass another --data file.`,
      );
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw refuse('is not valid JSON (only a torn last line is expected after a crash)');
    }
    const problem = recordProblem(record);
    if (problem) throw refuse(`is not a scimsim journal record: ${problem}`);
    return record as JournalRecord;
  });
}

/** Replays records onto a snapshot's data, in place. */
export function replay(path: string, data: NordPassData, records: JournalRecord[]): void {
  const memberAt = new Map(data.members.map((m, i) => [m.id, i]));
  records.forEach((r, i) => {
    data.clockNow = Math.max(data.clockNow, r.clockNow);
    if (r.scimTokenSha256 !== undefined) data.scimTokenSha256 = r.scimTokenSha256;
    if (r.seed !== undefined) data.seed = r.seed;
    if (r.random !== undefined) data.random = r.random;
    if (r.world !== undefined) data.world = { header: r.world.header, steps: [...r.world.steps] };
    if (r.steps) {
      const from = r.stepsFrom!;
      if (!data.world || from > data.world.steps.length) {
        throw new DataFileError(
          `journal ${path} line ${i + 1} continues the world's record at step ${from} but it holds ${data.world?.steps.length ?? 'no record'} (a line is missing); it and the data file were left untouched.`,
        );
      }
      data.world.steps.length = from;
      data.world.steps.push(...r.steps);
    }
    for (const m of r.members ?? []) {
      const at = memberAt.get(m.id);
      if (at !== undefined) data.members[at] = m;
      else memberAt.set(m.id, data.members.push(m) - 1);
    }
    for (const { historyFrom, member } of r.updates ?? []) {
      const at = memberAt.get(member.id);
      const before = at === undefined ? undefined : data.members[at]!;
      if (!before || historyFrom > before.history.length) {
        const held = before ? `holds ${before.history.length} events of it` : 'does not hold it';
        throw new DataFileError(
          `journal ${path} line ${i + 1} continues member ${member.id}'s history at ${historyFrom} but the data ${held} (a line is missing); it and the data file were left untouched.`,
        );
      }
      // Replaying a line the snapshot already holds (a kill during compaction) gives the same history again.
      member.history = before.history.slice(0, historyFrom).concat(member.history);
      data.members[at!] = member;
    }
    if (r.outbox) {
      const from = r.outboxFrom!;
      if (from > data.outbox.length) {
        throw new DataFileError(
          `journal ${path} line ${i + 1} continues the outbox at ${from} but it holds ${data.outbox.length} emails (a line is missing); it and the data file were left untouched.`,
        );
      }
      r.outbox.forEach((e, k) => {
        data.outbox[from + k] = e;
      });
    }
    if (r.removedGroups?.length) {
      const removed = new Set(r.removedGroups);
      data.groups = data.groups.filter((g) => !removed.has(g.id));
    }
    for (const g of r.groups ?? []) {
      const at = data.groups.findIndex((x) => x.id === g.id);
      if (at >= 0) data.groups[at] = g;
      else data.groups.push(g);
    }
  });
}

/** What is wrong with a saved world ({header: {...}, steps: [...]}), if anything. */
export function worldProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  const w = value as Record<string, unknown>;
  if (!w.header || typeof w.header !== 'object' || Array.isArray(w.header)) return 'header must be an object';
  return stepsProblem(w.steps);
}

function stepsProblem(steps: unknown): string | undefined {
  if (!Array.isArray(steps)) return 'steps must be a list';
  for (const [i, step] of steps.entries()) {
    const s = step as Record<string, unknown> | null;
    if (!s || typeof s !== 'object' || typeof s.name !== 'string' || typeof s.at !== 'number')
      return `steps[${i}] must be {name, args, at}`;
  }
  return undefined;
}

/** What is wrong with saved random positions ({seed: [4 whole numbers]}), if anything. */
export function positionsProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  for (const [seed, position] of Object.entries(value))
    if (!Array.isArray(position) || position.length !== 4 || !position.every((n) => Number.isInteger(n)))
      return `${seed}: a position is four whole numbers`;
  return undefined;
}

function recordProblem(r: unknown): string | undefined {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  const x = r as Record<string, unknown>;
  if (typeof x.clockNow !== 'number') return 'clockNow must be a number';
  if (x.scimTokenSha256 !== undefined && typeof x.scimTokenSha256 !== 'string')
    return 'scimTokenSha256 must be a string';
  if (x.seed !== undefined && typeof x.seed !== 'string' && typeof x.seed !== 'number')
    return 'seed must be text or a number';
  if (x.random !== undefined && positionsProblem(x.random)) return `random: ${positionsProblem(x.random)}`;
  if (x.world !== undefined && worldProblem(x.world)) return `world: ${worldProblem(x.world)}`;
  if (x.steps !== undefined && (stepsProblem(x.steps) || !Number.isInteger(x.stepsFrom) || (x.stepsFrom as number) < 0))
    return `steps: ${stepsProblem(x.steps) ?? 'needs a whole stepsFrom'}`;
  if (x.members !== undefined) {
    if (!Array.isArray(x.members)) return 'members must be a list';
    for (const [i, m] of x.members.entries()) {
      const problem = memberProblem(m);
      if (problem) return `members[${i}]: ${problem}`;
    }
  }
  if (x.updates !== undefined) {
    if (!Array.isArray(x.updates)) return 'updates must be a list';
    for (const [i, u] of x.updates.entries()) {
      const update = u as Partial<MemberUpdate> | null;
      if (!update || typeof update !== 'object' || !Number.isInteger(update.historyFrom) || update.historyFrom! < 0)
        return `updates[${i}]: historyFrom must be a whole number`;
      const problem = memberProblem(update.member);
      if (problem) return `updates[${i}].member: ${problem}`;
    }
  }
  if (
    x.outbox !== undefined &&
    (!Array.isArray(x.outbox) || !Number.isInteger(x.outboxFrom) || (x.outboxFrom as number) < 0)
  )
    return 'outbox must be a list with a whole outboxFrom';
  if (
    x.groups !== undefined &&
    (!Array.isArray(x.groups) || x.groups.some((g) => typeof (g as GroupRecord | null)?.id !== 'string'))
  )
    return 'groups must be a list of groups with ids';
  if (
    x.removedGroups !== undefined &&
    (!Array.isArray(x.removedGroups) || x.removedGroups.some((id) => typeof id !== 'string'))
  )
    return 'removedGroups must be a list of ids';
  return undefined;
}

/** The open journal file. Appends only; emptied once a compaction's snapshot is in place. */
export class Journal {
  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    /** Bytes in the file. */
    public size: number,
  ) {}

  static async open(path: string): Promise<Journal> {
    const handle = await open(path, 'a'); // O_APPEND: every write lands at the end, also after a truncate
    try {
      return new Journal(path, handle, (await handle.stat()).size);
    } catch (e) {
      await handle.close().catch(() => undefined); // the stat's error is the one to report
      throw e;
    }
  }

  /** Appends one line (a JournalRecord's JSON, which never holds a raw newline). */
  async append(line: string): Promise<void> {
    const bytes = Buffer.from(`${line}\n`);
    // One write(2) for a regular file; a short write only continues the same last line.
    for (let done = 0; done < bytes.length; ) done += (await this.handle.write(bytes, done)).bytesWritten;
    this.size += bytes.length;
  }

  async truncate(): Promise<void> {
    await this.handle.truncate(0);
    this.size = 0;
  }

  /** Lets go of the file handle; closing again does nothing. */
  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * The data on disk as a restart would see it (snapshot + journal), read without writing anything: openFile's
 * first step, and what tests compare with the server's memory while it runs. A missing FILE is empty data.
 */
export async function readDataFile(
  file: string,
  now: () => number = () => 0,
): Promise<{ data: NordPassData; snapshotBytes: number; replayed: boolean }> {
  const path = journalPath(file);
  const text = await readText(file, 'data file');
  const journal = await readText(path, 'journal');
  if (text === undefined && journal) {
    throw new DataFileError(
      `journal ${path} has no data file ${file} beside it; it was left untouched. Move it away or pass another --data file.`,
    );
  }
  const data = text === undefined ? emptyData(now()) : parseDataFile(file, text);
  const records = journal ? parseJournal(path, journal) : [];
  replay(path, data, records);
  return { data, snapshotBytes: text?.length ?? 0, replayed: records.length > 0 };
}

async function readText(file: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

function parseDataFile(file: string, text: string): NordPassData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DataFileError(
      `data file ${file} is not valid JSON (${(e as Error).message}); it was left untouched. Move it away or pass another --data file.`,
    );
  }
  const d = data as Partial<NordPassData> | null;
  if (
    !d ||
    typeof d !== 'object' ||
    d.format !== 1 ||
    !Array.isArray(d.members) ||
    !Array.isArray(d.outbox) ||
    !Array.isArray(d.groups) ||
    typeof d.clockNow !== 'number'
  ) {
    throw new DataFileError(
      `data file ${file} is not a scimsim data file (expected {"format":1,"clockNow":...,"members":[...]}); it was left untouched.`,
    );
  }
  d.members.forEach((m, i) => {
    const problem = memberProblem(m);
    if (problem)
      throw new DataFileError(
        `data file ${file} has a malformed member at members[${i}]: ${problem}; it was left untouched.`,
      );
  });
  if (d.seed !== undefined && typeof d.seed !== 'string' && typeof d.seed !== 'number')
    throw new DataFileError(`data file ${file} has a seed that is neither text nor a number; it was left untouched.`);
  const world = d.world === undefined ? undefined : worldProblem(d.world);
  if (world)
    throw new DataFileError(`data file ${file} has a malformed world record (${world}); it was left untouched.`);
  const positions = d.random === undefined ? undefined : positionsProblem(d.random);
  if (positions)
    throw new DataFileError(`data file ${file} has malformed random positions (${positions}); it was left untouched.`);
  return d as NordPassData;
}
