/** Matching before a create: 0 matches -> POST in Entra's shape, 1 match -> adopt and PATCH the differences. (2+ matches: engine-msw.) */
import { describe, expect, it } from 'vitest';
import { byMethod, lines, operations, recordFrom, work } from '../../helpers/engine.ts';
import { world, type World } from '../../helpers/world.ts';

// The request of a captured Entra POST /Users (elimity-idp-fixtures azuread/create_user.json), inlined so the
// test does not depend on files outside the repository.
const FIXTURE: { request: Record<string, any> } = {
  request: {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
  },
};

/** Creates a member straight through NordPass's SCIM API, as if an admin or another tool had made it. */
async function existingMember(w: World, body: Record<string, unknown>): Promise<string> {
  const { tenantUrl, secretToken } = await w.credentials();
  const res = await w.np.fetch(
    new Request(`${tenantUrl}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secretToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true, ...body }),
    }),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('matching', () => {
  it('0 matches: POST with the body shape Entra sends (schemas core + enterprise, externalId, userName, active true, meta.resourceType, roles [])', async () => {
    const w = world({ azure: { provisioning: { mappings: 'nonGallery' } } });
    const { directory, app } = w.azure;
    const ada = directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada Lovelace',
      givenName: 'Ada',
      surname: 'Lovelace',
      mail: 'ada@contoso.com',
    });
    app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    const [query, post] = work(sent());
    expect(query!.path).toBe('/Users?filter=userName+eq+"ada@contoso.com"');
    expect(post!.method).toBe('POST');
    expect(post!.path).toBe('/Users');
    expect(post!.status).toBe(201);
    const body = JSON.parse(post!.requestBody!) as Record<string, any>;
    const expected = FIXTURE.request;
    // The same envelope as the captured Entra request.
    expect(body.schemas).toEqual(expected.schemas);
    expect(body.active).toBe(expected.active);
    expect(body.meta).toEqual(expected.meta);
    expect(body.roles).toEqual(expected.roles);
    expect(typeof body.externalId).toBe(typeof expected.externalId);
    expect(typeof body.userName).toBe(typeof expected.userName);
    // The same shape for the multi-valued and complex attributes: a primary work email, name parts.
    expect(Object.keys(body.emails[0]).sort()).toEqual(Object.keys(expected.emails[0]).sort());
    expect(body.emails).toEqual([{ primary: true, type: 'work', value: 'ada@contoso.com' }]);
    expect(body.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(body).toMatchObject({ userName: 'ada@contoso.com', externalId: 'ada', displayName: 'Ada Lovelace' });
    // Entra does not send nulls: attributes the user lacks (title, phone numbers, department) are absent.
    expect(Object.values(body)).not.toContain(null);
    expect(body).not.toHaveProperty('title');
    expect(body).not.toHaveProperty('phoneNumbers');
    // Headers: the bearer token and the SCIM content type.
    const log = w.azure.logs.query({ userId: ada.id })[0]!;
    expect(log.modified).toContainEqual({ displayName: 'active', oldValue: null, newValue: 'True' });
    expect(log.targetId).toBe(JSON.parse(post!.responseBody!).id);
  });

  it('the NordPass gallery mappings send userName, externalId and active only', async () => {
    const w = world();
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
      givenName: 'Ada',
      mail: 'ada@contoso.com',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    const post = byMethod(sent(), 'POST')[0]!;
    expect(JSON.parse(post.requestBody!)).toEqual({
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ],
      userName: 'ada@contoso.com',
      externalId: 'ada',
      active: true,
      meta: { resourceType: 'User' },
      roles: [],
    });
  });

  it('1 match: adopts the existing member (no POST), links it, and PATCHes only the attributes that differ', async () => {
    const w = world();
    const memberId = await existingMember(w, { userName: 'ada@contoso.com', externalId: 'old-ada' });
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"', 'PATCH /Users/{id}']);
    const patch = byMethod(sent(), 'PATCH')[0]!;
    expect(patch.path).toBe(`/Users/${memberId}`);
    expect(operations(patch)).toEqual([{ op: 'Replace', path: 'externalId', value: 'ada' }]);
    expect(w.azure.job.links.get(ada.id)).toMatchObject({ targetId: memberId, active: true, managed: true });
    expect(w.azure.logs.query({ userId: ada.id })[0]).toMatchObject({
      action: 'Update',
      status: 'success',
      matching: 'adopted',
      targetId: memberId,
      modified: [{ displayName: 'externalId', oldValue: 'old-ada', newValue: 'ada' }],
    });
    expect(w.np.store.allMembers()).toHaveLength(1);
    // Linked: the next change goes by id (GET /Users/{id}), not by a filter.
    w.azure.directory.updateUser(ada.id, { mailNickname: 'ada.l' });
    const next = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(next()))).toEqual(['GET /Users/{id}', 'PATCH /Users/{id}']);
  });

  it('1 match that already agrees: adopted with no PATCH, logged Other', async () => {
    const w = world();
    const memberId = await existingMember(w, { userName: 'ada@contoso.com', externalId: 'ada' });
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"']);
    expect(w.azure.logs.query({ userId: ada.id })[0]).toMatchObject({
      action: 'Other',
      matching: 'adopted',
      targetId: memberId,
    });
    expect(w.azure.job.links.get(ada.id)?.targetId).toBe(memberId);
  });

  it('1 match that is soft-deleted in NordPass: adopted and re-enabled with PATCH active True', async () => {
    const w = world();
    const memberId = await existingMember(w, { userName: 'ada@contoso.com', externalId: 'ada', active: false });
    expect(w.np.members.find(memberId)?.status).toBe('forbidden');
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([{ op: 'Replace', path: 'active', value: 'True' }]);
    expect(w.np.members.find(memberId)?.status).toBe('pending');
  });

  it('matches case-insensitively on userName (NordPass compares userName case-insensitively)', async () => {
    const w = world();
    const memberId = await existingMember(w, { userName: 'ADA@CONTOSO.COM', externalId: 'ada' });
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(byMethod(sent(), 'POST')).toEqual([]);
    expect(w.azure.job.links.get(ada.id)?.targetId).toBe(memberId);
    // userName differs only in case: the mapping value is sent (Entra compares values as strings).
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([
      { op: 'Replace', path: 'userName', value: 'ada@contoso.com' },
    ]);
  });

  it('a UPN with "+" is queried for itself, so an existing member is adopted rather than created twice', async () => {
    const w = world();
    const memberId = await existingMember(w, { userName: 'a+b@contoso.com', externalId: 'ab' });
    const ab = w.azure.directory.addUser({
      userPrincipalName: 'a+b@contoso.com',
      mailNickname: 'ab',
      displayName: 'A B',
    });
    w.azure.app.assign(ab.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(byMethod(sent(), 'POST')).toEqual([]);
    expect(w.azure.logs.query({ userId: ab.id })[0]).toMatchObject({
      action: 'Other',
      matching: 'adopted',
      targetId: memberId,
    });
  });

  it('a user with no value for the matching attribute is skipped with ImportSkipped', async () => {
    const w = world({
      azure: {
        provisioning: {
          mappings: [
            { source: 'employeeId', target: 'externalId', matchingPrecedence: 1 },
            { source: 'userPrincipalName', target: 'userName' },
            { source: 'IsSoftDeleted', target: 'active' },
          ],
        },
      },
    });
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(work(sent())).toEqual([]);
    expect(w.azure.logs.query({ userId: ada.id })[0]).toMatchObject({
      action: 'Other',
      status: 'skipped',
      errorCode: 'ImportSkipped',
    });
  });
});
