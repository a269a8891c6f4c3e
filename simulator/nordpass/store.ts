/**
 * NordPass's storage: lowdb holding plain JSON, with in-memory indexes so no lookup scans. Scenario runs
 * use the Memory adapter; `serve --data FILE` writes the file with group commit (see commit()).
 */
import { readFile } from 'node:fs/promises';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { GroupRecord, Member, NordPassData } from './model.ts';
import { emptyData, isLive } from './model.ts';

/** A data file that cannot be used; the server refuses to start rather than overwrite it. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

export class NordPassStore {
  readonly #db: Low<NordPassData>;
  readonly #now: () => number;
  readonly #byId = new Map<string, Member>();
  readonly #liveByUserName = new Map<string, Member>();
  readonly #groupsById = new Map<string, GroupRecord>();
  #writing: Promise<void> | undefined;
  #next: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;
  #writes = 0;

  private constructor(db: Low<NordPassData>, now: () => number) {
    this.#db = db;
    this.#now = now;
    for (const member of db.data.members) this.#index(member);
    for (const group of db.data.groups) this.#groupsById.set(group.id, group);
  }

  /** A store in memory only (scenarios, tests). */
  static inMemory(now: () => number): NordPassStore {
    return new NordPassStore(new Low(new Memory<NordPassData>(), emptyData(now())), now);
  }

  /**
   * Opens (or creates) a data file. A file that does not parse or is not scimsim's format is an error,
   * never silently replaced by an empty store.
   */
  static async openFile(file: string, now: () => number): Promise<NordPassStore> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new DataFileError(`cannot read data file ${file}: ${(e as Error).message}`);
      }
    }
    const adapter = new DataFile<NordPassData>(file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) });
    const db = new Low(adapter, emptyData(now()));
    if (text !== undefined) db.data = parseDataFile(file, text);
    const store = new NordPassStore(db, now);
    if (text === undefined) await store.commit();
    return store;
  }

  get data(): NordPassData {
    return this.#db.data;
  }

  /** Completed writes to the file (one per group commit). */
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
  }

  removeGroup(id: string): void {
    this.#groupsById.delete(id);
    this.#db.data.groups = this.#db.data.groups.filter((g) => g.id !== id);
  }

  /**
   * Makes every change so far durable. Group commit: while one write is on its way to disk, all commits
   * that arrive share the next single write, so N requests cost far fewer than N whole-file writes, and each
   * caller's promise settles only once a write that contains its change is done.
   */
  commit(): Promise<void> {
    if (this.#next) return this.#next.promise;
    {
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
  }

  /** Waits for every commit so far to reach the file (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.#writing || this.#next) await (this.#next?.promise ?? this.#writing);
  }

  async #drain(): Promise<void> {
    if (this.#writing) return; // the running drain picks up #next when its write ends
    while (this.#next) {
      const batch = this.#next;
      this.#next = undefined;
      this.#db.data.clockNow = this.#now();
      this.#writing = this.#db.write();
      try {
        await this.#writing;
        this.#writes++;
        batch.resolve();
      } catch (e) {
        batch.reject(e);
      } finally {
        this.#writing = undefined;
      }
    }
  }

  #index(member: Member): void {
    this.#byId.set(member.id, member);
    if (isLive(member)) this.#liveByUserName.set(member.userName.toLowerCase(), member);
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
  if (!d || typeof d !== 'object' || d.format !== 1 || !Array.isArray(d.members) || !Array.isArray(d.outbox) ||
      !Array.isArray(d.groups) || typeof d.clockNow !== 'number') {
    throw new DataFileError(
      `data file ${file} is not a scimsim data file (expected {"format":1,"clockNow":...,"members":[...]}); it was left untouched.`,
    );
  }
  return d as NordPassData;
}
