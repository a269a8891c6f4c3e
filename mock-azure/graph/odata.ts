/**
 * OData pieces every Graph collection shares: `@odata.context`, `$top` with `@odata.nextLink` paging,
 * `$select`, and `$filter` (parsed in filter.ts).
 */
import { GraphError, badRequest } from './errors.ts';
import {
  type DirectoryQuery,
  type DirectoryResource,
  directoryQuery,
  eventual,
  orderOf,
  searchMatches,
} from './directory-query.ts';
import { matches, parseFilter, type FilterNode } from './filter.ts';
import { json, type GraphRequest } from './http.ts';

/** `@odata.context` for a fragment such as `users`, `users/$entity`, `directoryObjects/$entity`. */
export function context(req: GraphRequest, fragment: string): string {
  return `${req.base}/$metadata#${fragment}`;
}

const MAX_PAGE = 999;

/** `$top`, 1 to 999 as Graph's directory allows; `fallback` when absent. */
export function pageSize(req: GraphRequest, fallback = 100): number {
  const text = req.option('top');
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_PAGE) {
    throw badRequest(`Invalid page size specified: '${text}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
  }
  return n;
}

// The skip token is an offset into the filtered sequence. fidelity: Graph's tokens are opaque and stable
// across writes; an offset shifts when objects are added before it, which a paging script rarely meets.
function offset(req: GraphRequest): number {
  const token = req.option('skiptoken');
  if (token === undefined) return 0;
  const match = /^o(\d{1,9})$/.exec(token);
  if (!match)
    throw badRequest(`The $skiptoken '${token}' is not one this service issued; follow @odata.nextLink as given.`);
  return Number(match[1]);
}

/** `$filter` for a resource whose filterable properties are `properties`; undefined when absent. */
export function filterOption(
  req: GraphRequest,
  properties: ReadonlySet<string>,
  resource: string,
): FilterNode | undefined {
  const text = req.option('filter');
  return text === undefined ? undefined : parseFilter(text, properties, resource);
}

/** `$select` against the properties a resource has; undefined when absent. */
export function selectOption(req: GraphRequest, properties: ReadonlySet<string>, type: string): string[] | undefined {
  const text = req.option('select');
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.map((name) => {
    const known = [...properties].find((p) => p.toLowerCase() === name.toLowerCase());
    if (!known) throw new GraphError(400, 'BadRequest', `Could not find a property named '${name}' on type '${type}'.`);
    return known;
  });
}

/** Only the selected properties (and OData annotations), in the order asked. */
export function project(object: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return object;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) if (key.startsWith('@odata.')) out[key] = object[key];
  for (const key of select) out[key] = object[key] ?? null;
  return out;
}

export interface CollectionOptions<T> {
  /** The full Graph object, which the filter sees. */
  full: (item: T) => Record<string, unknown>;
  /** What a page shows of an item (default: the full object, projected by $select). */
  shown?: (full: Record<string, unknown>, item: T) => Record<string, unknown>;
  filter?: FilterNode | undefined;
  select?: string[] | undefined;
  defaultTop?: number;
  /** A directory collection's `$count`, `$orderby` and `$search` (directory-query.ts). */
  query?: DirectoryQuery;
}

/** A Graph collection response: `{"@odata.context", "value": [...], "@odata.nextLink"?}`. */
export function collection<T>(
  req: GraphRequest,
  fragment: string,
  items: Iterable<T>,
  options: CollectionOptions<T>,
): Response {
  const top = pageSize(req, options.defaultTop);
  const skip = offset(req);
  const { query } = options;
  if (query && (query.order || query.search || query.count))
    return queried(req, fragment, items, options, query, top, skip);
  const value: Record<string, unknown>[] = [];
  let seen = 0;
  let more = false;
  for (const item of items) {
    // Without a filter an item is made into its Graph object only when the page shows it: reading every page
    // of /users built each user once per page before it (quadratic).
    const full = options.filter ? options.full(item) : undefined;
    if (full && !matches(options.filter!, full)) continue;
    if (seen++ < skip) continue;
    if (value.length === top) {
      more = true;
      break;
    }
    const shownFull = full ?? options.full(item);
    value.push(options.shown ? options.shown(shownFull, item) : project(shownFull, options.select));
  }
  const body: Record<string, unknown> = {
    '@odata.context': context(req, options.select ? `${fragment}(${options.select.join(',')})` : fragment),
    value,
  };
  if (more) body['@odata.nextLink'] = nextLink(req, skip + top);
  return json(body);
}

/** The request's own query, as sent (Graph's links keep `$top=2`, not `%24top=2`), with the next token. */
function nextLink(req: GraphRequest, at: number): string {
  const kept = req.url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !/^(\$|%24)?skiptoken=/i.test(part));
  return `${req.url.origin}${req.url.pathname}?${[...kept, `$skiptoken=o${at}`].join('&')}`;
}

/** Everything that matches, when a query needs all of it: to search, sort or count before paging. */
export function allMatches<T>(
  items: Iterable<T>,
  options: Pick<CollectionOptions<T>, 'full' | 'filter' | 'query'>,
): Array<{ item: T; full: Record<string, unknown> }> {
  const out: Array<{ item: T; full: Record<string, unknown> }> = [];
  const search = options.query?.search;
  for (const item of items) {
    const full = options.full(item);
    if (options.filter && !matches(options.filter, full)) continue;
    if (search && !searchMatches(search, full)) continue;
    out.push({ item, full });
  }
  if (options.query?.order) {
    const order = orderOf(options.query.order);
    out.sort((a, b) => order(a.full, b.full));
  }
  return out;
}

function queried<T>(
  req: GraphRequest,
  fragment: string,
  items: Iterable<T>,
  options: CollectionOptions<T>,
  query: DirectoryQuery,
  top: number,
  skip: number,
): Response {
  const all = allMatches(items, options);
  const page = all.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': context(req, options.select ? `${fragment}(${options.select.join(',')})` : fragment),
    ...(query.count ? { '@odata.count': all.length } : {}),
    value: page.map(({ item, full }) => (options.shown ? options.shown(full, item) : project(full, options.select))),
  };
  if (skip + top < all.length) body['@odata.nextLink'] = nextLink(req, skip + top);
  return json(body);
}

/**
 * `GET /users/$count`: how many match `$filter` and `$search`, as text/plain. Only as an advanced query: without
 * the header Graph answers "$count is not currently supported.".
 */
export function countOf<T>(
  req: GraphRequest,
  resource: DirectoryResource,
  items: Iterable<T>,
  full: (item: T) => Record<string, unknown>,
  properties: ReadonlySet<string>,
): Response {
  if (!eventual(req)) throw badRequest('$count is not currently supported.');
  const filter = filterOption(req, properties, resource);
  const query = directoryQuery(req, resource, filter);
  const n = allMatches(items, { full, filter, query: { ...query, order: undefined } }).length;
  return new Response(String(n), { headers: { 'Content-Type': 'text/plain' } });
}
