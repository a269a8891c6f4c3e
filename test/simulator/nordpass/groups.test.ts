/** /Groups: full CRUD and membership with group provisioning on; 501 everywhere (and nothing stored) while it is off. */
import { idpFixture } from '../../helpers/scim.ts';
import { describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, PATCH_SCHEMA, harness, type Harness } from '../../helpers/nordpass.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

const on = () => harness({ groupProvisioning: true });

async function createGroup(
  h: Harness,
  displayName: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const res = await h.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

const patchGroup = (h: Harness, id: string, operations: unknown[]) =>
  h.scim('PATCH', `/Groups/${id}`, { schemas: [PATCH_SCHEMA], Operations: operations });

async function getGroup(h: Harness, id: string): Promise<Record<string, any>> {
  const res = await h.scim('GET', `/Groups/${id}`);
  expect(res.status).toBe(200);
  return res.json();
}

const memberIds = (group: Record<string, any>): string[] => (group.members ?? []).map((m: any) => m.value);

describe('groups with group provisioning on', () => {
  it('POST creates with Location and meta; GET reads it back; the list shows it', async () => {
    const h = on();
    const res = await h.scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      externalId: 'eng-1',
      members: [],
    });
    expect(res.status).toBe(201);
    const group = await res.json();
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:8080/scim/v2/Groups/${group.id}`);
    expect(group).toMatchObject({
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      externalId: 'eng-1',
      meta: {
        resourceType: 'Group',
        created: '2026-01-01T09:00:00.000Z',
        lastModified: '2026-01-01T09:00:00.000Z',
        location: res.headers.get('location'),
      },
    });
    expect(group.members ?? []).toEqual([]);
    expect(await getGroup(h, group.id)).toEqual(group);
    const list = await (await h.scim('GET', '/Groups')).json();
    expect(list).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, itemsPerPage: 1 });
    expect(list.Resources[0].id).toBe(group.id);
  });

  it('Entra: POST with empty members, then PATCH Add members one op per call', async () => {
    const h = on();
    const a = await h.createUser('a@example.com');
    const b = await h.createUser('b@example.com');
    const group = await createGroup(h, 'Sales', { members: [] });
    await h.clock.advance('40m');
    for (const user of [a, b, a]) {
      const res = await patchGroup(h, group.id, [{ op: 'Add', path: 'members', value: [{ value: user.id }] }]);
      expect(res.status).toBe(200);
    }
    const after = await getGroup(h, group.id);
    expect(memberIds(after)).toEqual([a.id, b.id]); // adding a present member is not a duplicate
    expect(after.meta.lastModified).toBe('2026-01-01T09:40:00.000Z');
    expect(after.meta.created).toBe('2026-01-01T09:00:00.000Z');
  });

  it('Entra update_group.json (Replace displayName, Add then Remove a member, Entra dialect) gives the fixture values', async () => {
    const h = on();
    const { request, response, statusCode } = idpFixture('azuread/update_group.json');
    const user = await h.createUser('member@example.com');
    const keep = await h.createUser('keep@example.com');
    const group = await createGroup(h, 'before', { members: [{ value: keep.id }] });
    const fixtureMember = 'f648f8d5ea4e4cd38e9c';
    const body = JSON.parse(JSON.stringify(request).replaceAll(fixtureMember, user.id));
    const res = await h.scim('PATCH', `/Groups/${group.id}`, body);
    expect(res.status).toBe(statusCode);
    const patched = await res.json();
    expect(patched.displayName).toBe(response.displayName);
    expect(patched.id).toBe(group.id);
    // the Entra Remove with a value removes only that member (RFC would clear the list)
    expect(memberIds(patched)).toEqual([keep.id]);
  });

  it('Remove in both dialects: Entra value list and RFC members[value eq "id"]', async () => {
    const h = on();
    const [a, b, c] = [
      await h.createUser('a@example.com'),
      await h.createUser('b@example.com'),
      await h.createUser('c@example.com'),
    ];
    const group = await createGroup(h, 'Three', { members: [a, b, c].map((u) => ({ value: u.id })) });
    const entra = await patchGroup(h, group.id, [{ op: 'Remove', path: 'members', value: [{ value: b.id }] }]);
    expect(entra.status).toBe(200);
    expect(memberIds(await getGroup(h, group.id))).toEqual([a.id, c.id]);
    const rfc = await patchGroup(h, group.id, [{ op: 'remove', path: `members[value eq "${a.id}"]` }]);
    expect(rfc.status).toBe(200);
    expect(memberIds(await getGroup(h, group.id))).toEqual([c.id]);
    // Entra retries a Remove of a non-member: not an error
    expect((await patchGroup(h, group.id, [{ op: 'Remove', path: 'members', value: [{ value: b.id }] }])).status).toBe(
      200,
    );
    // RFC remove of a non-member names no target
    const none = await patchGroup(h, group.id, [{ op: 'remove', path: `members[value eq "${a.id}"]` }]);
    expect(none.status).toBe(400);
    expect((await none.json()).scimType).toBe('noTarget');
    // remove with a bare path clears the list
    expect((await patchGroup(h, group.id, [{ op: 'remove', path: 'members' }])).status).toBe(200);
    expect(memberIds(await getGroup(h, group.id))).toEqual([]);
  });

  it('Replace displayName (Entra and RFC forms)', async () => {
    const h = on();
    const group = await createGroup(h, 'Old');
    expect((await patchGroup(h, group.id, [{ op: 'Replace', path: 'displayName', value: 'New' }])).status).toBe(200);
    expect((await getGroup(h, group.id)).displayName).toBe('New');
    expect((await patchGroup(h, group.id, [{ op: 'replace', value: { displayName: 'Newer' } }])).status).toBe(200);
    expect((await getGroup(h, group.id)).displayName).toBe('Newer');
    // displayName is required: it cannot be removed
    const gone = await patchGroup(h, group.id, [{ op: 'remove', path: 'displayName' }]);
    expect(gone.status).toBe(400);
    expect((await getGroup(h, group.id)).displayName).toBe('Newer');
  });

  it('Entra\'s group query: excludedAttributes=members&filter=displayName eq "x"', async () => {
    const h = on();
    const user = await h.createUser('q@example.com');
    const target = await createGroup(h, 'Finance Team', { members: [{ value: user.id }] });
    await createGroup(h, 'Finance');
    const res = await h.scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "finance team"')}`,
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
    expect(body.Resources[0]).toMatchObject({ id: target.id, displayName: 'Finance Team' });
    expect(body.Resources[0].members).toBeUndefined();
    // and the same query without exclusion shows the members
    const full = await (
      await h.scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Finance Team"')}`)
    ).json();
    expect(memberIds(full.Resources[0])).toEqual([user.id]);
    const none = await (
      await h.scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Nobody"')}`)
    ).json();
    expect(none).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('PUT replaces displayName and members; id and created kept', async () => {
    const h = on();
    const [a, b] = [await h.createUser('a@example.com'), await h.createUser('b@example.com')];
    const group = await createGroup(h, 'Put', { externalId: 'x', members: [{ value: a.id }] });
    await h.clock.advance('1h');
    const res = await h.scim('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Put 2',
      members: [{ value: b.id }],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: group.id,
      displayName: 'Put 2',
      meta: { created: group.meta.created, lastModified: '2026-01-01T10:00:00.000Z' },
    });
    expect(memberIds(body)).toEqual([b.id]);
    expect(body.externalId).toBeUndefined();
    expect(await getGroup(h, group.id)).toEqual(body);
  });

  it('DELETE is 204, then 404 for every method', async () => {
    const h = on();
    const group = await createGroup(h, 'Doomed');
    expect((await h.scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    for (const res of [
      await h.scim('GET', `/Groups/${group.id}`),
      await h.scim('DELETE', `/Groups/${group.id}`),
      await patchGroup(h, group.id, [{ op: 'Replace', path: 'displayName', value: 'x' }]),
      await h.scim('PUT', `/Groups/${group.id}`, { schemas: [GROUP_SCHEMA], displayName: 'x' }),
    ]) {
      expect(res.status).toBe(404);
      expect((await res.json()).schemas).toEqual([ERROR_SCHEMA]);
    }
    expect((await (await h.scim('GET', '/Groups')).json()).totalResults).toBe(0);
    expect(h.np.store.allGroups()).toHaveLength(0);
  });

  it('a member deleted over SCIM leaves every group it was in; other members stay', async () => {
    const h = on();
    const [a, b] = [await h.createUser('a@example.com'), await h.createUser('b@example.com')];
    const g1 = await createGroup(h, 'G1', { members: [{ value: a.id }, { value: b.id }] });
    const g2 = await createGroup(h, 'G2', { members: [{ value: a.id }] });
    expect((await h.scim('DELETE', `/Users/${a.id}`)).status).toBe(204);
    expect(memberIds(await getGroup(h, g1.id))).toEqual([b.id]);
    expect(memberIds(await getGroup(h, g2.id))).toEqual([]);
    const filtered = await (
      await h.scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${a.id}"]`)}`)
    ).json();
    expect(filtered.totalResults).toBe(0);
  });

  it('a member purged 30 days after a soft delete leaves its groups at the purge, not before', async () => {
    const h = on();
    const [a, b] = [await h.createUser('a@example.com'), await h.createUser('b@example.com')];
    const group = await createGroup(h, 'G', { members: [{ value: a.id }, { value: b.id }] });
    await h.patch(a.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    await h.clock.advance('29d23h59m59s999ms');
    expect(memberIds(await getGroup(h, group.id))).toEqual([a.id, b.id]);
    await h.clock.advance('1ms');
    expect((await h.member(a.id)).status).toBe('deleted');
    expect(memberIds(await getGroup(h, group.id))).toEqual([b.id]);
  });

  it('an Admin Panel delete removes the member from its groups too', async () => {
    const h = on();
    const a = await h.createUser('a@example.com');
    const group = await createGroup(h, 'G', { members: [{ value: a.id }] });
    expect((await h.admin('DELETE', `/members/${a.id}`)).status).toBe(200);
    expect(memberIds(await getGroup(h, group.id))).toEqual([]);
  });

  it('If-Match is honoured on group writes: a stale version is 412 and changes nothing', async () => {
    const h = on();
    const group = await createGroup(h, 'Tagged');
    const stale = group.meta.version as string;
    const renamed = await (
      await patchGroup(h, group.id, [{ op: 'Replace', path: 'displayName', value: 'Tagged 2' }])
    ).json();
    expect(renamed.meta.version).not.toBe(stale);
    const before = JSON.stringify(h.np.store.data);
    const attempts = [
      await h.scim(
        'PATCH',
        `/Groups/${group.id}`,
        { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'displayName', value: 'lost' }] },
        { headers: { 'If-Match': stale } },
      ),
      await h.scim(
        'PUT',
        `/Groups/${group.id}`,
        { schemas: [GROUP_SCHEMA], displayName: 'lost' },
        { headers: { 'If-Match': stale } },
      ),
      await h.scim('DELETE', `/Groups/${group.id}`, undefined, { headers: { 'If-Match': stale } }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(412);
      expect((await res.json()).schemas).toEqual([ERROR_SCHEMA]);
    }
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    const ok = await h.scim(
      'PATCH',
      `/Groups/${group.id}`,
      { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'displayName', value: 'Tagged 3' }] },
      { headers: { 'If-Match': renamed.meta.version } },
    );
    expect(ok.status).toBe(200);
    expect((await h.scim('DELETE', `/Groups/${group.id}`, undefined, { headers: { 'If-Match': '*' } })).status).toBe(
      204,
    );
  });

  it('a malformed attributes= on a group write is 400 and stores nothing', async () => {
    const h = on();
    const group = await createGroup(h, 'Stable');
    const bad = `attributes=${encodeURIComponent('members[value eq')}`;
    const before = JSON.stringify(h.np.store.data);
    for (const res of [
      await h.scim('POST', `/Groups?${bad}`, { schemas: [GROUP_SCHEMA], displayName: 'New' }),
      await h.scim('PUT', `/Groups/${group.id}?${bad}`, { schemas: [GROUP_SCHEMA], displayName: 'Changed' }),
      await h.scim('PATCH', `/Groups/${group.id}?${bad}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'Replace', path: 'displayName', value: 'Changed' }],
      }),
    ]) {
      expect(res.status).toBe(400);
      expect((await res.json()).scimType).toBe('invalidPath');
    }
    expect(JSON.stringify(h.np.store.data)).toBe(before);
  });

  it('concurrent PATCHes on one group each answer with their own result', async () => {
    const h = on();
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => h.createUser(`m${i}@example.com`)));
    const group = await createGroup(h, 'Busy', { members: [] });
    const responses = await Promise.all(
      users.map(async (u, i) => {
        for (let k = 0; k < i % 3; k++) await new Promise<void>((resolve) => setImmediate(resolve));
        return patchGroup(h, group.id, [
          { op: 'Add', path: 'members', value: [{ value: u.id }] },
          { op: 'Replace', path: 'displayName', value: `Busy ${i}` },
        ]);
      }),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    bodies.forEach((body, i) => {
      expect(body.displayName).toBe(`Busy ${i}`);
      expect(memberIds(body)).toContain(users[i]!.id);
    });
    const final = await getGroup(h, group.id);
    expect(new Set(memberIds(final))).toEqual(new Set(users.map((u) => u.id)));
    expect(final.meta.version).toBe(`W/"${1 + users.length}"`);
  });

  it('discovery lists Groups while group provisioning is on', async () => {
    const h = on();
    const types = await (await h.scim('GET', '/ResourceTypes')).json();
    expect(types.Resources.map((t: any) => t.id)).toEqual(['User', 'Group']);
    expect((await h.scim('GET', '/ResourceTypes/Group')).status).toBe(200);
    const schemas = await (await h.scim('GET', '/Schemas')).json();
    expect(schemas.Resources.map((s: any) => s.id)).toContain(GROUP_SCHEMA);
  });
});

describe('groups with group provisioning off (the default)', () => {
  const requests: Array<[string, string, unknown?]> = [
    ['GET', '/Groups'],
    ['GET', '/groups'],
    ['GET', '/Groups/some-id'],
    ['GET', `/Groups?filter=${encodeURIComponent('displayName eq "x"')}&excludedAttributes=members`],
    ['POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Nope', members: [] }],
    ['POST', '/Groups/.search', { filter: 'displayName pr' }],
    ['PUT', '/Groups/some-id', { schemas: [GROUP_SCHEMA], displayName: 'Nope' }],
    [
      'PATCH',
      '/Groups/some-id',
      { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Add', path: 'members', value: [{ value: 'x' }] }] },
    ],
    ['DELETE', '/Groups/some-id'],
    ['DELETE', '/Groups'],
  ];

  it.each(requests)('%s %s is 501 with a SCIM error, and nothing is stored', async (method, path, body) => {
    const h = harness();
    await h.createUser('u@example.com');
    const before = JSON.stringify(h.np.store.data);
    const res = await h.scim(method, path, body);
    expect(res.status).toBe(501);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const error = await res.json();
    expect(error).toMatchObject({ schemas: [ERROR_SCHEMA], status: '501' });
    expect(error.detail).toMatch(/does not support group provisioning/);
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    expect(h.np.store.allGroups()).toHaveLength(0);
  });

  it('still needs the token: no token is 401, not 501', async () => {
    const h = harness();
    expect((await h.scim('GET', '/Groups', undefined, { token: null })).status).toBe(401);
  });

  it('discovery does not list Groups', async () => {
    const h = harness();
    const types = await (await h.scim('GET', '/ResourceTypes')).json();
    expect(types.Resources.map((t: any) => t.id)).toEqual(['User']);
    expect(types.totalResults).toBe(1);
    expect((await h.scim('GET', '/ResourceTypes/Group')).status).toBe(404);
    const schemas = await (await h.scim('GET', '/Schemas')).json();
    expect(schemas.Resources.map((s: any) => s.id)).not.toContain(GROUP_SCHEMA);
    expect((await h.scim('GET', `/Schemas/${GROUP_SCHEMA}`)).status).toBe(404);
  });
});
