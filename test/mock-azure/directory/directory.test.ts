import { describe, expect, it } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { Random } from '../../../simulator/random.ts';
import { Directory, DirectoryError } from '../../../mock-azure/directory/directory.ts';
import type { DirectoryChange, DirectorySettings } from '../../../mock-azure/directory/directory.ts';

const START = '2026-01-01T09:00:00Z';
const T0 = Date.UTC(2026, 0, 1, 9);
const DAY = 86_400_000;
const WINDOW = 30 * DAY;

function setup(seed: string | number = 'directory-test', settings?: Partial<DirectorySettings>) {
  const clock = new Clock(START);
  const directory = new Directory(clock, new Random(seed), settings);
  return { clock, directory };
}

/** Runs `action`, expects a DirectoryError with `code` whose message matches `message`. */
function expectError(action: () => unknown, code: DirectoryError['code'], message: RegExp): DirectoryError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DirectoryError);
  const error = caught as DirectoryError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

const kinds = (changes: DirectoryChange[]) => changes.map((change) => change.kind);

describe('Directory users', () => {
  it('adds a user with defaults taken from the UPN', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'adele.vance@contoso.com' });
    expect(user).toEqual({
      id: user.id,
      userPrincipalName: 'adele.vance@contoso.com',
      mail: 'adele.vance@contoso.com',
      displayName: 'Adele Vance',
      mailNickname: 'adele.vance',
      accountEnabled: true,
      createdDateTime: T0,
    });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(directory.user(user.id)).toBe(user);
    expect(directory.userCount()).toBe(1);
    expect(directory.changesSince(0)).toEqual([{ seq: 1, at: T0, kind: 'userCreated', objectId: user.id }]);
  });

  it('keeps given attributes and id, and hands out frozen records', () => {
    const { directory } = setup();
    const user = directory.addUser({
      id: 'fixed-id',
      userPrincipalName: 'Megan.Bowen@Contoso.com',
      mail: 'megan@contoso.com',
      displayName: 'Megan B.',
      givenName: 'Megan',
      surname: 'Bowen',
      jobTitle: 'Auditor',
      department: 'Finance',
      employeeId: 'E42',
      telephoneNumber: '+1 425 555 0100',
      mobilePhone: '+1 425 555 0101',
      accountEnabled: false,
      createdDateTime: T0 - DAY,
    });
    expect(user).toMatchObject({
      id: 'fixed-id',
      userPrincipalName: 'Megan.Bowen@Contoso.com',
      mail: 'megan@contoso.com',
      mailNickname: 'Megan.Bowen',
      accountEnabled: false,
      createdDateTime: T0 - DAY,
      employeeId: 'E42',
    });
    expect(Object.isFrozen(user)).toBe(true);
    expect(() => {
      (user as { displayName: string }).displayName = 'hacked';
    }).toThrow(TypeError);
  });

  it('finds users by UPN case-insensitively, live or deleted', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'Alex.Wilber@contoso.com' });
    expect(directory.userByUpn('alex.wilber@CONTOSO.com')).toBe(user);
    directory.deleteUser(user.id);
    expect(directory.userByUpn('ALEX.WILBER@contoso.com')).toEqual({ ...user, deletedDateTime: T0 });
    expect(directory.userByUpn('nobody@contoso.com')).toBeUndefined();
  });

  it('lists live and deleted users separately', () => {
    const { directory } = setup();
    const [a, b, c] = ['a@x.com', 'b@x.com', 'c@x.com'].map((upn) => directory.addUser({ userPrincipalName: upn }));
    directory.deleteUser(b!.id);
    expect([...directory.users()].map((u) => u.id)).toEqual([a!.id, c!.id]);
    expect([...directory.deletedUsers()].map((u) => u.id)).toEqual([b!.id]);
    expect(directory.userCount()).toBe(2);
  });

  it('refuses bad users with the field named, and changes nothing', () => {
    const { directory } = setup();
    directory.addUser({ userPrincipalName: 'taken@contoso.com' });
    const before = directory.seq;
    expectError(() => directory.addUser({ userPrincipalName: '' }), 'invalid', /userPrincipalName is required/);
    expectError(
      () => directory.addUser({ userPrincipalName: 'no-at-sign' }),
      'invalid',
      /userPrincipalName "no-at-sign" must look like alias@domain/,
    );
    expectError(() => directory.addUser({ userPrincipalName: 'a@b@c.com' }), 'invalid', /userPrincipalName/);
    expectError(() => directory.addUser({ userPrincipalName: '@contoso.com' }), 'invalid', /userPrincipalName/);
    expectError(() => directory.addUser({ userPrincipalName: 'alias@' }), 'invalid', /userPrincipalName/);
    expectError(() => directory.addUser({ userPrincipalName: 'a b@contoso.com' }), 'invalid', /no spaces/);
    expectError(
      () => directory.addUser({ userPrincipalName: 'TAKEN@contoso.com' }),
      'conflict',
      /userPrincipalName TAKEN@contoso.com is already taken/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', displayName: '' }),
      'invalid',
      /displayName must be a non-empty string/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', accountEnabled: 'yes' as unknown as boolean }),
      'invalid',
      /accountEnabled must be true or false/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', deletedDateTime: T0 }),
      'invalid',
      /deletedDateTime/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', createdDateTime: T0 + 1 }),
      'invalid',
      /createdDateTime/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', city: 'Oslo' } as never),
      'invalid',
      /unknown user attribute "city"/,
    );
    const existing = [...directory.users()][0]!;
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', id: existing.id }),
      'conflict',
      /id .* already used/,
    );
    expectError(
      () => directory.addUser({ userPrincipalName: 'x@contoso.com', id: '' }),
      'invalid',
      /id must be a non-empty string/,
    );
    expect(directory.seq).toBe(before);
    expect(directory.userCount()).toBe(1);
    expect(directory.userByUpn('x@contoso.com')).toBeUndefined();
  });

  it('keeps the UPN of a user in Deleted users taken', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'gone@contoso.com' });
    directory.deleteUser(user.id);
    expectError(
      () => directory.addUser({ userPrincipalName: 'Gone@contoso.com' }),
      'conflict',
      /taken by a user in Deleted users/,
    );
  });
});

describe('Directory.updateUser', () => {
  it('edits attributes, records one change, and leaves the old snapshot alone', () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'lee@contoso.com', jobTitle: 'Engineer' });
    const updated = directory.updateUser(user.id, { jobTitle: 'Lead Engineer', department: 'Engineering' });
    expect(updated).toMatchObject({
      jobTitle: 'Lead Engineer',
      department: 'Engineering',
      userPrincipalName: 'lee@contoso.com',
    });
    expect(user.jobTitle).toBe('Engineer');
    expect(directory.user(user.id)).toBe(updated);
    expect(directory.changesSince(1)).toEqual([{ seq: 2, at: clock.now(), kind: 'userUpdated', objectId: user.id }]);
  });

  it('records nothing when nothing differs', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'same@contoso.com', jobTitle: 'Engineer' });
    expect(directory.updateUser(user.id, { jobTitle: 'Engineer', accountEnabled: true })).toBe(user);
    expect(directory.updateUser(user.id, {})).toBe(user);
    expect(directory.seq).toBe(1);
  });

  it('clears an optional attribute given as undefined but refuses to clear a required one', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'c@contoso.com', jobTitle: 'Engineer' });
    const cleared = directory.updateUser(user.id, { jobTitle: undefined });
    expect('jobTitle' in cleared).toBe(false);
    expectError(
      () => directory.updateUser(user.id, { displayName: undefined }),
      'invalid',
      /displayName is required and cannot be cleared/,
    );
    expectError(
      () => directory.updateUser(user.id, { mailNickname: '  ' }),
      'invalid',
      /mailNickname must be a non-empty string/,
    );
  });

  it('moves the UPN index on a rename and keeps UPNs unique', () => {
    const { directory } = setup();
    const a = directory.addUser({ userPrincipalName: 'a@contoso.com' });
    directory.addUser({ userPrincipalName: 'b@contoso.com' });
    directory.updateUser(a.id, { userPrincipalName: 'a.new@contoso.com' });
    expect(directory.userByUpn('a.new@contoso.com')?.id).toBe(a.id);
    expect(directory.userByUpn('a@contoso.com')).toBeUndefined();
    // Only the case changes: still the same user's UPN, so no conflict, but a real change.
    const recased = directory.updateUser(a.id, { userPrincipalName: 'A.New@contoso.com' });
    expect(recased.userPrincipalName).toBe('A.New@contoso.com');
    expect(directory.changesSince(2).map((c) => c.kind)).toEqual(['userUpdated', 'userUpdated']);
    const seq = directory.seq;
    expectError(
      () => directory.updateUser(a.id, { userPrincipalName: 'B@contoso.com' }),
      'conflict',
      /userPrincipalName B@contoso.com is already taken by user/,
    );
    expectError(
      () => directory.updateUser(a.id, { userPrincipalName: 'broken' }),
      'invalid',
      /userPrincipalName "broken"/,
    );
    expect(directory.seq).toBe(seq);
    expect(directory.user(a.id)).toBe(recased);
  });

  it('refuses read-only fields, unknown ids and users in Deleted users', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'r@contoso.com' });
    expectError(() => directory.updateUser(user.id, { id: 'other' } as never), 'invalid', /id is read-only/);
    expectError(
      () => directory.updateUser(user.id, { createdDateTime: 1 } as never),
      'invalid',
      /createdDateTime is read-only/,
    );
    expectError(() => directory.updateUser('missing-id', { jobTitle: 'x' }), 'notFound', /no user with id missing-id/);
    directory.deleteUser(user.id);
    expectError(
      () => directory.updateUser(user.id, { jobTitle: 'x' }),
      'invalid',
      /in Deleted users \(restore it first\)/,
    );
  });

  it('blocks and unblocks sign-in through accountEnabled', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'b@contoso.com' });
    directory.blockSignIn(user.id);
    expect(directory.user(user.id)?.accountEnabled).toBe(false);
    directory.blockSignIn(user.id);
    directory.unblockSignIn(user.id);
    expect(directory.user(user.id)?.accountEnabled).toBe(true);
    expect(kinds(directory.changesSince(0))).toEqual(['userCreated', 'userUpdated', 'userUpdated']);
    expectError(() => directory.blockSignIn('nope'), 'notFound', /nope/);
    expectError(() => directory.unblockSignIn('nope'), 'notFound', /nope/);
  });
});

describe('Directory recycle bin', () => {
  it('soft-deletes into Deleted users and schedules the permanent deletion', () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'd@contoso.com' });
    directory.deleteUser(user.id);
    expect(directory.user(user.id)).toBeUndefined();
    expect(directory.deletedUser(user.id)).toEqual({ ...user, deletedDateTime: T0 });
    expect(directory.isHardDeleted(user.id)).toBe(false);
    expect(clock.nextDueAt()).toBe(T0 + WINDOW);
    expect(directory.changesSince(1)).toEqual([{ seq: 2, at: T0, kind: 'userSoftDeleted', objectId: user.id }]);
    expectError(() => directory.deleteUser(user.id), 'invalid', /in Deleted users/);
    expectError(() => directory.deleteUser('ghost'), 'notFound', /no user with id ghost/);
  });

  it('deletes permanently at exactly deletedDateTime + 30 days, not a millisecond earlier', async () => {
    const { clock, directory } = setup();
    await clock.advance('3h');
    const user = directory.addUser({ userPrincipalName: 'p@contoso.com' });
    await clock.advance('1h');
    directory.deleteUser(user.id);
    const deletedAt = directory.deletedUser(user.id)!.deletedDateTime!;
    expect(deletedAt).toBe(T0 + 4 * 3_600_000);
    await clock.advanceTo(deletedAt + WINDOW - 1);
    expect(directory.deletedUser(user.id)).toBeDefined();
    expect(directory.isHardDeleted(user.id)).toBe(false);
    expect(directory.userByUpn('p@contoso.com')).toBeDefined();
    await clock.advance(1);
    expect(directory.deletedUser(user.id)).toBeUndefined();
    expect(directory.user(user.id)).toBeUndefined();
    expect(directory.isHardDeleted(user.id)).toBe(true);
    expect(directory.userByUpn('p@contoso.com')).toBeUndefined();
    expect(directory.changesSince(2)).toEqual([
      { seq: 3, at: deletedAt + WINDOW, kind: 'userHardDeleted', objectId: user.id },
    ]);
  });

  it('honours a configured window', async () => {
    const { clock, directory } = setup('w', { recycleBinWindowMs: DAY });
    const user = directory.addUser({ userPrincipalName: 'w@contoso.com' });
    directory.deleteUser(user.id);
    await clock.advance('1d');
    expect(directory.isHardDeleted(user.id)).toBe(true);
    expectError(() => new Directory(clock, new Random(1), { recycleBinWindowMs: 0 }), 'invalid', /recycleBinWindowMs/);
    expectError(
      () => new Directory(clock, new Random(1), { recycleBinWindowMs: 1.5 }),
      'invalid',
      /recycleBinWindowMs/,
    );
  });

  it('restores inside the window and cancels the permanent deletion', async () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'r@contoso.com', jobTitle: 'Chef' });
    directory.deleteUser(user.id);
    await clock.advance('29d23h59m59s999ms');
    const restored = directory.restoreUser(user.id);
    expect(restored).toEqual(user);
    expect('deletedDateTime' in restored).toBe(false);
    expect(directory.user(user.id)).toBe(restored);
    expect(directory.deletedUser(user.id)).toBeUndefined();
    expect(clock.pending).toBe(0);
    await clock.advance('60d');
    expect(directory.user(user.id)).toBe(restored);
    expect(directory.isHardDeleted(user.id)).toBe(false);
    expect(kinds(directory.changesSince(0))).toEqual(['userCreated', 'userSoftDeleted', 'userRestored']);
    expect(directory.changesSince(2)[0]!.at).toBe(T0 + WINDOW - 1);
  });

  it('keeps group memberships in Deleted users and after a restore; permanent deletion removes them', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'm@contoso.com' });
    const sales = directory.addGroup({ displayName: 'Sales' });
    const all = directory.addGroup({ displayName: 'All staff' });
    directory.addMember(sales.id, user.id);
    directory.addMember(all.id, user.id);
    const seq = directory.seq;
    directory.deleteUser(user.id);
    expect(directory.group(sales.id)!.memberIds).toEqual([user.id]);
    expect(directory.groupsOfMember(user.id).map((g) => g.id)).toEqual([sales.id, all.id]);
    expect(directory.changesSince(seq)).toEqual([{ seq: seq + 1, at: T0, kind: 'userSoftDeleted', objectId: user.id }]);
    directory.restoreUser(user.id);
    expect(directory.groupsOfMember(user.id).map((g) => g.id)).toEqual([sales.id, all.id]);
    directory.deleteUser(user.id);
    const before = directory.seq;
    directory.deleteUserPermanently(user.id);
    expect(directory.group(all.id)!.memberIds).toEqual([]);
    expect(directory.groupsOfMember(user.id)).toEqual([]);
    expect(directory.changesSince(before).map((c) => c.kind)).toEqual([
      'userHardDeleted',
      'memberRemoved',
      'memberRemoved',
    ]);
  });

  it('cannot restore after the permanent deletion, nor a live or unknown user', async () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'late@contoso.com' });
    const live = directory.addUser({ userPrincipalName: 'live@contoso.com' });
    directory.deleteUser(user.id);
    await clock.advance('30d');
    expectError(() => directory.restoreUser(user.id), 'notFound', /deleted permanently at 2026-01-31T09:00:00.000Z/);
    expectError(() => directory.restoreUser(live.id), 'invalid', /not in Deleted users/);
    expectError(() => directory.restoreUser('unknown'), 'notFound', /no user in Deleted users with id unknown/);
  });

  it('refuses a restore at the deadline instant even before the purge timer has run', async () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'edge@contoso.com' });
    let outcome: unknown;
    // Scheduled before the deletion, so at the same instant it runs before the purge timer.
    clock.schedule(
      T0 + WINDOW,
      () => {
        try {
          directory.restoreUser(user.id);
        } catch (error) {
          outcome = error;
        }
      },
      'restore at the deadline',
    );
    directory.deleteUser(user.id);
    await clock.advance('30d');
    expect(outcome).toBeInstanceOf(DirectoryError);
    expect((outcome as DirectoryError).code).toBe('invalid');
    expect(directory.isHardDeleted(user.id)).toBe(true);
  });

  it('deletes permanently at once from Deleted users, freeing the UPN and cancelling the timer', async () => {
    const { clock, directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'now@contoso.com' });
    await clock.advance('2d');
    directory.deleteUser(user.id);
    await clock.advance('1h');
    directory.deleteUserPermanently(user.id);
    expect(directory.isHardDeleted(user.id)).toBe(true);
    expect(directory.deletedUser(user.id)).toBeUndefined();
    expect(clock.pending).toBe(0);
    expect(directory.changesSince(2)).toEqual([
      { seq: 3, at: T0 + 2 * DAY + 3_600_000, kind: 'userHardDeleted', objectId: user.id },
    ]);
    const again = directory.addUser({ userPrincipalName: 'NOW@contoso.com' });
    expect(again.id).not.toBe(user.id);
    await clock.advance('60d');
    expect(directory.user(again.id)).toBe(again);
    expect(directory.seq).toBe(4);
  });

  it('refuses Delete permanently for a live user, a purged user and an unknown id', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'live@contoso.com' });
    expectError(() => directory.deleteUserPermanently(user.id), 'invalid', /not in Deleted users \(delete it first\)/);
    expect(directory.user(user.id)).toBe(user);
    directory.deleteUser(user.id);
    directory.deleteUserPermanently(user.id);
    expectError(() => directory.deleteUserPermanently(user.id), 'notFound', /deleted permanently/);
    expect(directory.groupsOfMember(user.id)).toEqual([]);
    expectError(() => directory.deleteUser(user.id), 'notFound', /deleted permanently/);
    expectError(() => directory.updateUser(user.id, { jobTitle: 'x' }), 'notFound', /deleted permanently/);
    expectError(() => directory.deleteUserPermanently('nobody'), 'notFound', /nobody/);
  });

  it('reports hard deletion only for ids that existed', () => {
    const { directory } = setup();
    const user = directory.addUser({ userPrincipalName: 'h@contoso.com' });
    expect(directory.isHardDeleted(user.id)).toBe(false);
    expect(directory.isHardDeleted('never-existed')).toBe(false);
  });
});

describe('Directory groups', () => {
  it('adds groups with defaults and finds them by id and name', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'NordPass Users', description: 'Assigned to NordPass' });
    expect(group).toEqual({
      id: group.id,
      displayName: 'NordPass Users',
      description: 'Assigned to NordPass',
      securityEnabled: true,
      mailEnabled: false,
      createdDateTime: T0,
      memberIds: [],
    });
    const mail = directory.addGroup({
      displayName: 'Newsletter',
      securityEnabled: false,
      mailEnabled: true,
      id: 'g-fixed',
    });
    expect(mail).toMatchObject({ id: 'g-fixed', securityEnabled: false, mailEnabled: true });
    expect(directory.group(group.id)).toBe(group);
    expect(directory.groupByName('nordpass users')).toBe(group);
    expect(directory.groupByName('Missing')).toBeUndefined();
    expect([...directory.groups()].map((g) => g.id)).toEqual([group.id, 'g-fixed']);
    expect(kinds(directory.changesSince(0))).toEqual(['groupCreated', 'groupCreated']);
  });

  it('allows duplicate names and returns the oldest by name', () => {
    const { directory } = setup();
    const first = directory.addGroup({ displayName: 'Team' });
    directory.addGroup({ displayName: 'TEAM' });
    expect(directory.groupByName('team')?.id).toBe(first.id);
    directory.deleteGroup(first.id);
    expect(directory.groupByName('team')?.displayName).toBe('TEAM');
  });

  it('refuses bad groups', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'G' });
    expectError(() => directory.addGroup({ displayName: '' }), 'invalid', /displayName must be a non-empty string/);
    expectError(() => directory.addGroup({} as never), 'invalid', /displayName is required/);
    expectError(
      () => directory.addGroup({ displayName: 'X', securityEnabled: 'true' as never }),
      'invalid',
      /securityEnabled must be true or false/,
    );
    expectError(
      () => directory.addGroup({ displayName: 'X', owners: [] } as never),
      'invalid',
      /unknown group attribute "owners"/,
    );
    expectError(() => directory.addGroup({ displayName: 'X', id: group.id }), 'conflict', /already used/);
    expect(directory.seq).toBe(1);
  });

  it('updates group properties and the name index', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'Old', description: 'd' });
    const renamed = directory.updateGroup(group.id, { displayName: 'New', description: undefined, mailEnabled: true });
    expect(renamed).toEqual({
      ...group,
      displayName: 'New',
      description: undefined,
      mailEnabled: true,
      memberIds: [],
    } as never);
    expect('description' in renamed).toBe(false);
    expect(group.displayName).toBe('Old');
    expect(directory.groupByName('old')).toBeUndefined();
    expect(directory.groupByName('new')).toBe(renamed);
    expect(directory.updateGroup(group.id, { displayName: 'New' })).toBe(renamed);
    expect(kinds(directory.changesSince(0))).toEqual(['groupCreated', 'groupUpdated']);
    expectError(
      () => directory.updateGroup(group.id, { displayName: undefined }),
      'invalid',
      /displayName is required/,
    );
    expectError(() => directory.updateGroup(group.id, { id: 'x' } as never), 'invalid', /id is read-only/);
    expectError(() => directory.updateGroup('nope', { displayName: 'x' }), 'notFound', /no group with id nope/);
  });

  it('adds members in order, ignores a second add, and records each real change', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'G' });
    const nested = directory.addGroup({ displayName: 'Nested' });
    const a = directory.addUser({ userPrincipalName: 'a@contoso.com' });
    const b = directory.addUser({ userPrincipalName: 'b@contoso.com' });
    const snapshot = directory.group(group.id)!;
    directory.addMember(group.id, b.id);
    directory.addMember(group.id, nested.id);
    directory.addMember(group.id, a.id);
    directory.addMember(group.id, b.id);
    expect(directory.group(group.id)!.memberIds).toEqual([b.id, nested.id, a.id]);
    expect(snapshot.memberIds).toEqual([]);
    expect(directory.changesSince(4)).toEqual([
      { seq: 5, at: T0, kind: 'memberAdded', objectId: b.id, groupId: group.id },
      { seq: 6, at: T0, kind: 'memberAdded', objectId: nested.id, groupId: group.id },
      { seq: 7, at: T0, kind: 'memberAdded', objectId: a.id, groupId: group.id },
    ]);
  });

  it('refuses memberships that would make a group contain itself', () => {
    const { directory } = setup();
    const [a, b, c] = ['A', 'B', 'C'].map((name) => directory.addGroup({ displayName: name }));
    directory.addMember(a!.id, b!.id);
    directory.addMember(b!.id, c!.id);
    const seq = directory.seq;
    expectError(() => directory.addMember(a!.id, a!.id), 'invalid', /would contain itself/);
    expectError(() => directory.addMember(c!.id, a!.id), 'invalid', /would contain itself/);
    expectError(() => directory.addMember(b!.id, a!.id), 'invalid', /would contain itself/);
    expect(directory.seq).toBe(seq);
    expect(directory.group(c!.id)!.memberIds).toEqual([]);
    // A diamond is not a cycle.
    directory.addMember(a!.id, c!.id);
    expect(directory.group(a!.id)!.memberIds).toEqual([b!.id, c!.id]);
  });

  it('refuses members that are unknown or in Deleted users, and unknown groups', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'G' });
    const user = directory.addUser({ userPrincipalName: 'u@contoso.com' });
    expectError(() => directory.addMember('no-group', user.id), 'notFound', /no group with id no-group/);
    expectError(() => directory.addMember(group.id, 'no-user'), 'notFound', /no user or group with id no-user/);
    directory.deleteUser(user.id);
    expectError(() => directory.addMember(group.id, user.id), 'invalid', /in Deleted users/);
    expect(directory.group(group.id)!.memberIds).toEqual([]);
  });

  it('removes members; a removed member added again goes to the end', () => {
    const { directory } = setup();
    const group = directory.addGroup({ displayName: 'G' });
    const [a, b] = ['a@x.com', 'b@x.com'].map((upn) => directory.addUser({ userPrincipalName: upn }));
    directory.addMember(group.id, a!.id);
    directory.addMember(group.id, b!.id);
    directory.removeMember(group.id, a!.id);
    expect(directory.group(group.id)!.memberIds).toEqual([b!.id]);
    expect(directory.groupsOfMember(a!.id)).toEqual([]);
    expect(directory.changesSince(directory.seq - 1)).toEqual([
      { seq: directory.seq, at: T0, kind: 'memberRemoved', objectId: a!.id, groupId: group.id },
    ]);
    directory.addMember(group.id, a!.id);
    expect(directory.group(group.id)!.memberIds).toEqual([b!.id, a!.id]);
    const seq = directory.seq;
    expectError(
      () => directory.removeMember(group.id, 'stranger'),
      'notFound',
      /stranger is not a direct member of group/,
    );
    expectError(() => directory.removeMember('no-group', a!.id), 'notFound', /no group with id no-group/);
    expect(directory.seq).toBe(seq);
  });

  it('keeps nested groups as members but gives direct groups only', () => {
    const { directory } = setup();
    const outer = directory.addGroup({ displayName: 'Outer' });
    const inner = directory.addGroup({ displayName: 'Inner' });
    const user = directory.addUser({ userPrincipalName: 'n@contoso.com' });
    directory.addMember(outer.id, inner.id);
    directory.addMember(inner.id, user.id);
    expect(directory.group(outer.id)!.memberIds).toEqual([inner.id]);
    expect(directory.groupsOfMember(user.id).map((g) => g.id)).toEqual([inner.id]);
    expect(directory.groupsOfMember(inner.id).map((g) => g.id)).toEqual([outer.id]);
    expect(directory.groupsOfMember(outer.id)).toEqual([]);
    expectError(() => directory.groupsOfMember('nobody'), 'notFound', /no user or group with id nobody/);
  });

  it('deletes a group permanently: members stay, parents lose it', () => {
    const { directory } = setup();
    const parent = directory.addGroup({ displayName: 'Parent' });
    const group = directory.addGroup({ displayName: 'Doomed' });
    const child = directory.addGroup({ displayName: 'Child' });
    const user = directory.addUser({ userPrincipalName: 'stay@contoso.com' });
    directory.addMember(parent.id, group.id);
    directory.addMember(group.id, user.id);
    directory.addMember(group.id, child.id);
    const seq = directory.seq;
    directory.deleteGroup(group.id);
    expect(directory.group(group.id)).toBeUndefined();
    expect(directory.groupByName('Doomed')).toBeUndefined();
    expect(directory.isHardDeleted(group.id)).toBe(true);
    expect(directory.user(user.id)).toBe(user);
    expect(directory.group(parent.id)!.memberIds).toEqual([]);
    expect(directory.groupsOfMember(user.id)).toEqual([]);
    expect(directory.groupsOfMember(child.id)).toEqual([]);
    expect(directory.changesSince(seq)).toEqual([
      { seq: seq + 1, at: T0, kind: 'memberRemoved', objectId: group.id, groupId: parent.id },
      { seq: seq + 2, at: T0, kind: 'memberRemoved', objectId: user.id, groupId: group.id },
      { seq: seq + 3, at: T0, kind: 'memberRemoved', objectId: child.id, groupId: group.id },
      { seq: seq + 4, at: T0, kind: 'groupDeleted', objectId: group.id },
    ]);
    expect(directory.groupsOfMember(group.id)).toEqual([]);
    expectError(() => directory.deleteGroup(group.id), 'notFound', /no group with id .* deleted permanently/);
    expectError(() => directory.addMember(group.id, user.id), 'notFound', /deleted permanently/);
    expectError(() => directory.addMember(parent.id, group.id), 'notFound', /deleted permanently/);
    expectError(() => directory.deleteGroup('nope'), 'notFound', /no group with id nope/);
  });
});

describe('Directory change feed', () => {
  it('starts at seq 0 and returns only newer changes, with their virtual time', async () => {
    const { clock, directory } = setup();
    expect(directory.seq).toBe(0);
    expect(directory.changesSince(0)).toEqual([]);
    const a = directory.addUser({ userPrincipalName: 'a@contoso.com' });
    await clock.advance('40m');
    const b = directory.addUser({ userPrincipalName: 'b@contoso.com' });
    directory.updateUser(a.id, { jobTitle: 'x' });
    expect(directory.seq).toBe(3);
    const watermark = 1;
    expect(directory.changesSince(watermark)).toEqual([
      { seq: 2, at: T0 + 40 * 60_000, kind: 'userCreated', objectId: b.id },
      { seq: 3, at: T0 + 40 * 60_000, kind: 'userUpdated', objectId: a.id },
    ]);
    expect(directory.changesSince(3)).toEqual([]);
    expect(directory.changesSince(0).map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('refuses a watermark that is negative, fractional or from the future', () => {
    const { directory } = setup();
    directory.addUser({ userPrincipalName: 'a@contoso.com' });
    expectError(
      () => directory.changesSince(-1),
      'invalid',
      /seq must be a whole number from 0 to the latest seq 1, got -1/,
    );
    expectError(() => directory.changesSince(0.5), 'invalid', /seq/);
    expectError(() => directory.changesSince(2), 'invalid', /got 2/);
  });

  it('tells listeners about each change after it is applied, until they unsubscribe', () => {
    const { directory } = setup();
    const seen: Array<[string, boolean]> = [];
    const unsubscribe = directory.onChange((change) => {
      seen.push([change.kind, directory.deletedUser(change.objectId) !== undefined]);
    });
    const user = directory.addUser({ userPrincipalName: 'l@contoso.com' });
    directory.deleteUser(user.id);
    unsubscribe();
    directory.restoreUser(user.id);
    expect(seen).toEqual([
      ['userCreated', false],
      ['userSoftDeleted', true],
    ]);
  });

  it('delivers changes made by a listener after the current one, in seq order to everyone', () => {
    const { directory } = setup();
    const first: number[] = [];
    const second: number[] = [];
    directory.onChange((change) => {
      first.push(change.seq);
      if (change.kind === 'userCreated') directory.blockSignIn(change.objectId);
    });
    directory.onChange((change) => void second.push(change.seq));
    directory.addUser({ userPrincipalName: 'x@contoso.com' });
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  it('runs every listener and then rethrows the first listener error, with the change applied', () => {
    const { directory } = setup();
    const seen: string[] = [];
    directory.onChange(() => {
      throw new Error('listener broke');
    });
    directory.onChange((change) => void seen.push(change.kind));
    expect(() => directory.addUser({ userPrincipalName: 'e@contoso.com' })).toThrow('listener broke');
    expect(seen).toEqual(['userCreated']);
    expect(directory.userByUpn('e@contoso.com')).toBeDefined();
    expect(directory.seq).toBe(1);
  });
});

describe('Directory.generateUsers', () => {
  it('generates realistic users with unique first.last UPNs', () => {
    const { directory } = setup();
    const users = directory.generateUsers(200);
    expect(users).toHaveLength(200);
    expect(directory.userCount()).toBe(200);
    for (const user of users) {
      expect(user.userPrincipalName).toMatch(/^[a-z0-9]+\.[a-z0-9]+\d*@contoso\.com$/);
      expect(user.mail).toBe(user.userPrincipalName);
      expect(user.mailNickname).toBe(user.userPrincipalName.split('@')[0]);
      expect(user.displayName).toBe(`${user.givenName} ${user.surname}`);
      expect(user.jobTitle).toBeTruthy();
      expect(user.department).toBeTruthy();
      expect(user.employeeId).toMatch(/^\d{7}$/);
      expect(user.accountEnabled).toBe(true);
      expect(user.createdDateTime).toBe(T0);
      expect(directory.user(user.id)).toBe(user);
    }
    expect(new Set(users.map((u) => u.employeeId)).size).toBe(200);
    expect(new Set(users.map((u) => u.department)).size).toBeGreaterThan(3);
    expect(kinds(directory.changesSince(0))).toEqual(Array(200).fill('userCreated'));
  });

  it('uses the given domain', () => {
    const { directory } = setup();
    const [user] = directory.generateUsers(1, { domain: 'Fabrikam.onmicrosoft.com' });
    expect(user!.userPrincipalName).toMatch(/@fabrikam\.onmicrosoft\.com$/);
  });

  it('gives the same users for the same seed and different ones for another', () => {
    const one = setup(7).directory.generateUsers(50);
    const two = setup(7).directory.generateUsers(50);
    const other = setup(8).directory.generateUsers(50);
    expect(two).toEqual(one);
    expect(other.map((u) => u.userPrincipalName)).not.toEqual(one.map((u) => u.userPrincipalName));
    expect(other.map((u) => u.id)).not.toEqual(one.map((u) => u.id));
  });

  it('steps around UPNs already taken, live or deleted', () => {
    const [first] = setup(11).directory.generateUsers(1);
    const { directory } = setup(11);
    const existing = directory.addUser({ userPrincipalName: first!.userPrincipalName.toUpperCase() });
    directory.deleteUser(existing.id);
    const [generated] = directory.generateUsers(1);
    const [alias, domain] = first!.userPrincipalName.split('@');
    expect(generated!.givenName).toBe(first!.givenName);
    expect(generated!.userPrincipalName).toBe(`${alias}2@${domain}`);
  });

  it('generates 100,000 users with case-insensitively unique UPNs', () => {
    const { directory } = setup('big');
    const users = directory.generateUsers(100_000);
    expect(users).toHaveLength(100_000);
    expect(new Set(users.map((u) => u.userPrincipalName.toLowerCase())).size).toBe(100_000);
    expect(new Set(users.map((u) => u.id)).size).toBe(100_000);
    expect(directory.userCount()).toBe(100_000);
    expect(directory.seq).toBe(100_000);
    expect(directory.changesSince(99_998).map((c) => c.objectId)).toEqual([users[99_998]!.id, users[99_999]!.id]);
  });

  it('refuses counts outside 0..1,000,000 and bad domains', () => {
    const { directory } = setup();
    expect(directory.generateUsers(0)).toEqual([]);
    expectError(
      () => directory.generateUsers(1_000_001),
      'invalid',
      /count must be a whole number from 0 to 1,000,000, got 1000001/,
    );
    expectError(() => directory.generateUsers(-1), 'invalid', /count/);
    expectError(() => directory.generateUsers(2.5), 'invalid', /count/);
    expectError(() => directory.generateUsers(1, { domain: 'a@b.com' }), 'invalid', /domain "a@b.com"|domain/);
    expectError(() => directory.generateUsers(1, { domain: '' }), 'invalid', /domain/);
    expect(directory.seq).toBe(0);
  });
});
