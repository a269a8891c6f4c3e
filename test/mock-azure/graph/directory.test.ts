/** /users, /groups and /servicePrincipals details over Graph: edits, members, group deletion, live names. */
import { describe, expect, it } from 'vitest';
import { BASE, DEFAULT_ROLE, graphWorld as baseWorld, type Body, newUser } from '../../helpers/graph.ts';

/** The Graph world with shortcuts for users, groups and members. */
function graphWorld() {
  const g = baseWorld();
  const { call } = g;
  const user = async (upn: string, extra: Body = {}) =>
    (await call('POST', '/users', newUser({ userPrincipalName: upn, displayName: upn.split('@')[0], ...extra }))).body;
  const group = async (displayName: string) =>
    (
      await call('POST', '/groups', {
        displayName,
        mailNickname: displayName.toLowerCase(),
        mailEnabled: false,
        securityEnabled: true,
      })
    ).body;
  const addMember = (
    groupId: string,
    memberId: string,
    url = `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}`,
  ) => call('POST', `/groups/${groupId}/members/$ref`, { '@odata.id': url });
  return { ...g, user, group, addMember };
}

describe('users over Graph', () => {
  it('PATCH edits attributes, clears one with null, maps businessPhones, and renames the UPN', async () => {
    const g = graphWorld();
    const ada = await g.user('ada@contoso.com', {
      jobTitle: 'Engineer',
      givenName: 'Ada',
      businessPhones: ['+1 555 0100'],
      department: 'R&D',
    });
    expect(ada).toMatchObject({ jobTitle: 'Engineer', givenName: 'Ada', businessPhones: ['+1 555 0100'] });
    expect(g.azure.directory.user(ada.id)).toMatchObject({
      telephoneNumber: '+1 555 0100',
      department: 'R&D',
      mailNickname: 'ada',
    });
    expect(
      (
        await g.call('PATCH', `/users/${ada.id}`, {
          jobTitle: null,
          userPrincipalName: 'ada.lovelace@contoso.com',
          usageLocation: 'GB',
        })
      ).status,
    ).toBe(204);
    const after = (await g.call('GET', '/users/ada.lovelace%40contoso.com')).body;
    expect(after).toMatchObject({ id: ada.id, jobTitle: null, userPrincipalName: 'ada.lovelace@contoso.com' });
    expect((await g.call('GET', '/users/ada@contoso.com')).status).toBe(404);
    // A required attribute cannot be cleared.
    expect((await g.call('PATCH', `/users/${ada.id}`, { displayName: null })).status).toBe(400);
    expect((await g.call('PATCH', `/users/${ada.id}`, { businessPhones: ['1', '2'] })).status).toBe(400);
  });

  it('a user deleted and restored keeps its group membership; Graph hides it from members while deleted', async () => {
    const g = graphWorld();
    const ada = await g.user('ada@contoso.com');
    const team = await g.group('Team');
    await g.addMember(team.id, ada.id);
    await g.call('DELETE', `/users/${ada.id}`);
    expect((await g.call('GET', `/groups/${team.id}/members`)).body.value).toEqual([]);
    // A deleted user cannot be added to a group, or assigned.
    expect((await g.addMember(team.id, ada.id)).status).toBe(404);
    expect((await g.assign(ada.id)).status).toBe(404);
    await g.call('POST', `/directory/deletedItems/${ada.id}/restore`);
    expect((await g.call('GET', `/groups/${team.id}/members`)).body.value.map((m: Body) => m.id)).toEqual([ada.id]);
    expect((await g.call('GET', '/directory/deletedItems/microsoft.graph.user')).body.value).toEqual([]);
    expect((await g.call('GET', '/directory/deletedItems/microsoft.graph.group')).body.value).toEqual([]);
  });
});

describe('groups over Graph', () => {
  it('members: key-form references, nested groups with their @odata.type, removal, $filter on groups', async () => {
    const g = graphWorld();
    const ada = await g.user('ada@contoso.com');
    const outer = await g.group('Outer');
    const inner = await g.group('Inner');
    expect((await g.addMember(outer.id, ada.id, `${BASE}/directoryObjects('${ada.id}')`)).status).toBe(204);
    expect((await g.addMember(outer.id, inner.id, `https://graph.microsoft.com/v1.0/groups/${inner.id}/`)).status).toBe(
      204,
    );
    // A group cannot contain itself, through nesting either.
    expect((await g.addMember(inner.id, outer.id)).status).toBe(400);
    const members = (await g.call('GET', `/groups/${outer.id}/members`)).body;
    expect(members['@odata.context']).toBe(`${BASE}/$metadata#directoryObjects`);
    expect(members.value.map((m: Body) => [m['@odata.type'], m.id])).toEqual([
      ['#microsoft.graph.user', ada.id],
      ['#microsoft.graph.group', inner.id],
    ]);
    expect((await g.call('DELETE', `/groups/${outer.id}/members/${ada.id}/$ref`)).status).toBe(204);
    expect((await g.call('DELETE', `/groups/${outer.id}/members/${ada.id}/$ref`)).status).toBe(404);
    expect(g.azure.directory.group(outer.id)!.memberIds).toEqual([inner.id]);
    const found = await g.call('GET', `/groups?$filter=${encodeURIComponent("displayName eq 'inner'")}`);
    expect(found.body.value.map((x: Body) => x.id)).toEqual([inner.id]);
    expect((await g.call('GET', `/groups/${inner.id}?$select=displayName,mailNickname`)).body).toMatchObject({
      displayName: 'Inner',
      mailNickname: 'inner',
    });
  });

  it('PATCH renames a group; DELETE removes it and its assignment, so its members are disabled next cycle', async () => {
    const g = graphWorld();
    const ada = await g.user('ada@contoso.com');
    const team = await g.group('Team');
    await g.addMember(team.id, ada.id);
    const assignment = (await g.assign(team.id)).body;
    expect(
      (await g.call('PATCH', `/groups/${team.id}`, { displayName: 'Team NordPass', description: 'NordPass users' }))
        .status,
    ).toBe(204);
    // Graph shows the principal's current name on the assignment.
    expect(
      (await g.call('GET', `/servicePrincipals/${g.sp}/appRoleAssignedTo/${assignment.id}`)).body.principalDisplayName,
    ).toBe('Team NordPass');
    await g.connect();
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
    expect((await g.call('DELETE', `/groups/${team.id}`)).status).toBe(204);
    expect((await g.call('GET', `/groups/${team.id}`)).status).toBe(404);
    expect((await g.call('GET', `/servicePrincipals/${g.sp}/appRoleAssignedTo`)).body.value).toEqual([]);
    await g.clock.advance('40m');
    expect(g.memberStatus('ada@contoso.com')).toBe('forbidden');
  });
});

describe('the service principal over Graph', () => {
  it('GET by id with $select; filters on appId and startsWith; appRoleAssignedTo filters by principalId', async () => {
    const g = graphWorld();
    const sp = await g.call('GET', `/servicePrincipals/${g.sp}?$select=id,appDisplayName`);
    expect(sp.body).toEqual({
      '@odata.context': `${BASE}/$metadata#servicePrincipals/$entity`,
      id: g.sp,
      appDisplayName: 'NordPass',
    });
    const byAppId = await g.call(
      'GET',
      `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${g.azure.app.id}'`)}`,
    );
    expect(byAppId.body.value).toHaveLength(1);
    expect(
      (await g.call('GET', `/servicePrincipals?$filter=${encodeURIComponent("startsWith(displayName,'Slack')")}`)).body
        .value,
    ).toEqual([]);
    const ada = await g.user('ada@contoso.com');
    const bob = await g.user('bob@contoso.com');
    await g.assign(ada.id);
    await g.assign(bob.id);
    const filtered = await g.call(
      'GET',
      `/servicePrincipals/${g.sp}/appRoleAssignedTo?$filter=${encodeURIComponent(`principalId eq '${bob.id}'`)}`,
    );
    expect(filtered.body['@odata.context']).toBe(`${BASE}/$metadata#servicePrincipals('${g.sp}')/appRoleAssignedTo`);
    expect(filtered.body.value.map((a: Body) => a.principalDisplayName)).toEqual(['bob']);
    // appRoleId may be left out (Default Access).
    const carol = await g.user('carol@contoso.com');
    expect(
      (
        await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, {
          principalId: carol.id,
          resourceId: g.sp,
        })
      ).body.appRoleId,
    ).toBe(DEFAULT_ROLE);
    // resourceId must name this service principal.
    expect(
      (
        await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, {
          principalId: carol.id,
          resourceId: carol.id,
        })
      ).status,
    ).toBe(400);
  });
});
