/** Deprovisioning: unassign, soft delete and restore, block and unblock sign-in, permanent deletion, and the settings that change them. */
import { describe, expect, it } from 'vitest';
import { byMethod, DAY, lines, operations, recordFrom, tenantWith, work } from '../../helpers/engine.ts';

const DISABLE = [{ op: 'Replace', path: 'active', value: 'False' }];
const ENABLE = [{ op: 'Replace', path: 'active', value: 'True' }];

describe('deprovisioning', () => {
  it('unassign -> PATCH active "False" (Disable); the user is no longer managed, so a later permanent deletion sends no DELETE', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const ada = users[0]!;
    await w.connect();
    w.azure.app.unassign(ada.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['PATCH /Users/{id}']);
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual(DISABLE);
    expect(w.azure.logs.query({ userId: ada.id }).at(-1)).toMatchObject({
      action: 'Disable',
      status: 'success',
      modified: [{ displayName: 'active', oldValue: 'True', newValue: 'False' }],
    });
    expect(w.azure.job.links.get(ada.id)).toMatchObject({ active: false, managed: false });
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
    w.azure.directory.deleteUser(ada.id);
    await w.clock.advance('40m');
    w.azure.directory.deleteUserPermanently(ada.id);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'DELETE')).toEqual([]);
    expect(byMethod(sent(), 'PATCH')).toHaveLength(1);
    expect(w.azure.job.links.has(ada.id)).toBe(false);
  });

  it('re-assigning a disabled user reads it by its old id and enables it (PATCH active "True", Update); it is managed again', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('40m');
    w.azure.app.assign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users/{id}', 'PATCH /Users/{id}']);
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual(ENABLE);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Update',
      status: 'success',
      matching: 'linked',
    });
    expect(w.azure.job.links.get(users[0]!.id)).toMatchObject({ active: true, managed: true });
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('re-assigning after NordPass purged the disabled member: the old id is gone, InvalidAnchor on every cycle until a Full restart, which creates the member anew', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const oldId = w.member('ada@contoso.com')!.id;
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('31d');
    expect(w.memberStatus('ada@contoso.com')).toBe('deleted');
    w.azure.app.assign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users/{id}']);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Update',
      status: 'failure',
      errorCode: 'InvalidAnchor',
    });
    await w.azure.job.restart();
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ errorCode: 'InvalidAnchor' });
    expect(byMethod(sent(), 'POST')).toEqual([]);
    await w.azure.job.restart({ full: true });
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Create', status: 'success' });
    expect(w.member('ada@contoso.com')!.id).not.toBe(oldId);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('variant reassignAfterPurge rematch: re-assigning a disabled user matches it again by userName and enables it', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], { variants: { reassignAfterPurge: 'rematch' } });
    await w.connect();
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('40m');
    w.azure.app.assign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"', 'PATCH /Users/{id}']);
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual(ENABLE);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Update',
      status: 'success',
      matching: 'adopted',
    });
    expect(w.azure.job.links.get(users[0]!.id)).toMatchObject({ active: true, managed: true });
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('variant reassignAfterPurge rematch: re-assigning after NordPass purged the disabled member creates a new member', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], { variants: { reassignAfterPurge: 'rematch' } });
    await w.connect();
    const oldId = w.member('ada@contoso.com')!.id;
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('31d');
    expect(w.memberStatus('ada@contoso.com')).toBe('deleted');
    w.azure.app.assign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"', 'POST /Users']);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Create',
      status: 'success',
      matching: 'created',
    });
    expect(w.member('ada@contoso.com')!.id).not.toBe(oldId);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('soft delete in the tenant -> Disable; restore -> PATCH active "True" logged as Update', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const ada = users[0]!;
    await w.connect();
    await w.clock.advance('2m');
    w.np.members.acceptInvitation(w.member('ada@contoso.com')!.id);
    const sent = recordFrom(w);
    w.azure.directory.deleteUser(ada.id);
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual(DISABLE);
    expect(w.memberStatus('ada@contoso.com')).toBe('suspended');
    expect(w.azure.logs.query({ userId: ada.id }).at(-1)).toMatchObject({
      action: 'Disable',
      scope: { softDeleted: true },
    });
    // Still managed: a soft delete is not leaving scope.
    expect(w.azure.job.links.get(ada.id)).toMatchObject({ active: false, managed: true });
    w.azure.directory.restoreUser(ada.id);
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[1]!)).toEqual(ENABLE);
    expect(w.azure.logs.query({ userId: ada.id }).at(-1)).toMatchObject({ action: 'Update', status: 'success' });
    expect(w.memberStatus('ada@contoso.com')).toBe('active');
  });

  it('block sign-in -> Disable; unblock -> enable', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const sent = recordFrom(w);
    w.azure.directory.blockSignIn(users[0]!.id);
    await w.clock.advance('40m');
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
    w.azure.directory.unblockSignIn(users[0]!.id);
    await w.clock.advance('40m');
    const patches = byMethod(sent(), 'PATCH');
    expect(patches.map(operations)).toEqual([DISABLE, ENABLE]);
    expect(
      w.azure.logs
        .query({ userId: users[0]!.id })
        .slice(-2)
        .map((r) => r.action),
    ).toEqual(['Disable', 'Update']);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('permanent deletion while managed -> Disable first, then DELETE (204), and the member is deleted in NordPass at once', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const ada = users[0]!;
    await w.connect();
    w.azure.directory.deleteUser(ada.id);
    await w.clock.advance('40m');
    w.azure.directory.deleteUserPermanently(ada.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['DELETE /Users/{id}']);
    expect(sent().at(-1)!.status).toBe(204);
    expect(w.azure.logs.query({ userId: ada.id }).at(-1)).toMatchObject({
      action: 'Delete',
      status: 'success',
      source: { userPrincipalName: 'ada@contoso.com' },
    });
    expect(w.memberStatus('ada@contoso.com')).toBe('deleted');
    expect(w.azure.job.links.has(ada.id)).toBe(false);
  });

  it('the 30-day recycle-bin purge is a permanent deletion too: DELETE at the first cycle after it', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const deletedAt = w.clock.now() + 10 * 60_000;
    await w.clock.advanceTo(deletedAt);
    w.azure.directory.deleteUser(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advanceTo(deletedAt + 30 * DAY - 1);
    expect(byMethod(sent(), 'DELETE')).toEqual([]);
    // NordPass had purged the suspended member already (its own 30 days started at the Disable, 30 minutes later).
    await w.clock.advance('1h');
    const deletes = byMethod(sent(), 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Delete', status: 'success' });
  });

  it('a 404 on DELETE (already gone from NordPass) counts as done', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const member = w.member('ada@contoso.com')!;
    w.np.members.delete(member, 'admin'); // deleted in the NordPass Admin Panel
    w.azure.directory.deleteUser(users[0]!.id);
    w.azure.directory.deleteUserPermanently(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['DELETE /Users/{id}']);
    expect(sent().at(-1)!.status).toBe(404);
    const log = w.azure.logs.query({ userId: users[0]!.id }).at(-1)!;
    expect(log).toMatchObject({ action: 'Delete', status: 'success' });
    expect(log.reason).toMatch(/already gone/);
    expect(w.azure.job.escrows.size).toBe(0);
    expect(w.azure.job.links.has(users[0]!.id)).toBe(false);
  });

  it('with the Delete target action unticked, a permanent deletion sends no DELETE', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], {
      azure: { provisioning: { targetActions: { delete: false } } },
    });
    await w.connect();
    w.azure.directory.deleteUser(users[0]!.id);
    await w.clock.advance('40m');
    w.azure.directory.deleteUserPermanently(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(work(sent())).toEqual([]);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Other', status: 'skipped' });
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
  });

  it('with the Update target action unticked, nothing is disabled or updated', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], {
      azure: { provisioning: { targetActions: { update: false } } },
    });
    await w.connect();
    w.azure.directory.updateUser(users[0]!.id, { mailNickname: 'ada.l' });
    w.azure.app.unassign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(work(sent())).toEqual([]);
  });

  it('with the Create target action unticked, an assigned user is not created', async () => {
    const { w } = tenantWith(['ada@contoso.com'], { azure: { provisioning: { targetActions: { create: false } } } });
    const sent = recordFrom(w);
    await w.connect();
    expect(work(sent())).toEqual([]);
    expect(w.member('ada@contoso.com')).toBeUndefined();
  });

  it('SkipOutOfScopeDeletions: unassigning sends no Disable (but a soft delete still does)', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com'], {
      azure: { provisioning: { skipOutOfScopeDeletions: true } },
    });
    await w.connect();
    w.azure.app.unassign(users[0]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(work(sent())).toEqual([]);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    w.azure.directory.deleteUser(users[1]!.id);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH').map(operations)).toEqual([DISABLE]);
    expect(w.memberStatus('bob@contoso.com')).toBe('forbidden');
  });

  it('a group-assigned user deleted in the tenant is still in scope: Disable, then DELETE when deleted permanently', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], { assign: false });
    const group = w.azure.directory.addGroup({ displayName: 'NordPass users' });
    w.azure.directory.addMember(group.id, users[0]!.id);
    w.azure.app.assign(group.id);
    await w.connect();
    const sent = recordFrom(w);
    w.azure.directory.deleteUser(users[0]!.id);
    await w.clock.advance('40m');
    w.azure.directory.deleteUserPermanently(users[0]!.id);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['PATCH /Users/{id}', 'DELETE /Users/{id}']);
    expect(w.azure.logs.query({ userId: users[0]!.id }).map((r) => r.action)).toEqual(['Create', 'Disable', 'Delete']);
  });
});
