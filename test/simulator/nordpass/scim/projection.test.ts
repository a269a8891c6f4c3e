import { describe, expect, it } from 'vitest';
import { scimError } from '../../../helpers/scim.ts';
import { project, splitList } from '../../../../simulator/nordpass/scim/projection.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../../simulator/nordpass/scim/schemas.ts';

const user = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u-1',
  externalId: 'ext-1',
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
  displayName: 'Alice Smith',
  emails: [
    { value: 'emailName357', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  active: true,
  meta: { resourceType: 'User', created: '2020-01-01T00:00:00Z', location: 'https://x/Users/u-1' },
  [ENTERPRISE_USER_SCHEMA]: {
    employeeNumber: '7',
    department: 'Sales',
    manager: { value: 'boss', displayName: 'Boss' },
  },
};

const group = {
  schemas: [GROUP_SCHEMA],
  id: 'g-1',
  displayName: 'Engineers',
  members: [{ value: 'u-1', display: 'Alice' }],
  meta: { resourceType: 'Group' },
};

const base = { schemas: user.schemas, id: 'u-1' };

describe('attributes=', () => {
  it.each<[string, Record<string, unknown>]>([
    ['userName', { ...base, userName: 'alice@example.com' }],
    ['USERNAME', { ...base, userName: 'alice@example.com' }],
    ['userName,emails', { ...base, userName: 'alice@example.com', emails: user.emails }],
    [' userName , active ', { ...base, userName: 'alice@example.com', active: true }],
    ['name.givenName', { ...base, name: { givenName: 'Alice' } }],
    ['name.givenName,Name.FamilyName', { ...base, name: { givenName: 'Alice', familyName: 'Smith' } }],
    ['name.givenName,name', { ...base, name: user.name }],
    ['emails.value', { ...base, emails: [{ value: 'emailName357' }, { value: 'alice@home.example' }] }],
    [
      'emails.value,emails.type',
      {
        ...base,
        emails: [
          { value: 'emailName357', type: 'work' },
          { value: 'alice@home.example', type: 'home' },
        ],
      },
    ],
    ['emails[type eq "work"]', { ...base, emails: [user.emails[0]] }],
    ['emails[value eq "emailName357"]', { ...base, emails: [user.emails[0]] }],
    ['emails[type eq "work"].value', { ...base, emails: [{ value: 'emailName357' }] }],
    ['emails[type eq "work"],emails[type eq "home"].type', { ...base, emails: [user.emails[0], { type: 'home' }] }],
    ['emails[type eq "fax"]', base],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', { ...base, userName: 'alice@example.com' }],
    [`${ENTERPRISE_USER_SCHEMA}:department`, { ...base, [ENTERPRISE_USER_SCHEMA]: { department: 'Sales' } }],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value`, { ...base, [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'boss' } } }],
    [ENTERPRISE_USER_SCHEMA, { ...base, [ENTERPRISE_USER_SCHEMA]: user[ENTERPRISE_USER_SCHEMA] }],
    ['meta.created', { ...base, meta: { created: '2020-01-01T00:00:00Z' } }],
    ['id', base],
    ['nickName,unknownThing,name.nope,urn:example:x:1.0:User:y', base],
    ['password', base],
  ])('%s', (attributes, expected) => {
    const out = project(user, { attributes }, 'User');
    expect(out).toEqual(expected);
  });

  it('keeps the resource key order and shares nothing with the input', () => {
    const out = project(user, { attributes: 'active,userName,emails' }, 'User');
    expect(Object.keys(out)).toEqual(['schemas', 'id', 'userName', 'emails', 'active']);
    expect(out.emails).not.toBe(user.emails);
    (out.emails as Array<Record<string, unknown>>)[0]!.value = 'changed';
    expect(user.emails[0]!.value).toBe('emailName357');
  });

  it('wins over excludedAttributes', () => {
    expect(project(user, { attributes: 'userName', excludedAttributes: 'userName' }, 'User')).toEqual({
      ...base,
      userName: 'alice@example.com',
    });
  });
});

describe('excludedAttributes=', () => {
  it.each<[string, (u: Record<string, unknown>) => void]>([
    ['emails', (u) => delete u.emails],
    [
      'EMAILS,name',
      (u) => {
        delete u.emails;
        delete u.name;
      },
    ],
    [
      'name.formatted',
      (u) => {
        u.name = { givenName: 'Alice', familyName: 'Smith' };
      },
    ],
    [
      'emails.primary',
      (u) => {
        u.emails = [
          { value: 'emailName357', type: 'work' },
          { value: 'alice@home.example', type: 'home' },
        ];
      },
    ],
    [
      'emails[type eq "home"]',
      (u) => {
        u.emails = [user.emails[0]];
      },
    ],
    [
      'emails[type eq "work"].primary',
      (u) => {
        u.emails = [{ value: 'emailName357', type: 'work' }, user.emails[1]];
      },
    ],
    [
      `${ENTERPRISE_USER_SCHEMA}:department`,
      (u) => {
        u[ENTERPRISE_USER_SCHEMA] = { employeeNumber: '7', manager: { value: 'boss', displayName: 'Boss' } };
      },
    ],
    [
      `${ENTERPRISE_USER_SCHEMA}:employeeNumber,${ENTERPRISE_USER_SCHEMA}:department,${ENTERPRISE_USER_SCHEMA}:manager`,
      (u) => delete u[ENTERPRISE_USER_SCHEMA],
    ],
    [ENTERPRISE_USER_SCHEMA, (u) => delete u[ENTERPRISE_USER_SCHEMA]],
    ['id,schemas', () => {}], // returned "always": cannot be excluded
    ['unknownThing,name.nope', () => {}],
  ])('%s', (excludedAttributes, edit) => {
    const expected: Record<string, unknown> = structuredClone(user);
    edit(expected);
    const frozen = structuredClone(user);
    expect(project(user, { excludedAttributes }, 'User')).toEqual(expected);
    expect(user).toEqual(frozen);
  });

  it('excludedAttributes=members on a group (Microsoft collection, Entra group lookups)', () => {
    expect(project(group, { excludedAttributes: 'members' }, 'Group')).toEqual({
      schemas: [GROUP_SCHEMA],
      id: 'g-1',
      displayName: 'Engineers',
      meta: { resourceType: 'Group' },
    });
    expect(project(group, { attributes: 'displayName' }, 'Group')).toEqual({
      schemas: [GROUP_SCHEMA],
      id: 'g-1',
      displayName: 'Engineers',
    });
  });

  it('never shows a password, even when nothing is excluded', () => {
    expect('password' in project({ ...user, password: 'x' }, {}, 'User')).toBe(false);
    expect('password' in project({ ...user, password: 'x' }, { excludedAttributes: 'title' }, 'User')).toBe(false);
  });
});

describe('syntax errors are 400 invalidPath', () => {
  it.each([
    ['attributes', 'emails[type eq'],
    ['attributes', 'name.given.family'],
    ['attributes', 'userName,1bad'],
    ['excludedAttributes', 'emails[type eq "work"'],
    ['excludedAttributes', 'a b'],
  ])('%s=%s', (key, value) => {
    const err = scimError(() => project(user, { [key]: value }, 'User'));
    expect([err.status, err.scimType]).toEqual([400, 'invalidPath']);
  });
});

describe('splitList', () => {
  it('splits on commas outside brackets and quotes', () => {
    expect(splitList('a, b ,,emails[value eq "x,y" and type eq "w"],c')).toEqual([
      'a',
      'b',
      'emails[value eq "x,y" and type eq "w"]',
      'c',
    ]);
    expect(splitList('emails[value eq "q\\"],"]')).toEqual(['emails[value eq "q\\"],"]']);
    expect(splitList(undefined)).toEqual([]);
    expect(splitList('')).toEqual([]);
  });
});
