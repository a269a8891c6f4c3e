/** Who the engine provisions: direct assignments, assigned groups' direct members, "Sync all", and who it never creates. */
import { describe, expect, it } from 'vitest';
import { byMethod, lines, recordFrom, tenantWith, work } from '../../helpers/engine.ts';
import { world } from '../../helpers/world.ts';

describe('scope', () => {
  it('provisions a directly assigned user: query by userName, then POST; unassigned users are not touched', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.directory.addUser({ userPrincipalName: 'eve@contoso.com', mailNickname: 'eve', displayName: 'Eve' });
    const sent = recordFrom(w);
    await w.connect();
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"', 'POST /Users']);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    expect(w.member('eve@contoso.com')).toBeUndefined();
    const [log] = w.azure.logs.query({ userId: users[0]!.id });
    expect(log).toMatchObject({
      action: 'Create',
      status: 'success',
      matching: 'created',
      scope: { inScope: true, softDeleted: false, accountEnabled: true },
    });
  });

  it("an assigned group's direct members are provisioned, a nested group's members are not, and no /Groups request is ever sent", async () => {
    const w = world();
    const { directory, app } = w.azure;
    const add = (upn: string) =>
      directory.addUser({ userPrincipalName: upn, mailNickname: upn.split('@')[0]!, displayName: upn });
    const ada = add('ada@contoso.com');
    const bob = add('bob@contoso.com');
    const nestedOnly = add('nested@contoso.com');
    const engineering = directory.addGroup({ displayName: 'Engineering' });
    const platform = directory.addGroup({ displayName: 'Platform' });
    directory.addMember(engineering.id, ada.id);
    directory.addMember(engineering.id, bob.id);
    directory.addMember(engineering.id, platform.id);
    directory.addMember(platform.id, nestedOnly.id);
    app.assign(engineering.id);
    await w.connect();
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    expect(w.memberStatus('bob@contoso.com')).toBe('pending');
    expect(w.member('nested@contoso.com')).toBeUndefined();
    // A user added to the assigned group later is provisioned in the next incremental cycle; one added to the nested group is not.
    const carol = add('carol@contoso.com');
    const dave = add('dave@contoso.com');
    directory.addMember(engineering.id, carol.id);
    directory.addMember(platform.id, dave.id);
    await w.clock.advance('40m');
    expect(w.memberStatus('carol@contoso.com')).toBe('pending');
    expect(w.member('dave@contoso.com')).toBeUndefined();
    expect(w.azure.exchanges.all().filter((e) => /\/Groups/i.test(e.path))).toEqual([]);
    expect(w.azure.logs.query({ userId: nestedOnly.id })).toEqual([]);
  });

  it('removing a member from the assigned group disables that member only', async () => {
    const w = world();
    const { directory, app } = w.azure;
    const ada = directory.addUser({ userPrincipalName: 'ada@contoso.com', mailNickname: 'ada', displayName: 'Ada' });
    const bob = directory.addUser({ userPrincipalName: 'bob@contoso.com', mailNickname: 'bob', displayName: 'Bob' });
    const group = directory.addGroup({ displayName: 'NordPass users' });
    directory.addMember(group.id, ada.id);
    directory.addMember(group.id, bob.id);
    app.assign(group.id);
    await w.connect();
    directory.removeMember(group.id, bob.id);
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ action: 'Disable' }).map((r) => r.source.userPrincipalName)).toEqual([
      'bob@contoso.com',
    ]);
    expect(w.memberStatus('bob@contoso.com')).toBe('forbidden');
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('unassigning the group disables its members in the next cycle (PATCH active False)', async () => {
    const w = world();
    const { directory, app } = w.azure;
    const ids = ['ada', 'bob'].map(
      (n) => directory.addUser({ userPrincipalName: `${n}@contoso.com`, mailNickname: n, displayName: n }).id,
    );
    const group = directory.addGroup({ displayName: 'NordPass users' });
    for (const id of ids) directory.addMember(group.id, id);
    app.assign(group.id);
    await w.connect();
    app.unassign(group.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    const patches = byMethod(sent(), 'PATCH');
    expect(patches).toHaveLength(2);
    for (const p of patches)
      expect(JSON.parse(p.requestBody!).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
    expect(w.memberStatus('bob@contoso.com')).toBe('forbidden');
    expect(w.azure.logs.query({ action: 'Disable', status: 'success' })).toHaveLength(2);
  });

  it('"Sync all users and groups" provisions every enabled user without any assignment, and skips the disabled ones', async () => {
    const w = world({ azure: { provisioning: { scope: 'all' } } });
    const { directory } = w.azure;
    for (const n of ['ada', 'bob', 'carol'])
      directory.addUser({ userPrincipalName: `${n}@contoso.com`, mailNickname: n, displayName: n });
    const blocked = directory.addUser({
      userPrincipalName: 'blocked@contoso.com',
      mailNickname: 'blocked',
      displayName: 'Blocked',
      accountEnabled: false,
    });
    expect(w.azure.app.assignments()).toEqual([]);
    await w.connect();
    expect(['ada', 'bob', 'carol'].map((n) => w.memberStatus(`${n}@contoso.com`))).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    expect(w.member('blocked@contoso.com')).toBeUndefined();
    expect(w.azure.logs.query({ userId: blocked.id })).toMatchObject([
      { action: 'Other', status: 'skipped', errorCode: 'NotEffectivelyEntitled' },
    ]);
    // A user created later is provisioned by the next incremental cycle.
    directory.addUser({ userPrincipalName: 'dave@contoso.com', mailNickname: 'dave', displayName: 'Dave' });
    await w.clock.advance('40m');
    expect(w.memberStatus('dave@contoso.com')).toBe('pending');
  });

  it('an assigned user with sign-in blocked is never created: Other / skipped / NotEffectivelyEntitled, no POST', async () => {
    const { w, users } = tenantWith(['blocked@contoso.com']);
    w.azure.directory.blockSignIn(users[0]!.id);
    const sent = recordFrom(w);
    await w.connect();
    await w.clock.advance('2h');
    expect(byMethod(sent(), 'POST')).toEqual([]);
    expect(w.member('blocked@contoso.com')).toBeUndefined();
    const logs = w.azure.logs.query({ userId: users[0]!.id });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      action: 'Other',
      status: 'skipped',
      errorCode: 'NotEffectivelyEntitled',
      scope: { inScope: true, accountEnabled: false },
    });
    // Unblocking brings the user into effective scope: created at the next cycle.
    w.azure.directory.unblockSignIn(users[0]!.id);
    await w.clock.advance('40m');
    expect(w.memberStatus('blocked@contoso.com')).toBe('pending');
  });

  it('an assigned user in Deleted users is never created, and restoring it provisions it', async () => {
    const { w, users } = tenantWith(['gone@contoso.com']);
    w.azure.directory.deleteUser(users[0]!.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(byMethod(sent(), 'POST')).toEqual([]);
    expect(w.azure.logs.query({ userId: users[0]!.id })).toMatchObject([
      {
        action: 'Other',
        status: 'skipped',
        errorCode: 'NotEffectivelyEntitled',
        scope: { inScope: true, softDeleted: true },
      },
    ]);
    w.azure.directory.restoreUser(users[0]!.id);
    await w.clock.advance('40m');
    expect(w.memberStatus('gone@contoso.com')).toBe('pending');
  });

  it('a user assigned after start is provisioned in the next incremental cycle, not before', async () => {
    const { w } = tenantWith([]);
    await w.connect();
    const late = w.azure.directory.addUser({
      userPrincipalName: 'late@contoso.com',
      mailNickname: 'late',
      displayName: 'Late',
    });
    w.azure.app.assign(late.id);
    await w.clock.advance('39m59s');
    expect(w.member('late@contoso.com')).toBeUndefined();
    await w.clock.advance('1s');
    expect(w.memberStatus('late@contoso.com')).toBe('pending');
  });
});
