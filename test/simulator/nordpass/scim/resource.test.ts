import { describe, expect, it } from 'vitest';
import { idpFixture, scimError } from '../../../helpers/scim.ts';
import {
  deepClone,
  deepEqual,
  deleteField,
  findKey,
  getField,
  normalizeResource,
  parseDateTime,
  setField,
  shallowCopy,
  toBoolean,
  valuesEqualIgnoringCase,
} from '../../../../simulator/nordpass/scim/resource.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../../simulator/nordpass/scim/schemas.ts';

describe('normalizeResource: the IdP bodies', () => {
  it('Entra create_user.json: readOnly meta dropped, empty roles dropped, extension listed', () => {
    const { request } = idpFixture('azuread/create_user.json');
    const frozen = structuredClone(request);
    expect(normalizeResource(request, 'User')).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      externalId: request.externalId,
      userName: request.userName,
      active: true,
      emails: request.emails,
      name: request.name,
    });
    expect(request).toEqual(frozen);
  });

  it('Okta create_user.json: password and groups never stored, locale kept', () => {
    const out = normalizeResource(idpFixture('okta/create_user.json').request, 'User');
    expect('password' in out).toBe(false);
    expect('groups' in out).toBe(false);
    expect(out).toMatchObject({
      userName: 'test.user@okta.local',
      locale: 'en-US',
      displayName: 'Test User',
      active: true,
    });
  });

  it('Entra and Okta create_group.json', () => {
    expect(normalizeResource(idpFixture('azuread/create_group.json').request, 'Group')).toEqual({
      schemas: [GROUP_SCHEMA],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
    });
    expect(normalizeResource(idpFixture('okta/create_group.json').request, 'Group')).toEqual({
      schemas: [GROUP_SCHEMA],
      displayName: 'Test SCIMv2',
    });
  });

  it('the Microsoft collection: capitalised names, "True" string, extension with odd case', () => {
    const out = normalizeResource(
      {
        UserName: 'emp1',
        Active: 'True',
        schemas: [
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
          'urn:ietf:params:scim:schemas:core:2.0:User',
        ],
        emails: [
          { Primary: true, type: 'work', value: 'a@b' },
          { Primary: 'False', type: 'home', value: 'c@d' },
        ],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
          Department: 'bob',
          Manager: { Value: 'SuzzyQ' },
        },
        name: { formatted: 'Daniel Mcgee', honorificPrefix: null },
        addresses: [{ country: null, formatted: 'x', type: 'other', primary: false }],
        meta: { created: '2019-09-18T18:15:26.5788954+00:00' },
        adreses: [{ country: 'misspelled' }],
        roles: [],
      },
      'User',
    );
    expect(out).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'emp1',
      active: true,
      emails: [
        { primary: true, type: 'work', value: 'a@b' },
        { primary: false, type: 'home', value: 'c@d' },
      ],
      [ENTERPRISE_USER_SCHEMA]: { department: 'bob', manager: { value: 'SuzzyQ' } },
      name: { formatted: 'Daniel Mcgee' },
      addresses: [{ formatted: 'x', type: 'other', primary: false }],
    });
  });

  it('adds an extension URN to schemas when its data is present, and drops id/meta/groups', () => {
    const out = normalizeResource(
      {
        schemas: [USER_SCHEMA],
        userName: 'a',
        id: 'client-id',
        meta: {},
        groups: [{ value: 'g' }],
        [ENTERPRISE_USER_SCHEMA.toUpperCase()]: { department: 'x' },
      },
      'User',
    );
    expect(out).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'a',
      [ENTERPRISE_USER_SCHEMA]: { department: 'x' },
    });
  });

  it('keeps group members, canonicalising names and dropping unknown sub-attributes', () => {
    const out = normalizeResource(
      {
        schemas: [GROUP_SCHEMA],
        DisplayName: 'G',
        members: [{ Value: 'u1', Display: 'VP', displayName: 'junk' }],
      },
      'Group',
    );
    expect(out).toEqual({
      schemas: [GROUP_SCHEMA],
      displayName: 'G',
      members: [{ value: 'u1', display: 'VP' }],
    });
  });

  // A bare id for a member is PATCH's shorthand (the Microsoft collection's "string id 1"); a whole resource
  // (POST, PUT) says each value as the schema has it: lists as arrays, complex values as objects.
  it.each([
    ['a lone email', { schemas: [USER_SCHEMA], userName: 'a', emails: 'a@b.c' }, 'User', 'emails is multi-valued'],
    [
      'a lone email object',
      { schemas: [USER_SCHEMA], userName: 'a', emails: { value: 'a@b.c' } },
      'User',
      'emails is multi-valued',
    ],
    [
      'a bare member id',
      { schemas: [GROUP_SCHEMA], displayName: 'G', members: ['u2'] },
      'Group',
      'members[0] must be an object',
    ],
    [
      'a string manager',
      { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName: 'a', [ENTERPRISE_USER_SCHEMA]: { manager: 'm1' } },
      'User',
      'manager must be an object',
    ],
  ] as const)('refuses %s in a whole resource with invalidValue naming the attribute', (_, body, type, message) => {
    expect(() => normalizeResource(body, type)).toThrow(message);
  });
});

describe('normalizeResource errors', () => {
  it.each<[string, unknown, 'User' | 'Group', string, string]>([
    ['a string body', '{"userName":"a"}', 'User', 'invalidSyntax', 'JSON object'],
    ['an array body', [{ userName: 'a' }], 'User', 'invalidSyntax', 'JSON object'],
    ['null', null, 'User', 'invalidSyntax', 'JSON object'],
    ['no schemas', { userName: 'a' }, 'User', 'invalidSyntax', 'schemas'],
    ['schemas not an array', { schemas: USER_SCHEMA, userName: 'a' }, 'User', 'invalidSyntax', 'schemas'],
    [
      'schemas without the core',
      { schemas: [ENTERPRISE_USER_SCHEMA], userName: 'a' },
      'User',
      'invalidValue',
      USER_SCHEMA,
    ],
    [
      'an unknown schema',
      { schemas: [USER_SCHEMA, 'urn:example:custom:1.0:User'], userName: 'a' },
      'User',
      'invalidValue',
      'urn:example:custom',
    ],
    [
      'a User schema on a Group',
      { schemas: [GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA], displayName: 'g' },
      'Group',
      'invalidValue',
      ENTERPRISE_USER_SCHEMA,
    ],
    ['no userName', { schemas: [USER_SCHEMA], displayName: 'x' }, 'User', 'invalidValue', 'userName is required'],
    [
      'misspelled userName (Microsoft PUT)',
      { schemas: [USER_SCHEMA], userame: 'OMalley' },
      'User',
      'invalidValue',
      'userName is required',
    ],
    ['blank userName', { schemas: [USER_SCHEMA], userName: '  ' }, 'User', 'invalidValue', 'userName'],
    ['no displayName on a group', { schemas: [GROUP_SCHEMA] }, 'Group', 'invalidValue', 'displayName is required'],
    ['a number userName', { schemas: [USER_SCHEMA], userName: 5 }, 'User', 'invalidValue', 'userName must be a string'],
    [
      'an object userName',
      { schemas: [USER_SCHEMA], userName: { value: 'a' } },
      'User',
      'invalidValue',
      'userName must be a string',
    ],
    [
      'a bad active',
      { schemas: [USER_SCHEMA], userName: 'a', active: 'yes' },
      'User',
      'invalidValue',
      'active must be a boolean',
    ],
    [
      'a string name',
      { schemas: [USER_SCHEMA], userName: 'a', name: 'A B' },
      'User',
      'invalidValue',
      'name must be an object',
    ],
    [
      'an array for a single value',
      { schemas: [USER_SCHEMA], userName: 'a', title: ['x'] },
      'User',
      'invalidValue',
      'title is single-valued',
    ],
    [
      'a bad email primary',
      { schemas: [USER_SCHEMA], userName: 'a', emails: [{ value: 'x', primary: 'maybe' }] },
      'User',
      'invalidValue',
      'emails[0].primary',
    ],
    [
      'a non-object extension',
      { schemas: [USER_SCHEMA], userName: 'a', [ENTERPRISE_USER_SCHEMA]: 'x' },
      'User',
      'invalidValue',
      ENTERPRISE_USER_SCHEMA,
    ],
    [
      'a member without value',
      { schemas: [GROUP_SCHEMA], displayName: 'g', members: [{ display: 'x' }] },
      'Group',
      'invalidValue',
      'members[0].value is required',
    ],
  ])('%s -> 400 %s', (_, body, type, scimType, detail) => {
    const err = scimError(() => normalizeResource(body, type));
    expect([err.status, err.scimType]).toEqual([400, scimType]);
    expect(err.detail).toContain(detail);
  });

  it.each([
    [
      '__proto__ at the top',
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","__proto__":{"polluted":"yes"}}',
    ],
    [
      'constructor at the top',
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","constructor":{"prototype":{"polluted":"yes"}}}',
    ],
    [
      '__proto__ in name',
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":{"__proto__":{"polluted":"yes"}}}',
    ],
    [
      'prototype in an email',
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","emails":[{"value":"x","prototype":{"polluted":"yes"}}]}',
    ],
    [
      '__proto__ in the extension',
      `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","${ENTERPRISE_USER_SCHEMA}":{"__proto__":{"polluted":"yes"}}}`,
    ],
  ])('rejects %s with invalidValue and pollutes nothing', (_, json) => {
    const err = scimError(() => normalizeResource(JSON.parse(json), 'User'));
    expect([err.status, err.scimType]).toEqual([400, 'invalidValue']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('value helpers', () => {
  it.each([
    ['2015-10-10T14:38:21.8617979-07:00', Date.UTC(2015, 9, 10, 21, 38, 21, 861)],
    ['2018-03-27T19:59:26Z', Date.UTC(2018, 2, 27, 19, 59, 26)],
    ['2018-03-27T19:59:26', Date.UTC(2018, 2, 27, 19, 59, 26)],
    ['2018-03-27', Date.UTC(2018, 2, 27)],
    ['2018-03-27T21:59:26+0200', Date.UTC(2018, 2, 27, 19, 59, 26)],
    ['2018-02-30T00:00:00Z', undefined],
    ['2018-03-27T25:00:00Z', undefined],
    ['hello 1', undefined],
    ['1', undefined],
    ['', undefined],
  ])('parseDateTime(%j) = %s', (text, expected) => {
    expect(parseDateTime(text)).toBe(expected);
  });

  it.each([
    [true, true],
    [false, false],
    ['True', true],
    ['FALSE', false],
    [' true ', true],
    ['yes', undefined],
    [1, undefined],
    [null, undefined],
  ])('toBoolean(%j) = %s', (value, expected) => {
    expect(toBoolean(value)).toBe(expected);
  });

  it('deepEqual ignores key order; deepClone copies without sharing or __proto__ keys', () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(false);
    const source = JSON.parse('{"a":{"b":[1]},"__proto__":{"polluted":"yes"}}');
    const copy = deepClone(source);
    expect(copy).toEqual({ a: { b: [1] } });
    expect(copy.a).not.toBe(source.a);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('valuesEqualIgnoringCase folds strings only', () => {
    expect(valuesEqualIgnoringCase('Alice@X', 'alice@x')).toBe(true);
    expect(valuesEqualIgnoringCase('a', 'b')).toBe(false);
    expect(valuesEqualIgnoringCase(1, 1)).toBe(true);
    expect(valuesEqualIgnoringCase('1', 1)).toBe(false);
  });
});

describe('case-insensitive keys', () => {
  it('finds, sets and deletes a key whatever its case, keeping one spelling', () => {
    const obj: Record<string, unknown> = { UserName: 'a', displayName: 'b' };
    expect(findKey(obj, 'username')).toBe('UserName');
    expect(getField(obj, 'DISPLAYNAME')).toBe('b');
    expect(findKey(obj, 'userNam')).toBeUndefined();
    setField(obj, 'userName', 'c');
    expect(obj).toEqual({ displayName: 'b', userName: 'c' });
    deleteField(obj, 'DisplayName');
    expect(obj).toEqual({ userName: 'c' });
  });

  it('matches keys whose lower case differs in length from theirs (U+0130, the Kelvin sign)', () => {
    // "İd".toLowerCase() is three code units; "\u212Aey".toLowerCase() is "key".
    const obj: Record<string, unknown> = { İd: 1, '\u212Aey': 2 };
    expect(findKey(obj, 'İD')).toBe('İd');
    expect(findKey(obj, 'i\u0307d')).toBe('İd');
    expect(findKey(obj, 'KEY')).toBe('\u212Aey');
    deleteField(obj, 'i\u0307d');
    expect(obj).toEqual({ '\u212Aey': 2 });
  });

  it('ignores inherited properties', () => {
    const obj = Object.create({ inherited: 1 }) as Record<string, unknown>;
    expect(findKey(obj, 'INHERITED')).toBeUndefined();
  });
});

describe('shallowCopy', () => {
  it('copies own keys into a fresh plain object, sharing nested values', () => {
    const source = { a: 1, nested: { b: 2 } };
    const copy = shallowCopy(source);
    expect(copy).toEqual(source);
    expect(copy).not.toBe(source);
    expect(copy.nested).toBe(source.nested);
  });

  it('drops __proto__, constructor and prototype keys instead of assigning them', () => {
    const source = JSON.parse('{"a":1,"__proto__":{"polluted":"yes"},"constructor":{"x":1}}') as Record<
      string,
      unknown
    >;
    const copy = shallowCopy(source);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a']);
    expect((copy as { polluted?: string }).polluted).toBeUndefined();
  });
});

describe('setField keeps a canonically spelled key in place', () => {
  it('replaces the value where it is, and still drops other spellings', () => {
    const obj: Record<string, unknown> = { userName: 'a', displayName: 'b', title: 'c' };
    setField(obj, 'displayName', 'B');
    expect(Object.keys(obj)).toEqual(['userName', 'displayName', 'title']);
    const mixed: Record<string, unknown> = { DISPLAYNAME: 'x', displayName: 'b', title: 'c' };
    setField(mixed, 'displayName', 'B');
    expect(mixed).toEqual({ displayName: 'B', title: 'c' });
    const other: Record<string, unknown> = { DisplayName: 'x', title: 'c' };
    setField(other, 'displayName', 'B');
    expect(Object.keys(other)).toEqual(['title', 'displayName']);
  });
});
