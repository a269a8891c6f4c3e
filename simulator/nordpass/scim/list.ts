/** The list half of GET /Users and /Groups: filter, stable order, pagination, projection (RFC 7644 §3.4.2). */
import type { Context } from 'hono';
import { ScimError } from './errors.ts';
import { parseFilter, matchesFilter, equalityValue, type FilterNode } from './filter.ts';
import { badRequest } from './errors.ts';
import { integerQuery, readJsonBody, singleQuery } from './http.ts';
import { checkProjection, project } from './projection.ts';
import { listResponse } from './render.ts';
import type { ResourceType } from './schemas.ts';

export interface ListQuery {
  filter?: FilterNode;
  startIndex: number;
  count: number;
  attributes?: string;
  excludedAttributes?: string;
}

/** Reads the list parameters from the query string (or, for POST /.search, from the body). */
export function readListQuery(
  c: Context,
  maxResults: number,
  maxFilterLength: number,
  body?: Record<string, unknown>,
): ListQuery {
  const param = (name: string) => (body ? bodyParam(body, name) : singleQuery(c, name));
  const filterText = param('filter');
  const startIndex = body ? numberParam(body, 'startIndex') : integerQuery(c, 'startIndex');
  const count = body ? numberParam(body, 'count') : integerQuery(c, 'count');
  return {
    ...(filterText !== undefined && filterText.trim() !== ''
      ? { filter: parseFilter(filterText, { maxLength: maxFilterLength }) }
      : {}),
    // RFC 7644 §3.4.2.4: startIndex below 1 is read as 1, a negative count as 0; more than the maximum gets the maximum.
    startIndex: Math.max(1, startIndex ?? 1),
    count: Math.min(Math.max(0, count ?? maxResults), maxResults),
    ...optional('attributes', param('attributes')),
    ...optional('excludedAttributes', param('excludedAttributes')),
  };
}

/**
 * Answers a list query over `items` (in their stable order). `lookup` answers `<key> eq "value"` from an
 * index, so the query Entra sends for every user costs a map lookup, not a scan.
 */
export function answerList<T>(
  query: ListQuery,
  type: ResourceType,
  items: Iterable<T>,
  render: (item: T) => Record<string, unknown>,
  lookup?: { attribute: string; find: (value: string) => T | undefined },
): Record<string, unknown> {
  const from = query.startIndex - 1;
  const to = from + query.count;
  let page: Record<string, unknown>[];
  let total: number;
  const indexed = query.filter && lookup ? equalityValue(query.filter, lookup.attribute) : undefined;
  if (indexed !== undefined && lookup) {
    const hit = lookup.find(indexed);
    const matched = hit === undefined ? [] : [render(hit)];
    page = matched.slice(from, to);
    total = matched.length;
  } else if (query.filter) {
    const matched: Record<string, unknown>[] = [];
    for (const item of items) {
      const resource = render(item);
      if (matchesFilter(query.filter, resource, type)) matched.push(resource);
    }
    page = matched.slice(from, to);
    total = matched.length;
  } else {
    // Without a filter every item matches: only the page is rendered (a count=1 page of 100,000 members rendered them all).
    page = [];
    total = 0;
    for (const item of items) {
      if (total >= from && total < to) page.push(render(item));
      total++;
    }
  }
  return listResponse(
    page.map((r) => projectFor(r, query, type)),
    total,
    query.startIndex,
  );
}

/**
 * `attributes=` / `excludedAttributes=` of a request for one resource, checked when read: writes read it before
 * changing anything, so a malformed projection is a 400 with nothing changed (it once left the change made).
 */
export function readProjection(c: Context): { attributes?: string; excludedAttributes?: string } {
  const wanted: { attributes?: string; excludedAttributes?: string } = {};
  const attributes = singleQuery(c, 'attributes');
  if (attributes) wanted.attributes = attributes;
  const excludedAttributes = singleQuery(c, 'excludedAttributes');
  if (excludedAttributes) wanted.excludedAttributes = excludedAttributes;
  checkProjection(wanted);
  return wanted;
}

export function projectFor(
  resource: Record<string, unknown>,
  query: { attributes?: string; excludedAttributes?: string },
  type: ResourceType,
) {
  if (query.attributes === undefined && query.excludedAttributes === undefined) return resource;
  return project(resource, query, type);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

function bodyParam(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value) && (name === 'attributes' || name === 'excludedAttributes')) return value.join(',');
  if (typeof value !== 'string') throw badRequest('invalidValue', `"${name}" must be a string`);
  return value;
}

function numberParam(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw badRequest('invalidValue', `"${name}" must be an integer`);
  return value;
}

/**
 * `/.search` (RFC 7644 §3.4.3) is answered inside the `/:id` routes, not as a route of its own: a static
 * segment beside `:id` makes Hono fall back from its RegExpRouter to the slower TrieRouter for every request.
 * POST searches; any other method is 405 (it once reached `:id` and answered 404 "no member with id .search").
 */
export function searchRoute(search: (c: Context, body: Record<string, unknown>) => Response, maxBodyBytes: number) {
  return async (c: Context, next: () => Promise<void>) => {
    if (c.req.param('id') !== '.search') return next();
    if (c.req.method !== 'POST')
      throw new ScimError(405, undefined, `${c.req.method} is not allowed on ${c.req.path}; allowed: POST`, {
        Allow: 'POST',
      });
    const body = await readJsonBody(c, maxBodyBytes);
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('invalidSyntax', 'a SearchRequest object is required');
    return search(c, body as Record<string, unknown>);
  };
}
