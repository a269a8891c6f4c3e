import { describe, expect, it } from 'vitest';
import { scimError } from '../../../helpers/scim.ts';
import { formatPath, parsePath } from '../../../../simulator/nordpass/scim/path.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../../../simulator/nordpass/scim/schemas.ts';

describe('parsePath', () => {
  it.each<[string, object]>([
    ['userName', { attribute: 'userName' }],
    ['UserName', { attribute: 'UserName' }],
    ['name.familyName', { attribute: 'name', subAttribute: 'familyName' }],
    ['members', { attribute: 'members' }],
    ['members.$ref', { attribute: 'members', subAttribute: '$ref' }],
    ['x509Certificates', { attribute: 'x509Certificates' }],
    [
      'emails[type eq "work"].value',
      {
        attribute: 'emails',
        subAttribute: 'value',
        valueFilter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
      },
    ],
    [
      'members[value eq "id"]',
      { attribute: 'members', valueFilter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: 'id' } },
    ],
    [
      'emails[type eq "work" and primary eq true]',
      {
        attribute: 'emails',
        valueFilter: {
          kind: 'and',
          filters: [
            { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
            { kind: 'compare', path: { attribute: 'primary' }, op: 'eq', value: true, text: 'true' },
          ],
        },
      },
    ],
    [
      `${ENTERPRISE_USER_SCHEMA}:manager.value`,
      { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: 'value' },
    ],
    [`${ENTERPRISE_USER_SCHEMA}:department`, { schema: ENTERPRISE_USER_SCHEMA, attribute: 'department' }],
    [`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:department`, { schema: ENTERPRISE_USER_SCHEMA, attribute: 'department' }],
    [ENTERPRISE_USER_SCHEMA, { attribute: ENTERPRISE_USER_SCHEMA }],
    [`${USER_SCHEMA}:userName`, { schema: USER_SCHEMA, attribute: 'userName' }],
    [
      'urn:example:custom:2.0:User:shoe.size',
      { schema: 'urn:example:custom:2.0:User', attribute: 'shoe', subAttribute: 'size' },
    ],
    ['  userName  ', { attribute: 'userName' }],
  ])('%s', (text, expected) => {
    expect(parsePath(text)).toEqual(expected);
  });

  it.each([
    '',
    'name.given.family',
    '1name',
    '__proto__',
    'name..x',
    'emails[type eq "work"',
    'emails[type eq "work"]value',
    'emails[type eq "work"] .value',
    'emails[type eq "work"].value.x',
    'name.givenName[type eq "x"]',
    'emails[type eq "work"] extra',
    'user name',
    'emails[]',
    `emails[${'('.repeat(60)}type pr${')'.repeat(60)}]`,
    'x'.repeat(10_001),
  ])('rejects %j with 400 invalidPath', (text) => {
    const err = scimError(() => parsePath(text));
    expect([err.status, err.scimType]).toEqual([400, 'invalidPath']);
    expect(err.detail).toMatch(/path/);
  });
});

describe('formatPath', () => {
  it('writes a path back for error details', () => {
    expect(formatPath(parsePath(`${ENTERPRISE_USER_SCHEMA}:manager.value`))).toBe(
      `${ENTERPRISE_USER_SCHEMA}:manager.value`,
    );
    expect(formatPath(parsePath('emails[type eq "work"].value'))).toBe('emails[…].value');
  });
});
