import { describe, expect, it } from 'vitest';
import { scimError } from '../../../helpers/scim.ts';
import {
  equalityValue,
  matchesFilter,
  matchesValueFilter,
  parseFilter,
} from '../../../../simulator/nordpass/scim/filter.ts';
import { ENTERPRISE_USER_SCHEMA, lookupAttribute } from '../../../../simulator/nordpass/scim/schemas.ts';

const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_SCHEMA],
  id: 'Abc-123',
  externalId: 'Ext-1',
  userName: 'Alice.Smith@Example.com',
  name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
  displayName: 'Alice Smith',
  title: '',
  emails: [
    { value: 'alice@work.example', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  active: true,
  meta: {
    resourceType: 'User',
    created: '2020-01-01T10:00:00Z',
    lastModified: '2024-05-05T12:00:00.1234567+02:00',
    version: 'W/"1"',
  },
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '42', department: 'Sales', manager: { value: 'boss-1' } },
};

const matches = (filter: string, resource: Record<string, unknown> = user) =>
  matchesFilter(parseFilter(filter), resource, 'User');

describe('matchesFilter on a user', () => {
  it.each([
    // eq, case rules: userName is case-insensitive, id and externalId are caseExact
    ['userName eq "alice.smith@example.com"', true],
    ['USERNAME EQ "ALICE.SMITH@EXAMPLE.COM"', true],
    ['id eq "Abc-123"', true],
    ['id eq "abc-123"', false],
    ['externalId eq "ext-1"', false],
    ['externalId eq "Ext-1"', true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Alice.Smith@example.com"', true],
    // ne
    ['userName ne "bob"', true],
    ['userName ne "ALICE.smith@example.com"', false],
    ['nickName ne "x"', true], // known but absent: not equal
    // co sw ew
    ['userName co "SMITH"', true],
    ['userName sw "alice"', true],
    ['userName sw "smith"', false],
    ['userName ew ".COM"', true],
    ['userName ew "example"', false],
    // gt ge lt le on strings (lexicographic, case-folded)
    ['userName gt "aa"', true],
    ['userName gt "B"', false],
    ['userName ge "alice.smith@example.com"', true],
    ['userName lt "b"', true],
    ['userName le "alice"', false],
    // pr: present and non-empty
    ['userName pr', true],
    ['title pr', false],
    ['nickName pr', false],
    ['emails pr', true],
    ['name pr', true],
    // sub-attributes and multi-valued: any value matches
    ['name.familyName eq "smith"', true],
    ['name.FamilyName eq "Jones"', false],
    ['emails.value eq "alice@home.example"', true],
    ['emails.Value co "work"', true],
    ['emails.type eq "other"', false],
    ['emails co "home.example"', true], // complex without sub: compares `value`
    // value paths
    ['emails[type eq "work"]', true],
    ['emails[type eq "work" and value co "@work"]', true],
    ['emails[type eq "work" and value co "@home"]', false],
    ['emails[type eq "home" or primary eq true]', true],
    ['emails[not (type eq "work")]', true],
    ['emails[type eq "work"].value eq "alice@work.example"', true],
    ['emails[type eq "home"].value eq "alice@work.example"', false],
    ['emails[type eq "work"] eq "alice@work.example"', true], // Microsoft doc's non-standard form
    ['emails[type eq "work"].primary eq true', true],
    // booleans
    ['active eq true', true],
    ['active eq false', false],
    ['active ne false', true],
    ['active eq "True"', true],
    ['emails.primary eq true', true],
    // dateTime as instants (different offsets and fraction lengths)
    ['meta.created gt "2019-12-31T23:59:59Z"', true],
    ['meta.created eq "2020-01-01T11:00:00+01:00"', true],
    ['meta.created lt 2020-01-01T10:00:00.001Z', true],
    ['meta.created ge "2020-01-01T10:00:00Z"', true],
    ['meta.created le "2020-01-01T09:59:59.999Z"', false],
    ['meta.lastModified eq "2024-05-05T10:00:00.123Z"', true],
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', true],
    ['meta.created co "2020-01"', true],
    // enterprise extension, URN-qualified and (leniently) bare
    [`${ENTERPRISE_USER_SCHEMA}:department eq "sales"`, true],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value eq "boss-1"`, true],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq 42`, true], // unquoted number against a string attribute
    ['department eq "Sales"', true],
    // unknown attributes never match, whatever the operator
    ['foo eq "bar"', false],
    ['foo ne "bar"', false],
    ['foo pr', false],
    ['name.middle eq "x"', false],
    ['urn:example:unknown:2.0:User:x eq "y"', false],
    ['not (foo eq "bar")', true],
    // null
    ['nickName eq null', true],
    ['userName eq null', false],
    ['userName ne null', true],
    // logic and precedence: not > and > or
    ['userName eq "x" or userName sw "alice" and active eq true', true],
    ['(userName eq "x" or userName sw "alice") and active eq false', false],
    ['userName eq "x" or active eq true and active eq false', false],
    ['not (userName eq "x") and not (active eq false)', true],
    ['NOT (active eq true) OR userName Sw "A"', true],
    ['((((userName pr))))', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('evaluates the Microsoft collection filters with unquoted values', () => {
    const employee = { ...user, name: { familyName: 'Employee' }, emails: [{ value: 'anna33@example.com' }] };
    const filter = 'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)';
    expect(matches(filter, employee)).toBe(true);
    expect(matches(filter, user)).toBe(false);
    expect(matches('userName sw O', { ...user, userName: 'OMalley' })).toBe(true);
    expect(matches('userName sw O', user)).toBe(false);
    const created = { ...user, meta: { created: '2019-09-18T18:15:26.5788954+00:00' } };
    expect(matches('meta.Created gt 2015-10-10T14:38:21.8617979-07:00', created)).toBe(true);
    expect(matches('meta.Created gt 2020-10-10T14:38:21.8617979-07:00', created)).toBe(false);
  });

  it('treats a stored non-array value and a missing attribute sensibly', () => {
    expect(matches('emails.value eq "x@y"', { ...user, emails: { value: 'x@y' } })).toBe(true);
    expect(matches('emails pr', { ...user, emails: [] })).toBe(false);
    expect(matches('name pr', { ...user, name: { givenName: '' } })).toBe(false);
  });

  it('matches groups by displayName (case-insensitive) and members.value', () => {
    const group = {
      schemas: [],
      id: 'g1',
      displayName: 'Engineers',
      members: [{ value: 'u1' }, { value: 'u2', display: 'Bob' }],
    };
    expect(matchesFilter(parseFilter('DisplayName eq "engineers"'), group, 'Group')).toBe(true);
    expect(matchesFilter(parseFilter('members[value eq "u2"]'), group, 'Group')).toBe(true);
    expect(matchesFilter(parseFilter('members.value eq "u3"'), group, 'Group')).toBe(false);
    expect(matchesFilter(parseFilter('userName pr'), group, 'Group')).toBe(false);
  });
});

describe('parseFilter', () => {
  it('builds flat and/or lists with not binding tightest', () => {
    expect(parseFilter('a pr or b pr and not (c pr)')).toEqual({
      kind: 'or',
      filters: [
        { kind: 'present', path: { attribute: 'a' } },
        {
          kind: 'and',
          filters: [
            { kind: 'present', path: { attribute: 'b' } },
            { kind: 'not', filter: { kind: 'present', path: { attribute: 'c' } } },
          ],
        },
      ],
    });
  });

  it('reads literals: JSON strings with escapes, numbers, booleans, null, bare words', () => {
    const value = (text: string) => {
      const node = parseFilter(`x eq ${text}`);
      return node.kind === 'compare' ? node.value : 'not a compare';
    };
    expect(value('"a\\"b\\\\c\\u00e9\\n"')).toBe('a"b\\cé\n');
    expect(value('12.5e1')).toBe(125);
    expect(value('-3')).toBe(-3);
    expect(value('TRUE')).toBe(true);
    expect(value('false')).toBe(false);
    expect(value('null')).toBe(null);
    expect(value('example.com')).toBe('example.com');
    expect(value('"with ( and ] inside"')).toBe('with ( and ] inside');
  });

  it('splits URN-qualified paths at the known schema', () => {
    expect(parseFilter(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "m"`)).toMatchObject({
      path: { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: 'value' },
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:user:userName pr')).toEqual({
      kind: 'present',
      path: { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'userName' },
    });
  });

  it.each([
    ['', 'a filter expression'],
    ['   ', 'a filter expression'],
    ['userName', 'an operator'],
    ['userName eq', 'a value'],
    ['userName xx "a"', 'an operator'],
    ['userName equals "a"', 'an operator'],
    ['userName eq "a" and', 'an attribute path'],
    ['userName eq "a" userName eq "b"', "'and', 'or' or end of filter"],
    ['(userName eq "a"', "')'"],
    ['userName eq "a")', "'and', 'or' or end of filter"],
    ['userName eq "unterminated', 'unterminated string'],
    ['userName eq "bad \\x escape"', 'invalid escape'],
    ['not userName eq "a"', "'(' after not"],
    ['emails[type eq "work"', "']'"],
    ['emails[type[value eq "x"] eq "y"]', 'value filters do not nest'],
    ['emails[]', 'a sub-attribute name'],
    ['name.given.family eq "a"', 'attribute path'],
    ['1abc eq "a"', 'attribute path'],
    ['a eq (b)', 'a value'],
    ['emails[type eq "work"].value', 'an operator'],
  ])('rejects %j with invalidFilter (%s)', (filter, expected) => {
    const err = scimError(() => parseFilter(filter));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe('invalidFilter');
    expect(err.detail).toContain(expected);
    expect(err.detail).toMatch(/position \d+/);
  });

  it('names the position of the error', () => {
    expect(scimError(() => parseFilter('userName eq "a" or foo bar "b"')).detail).toContain('position 23');
  });

  it('fails fast and cleanly on 1,000 nested parentheses', () => {
    const deep = `${'('.repeat(1000)}userName pr${')'.repeat(1000)}`;
    const started = performance.now();
    const err = scimError(() => parseFilter(deep));
    expect(performance.now() - started).toBeLessThan(1000);
    expect([err.status, err.scimType]).toEqual([400, 'invalidFilter']);
    expect(err.detail).toContain('50 levels');
  });

  it('allows exactly maxDepth levels and honours a custom limit', () => {
    const nested = (n: number) => `${'('.repeat(n)}userName pr${')'.repeat(n)}`;
    expect(matchesFilter(parseFilter(nested(50)), user, 'User')).toBe(true);
    expect(scimError(() => parseFilter(nested(51))).scimType).toBe('invalidFilter');
    expect(scimError(() => parseFilter(nested(4), { maxDepth: 3 })).scimType).toBe('invalidFilter');
    expect(scimError(() => parseFilter(`not (${nested(50)})`)).scimType).toBe('invalidFilter');
  });

  it('rejects a 100 KB filter before parsing it', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    expect(huge.length).toBeGreaterThan(100_000);
    const err = scimError(() => parseFilter(huge));
    expect([err.status, err.scimType]).toEqual([400, 'invalidFilter']);
    expect(err.detail).toContain('10000 characters');
  });

  it('parses a long flat chain within the limit without deep recursion', () => {
    const chain = Array.from({ length: 400 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    const node = parseFilter(chain, { maxLength: 20_000 });
    expect(node.kind === 'or' && node.filters.length).toBe(400);
    expect(matchesFilter(node, { ...user, userName: 'U399' }, 'User')).toBe(true);
    expect(scimError(() => parseFilter('userName pr', { maxLength: 5 })).scimType).toBe('invalidFilter');
  });
});

describe('type errors are invalidFilter, even when nothing would be read', () => {
  it.each([
    'active gt true',
    'active le false',
    'active co "tr"',
    'active eq "yes"',
    'emails.primary lt true',
    'emails[primary gt false]',
    'meta.created gt "soon"',
    'meta.created lt 12',
    'userName gt null',
    'name eq "Alice"',
    'userName[value eq "x"]',
  ])('%s', (filter) => {
    const err = scimError(() => matchesFilter(parseFilter(filter), {}, 'User'));
    expect([err.status, err.scimType]).toEqual([400, 'invalidFilter']);
  });
});

describe('matchesValueFilter', () => {
  it('tests one element against a bracket filter', () => {
    const emails = lookupAttribute('User', { attribute: 'emails' })!;
    const node = parseFilter('type eq "WORK" and primary eq true');
    expect(matchesValueFilter(node, { type: 'work', primary: true }, emails)).toBe(true);
    expect(matchesValueFilter(node, { type: 'work' }, emails)).toBe(false);
    expect(matchesValueFilter(node, 'not an object', emails)).toBe(false);
  });
});

describe('equalityValue', () => {
  it.each([
    ['userName eq "Alice"', 'userName', 'Alice'],
    ['USERNAME eq "Alice"', 'userName', 'Alice'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Alice"', 'userName', 'Alice'],
    ['userName eq "Alice"', 'urn:ietf:params:scim:schemas:core:2.0:User:userName', 'Alice'],
    ['userName eq Alice', 'userName', 'Alice'],
    ['externalId eq "E-1"', 'externalId', 'E-1'],
    ['displayName eq "Team"', 'displayName', 'Team'],
    ['userName eq "Alice"', 'externalId', undefined],
    ['userName ne "Alice"', 'userName', undefined],
    ['userName co "Alice"', 'userName', undefined],
    ['userName eq "Alice" and active eq true', 'userName', undefined],
    ['userName eq "Alice" or userName eq "Bob"', 'userName', undefined],
    ['(userName eq "Alice")', 'userName', 'Alice'],
    ['not (userName eq "Alice")', 'userName', undefined],
    ['name.givenName eq "Alice"', 'name', undefined],
    ['userName eq null', 'userName', undefined],
    ['emails[value eq "a"]', 'emails', undefined],
  ])('%s / %s -> %s', (filter, attribute, expected) => {
    expect(equalityValue(parseFilter(filter), attribute)).toBe(expected);
  });
});
