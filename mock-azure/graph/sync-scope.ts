/**
 * Scoping filters in Graph's shape: an objectMapping's `scope` is a `filter` whose `groups` are the scoping
 * filters (ORed), each a `filterGroup` with a `name` and `clauses` (ANDed): `filterClause { operatorName,
 * sourceOperandName, targetOperand: { values } }`. One converts to the other both ways (scoping.ts is the model).
 */
import {
  checkScopingFilters,
  SCOPING_ATTRIBUTES,
  SCOPING_OPERATORS,
  type ScopingAttribute,
  type ScopingFilter,
  type ScopingOperator,
  ScopingFilterError,
} from '../app/scoping.ts';
import { badRequest } from './errors.ts';

/** The filters as Graph shows them: null when there are none (as the default schema has). */
export function renderScope(filters: readonly ScopingFilter[]) {
  if (filters.length === 0) return null;
  return {
    categoryFilterGroups: [],
    groups: filters.map((f, i) => ({
      name: f.title ?? `Scoping filter ${i + 1}`,
      clauses: f.clauses.map((c) => ({
        operatorName: c.operator,
        sourceOperandName: c.attribute,
        targetOperand: { values: c.value === undefined ? [] : [c.value] },
      })),
    })),
    inputFilterGroups: [],
  };
}

/** A PUT's scope as filters, checked: anything the engine cannot evaluate is a 400 saying where. */
export function scopeFilters(scope: unknown, at: string): ScopingFilter[] {
  if (scope === null || scope === undefined) return [];
  const groups = (scope as { groups?: unknown }).groups;
  if (typeof scope !== 'object' || !Array.isArray(groups))
    throw badRequest(`${at}.groups must be an array of filter groups.`);
  for (const key of ['categoryFilterGroups', 'inputFilterGroups'] as const) {
    const other = (scope as Record<string, unknown>)[key];
    if (Array.isArray(other) && other.length > 0)
      throw badRequest(`${at}.${key} is not modelled: only groups (the scoping filters of users) are.`);
  }
  const filters = groups.map((g, i): ScopingFilter => {
    const group = (g ?? {}) as { name?: unknown; clauses?: unknown };
    if (!Array.isArray(group.clauses)) throw badRequest(`${at}.groups[${i}].clauses must be an array.`);
    return {
      ...(typeof group.name === 'string' ? { title: group.name } : {}),
      clauses: group.clauses.map((c, j) => {
        const clause = (c ?? {}) as { operatorName?: unknown; sourceOperandName?: unknown; targetOperand?: unknown };
        const where = `${at}.groups[${i}].clauses[${j}]`;
        if (!(SCOPING_OPERATORS as readonly unknown[]).includes(clause.operatorName))
          throw badRequest(`${where}.operatorName must be one of ${SCOPING_OPERATORS.join(', ')}.`);
        if (!(SCOPING_ATTRIBUTES as readonly unknown[]).includes(clause.sourceOperandName))
          throw badRequest(`${where}.sourceOperandName must be one of ${SCOPING_ATTRIBUTES.join(', ')}.`);
        const values = (clause.targetOperand as { values?: unknown } | undefined)?.values ?? [];
        if (!Array.isArray(values) || values.length > 1 || values.some((v) => typeof v !== 'string'))
          throw badRequest(`${where}.targetOperand.values must hold at most one string.`);
        return {
          attribute: clause.sourceOperandName as ScopingAttribute,
          operator: clause.operatorName as ScopingOperator,
          ...(values.length ? { value: values[0] as string } : {}),
        };
      }),
    };
  });
  try {
    checkScopingFilters(filters);
  } catch (error) {
    if (error instanceof ScopingFilterError) throw badRequest(`${at}.${error.message.replace(/^scoping filter /, '')}`);
    throw error;
  }
  return filters;
}
