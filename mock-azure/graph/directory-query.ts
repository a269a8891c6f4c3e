/**
 * Graph's query rules for directory objects (users and groups), from "Advanced query capabilities on Microsoft
 * Entra ID objects" (learn.microsoft.com/graph/aad-advanced-queries): some options work by default, others only as
 * an advanced query, that is with the `ConsistencyLevel: eventual` header and (except for `$search`) `$count=true`.
 * Each is implemented as Graph does it or refused with the error Graph gives; none is ignored, but for the one case
 * Graph itself ignores (`$count=true` without the header: no `@odata.count`).
 */
import { badRequest, GraphError, unsupportedQuery } from './errors.ts';
import type { FilterNode } from './filter.ts';
import type { GraphRequest } from './http.ts';

export type DirectoryResource = 'User' | 'Group';

/** `$orderby`: by default, and only with the advanced parameters (the document's table). */
const ORDER_BY: Record<DirectoryResource, { byDefault: string[]; advanced: string[] }> = {
  User: { byDefault: ['displayName', 'userPrincipalName'], advanced: ['createdDateTime', 'deletedDateTime'] },
  Group: { byDefault: ['displayName'], advanced: ['deletedDateTime'] },
};

/** `$search` ("property:words"): the tokenized properties. */
const SEARCHABLE: Record<DirectoryResource, string[]> = {
  User: ['displayName', 'givenName', 'surname', 'mail', 'mailNickname', 'userPrincipalName', 'jobTitle'],
  Group: ['displayName', 'description', 'mail', 'mailNickname'],
};

/** "The endsWith operator is supported only with advanced query parameters by mail, otherMails, userPrincipalName, and proxyAddresses." */
const ENDS_WITH = new Set(['mail', 'otherMails', 'userPrincipalName', 'proxyAddresses']);

type Search = { kind: 'and' | 'or'; left: Search; right: Search } | { kind: 'term'; property: string; words: string[] };

export interface DirectoryQuery {
  /** `@odata.count` is answered (`$count=true` with the header). */
  count: boolean;
  order?: { property: string; descending: boolean };
  search?: Search;
}

const needsAdvanced = (what: string) =>
  unsupportedQuery(
    `${what} is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
  );

/** The header Graph's advanced queries need. */
export const eventual = (req: GraphRequest) =>
  (req.header('consistencylevel') ?? '').trim().toLowerCase() === 'eventual';

/** Reads and checks `$count`, `$orderby` and `$search` (and the operators in `filter`) for a directory collection. */
export function directoryQuery(
  req: GraphRequest,
  resource: DirectoryResource,
  filter: FilterNode | undefined,
): DirectoryQuery {
  const countText = req.option('count');
  if (countText !== undefined && !/^(true|false)$/i.test(countText))
    throw badRequest(`Invalid value '${countText}' for the query option '$count': true or false.`);
  const header = eventual(req);
  const advanced = header && countText?.toLowerCase() === 'true';
  if (filter) checkOperators(filter, resource, advanced);

  const query: DirectoryQuery = { count: advanced };
  const orderText = req.option('orderby');
  if (orderText !== undefined) {
    const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(orderText);
    if (!m) throw unsupportedQuery(`Sorting by '${orderText}' is not supported: one property, asc or desc.`);
    const rules = ORDER_BY[resource];
    const property = [...rules.byDefault, ...rules.advanced].find((p) => p.toLowerCase() === m[1]!.toLowerCase());
    if (!property) throw unsupportedQuery(`Sorting by '${m[1]}' is not supported for '${resource}'.`);
    if (!advanced && (rules.advanced.includes(property) || filter))
      // "Use of $filter and $orderby in the same query for directory objects always requires advanced query parameters."
      throw needsAdvanced(filter ? 'Sorting a filtered query' : `Sorting by '${property}'`);
    query.order = { property, descending: m[2]?.toLowerCase() === 'desc' };
  }
  const searchText = req.option('search');
  if (searchText !== undefined) {
    if (!header)
      throw unsupportedQuery(
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    query.search = parseSearch(searchText, resource);
  }
  return query;
}

function checkOperators(node: FilterNode, resource: DirectoryResource, advanced: boolean): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      checkOperators(node.left, resource, advanced);
      checkOperators(node.right, resource, advanced);
      return;
    case 'not':
      if (!advanced) throw needsAdvanced("Operator 'not'");
      checkOperators(node.operand, resource, advanced);
      return;
    case 'compare':
      if (node.op === 'ne' && !advanced) throw needsAdvanced("Operator 'ne'");
      return;
    case 'function':
      if (node.name !== 'endswith') return;
      if (!ENDS_WITH.has(node.path[0]!))
        throw unsupportedQuery(
          `Unsupported or invalid query filter clause specified for property '${node.path[0]}' of resource '${resource}'.`,
        );
      if (!advanced) throw needsAdvanced("Operator 'endsWith'");
      return;
    case 'in':
      return;
  }
}

/**
 * `"displayName:ada lo" AND "mail:contoso"`: each clause quoted, `property:words`; a clause matches when every word
 * is the start of a word of the property (tokenized on spaces, punctuation and case changes), case-insensitively.
 */
function parseSearch(text: string, resource: DirectoryResource): Search {
  const syntax = (detail: string) =>
    new GraphError(
      400,
      'Request_BadRequest',
      `Syntax error in $search: ${detail}. Write "property:words", joined by AND or OR.`,
    );
  const parts = text.trim().split(/\s+(AND|OR)\s+(?=")/);
  let result: Search | undefined;
  let joiner: 'and' | 'or' = 'and';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      joiner = part === 'AND' ? 'and' : 'or';
      continue;
    }
    const m = /^"([^":]+):([^"]*)"$/.exec(part.trim());
    if (!m) throw syntax(`'${part}' is not a quoted "property:words" clause`);
    const property = SEARCHABLE[resource].find((p) => p.toLowerCase() === m[1]!.trim().toLowerCase());
    if (!property)
      throw unsupportedQuery(
        `Property '${m[1]}' of '${resource}' does not support $search (${SEARCHABLE[resource].join(', ')} do).`,
      );
    const words = tokens(m[2]!);
    if (words.length === 0) throw syntax(`"${m[1]}:" has no words to search for`);
    const term: Search = { kind: 'term', property, words };
    result = result === undefined ? term : { kind: joiner, left: result, right: term };
  }
  return result!;
}

/** Words as Graph's search index tokenizes them: split on anything not a letter or digit, and at case changes. */
function tokens(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function searchMatches(search: Search, object: Record<string, unknown>): boolean {
  if (search.kind === 'and') return searchMatches(search.left, object) && searchMatches(search.right, object);
  if (search.kind === 'or') return searchMatches(search.left, object) || searchMatches(search.right, object);
  if (search.kind !== 'term') return false;
  const value = object[search.property];
  if (typeof value !== 'string') return false;
  const have = tokens(value);
  return search.words.every((w) => have.some((h) => h.startsWith(w)));
}

/** An order for `$orderby`: strings case-insensitively, missing values last. */
export function orderOf(order: NonNullable<DirectoryQuery['order']>) {
  return (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    const x = a[order.property];
    const y = b[order.property];
    if (x === y) return 0;
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    const c = String(x).localeCompare(String(y), 'en', { sensitivity: 'base' });
    return order.descending ? -c : c;
  };
}
