/**
 * SCIM filters (RFC 7644 §3.4.2.2): parse once, then test resources against the tree by schema types.
 * The grammar lives in path.ts (paths and filters embed each other); this file gives filters meaning.
 */
import { badRequest } from './errors.ts';
import { parseFilterText, type AttrPath, type ParseLimits } from './path.ts';
import { getField, isPlainObject, parseDateTime, toBoolean } from './resource.ts';
import {
  findAttribute,
  GROUP_SCHEMA,
  holdingExtension,
  lookupAttribute,
  USER_SCHEMA,
  type AttributeDef,
  type ResourceType,
} from './schemas.ts';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/**
 * A parsed filter. Paths inside a `valuePath` filter are relative to one element of the multi-valued
 * attribute (`type` in `emails[type eq "work"]`). `text` is an unquoted value as written.
 */
export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue; text?: string }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; filters: FilterNode[] }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

/** Parses a `filter=` expression; anything malformed, too long or too deep is 400 invalidFilter. */
export function parseFilter(text: string, limits?: { maxLength?: number; maxDepth?: number }): FilterNode {
  const simple = SIMPLE_EQ.exec(text);
  // The query every IdP sends for every user (`userName eq "x"`) skips the general parser; the result is the same node.
  if (simple && (limits?.maxLength === undefined || text.length <= limits.maxLength)) {
    try {
      const value: unknown = JSON.parse(simple[2]!);
      if (typeof value === 'string') return { kind: 'compare', path: { attribute: simple[1]! }, op: 'eq', value };
    } catch {
      // not a plain JSON string: let the full parser judge it
    }
  }
  return parseFilterText(text, limits ?? ({} as ParseLimits), 'invalidFilter');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw U+0000-U+001F; the fast path refuses them as JSON.parse does.
const SIMPLE_EQ = /^\s*(userName|externalId|displayName)\s+eq\s+("(?:[^"\\\u0000-\u001f]|\\["\\/bfnrtu])*")\s*$/i;

/** Where a path's values come from: a definition (undefined: unknown attribute) and the values found. */
interface Resolved {
  def: AttributeDef | undefined;
  values: unknown[];
}
type Resolver = (path: AttrPath) => Resolved;

const validated = new WeakMap<FilterNode, Set<ResourceType>>();

/**
 * Whether `resource` satisfies the filter. Multi-valued attributes match when any value does; unknown
 * attributes match nothing; strings compare ignoring case unless the attribute is caseExact.
 * Type errors (`active gt true`, `meta.created gt "soon"`) are 400 invalidFilter even on an empty store.
 */
export function matchesFilter(node: FilterNode, resource: Record<string, unknown>, type: ResourceType): boolean {
  let types = validated.get(node);
  if (!types?.has(type)) {
    validate(node, (p) => ({ def: lookupAttribute(type, p), values: [] }));
    types ??= new Set();
    validated.set(node, types.add(type));
  }
  return evaluate(node, resourceResolver(resource, type));
}

/** Whether one element of a multi-valued attribute (`parent`) satisfies a value filter, e.g. from a PATCH path. */
export function matchesValueFilter(filter: FilterNode, element: unknown, parent: AttributeDef): boolean {
  const resolver = elementResolver(element, parent);
  validate(filter, resolver);
  return evaluate(filter, resolver);
}

/**
 * The value when the whole filter is exactly `<attribute> eq <string>` (attribute compared ignoring case and
 * an optional core-schema URN), so the store can answer from an index. Case folding is the caller's: userName
 * is case-insensitive, externalId and id are caseExact.
 */
export function equalityValue(node: FilterNode, attribute: string): string | undefined {
  if (node.kind !== 'compare' || node.op !== 'eq' || node.value === null) return undefined;
  const value = typeof node.value === 'string' ? node.value : node.text;
  if (value === undefined) return undefined;
  return pathKey(node.path) === attributeKey(attribute) ? value : undefined;
}

const attributeKeys = new Map<string, string>();

function attributeKey(attribute: string): string {
  let key = attributeKeys.get(attribute);
  if (key === undefined) {
    const node = parseFilter(`${attribute} pr`);
    key = pathKey(node.kind === 'present' ? node.path : { attribute: '' });
    attributeKeys.set(attribute, key);
  }
  return key;
}

function pathKey(p: AttrPath): string {
  const schema = p.schema && ![USER_SCHEMA, GROUP_SCHEMA].includes(p.schema) ? `${p.schema}:` : '';
  return `${schema}${p.attribute}${p.subAttribute !== undefined ? `.${p.subAttribute}` : ''}`.toLowerCase();
}

const flat = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function pick(values: unknown[], def: AttributeDef | undefined, sub: string | undefined): Resolved {
  if (!def || sub === undefined) return { def, values };
  const subDef = findAttribute(def.subAttributes, sub);
  if (!subDef) return { def: undefined, values: [] };
  return { def: subDef, values: values.flatMap((el) => flat(getField(el, subDef.name))) };
}

function resourceResolver(resource: Record<string, unknown>, type: ResourceType): Resolver {
  return (path) => {
    const def = lookupAttribute(type, { ...path, subAttribute: undefined });
    if (!def) return { def, values: [] };
    const ext = holdingExtension(type, path, def);
    const container = ext ? getField(resource, ext.id) : resource;
    return pick(flat(getField(container, def.name)), def, path.subAttribute);
  };
}

function elementResolver(element: unknown, parent: AttributeDef): Resolver {
  return (path) => {
    const def = path.schema === undefined ? findAttribute(parent.subAttributes, path.attribute) : undefined;
    return pick(def ? flat(getField(element, def.name)) : [], def, path.subAttribute);
  };
}

function evaluate(node: FilterNode, resolve: Resolver): boolean {
  switch (node.kind) {
    case 'and':
      return node.filters.every((f) => evaluate(f, resolve));
    case 'or':
      return node.filters.some((f) => evaluate(f, resolve));
    case 'not':
      return !evaluate(node.filter, resolve);
    case 'present':
      return resolve(node.path).values.some(isPresent);
    case 'valuePath': {
      const { def, values } = resolve(node.path);
      return !!def && values.some((el) => evaluate(node.filter, elementResolver(el, def)));
    }
    case 'compare': {
      const target = comparable(resolve(node.path));
      if (!target.def) return false;
      if (node.value === null) return (node.op === 'ne') === target.values.some(isPresent);
      const hit = target.values.some((v) => compare(target.def!, v, node.op === 'ne' ? 'eq' : node.op, node));
      return node.op === 'ne' ? !hit : hit;
    }
  }
}

/** A complex attribute compared without a sub-attribute compares its `value` (`emails co "@x"`). */
function comparable(r: Resolved): Resolved {
  return r.def?.type === 'complex' ? pick(r.values, r.def, 'value') : r;
}

const isPresent = (v: unknown): boolean =>
  v !== null &&
  v !== undefined &&
  v !== '' &&
  !(Array.isArray(v) && !v.some(isPresent)) &&
  !(isPlainObject(v) && !Object.values(v).some(isPresent));

function compare(
  def: AttributeDef,
  actual: unknown,
  op: CompareOp,
  node: Extract<FilterNode, { kind: 'compare' }>,
): boolean {
  switch (def.type) {
    case 'boolean':
      return toBoolean(actual) === filterBoolean(node);
    case 'integer':
    case 'decimal':
      return typeof actual === 'number' && order(actual, filterNumber(node)!, op);
    case 'dateTime':
      if (op === 'co' || op === 'sw' || op === 'ew')
        return typeof actual === 'string' && strings(actual, filterString(node), op, false);
      return typeof actual === 'string' && order(parseDateTime(actual), parseDateTime(filterString(node))!, op);
    default:
      return typeof actual === 'string' && strings(actual, filterString(node), op, def.caseExact);
  }
}

function strings(actual: string, wanted: string, op: CompareOp, caseExact: boolean): boolean {
  const a = caseExact ? actual : actual.toLowerCase();
  const b = caseExact ? wanted : wanted.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return order(a, b, op);
  }
}

function order<T extends number | string>(a: T | undefined, b: T, op: CompareOp): boolean {
  if (a === undefined) return false;
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

type CompareNode = Extract<FilterNode, { kind: 'compare' }>;
const filterString = (n: CompareNode): string => (typeof n.value === 'string' ? n.value : (n.text ?? String(n.value)));
const filterBoolean = (n: CompareNode): boolean | undefined => toBoolean(n.value);
function filterNumber(n: CompareNode): number | undefined {
  if (typeof n.value === 'number') return n.value;
  const num = typeof n.value === 'string' && n.value.trim() !== '' ? Number(n.value) : NaN;
  return Number.isFinite(num) ? num : undefined;
}

/** Type errors are found before any resource is read, so they do not depend on what the store holds. */
function validate(node: FilterNode, resolve: Resolver): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const f of node.filters) validate(f, resolve);
      return;
    case 'not':
      validate(node.filter, resolve);
      return;
    case 'present':
      return;
    case 'valuePath': {
      const { def } = resolve(node.path);
      if (def && def.type !== 'complex')
        throw badRequest('invalidFilter', `${def.name} has no sub-attributes to filter on`);
      if (def) validate(node.filter, elementResolver(undefined, def));
      return;
    }
    case 'compare': {
      const ordering = node.op !== 'eq' && node.op !== 'ne';
      if (node.value === null && ordering)
        throw badRequest('invalidFilter', `Operator ${node.op} cannot compare with null`);
      const resolved = resolve(node.path);
      const def = comparable(resolved).def;
      if (resolved.def?.type === 'complex' && !def) {
        throw badRequest('invalidFilter', `${resolved.def.name} is complex: compare one of its sub-attributes`);
      }
      if (!def || node.value === null) return;
      const name = def.name;
      if (def.type === 'boolean' && ordering)
        throw badRequest('invalidFilter', `Operator ${node.op} is not defined for boolean attribute ${name}`);
      if (def.type === 'boolean' && filterBoolean(node) === undefined)
        throw badRequest('invalidFilter', `${name} is a boolean: compare with true or false`);
      if (
        (def.type === 'binary' || def.type === 'reference') &&
        ordering &&
        node.op !== 'co' &&
        node.op !== 'sw' &&
        node.op !== 'ew'
      ) {
        throw badRequest('invalidFilter', `Operator ${node.op} is not defined for ${def.type} attribute ${name}`);
      }
      if (
        (def.type === 'integer' || def.type === 'decimal') &&
        (filterNumber(node) === undefined || ['co', 'sw', 'ew'].includes(node.op))
      ) {
        throw badRequest('invalidFilter', `${name} is a number: use eq, ne, gt, ge, lt or le with a number`);
      }
      if (
        def.type === 'dateTime' &&
        !['co', 'sw', 'ew'].includes(node.op) &&
        parseDateTime(filterString(node)) === undefined
      ) {
        throw badRequest('invalidFilter', `${name} is a dateTime: "${filterString(node)}" is not an ISO 8601 instant`);
      }
    }
  }
}
