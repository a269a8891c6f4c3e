/**
 * NordPass's storage: lowdb holding plain JSON, with in-memory indexes so no lookup scans. Scenario runs
 * use the Memory adapter; `serve --data FILE` writes the file with group commit (see commit()).
 */
import { readFile } from 'node:fs/promises';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Email, GroupRecord, Member, NordPassData } from './model.ts';
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

  readonly #cache: JsonCache | undefined;

  private constructor(db: Low<NordPassData>, now: () => number, cache?: JsonCache) {
    this.#db = db;
    this.#now = now;
    this.#cache = cache;
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
    const cache = new JsonCache();
    const adapter = new DataFile<NordPassData>(file, { parse: JSON.parse, stringify: (d) => cache.stringify(d) });
    const db = new Low(adapter, emptyData(now()));
    if (text !== undefined) db.data = parseDataFile(file, text);
    const store = new NordPassStore(db, now, cache);
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

  /**
   * Says a member changed without a new version (every change through Members bumps the version but one), so
   * the next write serialises it again.
   */
  touched(member: Member): void {
    this.#cache?.forget(member);
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

/**
 * JSON.stringify of the whole data, byte for byte, but each member's JSON is kept (by position: members are only
 * ever appended) and made again only when its version moved or it was touched, each email's once. A write costs
 * joining strings, not serialising every member with its history again (20,000 members: JSON.stringify ~23 ms,
 * the join ~5 ms; writing and renaming the file, ~13 ms, remains the cost of a whole-file group commit).
 */
class JsonCache {
  readonly #members: Member[] = [];
  readonly #versions: number[] = [];
  readonly #memberJson: string[] = [];
  readonly #emails: Email[] = [];
  readonly #emailJson: string[] = [];
  #touched = new Set<Member>();

  forget(member: Member): void {
    this.#touched.add(member);
  }

  stringify(data: NordPassData): string {
    const parts: string[] = [];
    // The data's own key order, as JSON.stringify would (scimTokenSha256 comes wherever it was added).
    for (const [key, value] of Object.entries(data)) {
      if (value === undefined) continue;
      const json = key === 'members' ? this.#membersJson(value as Member[]) : key === 'outbox' ? this.#outboxJson(value as Email[]) : JSON.stringify(value);
      parts.push(`${JSON.stringify(key)}:${json}`);
    }
    this.#touched = new Set();
    return `{${parts.join(',')}}`;
  }

  #membersJson(members: Member[]): string {
    const touched = this.#touched;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (this.#members[i] !== member || this.#versions[i] !== member.version || (touched.size > 0 && touched.has(member))) {
        this.#members[i] = member;
        this.#versions[i] = member.version;
        this.#memberJson[i] = JSON.stringify(member);
      }
    }
    this.#members.length = this.#versions.length = this.#memberJson.length = members.length;
    return `[${this.#memberJson.join(',')}]`;
  }

  #outboxJson(emails: Email[]): string {
    for (let i = 0; i < emails.length; i++) {
      if (this.#emails[i] !== emails[i]) {
        this.#emails[i] = emails[i]!;
        this.#emailJson[i] = JSON.stringify(emails[i]);
      }
    }
    this.#emails.length = this.#emailJson.length = emails.length;
    return `[${this.#emailJson.join(',')}]`;
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
  d.members.forEach((m, i) => {
    const problem = memberProblem(m);
    if (problem) throw new DataFileError(`data file ${file} has a malformed member at members[${i}]: ${problem}; it was left untouched.`);
  });
  return d as NordPassData;
}

const STATUSES = new Set(['pending', 'active', 'suspended', 'forbidden', 'deleted']);
const OPTIONAL_TIMES = ['invitationDueAt', 'invitedAt', 'acceptedAt', 'softDeletedAt', 'purgeAt', 'deletedAt'] as const;

/** What is wrong with one stored member, if anything: a restart must not schedule a purge from a broken record. */
function memberProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object') return 'not an object';
  const r = m as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.userName !== 'string') return 'id and userName must be strings';
  if (!STATUSES.has(r.status as string)) return `unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.createdAt !== 'number' || typeof r.updatedAt !== 'number' || typeof r.version !== 'number') return 'createdAt, updatedAt and version must be numbers';
  for (const key of OPTIONAL_TIMES) if (r[key] !== undefined && typeof r[key] !== 'number') return `${key} must be a number`;
  if (!Array.isArray(r.history)) return 'history must be a list';
  if (!r.attributes || typeof r.attributes !== 'object') return 'attributes must be an object';
  return undefined;
}
