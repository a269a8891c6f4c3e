/**
 * The directory's groups as data: the records, the case-insensitive name index, and the membership graph both
 * ways (group -> direct members, member -> the groups it is directly in). No checks and no change feed: the
 * Directory validates every request and records what changed; this keeps the indexes true and cheap.
 */
import type { DirectoryGroup } from './types.ts';

export interface GroupRecord {
  readonly id: string;
  displayName: string;
  description?: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  readonly createdDateTime: number;
  // A Set keeps insertion order and removes in O(1), which an array of 100,000 members would not.
  readonly members: Set<string>;
  // Built on first read after a change, so adding members one by one costs no copying.
  snapshot?: DirectoryGroup;
}

export class GroupStore {
  readonly #groups = new Map<string, GroupRecord>();
  readonly #idsByName = new Map<string, Set<string>>();
  // Member id -> the groups it is a direct member of (the reverse of GroupRecord.members). Most users are in one
  // group, kept as that group's id; a Set only from the second (a Set each was 15 MB for 100,000 users).
  readonly #memberOf = new Map<string, string | Set<string>>();

  has(id: string): boolean {
    return this.#groups.has(id);
  }

  get(id: string): GroupRecord | undefined {
    return this.#groups.get(id);
  }

  records(): IterableIterator<GroupRecord> {
    return this.#groups.values();
  }

  add(record: GroupRecord): void {
    this.#groups.set(record.id, record);
    this.#indexName(record);
  }

  /** Runs `edit` on the record's properties, keeping the name index and the snapshot true. */
  edit(record: GroupRecord, edit: () => void): void {
    this.#unindexName(record);
    edit();
    this.#indexName(record);
    record.snapshot = undefined;
  }

  /** Removes a group that no longer has members or parents (unlink them first). */
  remove(record: GroupRecord): void {
    this.#groups.delete(record.id);
    this.#unindexName(record);
  }

  /** The oldest group with this display name, case-insensitively (Entra allows duplicate names). */
  byName(displayName: string): GroupRecord | undefined {
    const first = this.#idsByName.get(displayName.toLowerCase())?.values().next();
    return first && !first.done ? this.#groups.get(first.value) : undefined;
  }

  /** Makes `memberId` a direct member; false when it already was. */
  link(record: GroupRecord, memberId: string): boolean {
    if (record.members.has(memberId)) return false;
    record.members.add(memberId);
    record.snapshot = undefined;
    const parents = this.#memberOf.get(memberId);
    if (parents === undefined) this.#memberOf.set(memberId, record.id);
    else if (parents instanceof Set) parents.add(record.id);
    else if (parents !== record.id) this.#memberOf.set(memberId, new Set([parents, record.id]));
    return true;
  }

  unlink(groupId: string, memberId: string): void {
    const group = this.#groups.get(groupId)!;
    group.members.delete(memberId);
    group.snapshot = undefined;
    const parents = this.#memberOf.get(memberId);
    if (parents === groupId) {
      this.#memberOf.delete(memberId);
    } else if (parents instanceof Set) {
      parents.delete(groupId);
      if (parents.size === 0) this.#memberOf.delete(memberId);
    }
  }

  /** The groups `memberId` is a direct member of. */
  parentIds(memberId: string): string[] {
    const parents = this.#memberOf.get(memberId);
    return parents === undefined ? [] : typeof parents === 'string' ? [parents] : [...parents];
  }

  /** Whether `candidate` contains `groupId`, directly or through nested groups. */
  isAncestor(candidate: string, groupId: string): boolean {
    // Walks up from `groupId` through the groups containing it: O(ancestors), never O(members).
    const seen = new Set<string>();
    const stack = [groupId];
    while (stack.length > 0) {
      for (const parent of this.parentIds(stack.pop()!)) {
        if (parent === candidate) return true;
        if (!seen.has(parent)) {
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
    return false;
  }

  /** The frozen record handed out, made once per change. */
  snapshot(record: GroupRecord): DirectoryGroup {
    record.snapshot ??= Object.freeze({
      id: record.id,
      displayName: record.displayName,
      ...(record.description === undefined ? {} : { description: record.description }),
      securityEnabled: record.securityEnabled,
      mailEnabled: record.mailEnabled,
      createdDateTime: record.createdDateTime,
      memberIds: Object.freeze([...record.members]) as string[],
    });
    return record.snapshot;
  }

  #indexName(record: GroupRecord): void {
    const key = record.displayName.toLowerCase();
    let ids = this.#idsByName.get(key);
    if (!ids) {
      ids = new Set();
      this.#idsByName.set(key, ids);
    }
    ids.add(record.id);
  }

  #unindexName(record: GroupRecord): void {
    const key = record.displayName.toLowerCase();
    const ids = this.#idsByName.get(key);
    ids?.delete(record.id);
    if (ids?.size === 0) this.#idsByName.delete(key);
  }
}
