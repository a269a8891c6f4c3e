import { describe, expect, it } from 'vitest';
import { idpFixture, scimError } from '../../../helpers/scim.ts';
import { applyPatch, PATCH_OP_SCHEMA } from '../../../../simulator/nordpass/scim/patch.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../../simulator/nordpass/scim/schemas.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

function makeUser(): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: 'u-1',
    externalId: 'ext-1',
    userName: 'alice@example.com',
    name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
    displayName: 'Alice Smith',
    emails: [
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home' },
    ],
    active: true,
    meta: {
      resourceType: 'User',
      created: '2020-01-01T00:00:00Z',
      lastModified: '2020-01-01T00:00:00Z',
      version: 'W/"1"',
    },
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', department: 'Sales' },
  };
}

function makeGroup(...members: string[]): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: 'g-1',
    displayName: 'Engineers',
    ...(members.length ? { members: members.map((value) => ({ value, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: '2020-01-01T00:00:00Z' },
  };
}

const patchUser = (user: Record<string, unknown>, ...ops: unknown[]) => applyPatch(user, patch(...ops), 'User');
const patchGroup = (group: Record<string, unknown>, ...ops: unknown[]) => applyPatch(group, patch(...ops), 'Group');

describe('the real Entra fixture bodies', () => {
  it('update_user.json gives exactly the fixture response', () => {
    const { request, response } = idpFixture('azuread/update_user.json');
    const before = {
      ...structuredClone(response),
      userName: 'Test_User_old@testuser.com',
      name: { formatted: 'givenName updatedFamilyName', familyName: 'familyName', givenName: 'givenName' },
      active: true,
      emails: [{ value: 'old@testuser.com', type: 'work', primary: true }],
    };
    const frozen = structuredClone(before);
    const { resource, changed } = applyPatch(before, request, 'User');
    expect(resource).toEqual(response);
    expect(changed).toBe(true);
    expect(before).toEqual(frozen);
  });

  it('update_group.json renames, adds then removes the member (non-RFC remove with a value list)', () => {
    const { request, response } = idpFixture('azuread/update_group.json');
    const before = { ...structuredClone(response), displayName: 'displayName', members: [{ value: 'other-member' }] };
    const { resource, changed } = applyPatch(before, request, 'Group');
    expect(resource).toEqual({ ...response, members: [{ value: 'other-member' }] });
    expect(changed).toBe(true);
    // The same body on a group without other members leaves no members attribute at all.
    const empty = applyPatch(structuredClone(response), request, 'Group').resource;
    expect(empty).toEqual(response);
    expect('members' in empty).toBe(false);
  });

  it('the Okta fixture bodies apply too', () => {
    const okta = idpFixture('okta/update_user_patch.json');
    const user = { ...structuredClone(okta.response), active: true };
    expect(applyPatch(user, okta.request, 'User').resource).toEqual(okta.response);
    const rename = idpFixture('okta/update_group_name.json');
    const group = { ...structuredClone(rename.response), displayName: 'Old name' };
    expect(applyPatch(group, rename.request, 'Group').resource.displayName).toBe('Test SCIMv2'); // id echoed, unchanged
    const membership = idpFixture('okta/update_group_membership.json');
    const withMember = {
      schemas: [GROUP_SCHEMA],
      id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b',
      displayName: 'Test SCIMv2',
      members: [{ value: '89bb1940-b905-4575-9e7f-6f887cfb368e' }],
    };
    const after = applyPatch(withMember, membership.request, 'Group').resource;
    expect(after.members).toEqual([
      { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
      { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
    ]);
  });
});

describe('Entra default dialect', () => {
  it.each([
    ['False', false],
    ['false', false],
    ['FALSE', false],
    [false, false],
    ['True', true],
    ['true', true],
    [true, true],
  ])('Replace active %j -> %j (a boolean)', (value, expected) => {
    const user = { ...makeUser(), active: !expected };
    const { resource } = patchUser(user, { op: 'Replace', path: 'active', value });
    expect(resource.active).toBe(expected);
  });

  it.each(['Add', 'ADD', 'add', 'Replace', 'rEpLaCe'])('op %s in any case', (op) => {
    expect(patchUser(makeUser(), { op, path: 'nickName', value: 'Babs' }).resource.nickName).toBe('Babs');
  });

  it('creates the work email when no element matches emails[type eq "work"].value', () => {
    const user = { ...makeUser(), emails: [{ value: 'h@home', type: 'home' }] };
    const { resource } = patchUser(user, { op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@work' });
    expect(resource.emails).toEqual([
      { value: 'h@home', type: 'home' },
      { type: 'work', value: 'w@work' },
    ]);
    const none = patchUser(
      { ...makeUser(), emails: undefined },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@work' },
    );
    expect(none.resource.emails).toEqual([{ type: 'work', value: 'w@work' }]);
  });

  it('updates the matching element only, keeping its other sub-attributes', () => {
    const { resource } = patchUser(makeUser(), {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: 'new@example.com',
    });
    expect(resource.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home' },
    ]);
  });

  it('setting primary on one email clears it on the others', () => {
    const { resource } = patchUser(makeUser(), {
      op: 'Replace',
      path: 'emails[type eq "home"].primary',
      value: 'True',
    });
    expect(resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: false },
      { value: 'alice@home.example', type: 'home', primary: true },
    ]);
  });

  it('writes enterprise attributes by URN path and lists the extension in schemas', () => {
    const user = makeUser();
    delete user[ENTERPRISE_USER_SCHEMA];
    user.schemas = [USER_SCHEMA];
    const { resource } = patchUser(
      user,
      { op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'R&D' },
      { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: 'boss-id' },
    );
    expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'R&D', manager: { value: 'boss-id' } });
    expect(resource.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it("accepts the older sample's manager form and removes the manager", () => {
    const { resource } = patchUser(makeUser(), {
      op: 'Add',
      path: 'manager',
      value: [{ $ref: 'http://x/Users/b', value: 'b' }],
    });
    expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: '7',
      department: 'Sales',
      manager: { $ref: 'http://x/Users/b', value: 'b' },
    });
    const removed = patchUser(resource, { op: 'Remove', path: `${ENTERPRISE_USER_SCHEMA}:manager.value` }).resource;
    expect(removed[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: '7',
      department: 'Sales',
      manager: { $ref: 'http://x/Users/b' },
    });
    const cleared = patchUser(resource, {
      op: 'Replace',
      path: `${ENTERPRISE_USER_SCHEMA}:manager`,
      value: '',
    }).resource;
    expect(cleared[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '7', department: 'Sales' }); // "Replace with empty" clears
  });

  it('Remove members with a value list removes only those; unknown ids are ignored', () => {
    const { resource } = patchGroup(makeGroup('a', 'b', 'c'), {
      op: 'Remove',
      path: 'members',
      value: [{ value: 'b' }, { value: 'zz' }],
    });
    expect(resource.members).toEqual([
      { value: 'a', type: 'User' },
      { value: 'c', type: 'User' },
    ]);
  });
});

describe('Entra with aadOptscim062020: one path-less replace with dotted and URN keys', () => {
  it('applies every key under its canonical name', () => {
    const { resource } = patchUser(makeUser(), {
      op: 'replace',
      value: {
        DisplayName: 'Alice Jones',
        'name.givenName': 'Alicia',
        'name.familyName': 'Jones',
        externalId: 'ext-2',
        [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '99',
        'emails[type eq "work"].value': 'alicia@example.com',
      },
    });
    expect(resource.displayName).toBe('Alice Jones');
    expect('DisplayName' in resource).toBe(false);
    expect(resource.name).toEqual({ givenName: 'Alicia', familyName: 'Jones', formatted: 'Alice Smith' });
    expect(resource.externalId).toBe('ext-2');
    expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '99', department: 'Sales' });
    expect((resource.emails as Array<Record<string, unknown>>)[0]!.value).toBe('alicia@example.com');
  });

  it('accepts a nested extension object and a complex value that merges', () => {
    const { resource } = patchUser(makeUser(), {
      op: 'replace',
      value: { name: { givenName: 'Al' }, [ENTERPRISE_USER_SCHEMA]: { department: 'Ops' } },
    });
    expect(resource.name).toEqual({ givenName: 'Al', familyName: 'Smith', formatted: 'Alice Smith' });
    expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '7', department: 'Ops' });
  });

  it('removes a member with the RFC filter form', () => {
    const { resource } = patchGroup(makeGroup('a', 'b'), { op: 'remove', path: 'members[value eq "a"]' });
    expect(resource.members).toEqual([{ value: 'b', type: 'User' }]);
  });
});

describe('Okta and RFC forms', () => {
  it('Okta disables with {"op":"replace","value":{"active":false}}', () => {
    const { resource, changed } = patchUser(makeUser(), { op: 'replace', value: { active: false } });
    expect(resource.active).toBe(false);
    expect(changed).toBe(true);
  });

  it('a path-less add sets attributes; readOnly ones equal to the stored value are ignored', () => {
    const user = makeUser();
    const { resource } = patchUser(user, {
      op: 'add',
      value: { id: 'u-1', schemas: [USER_SCHEMA], groups: [], title: 'CTO', meta: { resourceType: 'User' } },
    });
    expect(resource).toEqual({ ...user, title: 'CTO' });
  });

  it('replace of a multi-valued attribute replaces all values; add appends', () => {
    const replaced = patchUser(makeUser(), {
      op: 'replace',
      path: 'emails',
      value: [{ value: 'only@x', type: 'work', Primary: 'true' }],
    });
    expect(replaced.resource.emails).toEqual([{ value: 'only@x', type: 'work', primary: true }]);
    const added = patchUser(makeUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'other@x', type: 'other', primary: true }],
    });
    expect(added.resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: false },
      { value: 'alice@home.example', type: 'home' },
      { value: 'other@x', type: 'other', primary: true },
    ]);
  });

  it('replace without a sub-attribute replaces the matched element', () => {
    const { resource } = patchUser(makeUser(), {
      op: 'replace',
      path: 'emails[type eq "home"]',
      value: { value: 'new@home', type: 'home' },
    });
    expect(resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'new@home', type: 'home' },
    ]);
  });

  it('sets and removes sub-attributes of single complex attributes', () => {
    const set = patchUser(makeUser(), { op: 'add', path: 'name.middleName', value: 'Q' }).resource;
    expect(set.name).toEqual({ givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith', middleName: 'Q' });
    const removed = patchUser(makeUser(), { op: 'remove', path: 'name.formatted' }).resource;
    expect(removed.name).toEqual({ givenName: 'Alice', familyName: 'Smith' });
    const onlyOne = { ...makeUser(), name: { givenName: 'A' } };
    expect('name' in patchUser(onlyOne, { op: 'remove', path: 'name.givenName' }).resource).toBe(false);
  });

  it('remove of a whole attribute, a sub-attribute of all values, and a filtered element', () => {
    expect('displayName' in patchUser(makeUser(), { op: 'remove', path: 'displayName' }).resource).toBe(false);
    expect(patchUser(makeUser(), { op: 'remove', path: 'emails.type' }).resource.emails).toEqual([
      { value: 'alice@example.com', primary: true },
      { value: 'alice@home.example' },
    ]);
    expect(patchUser(makeUser(), { op: 'remove', path: 'emails[type eq "work"]' }).resource.emails).toEqual([
      { value: 'alice@home.example', type: 'home' },
    ]);
    expect(patchUser(makeUser(), { op: 'remove', path: 'emails[type eq "work"].primary' }).resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work' },
      { value: 'alice@home.example', type: 'home' },
    ]);
    const noEmails = patchUser(makeUser(), { op: 'remove', path: 'emails[value co "alice"]' }).resource;
    expect('emails' in noEmails).toBe(false);
    const noExtension = patchUser(makeUser(), { op: 'remove', path: ENTERPRISE_USER_SCHEMA }).resource;
    expect(ENTERPRISE_USER_SCHEMA in noExtension).toBe(false);
    expect(noExtension.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('null clears on replace and adds nothing on add', () => {
    expect('emails' in patchUser(makeUser(), { op: 'replace', path: 'emails', value: null }).resource).toBe(false);
    expect(patchUser(makeUser(), { op: 'add', path: 'emails', value: null }).changed).toBe(false);
    expect(
      'title' in patchUser({ ...makeUser(), title: 'x' }, { op: 'replace', path: 'title', value: null }).resource,
    ).toBe(false);
    expect(patchUser(makeUser(), { op: 'add', path: 'name', value: null }).resource.name).toEqual(makeUser().name);
    expect(patchUser(makeUser(), { op: 'replace', path: 'emails[type eq "fax"].value', value: null }).changed).toBe(
      false,
    );
  });

  it('removing something absent is not a change', () => {
    const { changed } = patchUser(makeUser(), { op: 'remove', path: 'nickName' });
    expect(changed).toBe(false);
  });

  it('accepts writeOnly password but never stores it', () => {
    const { resource, changed } = patchUser(
      makeUser(),
      { op: 'replace', path: 'password', value: 'hunter2' },
      { op: 'replace', value: { password: 'x' } },
    );
    expect('password' in resource).toBe(false);
    expect(changed).toBe(false);
  });
});

describe('group members', () => {
  it('reads a member displayName as display (Microsoft collection), an explicit display wins', () => {
    const { resource } = patchGroup(makeGroup(), {
      name: 'addMember',
      op: 'add',
      path: 'members',
      value: [
        { displayName: 'new User', value: 'u4' },
        { displayName: 'x', display: 'VP', value: 'u5' },
      ],
    });
    expect(resource.members).toEqual([
      { display: 'new User', value: 'u4' },
      { display: 'VP', value: 'u5' },
    ]);
  });

  it.each([
    ['a list of {value}', [{ value: 'u9', $ref: null }]],
    ['a bare string (Microsoft collection)', 'u9'],
    ['a single object', { value: 'u9' }],
  ])('add with %s', (_, value) => {
    const { resource } = patchGroup(makeGroup('u1'), { op: 'add', path: 'members', value });
    expect(resource.members).toEqual([{ value: 'u1', type: 'User' }, { value: 'u9' }]);
  });

  it('adding a member already present is not a duplicate and not a change', () => {
    const group = makeGroup('u1');
    const { resource, changed } = patchGroup(group, { op: 'Add', path: 'members', value: [{ value: 'u1' }] });
    expect(resource.members).toEqual([{ value: 'u1', type: 'User' }]);
    expect(changed).toBe(false);
  });

  it('adds the same new member twice in one request only once', () => {
    const { resource } = patchGroup(makeGroup(), {
      op: 'add',
      path: 'members',
      value: [{ value: 'u1' }, { value: 'u1' }],
    });
    expect(resource.members).toEqual([{ value: 'u1' }]);
  });

  it('remove with path "members" and no value removes all members', () => {
    const { resource, changed } = patchGroup(makeGroup('a', 'b'), { op: 'remove', path: 'members' });
    expect('members' in resource).toBe(false);
    expect(changed).toBe(true);
  });

  it('a member without an id is invalidValue', () => {
    const err = scimError(() => patchGroup(makeGroup(), { op: 'add', path: 'members', value: [{ display: 'x' }] }));
    expect([err.status, err.scimType]).toEqual([400, 'invalidValue']);
  });

  it('renames with a capitalised attribute name', () => {
    const { resource } = patchGroup(makeGroup(), { op: 'Replace', path: 'DisplayName', value: 'Ops' });
    expect(resource.displayName).toBe('Ops');
  });
});

describe('canonical names', () => {
  it('writes UserName as userName and Active as active, dropping the odd-cased key', () => {
    const user: Record<string, unknown> = { ...makeUser(), Active: true };
    delete user.active;
    const { resource } = patchUser(
      user,
      { op: 'replace', path: 'UserName', value: 'bob@example.com' },
      { op: 'replace', path: 'ACTIVE', value: 'false' },
    );
    expect(resource.userName).toBe('bob@example.com');
    expect(resource.active).toBe(false);
    expect('Active' in resource).toBe(false);
    expect(patchUser(makeUser(), { op: 'replace', value: { Active: false } }).resource.active).toBe(false);
  });
});

describe('body validation', () => {
  it.each([
    ['not an object', 'just a string'],
    ['an array', [patch({ op: 'add', path: 'title', value: 'x' })]],
    ['missing schemas', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['wrong schema', { schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['missing Operations', { schemas: [PATCH_OP_SCHEMA] }],
    ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }],
    ['Operations not an array', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }],
    ['an operation that is not an object', patch('add')],
    ['an unknown op', patch({ op: 'merge', path: 'title', value: 'x' })],
    ['a missing op', patch({ path: 'title', value: 'x' })],
    ['too many operations', patch(...Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' })))],
  ])('%s -> 400 invalidSyntax', (_, body) => {
    const err = scimError(() => applyPatch(makeUser(), body, 'User'));
    expect([err.status, err.scimType]).toEqual([400, 'invalidSyntax']);
  });

  it('accepts exactly 1000 operations', () => {
    const body = patch(...Array.from({ length: 1000 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` })));
    expect(applyPatch(makeUser(), body, 'User').resource.title).toBe('t999');
  });
});

describe('operation errors', () => {
  it.each<[string, unknown, number, string]>([
    ['unknown attribute', { op: 'replace', path: 'favouriteColour', value: 'red' }, 400, 'invalidPath'],
    ['unknown sub-attribute', { op: 'replace', path: 'name.nick', value: 'x' }, 400, 'invalidPath'],
    [
      'unknown extension attribute',
      { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:shoeSize`, value: '9' },
      400,
      'invalidPath',
    ],
    ['unknown schema URN', { op: 'replace', path: 'urn:example:custom:2.0:User:x', value: '9' }, 400, 'invalidPath'],
    ['malformed path', { op: 'replace', path: 'emails[type eq', value: 'x' }, 400, 'invalidPath'],
    [
      'value filter on a single-valued attribute',
      { op: 'replace', path: 'name[givenName eq "A"].familyName', value: 'x' },
      400,
      'invalidPath',
    ],
    ['unknown key in a path-less value', { op: 'replace', value: { favouriteColour: 'red' } }, 400, 'invalidPath'],
    ['remove without path', { op: 'remove' }, 400, 'noTarget'],
    ['Remove without path (Entra case)', { op: 'Remove', value: { active: false } }, 400, 'noTarget'],
    ['remove with a filter matching nothing', { op: 'remove', path: 'emails[type eq "other"]' }, 400, 'noTarget'],
    [
      'replace of a whole element matching nothing',
      { op: 'replace', path: 'emails[type eq "other"]', value: { value: 'x' } },
      400,
      'noTarget',
    ],
    [
      'replace of a sub-attribute under a non-eq filter matching nothing',
      { op: 'replace', path: 'emails[value co "zzz"].type', value: 'x' },
      400,
      'noTarget',
    ],
    [
      'a string for a complex attribute without value',
      { op: 'replace', path: 'name', value: 'Alice Smith' },
      400,
      'invalidValue',
    ],
    [
      'an object for a string attribute',
      { op: 'replace', path: 'userName', value: { value: 'x' } },
      400,
      'invalidValue',
    ],
    ['a number for a string attribute', { op: 'replace', path: 'displayName', value: 7 }, 400, 'invalidValue'],
    ['an array for a single-valued string', { op: 'replace', path: 'title', value: ['a', 'b'] }, 400, 'invalidValue'],
    ['a non-boolean-ish string for active', { op: 'Replace', path: 'active', value: 'Nope' }, 400, 'invalidValue'],
    ['a number for active', { op: 'replace', path: 'active', value: 0 }, 400, 'invalidValue'],
    ['a bad boolean inside a path-less value', { op: 'replace', value: { active: 'yes' } }, 400, 'invalidValue'],
    ['a bad email element', { op: 'add', path: 'emails', value: [{ value: 5 }] }, 400, 'invalidValue'],
    ['a path-less replace with a non-object value', { op: 'replace', value: 'x' }, 400, 'invalidValue'],
    ['changing id', { op: 'replace', path: 'id', value: 'other' }, 400, 'mutability'],
    ['changing id in a path-less value', { op: 'replace', value: { id: 'other' } }, 400, 'mutability'],
    ['changing meta', { op: 'replace', path: 'meta.created', value: '2021-01-01T00:00:00Z' }, 400, 'mutability'],
    ['changing meta in a path-less value', { op: 'replace', value: { meta: { version: 'W/"9"' } } }, 400, 'mutability'],
    ['adding groups', { op: 'add', path: 'groups', value: [{ value: 'g' }] }, 400, 'mutability'],
    ['replacing schemas', { op: 'replace', path: 'schemas', value: [USER_SCHEMA] }, 400, 'mutability'],
  ])('%s -> %i %s', (_, op, status, scimType) => {
    const user = makeUser();
    const frozen = structuredClone(user);
    const err = scimError(() => patchUser(user, op));
    expect([err.status, err.scimType]).toEqual([status, scimType]);
    expect(err.detail).toMatch(/^Operations\[0\]: /);
    expect(user).toEqual(frozen);
  });

  it('a failing later op leaves nothing half-applied', () => {
    const user = makeUser();
    const frozen = structuredClone(user);
    const err = scimError(() =>
      patchUser(
        user,
        { op: 'replace', path: 'userName', value: 'bob' },
        { op: 'Remove', path: 'emails[type eq "fax"]' },
      ),
    );
    expect(err.scimType).toBe('noTarget');
    expect(err.detail).toMatch(/^Operations\[1\]: /);
    expect(user).toEqual(frozen);
  });
});

describe('prototype pollution', () => {
  it.each<[string, unknown, string]>([
    ['__proto__ path', { op: 'add', path: '__proto__.polluted', value: 'yes' }, 'invalidPath'],
    ['constructor path', { op: 'add', path: 'constructor.prototype.polluted', value: 'yes' }, 'invalidPath'],
    ['prototype path', { op: 'add', path: 'prototype', value: 'yes' }, 'invalidPath'],
    ['constructor sub-attribute', { op: 'add', path: 'name.constructor', value: 'yes' }, 'invalidPath'],
    ['URN with a constructor segment', { op: 'add', path: 'urn:constructor:x:polluted', value: 'yes' }, 'invalidPath'],
    [
      '__proto__ key in a path-less value',
      { op: 'add', value: JSON.parse('{"__proto__": {"polluted": "yes"}}') },
      'invalidValue',
    ],
    [
      'constructor key in a path-less value',
      { op: 'add', value: { constructor: { prototype: { polluted: 'yes' } } } },
      'invalidValue',
    ],
    [
      '__proto__ inside a complex value',
      { op: 'replace', path: 'name', value: JSON.parse('{"givenName":"x","__proto__":{"polluted":"yes"}}') },
      'invalidValue',
    ],
    [
      '__proto__ inside a member',
      { op: 'add', path: 'emails', value: JSON.parse('[{"value":"a@b","__proto__":{"polluted":"yes"}}]') },
      'invalidValue',
    ],
  ])('%s -> 400 %s and no pollution', (_, op, scimType) => {
    const err = scimError(() => patchUser(makeUser(), op));
    expect([err.status, err.scimType]).toEqual([400, scimType]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a stored resource carrying __proto__ as an own key does not leak it into the copy', () => {
    const user = JSON.parse(
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","__proto__":{"polluted":"yes"}}',
    );
    const { resource } = patchUser(user, { op: 'replace', path: 'title', value: 'x' });
    expect(Object.getPrototypeOf(resource)).toBe(Object.prototype);
    expect((resource as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('immutability and changed', () => {
  it('never mutates the input, including nested arrays, and returns a fresh object', () => {
    const user = makeUser();
    const frozen = structuredClone(user);
    const { resource } = patchUser(
      user,
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y' },
      { op: 'add', path: 'name.middleName', value: 'M' },
      { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'Ops' },
    );
    expect(user).toEqual(frozen);
    expect(resource).not.toBe(user);
    expect(resource.emails).not.toBe(user.emails);
    expect(resource.name).not.toBe(user.name);
  });

  it('changed is false when the result deep-equals the input', () => {
    expect(patchUser(makeUser(), { op: 'replace', path: 'userName', value: 'alice@example.com' }).changed).toBe(false);
    expect(patchUser(makeUser(), { op: 'Replace', path: 'active', value: 'True' }).changed).toBe(false);
    expect(patchUser(makeUser(), { op: 'replace', path: 'userName', value: 'ALICE@example.com' }).changed).toBe(true);
    expect(
      patchUser(makeUser(), { op: 'replace', path: 'title', value: 'x' }, { op: 'remove', path: 'title' }).changed,
    ).toBe(false);
  });
});

describe('paths resolved once and reused', () => {
  it('resolves the same path text per resource type: members is a Group attribute, not a User one', () => {
    const op = { op: 'add', path: 'members', value: [{ value: 'u-2' }] };
    expect(patchGroup(makeGroup(), op).resource.members).toEqual([{ value: 'u-2' }]);
    expect(scimError(() => patchUser(makeUser(), op))).toMatchObject({ status: 400, scimType: 'invalidPath' });
    expect(patchGroup(makeGroup('u-1'), op).resource.members).toEqual([
      { value: 'u-1', type: 'User' },
      { value: 'u-2' },
    ]);
  });

  it('a path refused once is refused again, and a good path after it still works on each new resource', () => {
    for (let i = 0; i < 3; i++) {
      expect(scimError(() => patchUser(makeUser(), { op: 'replace', path: 'meta.created', value: 'x' }))).toMatchObject(
        { scimType: 'mutability' },
      );
      const { resource } = patchUser(makeUser(), {
        op: 'replace',
        path: `${ENTERPRISE_USER_SCHEMA}:department`,
        value: `D${i}`,
      });
      expect(resource[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: '7', department: `D${i}` });
    }
  });
});
