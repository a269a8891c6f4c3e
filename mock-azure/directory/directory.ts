/**
 * The mock Entra tenant's directory: users, groups with nested members, the Deleted users recycle bin
 * with its permanent deletion on the shared clock, and a change feed standing in for the Graph delta
 * queries Entra's provisioning engine reads. A model only: the Graph routes are a thin face over it.
 *
 * Records handed out are frozen snapshots: an edit replaces the record, so a caller can keep the old one
 * to compare (what changed?) and nobody can bypass the indexes by assigning to a field.
 */
import type { Clock, TimerHandle } from '../../simulator/clock.ts';
import type { Random } from '../../simulator/random.ts';
import { formatInstant } from '../../simulator/time.ts';
import { ChangeFeed } from './changes.ts';
import { PeopleGenerator } from './generate.ts';
import { GroupStore, type GroupRecord } from './groups.ts';
import {
  checkGroupFields,
  checkUpn,
  checkUserFields,
  displayNameFromAlias,
  freezeUser,
  READ_ONLY,
  REQUIRED_STRINGS,
  USER_FIELDS,
} from './input.ts';
import {
  DEFAULT_DIRECTORY_SETTINGS,
  DirectoryError,
  MAX_GENERATED_USERS,
  type DirectoryChange,
  type DirectoryChangeKind,
  type DirectoryGroup,
  type DirectorySettings,
  type DirectoryUser,
  type GroupChanges,
  type UserChanges,
} from './types.ts';

export * from './types.ts';

export class Directory {
  readonly #clock: Clock;
  readonly #ids: Random;
  readonly #peopleRandom: Random;
  #people?: PeopleGenerator;
  readonly #settings: DirectorySettings;

  readonly #live = new Map<string, DirectoryUser>();
  readonly #recycleBin = new Map<string, DirectoryUser>();
  readonly #purges = new Map<string, TimerHandle>();
  readonly #idByUpn = new Map<string, string>();
  // Id -> when it was deleted permanently: ids are never reused, and errors can say what happened.
  readonly #tombstones = new Map<string, number>();
  readonly #groups = new GroupStore();

  // The change feed, one entry per change across four arrays (seq n at index n - 1); DirectoryChange objects are
  // made when read. A frozen object per change cost ~80 bytes; a 100,000-user tenant records 200,000 changes.
  readonly #feed = new ChangeFeed();

  constructor(clock: Clock, random: Random, settings: Partial<DirectorySettings> = {}) {
    this.#clock = clock;
    // Forks: the directory's draws neither shift nor are shifted by other users of the same Random.
    this.#ids = random.fork('directory/ids');
    this.#peopleRandom = random.fork('directory/people');
    this.#settings = { ...DEFAULT_DIRECTORY_SETTINGS, ...settings };
    const window = this.#settings.recycleBinWindowMs;
    if (!Number.isSafeInteger(window) || window <= 0) {
      throw new DirectoryError(
        'invalid',
        `recycleBinWindowMs must be a positive whole number of milliseconds, got ${window}`,
      );
    }
  }

  // ---- users -------------------------------------------------------------------------------------

  /** Creates a user ("New user"); displayName, mailNickname and mail default from the UPN. */
  addUser(input: Partial<DirectoryUser> & { userPrincipalName: string }): DirectoryUser {
    if (typeof input !== 'object' || input === null) throw new DirectoryError('invalid', 'a user must be an object');
    const { id, createdDateTime, deletedDateTime, ...fields } = input;
    if (deletedDateTime !== undefined) {
      throw new DirectoryError('invalid', 'deletedDateTime is set by deleteUser, not on create');
    }
    const upn = checkUpn(fields.userPrincipalName);
    checkUserFields(fields);
    this.#assertUpnFree(upn);
    const now = this.#clock.now();
    if (createdDateTime !== undefined && (!Number.isSafeInteger(createdDateTime) || createdDateTime > now)) {
      throw new DirectoryError(
        'invalid',
        `createdDateTime must be epoch milliseconds no later than now, got ${createdDateTime}`,
      );
    }
    const alias = upn.slice(0, upn.indexOf('@'));
    const user = freezeUser({
      ...fields,
      id: id === undefined ? this.#newId() : this.#checkNewId(id),
      userPrincipalName: upn,
      mail: fields.mail ?? upn,
      displayName: fields.displayName ?? displayNameFromAlias(alias),
      mailNickname: fields.mailNickname ?? alias,
      accountEnabled: fields.accountEnabled ?? true,
      createdDateTime: createdDateTime ?? now,
    });
    this.#insertUser(user);
    this.#flush();
    return user;
  }

  /** Creates `count` realistic users (first.last@domain, job title, department, employee id). */
  generateUsers(count: number, options: { domain?: string } = {}): DirectoryUser[] {
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_GENERATED_USERS) {
      throw new DirectoryError(
        'invalid',
        `count must be a whole number from 0 to ${MAX_GENERATED_USERS.toLocaleString('en-US')}, got ${count}`,
      );
    }
    const domain = options.domain ?? 'contoso.com';
    checkUpn(`alias@${domain}`, 'domain');
    const lowerDomain = domain.toLowerCase();
    this.#people ??= new PeopleGenerator(this.#peopleRandom);
    const isTaken = (upnLower: string) => this.#idByUpn.has(upnLower);
    const now = this.#clock.now();
    const created: DirectoryUser[] = [];
    for (let i = 0; i < count; i++) {
      const person = this.#people.next(lowerDomain, isTaken);
      const user = freezeUser({ id: this.#newId(), ...person, accountEnabled: true, createdDateTime: now });
      this.#insertUser(user);
      created.push(user);
    }
    this.#flush();
    return created;
  }

  /** A live user (not in the recycle bin). */
  user(id: string): DirectoryUser | undefined {
    return this.#live.get(id);
  }

  /** A user in Deleted users. */
  deletedUser(id: string): DirectoryUser | undefined {
    return this.#recycleBin.get(id);
  }

  /** A live or deleted user by UPN, case-insensitively. */
  userByUpn(upn: string): DirectoryUser | undefined {
    if (typeof upn !== 'string') return undefined;
    const id = this.#idByUpn.get(upn.toLowerCase());
    return id === undefined ? undefined : (this.#live.get(id) ?? this.#recycleBin.get(id));
  }

  /** True for an id that existed and was deleted permanently (users and groups). */
  isHardDeleted(id: string): boolean {
    return this.#tombstones.has(id);
  }

  users(): IterableIterator<DirectoryUser> {
    return this.#live.values();
  }

  deletedUsers(): IterableIterator<DirectoryUser> {
    return this.#recycleBin.values();
  }

  /** Live users. */
  userCount(): number {
    return this.#live.size;
  }

  /** "Edit properties": records a change only when some attribute differs; undefined clears an optional one. */
  updateUser(id: string, changes: UserChanges): DirectoryUser {
    const current = this.#requireLiveUser(id, 'update');
    if (typeof changes !== 'object' || changes === null)
      throw new DirectoryError('invalid', 'changes must be an object');
    for (const key of Object.keys(changes)) {
      if (READ_ONLY.has(key)) throw new DirectoryError('invalid', `${key} is read-only`);
    }
    checkUserFields(changes);
    const next = freezeUser({ ...current, ...changes });
    for (const key of REQUIRED_STRINGS) {
      if (next[key] === undefined) throw new DirectoryError('invalid', `${key} is required and cannot be cleared`);
    }
    const oldUpn = current.userPrincipalName.toLowerCase();
    const newUpn = next.userPrincipalName.toLowerCase();
    if (next.userPrincipalName !== current.userPrincipalName) checkUpn(next.userPrincipalName);
    if (newUpn !== oldUpn) this.#assertUpnFree(next.userPrincipalName);
    if (USER_FIELDS.every((key) => current[key] === next[key])) return current;
    this.#live.set(id, next);
    if (newUpn !== oldUpn) {
      this.#idByUpn.delete(oldUpn);
      this.#idByUpn.set(newUpn, id);
    }
    this.#record('userUpdated', id);
    this.#flush();
    return next;
  }

  /**
   * Edit properties > Manager: sets the user's manager (a live user other than the user), or removes it (undefined).
   * A change of manager is a change of the user, which the provisioning engine reads from the feed.
   */
  setManager(id: string, managerId: string | undefined): DirectoryUser {
    const current = this.#requireLiveUser(id, 'set the manager of');
    if (managerId !== undefined) {
      this.#requireLiveUser(managerId, 'make a manager of');
      if (managerId === id) throw new DirectoryError('invalid', 'a user cannot be their own manager');
    }
    if (current.managerId === managerId) return current;
    const next = freezeUser({ ...current, managerId });
    this.#live.set(id, next);
    this.#record('userUpdated', id);
    this.#flush();
    return next;
  }

  /** "Block sign-in": accountEnabled false, which Entra provisions as a Disable. */
  blockSignIn(id: string): void {
    this.updateUser(id, { accountEnabled: false });
  }

  unblockSignIn(id: string): void {
    this.updateUser(id, { accountEnabled: true });
  }

  /** Soft delete: to Deleted users, with permanent deletion scheduled at exactly deletedDateTime + the window. */
  deleteUser(id: string): void {
    const user = this.#requireLiveUser(id, 'delete');
    const now = this.#clock.now();
    const deleted = freezeUser({ ...user, deletedDateTime: now });
    this.#live.delete(id);
    this.#recycleBin.set(id, deleted);
    // A user in Deleted users keeps its group memberships and app assignments: Entra restores them with the
    // user (a group-assigned user deleted in the tenant is still "assigned", so it is disabled, then deleted).
    // Only permanent deletion removes it from its groups.
    // "Automatically started and can't be stopped": nothing but restore or Delete permanently cancels it.
    const purgeAt = now + this.#settings.recycleBinWindowMs;
    this.#purges.set(id, this.#clock.schedule(purgeAt, this.#purge, this.#purgeLabel, id));
    this.#record('userSoftDeleted', id);
    this.#flush();
  }

  /** Restores a user from Deleted users inside the window; group memberships stay gone. */
  restoreUser(id: string): DirectoryUser {
    const deleted = this.#requireDeletedUser(id, 'restore');
    const purge = this.#purges.get(id);
    if (purge && this.#clock.now() >= purge.at) {
      throw new DirectoryError(
        'invalid',
        `user ${id} cannot be restored: its permanent deletion was due at ${formatInstant(purge.at)}`,
      );
    }
    purge?.cancel();
    this.#purges.delete(id);
    const { deletedDateTime: _, ...rest } = deleted;
    const user = freezeUser(rest);
    this.#recycleBin.delete(id);
    this.#live.set(id, user);
    this.#record('userRestored', id);
    this.#flush();
    return user;
  }

  /** "Delete permanently" from Deleted users, at once. */
  deleteUserPermanently(id: string): void {
    this.#requireDeletedUser(id, 'delete permanently');
    this.#purges.get(id)?.cancel();
    this.#hardDelete(id);
    this.#flush();
  }

  // ---- groups ------------------------------------------------------------------------------------

  /** Creates a group; security-enabled and not mail-enabled unless told otherwise. Names need not be unique, as in Entra. */
  addGroup(input: {
    displayName: string;
    description?: string;
    securityEnabled?: boolean;
    mailEnabled?: boolean;
    id?: string;
  }): DirectoryGroup {
    if (typeof input !== 'object' || input === null) throw new DirectoryError('invalid', 'a group must be an object');
    checkGroupFields(input);
    if (input.displayName === undefined) throw new DirectoryError('invalid', 'displayName is required');
    const record: GroupRecord = {
      id: input.id === undefined ? this.#newId() : this.#checkNewId(input.id),
      displayName: input.displayName,
      ...(input.description === undefined ? {} : { description: input.description }),
      securityEnabled: input.securityEnabled ?? true,
      mailEnabled: input.mailEnabled ?? false,
      createdDateTime: this.#clock.now(),
      members: new Set(),
    };
    this.#groups.add(record);
    this.#record('groupCreated', record.id);
    this.#flush();
    return this.#groups.snapshot(record);
  }

  /** Edits a group's properties; records a change only when something differs. */
  updateGroup(id: string, changes: GroupChanges): DirectoryGroup {
    const record = this.#requireGroup(id);
    if (typeof changes !== 'object' || changes === null)
      throw new DirectoryError('invalid', 'changes must be an object');
    if ('id' in changes) throw new DirectoryError('invalid', 'id is read-only');
    checkGroupFields(changes);
    if ('displayName' in changes && changes.displayName === undefined) {
      throw new DirectoryError('invalid', 'displayName is required and cannot be cleared');
    }
    const keys = ['displayName', 'description', 'securityEnabled', 'mailEnabled'] as const;
    if (keys.every((key) => !(key in changes) || changes[key] === record[key])) return this.#groups.snapshot(record);
    this.#groups.edit(record, () => {
      if (changes.displayName !== undefined) record.displayName = changes.displayName;
      if ('description' in changes) {
        if (changes.description === undefined) delete record.description;
        else record.description = changes.description;
      }
      if (changes.securityEnabled !== undefined) record.securityEnabled = changes.securityEnabled;
      if (changes.mailEnabled !== undefined) record.mailEnabled = changes.mailEnabled;
    });
    this.#record('groupUpdated', id);
    this.#flush();
    return this.#groups.snapshot(record);
  }

  group(id: string): DirectoryGroup | undefined {
    const record = this.#groups.get(id);
    return record && this.#groups.snapshot(record);
  }

  /** The oldest group with this display name, case-insensitively (Entra allows duplicate names). */
  groupByName(displayName: string): DirectoryGroup | undefined {
    if (typeof displayName !== 'string') return undefined;
    const record = this.#groups.byName(displayName);
    return record && this.#groups.snapshot(record);
  }

  *groups(): IterableIterator<DirectoryGroup> {
    for (const record of this.#groups.records()) yield this.#groups.snapshot(record);
  }

  /** Adds a live user or a group as a direct member; adding an existing member does nothing. */
  addMember(groupId: string, memberId: string): void {
    const group = this.#requireGroup(groupId);
    if (this.#groups.has(memberId)) {
      if (memberId === groupId || this.#groups.isAncestor(memberId, groupId)) {
        throw new DirectoryError(
          'invalid',
          `group ${memberId} cannot be a member of group ${groupId}: it would contain itself`,
        );
      }
    } else if (!this.#live.has(memberId)) {
      if (this.#recycleBin.has(memberId)) {
        throw new DirectoryError(
          'invalid',
          `user ${memberId} is in Deleted users; restore it before adding it to a group`,
        );
      }
      throw this.#notFound(memberId, 'user or group');
    }
    if (!this.#groups.link(group, memberId)) return;
    this.#record('memberAdded', memberId, groupId);
    this.#flush();
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.#requireGroup(groupId);
    if (!group.members.has(memberId)) {
      throw new DirectoryError(
        'notFound',
        `${memberId} is not a direct member of group ${groupId} ("${group.displayName}")`,
      );
    }
    this.#groups.unlink(groupId, memberId);
    this.#record('memberRemoved', memberId, groupId);
    this.#flush();
  }

  /** Deletes a group permanently; its members stay, and it leaves the groups it was a member of. */
  deleteGroup(id: string): void {
    const group = this.#requireGroup(id);
    // fidelity: security groups are deleted permanently in Entra; Microsoft 365 groups would go to a
    // recycle bin first, which this directory does not model.
    const parentIds = this.#groups.parentIds(id);
    const memberIds = [...group.members];
    for (const parentId of parentIds) this.#groups.unlink(parentId, id);
    for (const memberId of memberIds) this.#groups.unlink(id, memberId);
    this.#groups.remove(group);
    this.#tombstones.set(id, this.#clock.now());
    for (const parentId of parentIds) this.#record('memberRemoved', id, parentId);
    for (const memberId of memberIds) this.#record('memberRemoved', memberId, id);
    this.#record('groupDeleted', id);
    this.#flush();
  }

  /**
   * The groups a user or group is a direct member of; nested membership does not count (as in provisioning
   * scope). Users in Deleted users and permanently deleted objects have none; only a never-seen id throws.
   */
  groupsOfMember(memberId: string): DirectoryGroup[] {
    const known = this.#groups.has(memberId) || this.#live.has(memberId) || this.#recycleBin.has(memberId);
    if (!known && !this.#tombstones.has(memberId)) {
      throw this.#notFound(memberId, 'user or group');
    }
    return this.#groups.parentIds(memberId).map((groupId) => this.#groups.snapshot(this.#groups.get(groupId)!));
  }

  // ---- change feed -------------------------------------------------------------------------------

  /** The latest change's seq; 0 before any change. A consumer keeps it as its watermark. */
  get seq(): number {
    return this.#feed.seq;
  }

  /** Changes with a seq greater than `seq`, oldest first; costs what it returns. */
  changesSince(seq: number): DirectoryChange[] {
    return this.#feed.since(seq);
  }

  /** Calls `listener` with every change after it is fully applied, in seq order; returns an unsubscribe. */
  onChange(listener: (change: DirectoryChange) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  // ---- internals ---------------------------------------------------------------------------------

  #insertUser(user: DirectoryUser): void {
    this.#live.set(user.id, user);
    this.#idByUpn.set(user.userPrincipalName.toLowerCase(), user.id);
    this.#record('userCreated', user.id);
  }

  // The purge timer's task and label, one of each for every user's timer (a closure and a label string per
  // timer add up when a whole tenant is deleted): the deadline came with the user still in the bin.
  readonly #purge = (id: string): void => {
    if (!this.#recycleBin.has(id)) return;
    this.#hardDelete(id);
    this.#flush();
  };

  readonly #purgeLabel = (id: string): string =>
    `directory: permanent deletion of ${this.#recycleBin.get(id)?.userPrincipalName ?? id}`;

  #hardDelete(id: string): void {
    const user = this.#recycleBin.get(id)!;
    this.#recycleBin.delete(id);
    this.#purges.delete(id);
    this.#idByUpn.delete(user.userPrincipalName.toLowerCase());
    const groupIds = this.#groups.parentIds(id);
    for (const groupId of groupIds) this.#groups.unlink(groupId, id);
    this.#tombstones.set(id, this.#clock.now());
    this.#record('userHardDeleted', id);
    for (const groupId of groupIds) this.#record('memberRemoved', id, groupId);
  }

  #requireLiveUser(id: string, action: string): DirectoryUser {
    const user = this.#live.get(id);
    if (user) return user;
    if (this.#recycleBin.has(id)) {
      throw new DirectoryError('invalid', `cannot ${action} user ${id}: it is in Deleted users (restore it first)`);
    }
    throw this.#notFound(id, 'user');
  }

  #requireDeletedUser(id: string, action: string): DirectoryUser {
    const user = this.#recycleBin.get(id);
    if (user) return user;
    if (this.#live.has(id)) {
      throw new DirectoryError('invalid', `cannot ${action} user ${id}: it is not in Deleted users (delete it first)`);
    }
    throw this.#notFound(id, 'user in Deleted users');
  }

  #requireGroup(id: string): GroupRecord {
    const group = this.#groups.get(id);
    if (!group) throw this.#notFound(id, 'group');
    return group;
  }

  #notFound(id: string, what: string): DirectoryError {
    const deletedAt = this.#tombstones.get(id);
    return deletedAt === undefined
      ? new DirectoryError('notFound', `no ${what} with id ${id}`)
      : new DirectoryError(
          'notFound',
          `no ${what} with id ${id}: it was deleted permanently at ${formatInstant(deletedAt)}`,
        );
  }

  #assertUpnFree(upn: string): void {
    const holder = this.#idByUpn.get(upn.toLowerCase());
    if (holder === undefined) return;
    const where = this.#recycleBin.has(holder) ? 'a user in Deleted users' : 'user';
    throw new DirectoryError('conflict', `userPrincipalName ${upn} is already taken by ${where} ${holder}`);
  }

  #checkNewId(id: unknown): string {
    if (typeof id !== 'string' || id.trim() === '')
      throw new DirectoryError('invalid', 'id must be a non-empty string');
    if (this.#idInUse(id)) {
      throw new DirectoryError('conflict', `id ${id} is already used by another directory object`);
    }
    return id;
  }

  /** Ids are never reused: live, deleted, group or permanently deleted, an id stays taken. */
  #idInUse(id: string): boolean {
    return this.#live.has(id) || this.#recycleBin.has(id) || this.#groups.has(id) || this.#tombstones.has(id);
  }

  #newId(): string {
    // A 122-bit GUID practically never repeats; the bound keeps the loop finite if a test seeds ids by hand.
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = this.#ids.uuid();
      if (!this.#idInUse(id)) return id;
    }
    throw new DirectoryError('conflict', 'could not draw a free object id in 100 attempts');
  }

  #record(kind: DirectoryChangeKind, objectId: string, groupId?: string): void {
    this.#feed.record(kind, this.#clock.now(), objectId, groupId);
  }

  #flush(): void {
    this.#feed.deliver();
  }
}
