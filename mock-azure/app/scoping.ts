/**
 * Scoping filters: attribute-based rules on top of assignments, as Microsoft's "Scoping users or groups to be
 * provisioned with scoping filters" page defines them (learn.microsoft.com/entra/identity/app-provisioning/
 * define-conditional-rules-for-provisioning-user-accounts). A filter is one or more clauses, all of which must
 * hold (AND); with several filters, a user passing any one is in scope (OR). Each clause reads one attribute of
 * the user. "Scoping filters will return false if the value is null / empty", except IS NULL.
 */
import { compilePattern, patternProblem } from './patterns.ts';
import type { DirectoryUser } from '../directory/directory.ts';
import { USER_FIELDS } from '../directory/input.ts';

/** The operators, in the page's words (and Graph's operatorName). */
export const SCOPING_OPERATORS = [
  '&',
  '!&',
  'ENDS_WITH',
  'EQUALS',
  'Greater_Than',
  'Greater_Than_OR_EQUALS',
  'Includes',
  'IS FALSE',
  'IS NOT NULL',
  'IS NULL',
  'IS TRUE',
  'NOT EQUALS',
  'NOT REGEX MATCH',
  'REGEX MATCH',
] as const;
export type ScopingOperator = (typeof SCOPING_OPERATORS)[number];

/** Operators that take no value: they read only the attribute. */
export const SCOPING_OPERATORS_WITHOUT_VALUE: readonly ScopingOperator[] = [
  'IS FALSE',
  'IS NOT NULL',
  'IS NULL',
  'IS TRUE',
];
const NO_VALUE: ReadonlySet<ScopingOperator> = new Set(SCOPING_OPERATORS_WITHOUT_VALUE);

/**
 * A directory user's own fields no clause reads: its id, the directory's instants, and the manager ("manager" is not
 * supported as a scoping attribute: known-issues).
 */
const NOT_SCOPED = ['id', 'createdDateTime', 'deletedDateTime', 'managerId'] as const;
export type ScopingAttribute = Exclude<(typeof USER_FIELDS)[number], (typeof NOT_SCOPED)[number]>;

/**
 * The directory attributes a clause may read: every field of a directory user (input.ts) but those, all
 * single-valued ("Filtering is not supported for multi-valued attributes").
 */
export const SCOPING_ATTRIBUTES = USER_FIELDS.filter(
  (f): f is ScopingAttribute => !(NOT_SCOPED as readonly string[]).includes(f),
) as unknown as readonly [ScopingAttribute, ...ScopingAttribute[]];

export interface ScopingClause {
  attribute: ScopingAttribute;
  operator: ScopingOperator;
  /** What the attribute is compared with (not for IS NULL, IS NOT NULL, IS TRUE, IS FALSE). */
  value?: string;
}

export interface ScopingFilter {
  /** "Scoping Filter Title". */
  title?: string;
  clauses: ScopingClause[];
}

/** A filter that cannot be evaluated, with where it is (`[0].clauses[1].value`) and why. */
export class ScopingFilterError extends Error {
  constructor(
    readonly at: string,
    message: string,
  ) {
    super(`scoping filter ${at}: ${message}`);
    this.name = 'ScopingFilterError';
  }
}

/** Checks filters before they are used: every operator, attribute and value must make sense. */
export function checkScopingFilters(filters: readonly ScopingFilter[]): void {
  filters.forEach((filter, f) => {
    if (filter.clauses.length === 0)
      throw new ScopingFilterError(`[${f}]`, 'a scoping filter needs at least one clause');
    filter.clauses.forEach((clause, c) => {
      const at = `[${f}].clauses[${c}]`;
      if (!(SCOPING_ATTRIBUTES as readonly string[]).includes(clause.attribute))
        throw new ScopingFilterError(
          `${at}.attribute`,
          `"${clause.attribute}" is not a single-valued user attribute a clause can read (${SCOPING_ATTRIBUTES.join(', ')})`,
        );
      if (!(SCOPING_OPERATORS as readonly string[]).includes(clause.operator))
        throw new ScopingFilterError(
          `${at}.operator`,
          `"${clause.operator}" is not one of ${SCOPING_OPERATORS.join(', ')}`,
        );
      if (NO_VALUE.has(clause.operator)) {
        if (clause.value !== undefined)
          throw new ScopingFilterError(`${at}.value`, `${clause.operator} takes no value`);
        return;
      }
      if (clause.value === undefined || clause.value === '')
        throw new ScopingFilterError(`${at}.value`, `${clause.operator} needs a value`);
      if (clause.operator.startsWith('Greater_Than') && !/^\d+$/.test(clause.value))
        throw new ScopingFilterError(
          `${at}.value`,
          `${clause.operator} compares integers: "${clause.value}" is not one ("must be an integer")`,
        );
      if (clause.operator.endsWith('REGEX MATCH')) {
        const problem = patternProblem(clause.value);
        if (problem) throw new ScopingFilterError(`${at}.value`, problem);
      }
    });
  });
}

/** Whether a user passes the filters: none set passes everyone; otherwise any filter whose clauses all hold. */
export function passesScopingFilters(user: DirectoryUser, filters: readonly ScopingFilter[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) => filter.clauses.every((clause) => clauseHolds(user, clause)));
}

/** One clause against one user, as the page defines each operator (case-sensitive throughout). */
export function clauseHolds(user: DirectoryUser, clause: ScopingClause): boolean {
  const raw = user[clause.attribute];
  const empty = raw === undefined || raw === null || raw === '';
  if (clause.operator === 'IS NULL') return empty;
  if (empty) return false;
  const text = String(raw);
  const value = clause.value ?? '';
  switch (clause.operator) {
    case 'IS NOT NULL':
      return true;
    case 'IS TRUE':
      return raw === true || text.toLowerCase() === 'true';
    case 'IS FALSE':
      return raw === false || text.toLowerCase() === 'false';
    case 'EQUALS':
      return text === value;
    case 'NOT EQUALS':
      return text !== value;
    case 'Includes':
      return text.includes(value);
    // "&": "true if the evaluated attribute exists in the input string value", read as: the attribute's value is
    // found in the clause's value; "!&": it is not. fidelity: the page's one sentence each is all there is (INFERRED).
    case '&':
      return value.includes(text);
    case '!&':
      return !value.includes(text);
    case 'ENDS_WITH':
      return text.endsWith(value);
    case 'Greater_Than':
    case 'Greater_Than_OR_EQUALS': {
      // "the attribute on the user must be an integer": anything else does not pass.
      if (!/^\d+$/.test(text)) return false;
      const [a, b] = [BigInt(text), BigInt(value)];
      return clause.operator === 'Greater_Than' ? a > b : a >= b;
    }
    // .NET's Regex.IsMatch: a match anywhere in the value.
    // fidelity: patterns run on JavaScript's RegExp, not .NET's; the page's examples mean the same in both.
    case 'REGEX MATCH':
      return compilePattern(value).test(text);
    case 'NOT REGEX MATCH':
      return !compilePattern(value).test(text);
  }
}
