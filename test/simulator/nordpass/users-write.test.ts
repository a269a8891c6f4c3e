/** POST, PATCH and PUT /Users with the bodies real clients send; ETags, virtual-time meta, userName reuse. */
import { idpFixture } from '../../helpers/scim.ts';
import { describe, expect, it } from 'vitest';
import { PATCH_SCHEMA, USER_SCHEMA, harness, type Harness } from '../../helpers/nordpass.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Fields of a fixture response that do not depend on which server answered (no id, meta, computed values). */
function serverIndependent(response: Record<string, any>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((f) => response[f] !== undefined && response[f] !== null).map((f) => [f, response[f]]),
  );
}

async function activeMember(h: Harness, userName: string, extra: Record<string, unknown> = {}) {
  const user = await h.createUser(userName, extra);
  await h.clock.advance('2m');
  expect((await h.admin('POST', `/members/${user.id}/accept-invitation`)).status).toBe(200);
  return user;
}

describe('POST bodies of real clients', () => {
  it('Entra create_user.json: 201 with the same values back', async () => {
    const h = harness();
    const { request, response, statusCode } = idpFixture('azuread/create_user.json');
    const res = await h.scim('POST', '/Users', request);
    expect(res.status).toBe(statusCode);
    const body = await res.json();
    expect(body).toMatchObject(serverIndependent(response, ['externalId', 'userName', 'name', 'active', 'emails']));
    expect(body.emails).toEqual(response.emails);
    expect(body.schemas).toContain(USER_SCHEMA);
    expect(body.roles ?? null).toBeNull(); // sent as [], answered as null: unassigned either way
    expect(body.meta).toMatchObject({
      resourceType: 'User',
      created: '2026-01-01T09:00:00.000Z',
      lastModified: '2026-01-01T09:00:00.000Z',
    });
    expect(body.meta.location).toBe(res.headers.get('location'));
    expect(body.id).not.toBe(response.id);
    // and it reads back the same
    const again = await (await h.scim('GET', `/Users/${body.id}`)).json();
    expect(again).toEqual(body);
  });

  it('Okta create_user.json: 201, the password is neither stored nor returned', async () => {
    const h = harness();
    const { request, response, statusCode } = idpFixture('okta/create_user.json');
    const res = await h.scim('POST', '/Users', request);
    expect(res.status).toBe(statusCode);
    const body = await res.json();
    expect(body).toMatchObject(
      serverIndependent(response, ['userName', 'name', 'emails', 'displayName', 'locale', 'externalId', 'active']),
    );
    expect(body.password).toBeUndefined();
    expect(body.groups).toBeUndefined();
    expect(JSON.stringify(h.np.store.data)).not.toContain(request.password);
    const asked = await (await h.scim('GET', `/Users/${body.id}?attributes=password,userName`)).json();
    expect(asked.password).toBeUndefined();
    expect(asked.userName).toBe('test.user@okta.local');
    const listed = await (await h.scim('GET', `/Users?filter=${encodeURIComponent('password pr')}`)).json();
    expect(listed.totalResults).toBe(0);
  });

  it('"active":"True" is true; "False" creates a member soft-deleted from the start', async () => {
    const h = harness();
    const on = await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'str@example.com', active: 'True' });
    expect(on.status).toBe(201);
    const onBody = await on.json();
    expect(onBody.active).toBe(true);
    expect((await h.member(onBody.id)).status).toBe('pending');
    const off = await h.scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'off@example.com',
      active: 'False',
    });
    expect(off.status).toBe(201);
    const offBody = await off.json();
    expect(offBody.active).toBe(false);
    expect((await h.member(offBody.id)).status).toBe('forbidden');
  });

  it('the full Entra non-gallery attribute set round-trips', async () => {
    const h = harness();
    const boss = await h.createUser('boss@contoso.com');
    const sent = {
      schemas: [USER_SCHEMA, ENTERPRISE],
      externalId: 'ada-object-id',
      userName: 'ada@contoso.com',
      active: true,
      displayName: 'Ada Lovelace',
      title: 'Analyst',
      preferredLanguage: 'en-GB',
      emails: [{ primary: true, type: 'work', value: 'ada@contoso.com' }],
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
      phoneNumbers: [
        { type: 'work', value: '+44 20 7946 0000' },
        { type: 'mobile', value: '+44 7700 900000' },
        { type: 'fax', value: '+44 20 7946 0001' },
      ],
      addresses: [
        {
          type: 'work',
          formatted: '1 Analytical Row',
          streetAddress: '1 Analytical Row',
          locality: 'London',
          region: 'Greater London',
          postalCode: 'N1 1AA',
          country: 'GB',
          primary: true,
        },
      ],
      [ENTERPRISE]: {
        employeeNumber: '1815',
        department: 'Engines',
        costCenter: 'CC-7',
        organization: 'Contoso',
        division: 'Research',
        manager: { value: boss.id },
      },
    };
    const res = await h.scim('POST', '/Users', sent);
    expect(res.status).toBe(201);
    const body = await res.json();
    const { schemas: _s, ...values } = sent;
    expect(body).toMatchObject(values);
    expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    const fetched = await (await h.scim('GET', `/Users/${body.id}`)).json();
    expect(fetched).toMatchObject(values);
    const byDept = await (
      await h.scim('GET', `/Users?filter=${encodeURIComponent(`${ENTERPRISE}:manager.value eq "${boss.id}"`)}`)
    ).json();
    expect(byDept.Resources.map((r: any) => r.id)).toEqual([body.id]);
  });
});

describe('PATCH bodies of real clients', () => {
  it('Entra update_user.json on a user created from create_user.json gives the fixture values and suspends', async () => {
    const h = harness();
    const created = idpFixture('azuread/create_user.json');
    const update = idpFixture('azuread/update_user.json');
    const user = await activeMember(h, created.request.userName, {
      ...created.request,
      userName: created.request.userName,
    });
    await h.clock.advance('1h');
    const res = await h.scim('PATCH', `/Users/${user.id}`, update.request);
    expect(res.status).toBe(update.statusCode);
    const body = await res.json();
    const expected = update.response;
    expect(body.id).toBe(user.id);
    expect(body).toMatchObject({
      userName: expected.userName,
      active: expected.active,
      emails: expected.emails,
      name: { familyName: expected.name.familyName, givenName: expected.name.givenName },
    });
    // fidelity: the fixture server recomputes name.formatted; RFC 7643 leaves it to the client, so it is kept as sent.
    expect(body.name.formatted).toBe(created.request.name.formatted);
    expect(body.externalId).toBe(created.request.externalId);
    expect(body.meta.lastModified).toBe('2026-01-01T10:02:00.000Z');
    const member = await h.member(user.id);
    expect(member.status).toBe('suspended');
    expect(member.userName).toBe(expected.userName);
    // the old userName is free, the new one is taken
    expect(
      (await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: created.request.userName })).status,
    ).toBe(201);
    expect(
      (await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: expected.userName.toUpperCase() })).status,
    ).toBe(409);
  });

  it('Entra aadOptscim062020: one no-path replace with dotted and URN keys', async () => {
    const h = harness();
    const boss = await h.createUser('boss@contoso.com');
    const user = await activeMember(h, 'grace@contoso.com', {
      displayName: 'Grace',
      name: { givenName: 'G', familyName: 'Hopper' },
      emails: [{ type: 'work', value: 'grace@contoso.com', primary: true }],
      [ENTERPRISE]: { department: 'Navy' },
    });
    const res = await h.patch(user.id, [
      {
        op: 'replace',
        value: {
          displayName: 'Grace Hopper',
          'name.givenName': 'Grace',
          'emails[type eq "work"].value': 'grace.hopper@contoso.com',
          [`${ENTERPRISE}:department`]: 'Computing',
          [`${ENTERPRISE}:employeeNumber`]: '1906',
          [`${ENTERPRISE}:manager`]: boss.id,
          title: 'Rear Admiral',
          active: false,
        },
      },
    ]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      displayName: 'Grace Hopper',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ type: 'work', value: 'grace.hopper@contoso.com', primary: true }],
      title: 'Rear Admiral',
      active: false,
      [ENTERPRISE]: { department: 'Computing', employeeNumber: '1906', manager: { value: boss.id } },
    });
    expect(body.emails).toHaveLength(1);
    expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect((await h.member(user.id)).status).toBe('suspended');
  });

  it("Entra's default dialect one attribute per op, and manager removal with an empty value", async () => {
    const h = harness();
    const boss = await h.createUser('boss@contoso.com');
    const user = await h.createUser('ken@contoso.com', {
      [ENTERPRISE]: { manager: { value: boss.id }, department: 'X' },
    });
    const res = await h.patch(user.id, [
      { op: 'Add', path: 'title', value: 'Engineer' },
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
    ]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.title).toBe('Engineer');
    expect(body[ENTERPRISE]).toEqual({ department: 'X' });
    expect(body.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
  });

  it('a PATCH that changes nothing leaves version and lastModified alone', async () => {
    const h = harness();
    const created = await activeMember(h, 'same@example.com', { displayName: 'Same' });
    const user = await (await h.scim('GET', `/Users/${created.id}`)).json();
    await h.clock.advance('1h');
    const res = await h.patch(user.id, [
      { op: 'Replace', path: 'displayName', value: 'Same' },
      { op: 'Replace', path: 'active', value: 'True' },
    ]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.meta.version).toBe(user.meta.version);
    expect(body.meta.lastModified).toBe(user.meta.lastModified);
  });

  it('rewriting an attribute with its own value is no change, even beside one that is', async () => {
    const h = harness();
    const created = await activeMember(h, 'ada@example.com', { displayName: 'Ada', title: 'Engineer' });
    const before = h.np.members.get(created.id);
    const events = before.history.length;
    // Entra sends every mapped attribute when one changes: the unchanged displayName must not count as an update.
    const res = await h.patch(created.id, [
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', path: 'displayName', value: 'Ada' },
    ]);
    expect(res.status).toBe(200);
    expect(before.history.slice(events).map((e) => e.type)).toEqual(['suspended']);
    // The same values in another order over PUT: nothing changes, not even the version or the order of the answer.
    const current = await (await h.scim('GET', `/Users/${created.id}`)).json();
    const put = await h.scim('PUT', `/Users/${created.id}`, {
      schemas: [USER_SCHEMA],
      title: 'Engineer',
      active: false,
      displayName: 'Ada',
      userName: 'ada@example.com',
    });
    expect(put.status).toBe(200);
    const body = await put.json();
    expect(body.meta.version).toBe(current.meta.version);
    expect(Object.keys(body)).toEqual(Object.keys(current));
    expect(before.history.slice(events).map((e) => e.type)).toEqual(['suspended']);
  });
});

describe('PUT', () => {
  it('replaces the whole resource: attributes not sent are removed, id and created kept', async () => {
    const h = harness();
    const user = await h.createUser('put@example.com', {
      displayName: 'Put',
      title: 'T',
      externalId: 'x1',
      emails: [{ value: 'put@example.com', type: 'work' }],
      [ENTERPRISE]: { department: 'D' },
    });
    await h.clock.advance('5m');
    const res = await h.scim('PUT', `/Users/${user.id}`, {
      schemas: [USER_SCHEMA],
      id: 'ignored-id',
      userName: 'put@example.com',
      nickName: 'P',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.id).toBe(user.id);
    expect(body.nickName).toBe('P');
    for (const gone of ['displayName', 'title', 'externalId', 'emails', ENTERPRISE])
      expect(body[gone], gone).toBeUndefined();
    expect(body.schemas).toEqual([USER_SCHEMA]);
    expect(body.active).toBe(true);
    expect(body.meta.created).toBe(user.meta.created);
    expect(body.meta.lastModified).toBe('2026-01-01T09:05:00.000Z');
    expect(await (await h.scim('GET', `/Users/${user.id}`)).json()).toEqual(body);
    expect((await h.scim('GET', '/Users/ignored-id')).status).toBe(404);
  });

  it('a userName change is checked for uniqueness (409, nothing changed) and may change case freely', async () => {
    const h = harness();
    const a = await h.createUser('a@example.com', { displayName: 'A' });
    await h.createUser('b@example.com');
    const before = JSON.stringify(h.np.store.data);
    const clash = await h.scim('PUT', `/Users/${a.id}`, {
      schemas: [USER_SCHEMA],
      userName: 'B@EXAMPLE.COM',
      displayName: 'changed',
    });
    expect(clash.status).toBe(409);
    expect((await clash.json()).scimType).toBe('uniqueness');
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    const recase = await h.scim('PUT', `/Users/${a.id}`, { schemas: [USER_SCHEMA], userName: 'A@Example.com' });
    expect(recase.status).toBe(200);
    expect((await recase.json()).userName).toBe('A@Example.com');
  });

  it('PUT without userName is a 400 and changes nothing', async () => {
    const h = harness();
    const a = await h.createUser('keep@example.com', { displayName: 'Keep' });
    const res = await h.scim('PUT', `/Users/${a.id}`, { schemas: [USER_SCHEMA], displayName: 'Lost' });
    expect(res.status).toBe(400);
    expect((await (await h.scim('GET', `/Users/${a.id}`)).json()).displayName).toBe('Keep');
  });
});

describe('ETag and If-Match', () => {
  it('meta.version is W/"n", equal to the ETag header, and grows with each change', async () => {
    const h = harness();
    const res = await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'tag@example.com' });
    const user = await res.json();
    expect(user.meta.version).toMatch(/^W\/"\d+"$/);
    expect(res.headers.get('etag')).toBe(user.meta.version);
    const get = await h.scim('GET', `/Users/${user.id}`);
    expect(get.headers.get('etag')).toBe(user.meta.version);
    const patched = await h.patch(user.id, [{ op: 'replace', path: 'displayName', value: 'Tag' }]);
    const patchedBody = await patched.json();
    expect(patched.headers.get('etag')).toBe(patchedBody.meta.version);
    expect(patchedBody.meta.version).not.toBe(user.meta.version);
    // a projection does not hide the ETag header
    const projected = await h.scim('GET', `/Users/${user.id}?attributes=userName`);
    expect(projected.headers.get('etag')).toBe(patchedBody.meta.version);
  });

  it('a stale If-Match is 412 and changes nothing on PATCH, PUT and DELETE; the current one is accepted', async () => {
    const h = harness();
    const user = await h.createUser('match@example.com', { displayName: 'v1' });
    const stale = user.meta.version as string;
    const second = await (await h.patch(user.id, [{ op: 'replace', path: 'displayName', value: 'v2' }])).json();
    const current = second.meta.version as string;
    const before = JSON.stringify(h.np.store.data);
    const attempts = [
      h.scim(
        'PATCH',
        `/Users/${user.id}`,
        { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'v3' }] },
        { headers: { 'If-Match': stale } },
      ),
      h.scim(
        'PUT',
        `/Users/${user.id}`,
        { schemas: [USER_SCHEMA], userName: 'match@example.com', displayName: 'v3' },
        { headers: { 'If-Match': stale } },
      ),
      h.scim('DELETE', `/Users/${user.id}`, undefined, { headers: { 'If-Match': stale } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(412);
      expect((await res.json()).status).toBe('412');
    }
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    const ok = await h.scim(
      'PATCH',
      `/Users/${user.id}`,
      { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'v3' }] },
      { headers: { 'If-Match': current } },
    );
    expect(ok.status).toBe(200);
    const okBody = await ok.json();
    expect(okBody.displayName).toBe('v3');
    const put = await h.scim(
      'PUT',
      `/Users/${user.id}`,
      { schemas: [USER_SCHEMA], userName: 'match@example.com', displayName: 'v4' },
      { headers: { 'If-Match': `"x", ${okBody.meta.version}` } },
    );
    expect(put.status).toBe(200);
    const any = await h.scim('DELETE', `/Users/${user.id}`, undefined, { headers: { 'If-Match': '*' } });
    expect(any.status).toBe(204);
  });
});

describe('meta and virtual time', () => {
  it('meta.lastModified moves with the virtual clock; meta.created does not', async () => {
    const h = harness();
    const user = await h.createUser('time@example.com');
    expect(user.meta.created).toBe('2026-01-01T09:00:00.000Z');
    await h.clock.advance('3d4h');
    const first = await (await h.patch(user.id, [{ op: 'replace', path: 'title', value: 'A' }])).json();
    expect(first.meta).toMatchObject({ created: '2026-01-01T09:00:00.000Z', lastModified: '2026-01-04T13:00:00.000Z' });
    await h.clock.advance('1ms');
    const second = await (
      await h.scim('PUT', `/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: 'time@example.com', title: 'B' })
    ).json();
    expect(second.meta.lastModified).toBe('2026-01-04T13:00:00.001Z');
    // reading does not move it
    await h.clock.advance('1d');
    expect((await (await h.scim('GET', `/Users/${user.id}`)).json()).meta.lastModified).toBe(
      '2026-01-04T13:00:00.001Z',
    );
  });

  it('a userName change frees the old name for a new member, and only the new holder is found by it', async () => {
    const h = harness();
    const old = await h.createUser('jo@example.com');
    expect((await h.patch(old.id, [{ op: 'Replace', path: 'userName', value: 'jo.smith@example.com' }])).status).toBe(
      200,
    );
    const fresh = await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'JO@example.com' });
    expect(fresh.status).toBe(201);
    const freshBody = await fresh.json();
    const byOld = await (
      await h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "jo@example.com"')}`)
    ).json();
    expect(byOld.Resources.map((r: any) => r.id)).toEqual([freshBody.id]);
    const byNew = await (
      await h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "Jo.Smith@example.com"')}`)
    ).json();
    expect(byNew.Resources.map((r: any) => r.id)).toEqual([old.id]);
    // and the renamed member cannot take its old name back while the new member holds it
    const back = await h.patch(old.id, [{ op: 'Replace', path: 'userName', value: 'jo@example.com' }]);
    expect(back.status).toBe(409);
  });
});

describe('a refused projection changes nothing', () => {
  const bad = `attributes=${encodeURIComponent('emails[type eq')}`;

  it('POST, PUT and PATCH with a malformed attributes= are 400 invalidPath and store nothing', async () => {
    const h = harness();
    const user = await h.createUser('proj@example.com', { displayName: 'Before' });
    const before = JSON.stringify(h.np.store.data);
    const attempts = [
      await h.scim('POST', `/Users?${bad}`, { schemas: [USER_SCHEMA], userName: 'new@example.com' }),
      await h.scim('PUT', `/Users/${user.id}?${bad}`, {
        schemas: [USER_SCHEMA],
        userName: 'proj@example.com',
        displayName: 'After',
      }),
      await h.scim('PATCH', `/Users/${user.id}?${bad}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(400);
      expect((await res.json()).scimType).toBe('invalidPath');
    }
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    // the refused POST did not take the userName
    expect((await h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'new@example.com' })).status).toBe(201);
  });

  it('the same requests with a valid projection answer with just those attributes', async () => {
    const h = harness();
    const res = await h.scim('POST', '/Users?attributes=userName', {
      schemas: [USER_SCHEMA],
      userName: 'p@example.com',
      displayName: 'P',
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'schemas', 'userName']);
    const patched = await h.scim('PATCH', `/Users/${body.id}?excludedAttributes=meta`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'title', value: 'T' }],
    });
    expect(patched.status).toBe(200);
    const patchedBody = await patched.json();
    expect(patchedBody).toMatchObject({ title: 'T', displayName: 'P' });
    expect(patchedBody.meta).toBeUndefined();
    expect(patched.headers.get('etag')).toBe('W/"2"');
  });
});
