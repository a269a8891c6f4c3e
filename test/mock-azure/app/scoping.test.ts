/**
 * Scoping filters as Microsoft's page defines them (define-conditional-rules-for-provisioning-user-accounts): its
 * operators one by one, clauses ANDed, filters ORed, empty values false except IS NULL, and its examples.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../../../mock-azure/directory/directory.ts';
import {
  checkScopingFilters,
  clauseHolds,
  passesScopingFilters,
  type ScopingClause,
  type ScopingFilter,
} from '../../../mock-azure/app/scoping.ts';

const user = (over: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id: 'u1',
  userPrincipalName: 'ada@domain.com',
  displayName: 'Ada Lovelace',
  mailNickname: 'ada',
  accountEnabled: true,
  createdDateTime: 0,
  ...over,
});

const holds = (over: Partial<DirectoryUser>, clause: ScopingClause) => clauseHolds(user(over), clause);

describe('each operator', () => {
  it('EQUALS and NOT EQUALS compare exactly, case-sensitive', () => {
    expect(holds({ department: 'Sales' }, { attribute: 'department', operator: 'EQUALS', value: 'Sales' })).toBe(true);
    expect(holds({ department: 'sales' }, { attribute: 'department', operator: 'EQUALS', value: 'Sales' })).toBe(false);
    expect(holds({ department: 'sales' }, { attribute: 'department', operator: 'NOT EQUALS', value: 'Sales' })).toBe(
      true,
    );
    expect(holds({ department: 'Sales' }, { attribute: 'department', operator: 'NOT EQUALS', value: 'Sales' })).toBe(
      false,
    );
  });

  it('Includes: the attribute contains the value; &: the value contains the attribute; !&: it does not', () => {
    expect(
      holds({ jobTitle: 'Senior Engineer' }, { attribute: 'jobTitle', operator: 'Includes', value: 'Engineer' }),
    ).toBe(true);
    expect(
      holds({ jobTitle: 'Senior Engineer' }, { attribute: 'jobTitle', operator: 'Includes', value: 'engineer' }),
    ).toBe(false);
    expect(holds({ department: 'Sales' }, { attribute: 'department', operator: '&', value: 'Sales,Marketing' })).toBe(
      true,
    );
    expect(holds({ department: 'Legal' }, { attribute: 'department', operator: '&', value: 'Sales,Marketing' })).toBe(
      false,
    );
    expect(holds({ department: 'Legal' }, { attribute: 'department', operator: '!&', value: 'Sales,Marketing' })).toBe(
      true,
    );
  });

  it('ENDS_WITH, and Greater_Than / Greater_Than_OR_EQUALS on integers only', () => {
    expect(holds({}, { attribute: 'userPrincipalName', operator: 'ENDS_WITH', value: '@domain.com' })).toBe(true);
    expect(
      holds({ employeeId: '1000000' }, { attribute: 'employeeId', operator: 'Greater_Than', value: '1000000' }),
    ).toBe(false);
    expect(
      holds(
        { employeeId: '1000000' },
        { attribute: 'employeeId', operator: 'Greater_Than_OR_EQUALS', value: '1000000' },
      ),
    ).toBe(true);
    expect(
      holds({ employeeId: '12345678901234567890' }, { attribute: 'employeeId', operator: 'Greater_Than', value: '9' }),
    ).toBe(true);
    // "the attribute on the user must be an integer".
    expect(holds({ employeeId: 'E-42' }, { attribute: 'employeeId', operator: 'Greater_Than', value: '1' })).toBe(
      false,
    );
  });

  it('IS TRUE / IS FALSE read a Boolean; IS NULL / IS NOT NULL whether there is a value', () => {
    expect(holds({ accountEnabled: true }, { attribute: 'accountEnabled', operator: 'IS TRUE' })).toBe(true);
    expect(holds({ accountEnabled: false }, { attribute: 'accountEnabled', operator: 'IS FALSE' })).toBe(true);
    expect(holds({ accountEnabled: false }, { attribute: 'accountEnabled', operator: 'IS TRUE' })).toBe(false);
    expect(holds({}, { attribute: 'jobTitle', operator: 'IS NULL' })).toBe(true);
    expect(holds({ jobTitle: '' }, { attribute: 'jobTitle', operator: 'IS NULL' })).toBe(true);
    expect(holds({ jobTitle: 'CEO' }, { attribute: 'jobTitle', operator: 'IS NOT NULL' })).toBe(true);
    expect(holds({}, { attribute: 'jobTitle', operator: 'IS NOT NULL' })).toBe(false);
  });

  it('REGEX MATCH matches anywhere in the value; NOT REGEX MATCH is false on an empty value', () => {
    // The page's example: ([1-9][0-9]) "matches any number between 10 and 99".
    expect(
      holds({ employeeId: '42' }, { attribute: 'employeeId', operator: 'REGEX MATCH', value: '([1-9][0-9])' }),
    ).toBe(true);
    expect(
      holds({ employeeId: '7' }, { attribute: 'employeeId', operator: 'REGEX MATCH', value: '([1-9][0-9])' }),
    ).toBe(false);
    expect(holds({}, { attribute: 'employeeId', operator: 'NOT REGEX MATCH', value: '([1-9][0-9])' })).toBe(false);
  });

  it('"Scoping filters will return false if the value is null / empty": every operator but IS NULL', () => {
    for (const operator of ['EQUALS', 'NOT EQUALS', 'Includes', '!&', 'ENDS_WITH', 'REGEX MATCH'] as const)
      expect(holds({}, { attribute: 'department', operator, value: 'x' }), operator).toBe(false);
  });
});

describe('filters', () => {
  it("the page's common filters: a domain in or out of scope, a department, a workerID range", () => {
    const inDomain: ScopingFilter = {
      clauses: [{ attribute: 'userPrincipalName', operator: 'REGEX MATCH', value: '.*\\@domain.com' }],
    };
    const outOfDomain: ScopingFilter = {
      clauses: [{ attribute: 'userPrincipalName', operator: 'NOT REGEX MATCH', value: '.*\\@domain.com' }],
    };
    expect(passesScopingFilters(user(), [inDomain])).toBe(true);
    expect(passesScopingFilters(user({ userPrincipalName: 'bob@other.com' }), [inDomain])).toBe(false);
    expect(passesScopingFilters(user(), [outOfDomain])).toBe(false);
    const range: ScopingFilter = {
      clauses: [{ attribute: 'employeeId', operator: 'REGEX MATCH', value: '(1[0-9][0-9][0-9][0-9][0-9][0-9])' }],
    };
    expect(passesScopingFilters(user({ employeeId: '1500000' }), [range])).toBe(true);
    expect(passesScopingFilters(user({ employeeId: '999999' }), [range])).toBe(false);
  });

  it("the page's example filter: clauses are ANDed (in Engineering, an id in range, a job title)", () => {
    const filter: ScopingFilter = {
      title: 'Engineers with an id',
      clauses: [
        { attribute: 'department', operator: 'EQUALS', value: 'Engineering' },
        { attribute: 'employeeId', operator: 'Greater_Than_OR_EQUALS', value: '1000000' },
        { attribute: 'employeeId', operator: 'Greater_Than', value: '0' },
        { attribute: 'jobTitle', operator: 'IS NOT NULL' },
      ],
    };
    const engineer = { department: 'Engineering', employeeId: '1200000', jobTitle: 'Engineer' };
    expect(passesScopingFilters(user(engineer), [filter])).toBe(true);
    expect(passesScopingFilters(user({ ...engineer, jobTitle: '' }), [filter])).toBe(false);
    expect(passesScopingFilters(user({ ...engineer, department: 'Sales' }), [filter])).toBe(false);
  });

  it('filters are ORed: passing any one is enough; no filter passes everyone', () => {
    const sales: ScopingFilter = { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] };
    const legal: ScopingFilter = { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Legal' }] };
    expect(passesScopingFilters(user({ department: 'Legal' }), [sales, legal])).toBe(true);
    expect(passesScopingFilters(user({ department: 'HR' }), [sales, legal])).toBe(false);
    expect(passesScopingFilters(user({ department: 'HR' }), [])).toBe(true);
  });
});

describe('checking filters before use', () => {
  it('refuses what cannot be evaluated, saying where and why', () => {
    const bad = (clause: Partial<ScopingClause>) => () =>
      checkScopingFilters([
        { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'x', ...clause } as ScopingClause] },
      ]);
    expect(bad({ attribute: 'memberOf' as never })).toThrow(
      /\[0\]\.clauses\[0\]\.attribute: "memberOf" is not a single-valued/,
    );
    expect(bad({ operator: 'LIKE' as never })).toThrow(/\[0\]\.clauses\[0\]\.operator: "LIKE" is not one of/);
    expect(bad({ value: undefined })).toThrow(/value: EQUALS needs a value/);
    expect(bad({ operator: 'IS NULL' })).toThrow(/IS NULL takes no value/);
    expect(bad({ operator: 'Greater_Than', value: '1e6' })).toThrow(/compares integers: "1e6" is not one/);
    expect(bad({ operator: 'REGEX MATCH', value: '(' })).toThrow(/not a regular expression/);
    expect(() => checkScopingFilters([{ clauses: [] }])).toThrow(/\[0\]: a scoping filter needs at least one clause/);
    expect(() => checkScopingFilters([{ clauses: [{ attribute: 'jobTitle', operator: 'IS NULL' }] }])).not.toThrow();
  });
});
