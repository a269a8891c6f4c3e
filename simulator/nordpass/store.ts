/**
 * NordPass's storage: lowdb holding plain JSON, with in-memory indexes so no lookup scans. Scenario runs
 * use the Memory adapter; `serve --data FILE` keeps FILE as a snapshot (lowdb's JSON, written atomically by
 * temp + rename) plus FILE.journal, where each group commit appends one line with what changed (journal.ts).
 */
import { Low, Memory } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { takeLock } from './data-file-lock.ts';
import { Journal, journalPath, readDataFile } from './journal.ts';
import type { GroupRecord, Member, NordPassData, SavedStep } from './model.ts';
import { DataWriteFailed, emptyData, isLive } from './model.ts';
import { MEMBER_STATUSES, type MemberStatus } from './member-states.ts';

export { DataFileError } from './model.ts';
export { readDataFile } from './journal.ts';

/** What a store with a data file keeps besides the data: the files, and what changed since the last line. */
interface Disk {
  snapshot: TextFile;
  journal: Journal;
  snapshotBytes: number;
  members: Set<Member>;
  groups: Set<GroupRecord>;
  removedGroups: Set<string>;
  /** Outbox entries before this index are in a line already. */
  outboxFrom: number;
  /** The token hash, virtual time, seed and random positions as of the last line (positions as JSON). */
  token: string | undefined;
  clockNow: number;
  seed: string | number | undefined;
  random: string | undefined;
  /** The served world's header and how many of its record's steps are on disk. */
  worldHeader: unknown;
  stepsOnDisk: number;
  /** Each member's JSON as of the last snapshot or its last whole line; none once an update line changed it. */
  memberJson: Map<Member, string>;
  /** How many of each member's history events are on disk (snapshot or lines); absent for a member never written. */
  historyOnDisk: Map<Member, number>;
  /** Set by flush(): compact after the next line whatever the journal's size. */
  compactNext: boolean;
  /** Lets go of the data file's lock (one writer per file). */
  release: () => Promise<void>;
}

type Batch = { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };

/** A journal line on its way to disk, with what it took out of the change sets and what it puts on disk. */
interface PendingLine {
  text: string;
  members: Member[];
  /** Each member's history length when the line was made: the events on disk once it is written. */
  historyLengths: number[];
  groups: GroupRecord[];
  removedGroups: string[];
  outboxTo: number;
  token: string | undefined;
  clockNow: number;
  seed: string | number | undefined;
  random: string | undefined;
  worldHeader: unknown;
  stepsTo: number;
}

// Compact once the journal outgrows 4x the snapshot (replay at start stays cheap), within 1-64 MB: small data
// would otherwise be rewritten every few commits, big data would leave a journal slow to replay.
const RESOLVED = Promise.resolve();

const journalLimit = (snapshotBytes: number) => Math.min(64 << 20, Math.max(1 << 20, 4 * snapshotBytes));

export class NordPassStore {
  readonly #db: Low<NordPassData>;
  readonly #now: () => number;
  #positions: (() => Record<string, [number, number, number, number]>) | undefined;
  readonly #byId = new Map<string, Member>();
  readonly #counts = Object.fromEntries(MEMBER_STATUSES.map((s) => [s, 0])) as Record<MemberStatus, number>;
  readonly #liveByUserName = new Map<string, Member>();
  readonly #groupsById = new Map<string, GroupRecord>();
  readonly #disk: Disk | undefined;
  #writing: Promise<void> | undefined;
  #next: Batch | undefined;
  #writes = 0;

  private constructor(db: Low<NordPassData>, now: () => number, disk?: Disk) {
    this.#db = db;
    this.#now = now;
    this.#disk = disk;
    for (const member of db.data.members) this.#index(member);
    for (const group of db.data.groups) this.#groupsById.set(group.id, group);
  }

  /** A store in memory only (scenarios, tests). */
  static inMemory(now: () => number): NordPassStore {
    return new NordPassStore(new Low(new Memory<NordPassData>(), emptyData(now())), now);
  }

  /**
   * Opens (or creates) a data file: the snapshot with its journal replayed, then compacted so the journal starts
   * empty. Anything unreadable is an error before a byte is written, never silently replaced by an empty store.
   */
  static async openFile(file: string, now: () => number): Promise<NordPassStore> {
    const release = await takeLock(file);
    let journal: Journal | undefined;
    try {
      const { data, snapshotBytes, replayed } = await readDataFile(file, now);
      journal = await Journal.open(journalPath(file));
      const disk: Disk = {
        snapshot: new TextFile(file),
        journal,
        snapshotBytes,
        members: new Set(),
        groups: new Set(),
        removedGroups: new Set(),
        outboxFrom: data.outbox.length,
        token: data.scimTokenSha256,
        clockNow: data.clockNow,
        seed: data.seed,
        random: data.random === undefined ? undefined : JSON.stringify(data.random),
        worldHeader: data.world?.header,
        stepsOnDisk: data.world?.steps.length ?? 0,
        memberJson: new Map(),
        historyOnDisk: new Map(data.members.map((m) => [m, m.history.length])),
        compactNext: false,
        release,
      };
      const store = new NordPassStore(new Low(new Memory<NordPassData>(), data), now, disk);
      // Snapshot first, truncate second: a kill in between replays lines the snapshot already holds.
      if (snapshotBytes === 0 || replayed || journal.size > 0) await store.#compact(store.#snapshot(disk));
      return store;
    } catch (e) {
      // No store to close comes back (say the snapshot could not be written): the journal's handle and the lock
      // go here.
      await journal?.close().catch(() => undefined);
      await release();
      throw e;
    }
  }

  /**
   * Keeps the world's seed and where its random sources stand with the data (a line carries them when they
   * moved), so a restart goes on drawing where it stopped; returns the positions saved before, if any.
   */
  keepRandom(
    seed: string | number,
    positions: () => Record<string, [number, number, number, number]>,
  ): Record<string, [number, number, number, number]> | undefined {
    this.#db.data.seed = seed;
    this.#positions = positions;
    return this.#db.data.random;
  }

  /**
   * Serve mode's world goes with the data: its header now, its steps as they are added to `steps` (the array is
   * kept, not copied; a line carries the new ones). A new header is written whole with all its steps.
   */
  keepWorld(header: Record<string, unknown>, steps: SavedStep[]): void {
    this.#db.data.world = { header, steps };
  }

  get data(): NordPassData {
    return this.#db.data;
  }

  /** Completed group commits (with a data file: lines appended to the journal). */
  get writes(): number {
    return this.#writes;
  }

  memberById(id: string): Member | undefined {
    return this.#byId.get(id);
  }

  /** The live (not deleted) member holding a userName, compared case-insensitively. */
  liveMemberByUserName(userName: string): Member | undefined {
    return this.#liveByUserName.get(userName.toLowerCase());
  }

  /** Every member ever created, deleted ones included, in creation order. */
  allMembers(): readonly Member[] {
    return this.#db.data.members;
  }

  addMember(member: Member): void {
    this.#db.data.members.push(member);
    this.#index(member);
    this.#disk?.members.add(member);
  }

  /** How many members are in each state (the Admin Panel's tabs), kept as members move: no scan. */
  get counts(): Readonly<Record<MemberStatus, number>> {
    return this.#counts;
  }

  /** Says a member moved from one state to another (Members calls this on every transition). */
  statusMoved(from: MemberStatus, to: MemberStatus): void {
    this.#counts[from]--;
    this.#counts[to]++;
  }

  /** Says a member changed, so the next journal line holds it (Members calls this on every change). */
  changed(member: Member): void {
    this.#disk?.members.add(member);
  }

  /** Keeps the userName index true after a member's userName or status changed. */
  reindex(member: Member, previousUserName: string): void {
    const previousKey = previousUserName.toLowerCase();
    if (this.#liveByUserName.get(previousKey) === member) this.#liveByUserName.delete(previousKey);
    if (isLive(member)) this.#liveByUserName.set(member.userName.toLowerCase(), member);
  }

  groupById(id: string): GroupRecord | undefined {
    return this.#groupsById.get(id);
  }

  allGroups(): readonly GroupRecord[] {
    return this.#db.data.groups;
  }

  addGroup(group: GroupRecord): void {
    this.#db.data.groups.push(group);
    this.#groupsById.set(group.id, group);
    this.#disk?.groups.add(group);
  }

  /** Says a group changed, so the next journal line holds it. */
  groupChanged(group: GroupRecord): void {
    this.#disk?.groups.add(group);
  }

  removeGroup(id: string): void {
    this.#groupsById.delete(id);
    this.#db.data.groups = this.#db.data.groups.filter((g) => g.id !== id);
    this.#disk?.removedGroups.add(id);
  }

  /**
   * Makes every change so far durable. Group commit: while one write is on its way to disk, all commits
   * that arrive share the next single write (one journal line), and each caller's promise settles only once
   * a write that contains its change is done.
   */
  commit(): Promise<void> {
    // In memory there is nothing to make durable: every request would otherwise pay a promise chain for nothing.
    if (!this.#disk) {
      this.#db.data.clockNow = this.#now();
      return RESOLVED;
    }
    if (this.#next) return this.#next.promise;
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#next = { promise, resolve, reject };
    void this.#drain();
    return promise;
  }

  /** Waits for every commit so far to reach the disk, then compacts (graceful shutdown: FILE alone holds it all). */
  async flush(): Promise<void> {
    await this.#settled();
    if (!this.#disk) return;
    this.#disk.compactNext = true;
    await this.commit();
    await this.#settled(); // the compaction runs after the commit's acknowledgement
  }

  /**
   * flush(), then lets go of the journal's file handle: the store is not used afterwards. The handle is closed
   * also when the flush fails (its error is thrown after), once no write is on its way to the file.
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#settled(true);
      await this.#disk?.journal.close();
      await this.#disk?.release();
    }
  }

  /** Waits until no write is in flight or queued; throws a failed commit's error unless `quietly`. */
  async #settled(quietly = false): Promise<void> {
    while (this.#writing || this.#next) {
      const pending = this.#next?.promise ?? this.#writing;
      await (quietly ? pending?.catch(() => undefined) : pending);
    }
  }

  async #drain(): Promise<void> {
    if (this.#writing) return; // the running drain picks up #next when its write ends
    while (this.#next) {
      const batch = this.#next;
      this.#next = undefined;
      this.#writing = this.#write(batch);
      await this.#writing;
      this.#writing = undefined;
    }
  }

  async #write(batch: Batch): Promise<void> {
    // Only a store with a data file gets here: in memory, commit() answers at once.
    const disk = this.#disk!;
    this.#db.data.clockNow = this.#now();
    try {
      const line = this.#line(disk);
      // Made in the same turn as the line, so the snapshot is exactly the journal's state (see journal.ts).
      const compact = disk.compactNext || disk.journal.size > journalLimit(disk.snapshotBytes);
      const snapshot = compact ? this.#snapshot(disk) : undefined;
      disk.compactNext = false;
      if (line !== undefined) {
        try {
          await disk.journal.append(line.text);
        } catch (e) {
          // Not on disk: its changes go into the next line again, and the next line continues from the same place
          // (a line that assumed this one was written would leave a gap the next start refuses).
          for (const m of line.members) disk.members.add(m);
          for (const g of line.groups) disk.groups.add(g);
          for (const id of line.removedGroups) disk.removedGroups.add(id);
          throw e;
        }
        for (let i = 0; i < line.members.length; i++) disk.historyOnDisk.set(line.members[i]!, line.historyLengths[i]!);
        disk.outboxFrom = line.outboxTo;
        disk.token = line.token;
        disk.clockNow = line.clockNow;
        disk.seed = line.seed;
        disk.random = line.random;
        disk.worldHeader = line.worldHeader;
        disk.stepsOnDisk = line.stepsTo;
      }
      this.#writes++;
      batch.resolve();
      // The acknowledgements are out; commits arriving meanwhile wait for this one snapshot write at most.
      // A failed compaction loses nothing (the journal still holds it all) and is tried again later.
      if (snapshot !== undefined) await this.#compact(snapshot).catch(() => undefined);
    } catch (e) {
      batch.reject(new DataWriteFailed(e));
    }
  }

  /**
   * The journal line (a JournalRecord) for what changed since the previous one, or undefined when nothing did;
   * takes the changes out of the change sets. Built by hand to keep each member's JSON for the next snapshot. What
   * is on disk (history lengths, outbox, token, time) moves on only once the line is written (#write).
   */
  #line(disk: Disk): PendingLine | undefined {
    const data = this.#db.data;
    const parts: string[] = [];
    if (data.scimTokenSha256 !== disk.token) parts.push(`"scimTokenSha256":${JSON.stringify(data.scimTokenSha256)}`);
    if (data.seed !== disk.seed) parts.push(`"seed":${JSON.stringify(data.seed)}`);
    // Positions move with every id drawn (a create), never on a PATCH: a line carries them only when they moved.
    const positions = this.#positions?.();
    if (positions) data.random = positions;
    const random = positions ? JSON.stringify(positions) : disk.random;
    if (random !== disk.random) parts.push(`"random":${random}`);
    const world = data.world;
    if (world && world.header !== disk.worldHeader) parts.push(`"world":${JSON.stringify(world)}`);
    else if (world && world.steps.length > disk.stepsOnDisk)
      parts.push(`"stepsFrom":${disk.stepsOnDisk}`, `"steps":${JSON.stringify(world.steps.slice(disk.stepsOnDisk))}`);
    const members = [...disk.members];
    const historyLengths = members.map((m) => m.history.length);
    if (members.length > 0) {
      const whole: string[] = [];
      const updates: string[] = [];
      for (const member of members) {
        const historyFrom = disk.historyOnDisk.get(member);
        if (historyFrom === undefined) whole.push(this.#memberJson(disk, member));
        else {
          updates.push(
            `{"historyFrom":${historyFrom},"member":${JSON.stringify(withHistoryFrom(member, historyFrom))}}`,
          );
          disk.memberJson.delete(member); // the next snapshot serialises it again
        }
      }
      if (whole.length > 0) parts.push(`"members":[${whole.join(',')}]`);
      if (updates.length > 0) parts.push(`"updates":[${updates.join(',')}]`);
    }
    if (data.outbox.length > disk.outboxFrom) {
      parts.push(`"outboxFrom":${disk.outboxFrom}`, `"outbox":${JSON.stringify(data.outbox.slice(disk.outboxFrom))}`);
    }
    // A group made and removed between two lines is in neither list.
    const changedGroups = [...disk.groups];
    const groups = changedGroups.filter((g) => this.#groupsById.get(g.id) === g);
    if (groups.length > 0) parts.push(`"groups":${JSON.stringify(groups)}`);
    const removedGroups = [...disk.removedGroups];
    if (removedGroups.length > 0) parts.push(`"removedGroups":${JSON.stringify(removedGroups)}`);
    disk.members.clear();
    disk.groups.clear();
    disk.removedGroups.clear();
    if (parts.length === 0 && data.clockNow === disk.clockNow) return undefined;
    return {
      text: `{"clockNow":${data.clockNow}${parts.map((p) => `,${p}`).join('')}}`,
      members,
      historyLengths,
      groups: changedGroups,
      removedGroups,
      outboxTo: data.outbox.length,
      token: data.scimTokenSha256,
      clockNow: data.clockNow,
      seed: data.seed,
      random,
      worldHeader: world?.header,
      stepsTo: world?.steps.length ?? 0,
    };
  }

  #memberJson(disk: Disk, member: Member): string {
    const json = JSON.stringify(member);
    disk.memberJson.set(member, json);
    return json;
  }

  /**
   * JSON.stringify(data), byte for byte, but with each member's JSON as its last line (or snapshot) made it: every
   * change to a member puts it in the next line, made in the same turn as any snapshot, so none is stale. At 180,000
   * members this is a join of ~80 MB of strings instead of serialising them all again (~0.5 s of blocked loop).
   */
  #snapshot(disk: Disk): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(this.#db.data)) {
      if (value === undefined) continue;
      const json =
        key === 'members'
          ? `[${(value as Member[]).map((m) => disk.memberJson.get(m) ?? this.#memberJson(disk, m)).join(',')}]`
          : JSON.stringify(value);
      parts.push(`${JSON.stringify(key)}:${json}`);
    }
    return `{${parts.join(',')}}`;
  }

  async #compact(snapshot: string): Promise<void> {
    const disk = this.#disk!;
    await disk.snapshot.write(snapshot);
    await disk.journal.truncate();
    disk.snapshotBytes = snapshot.length;
  }

  #index(member: Member): void {
    this.#counts[member.status]++;
    this.#byId.set(member.id, member);
    if (isLive(member)) this.#liveByUserName.set(member.userName.toLowerCase(), member);
  }
}

/** The member with only its history events from `from` on, every field in its place (a journal update). */
function withHistoryFrom(member: Member, from: number): Member {
  const copy = {} as Record<string, unknown>;
  for (const key in member) copy[key] = key === 'history' ? member.history.slice(from) : member[key as keyof Member];
  return copy as unknown as Member;
}
