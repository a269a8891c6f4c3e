/**
 * SCIM PATCH (RFC 7644 §3.5.2) in every dialect that reaches NordPass: RFC, Entra's default (capitalised
 * ops, "False" strings, value-filter paths that create), Entra with aadOptscim062020 (one path-less replace
 * with dotted and URN keys), Okta, and the Microsoft test collection. Pure: a new object, or a ScimError.
 */
import { badRequest, ScimError } from './errors.ts';
import { matchesValueFilter, type FilterNode } from './filter.ts';
import { formatPath, parsePath, type AttrPath } from './path.ts';
import {
  coerceValue,
  deepEqual,
  findKey,
  getField,
  isForbiddenKey,
  isPlainObject,
  isUnassigned,
  setField,
  shallowCopy,
  deleteField,
  type JsonObject,
} from './resource.ts';
import {
  findAttribute,
  holdingExtension,
  lookupAttribute,
  schemasFor,
  type AttributeDef,
  type ResourceType,
  type SchemaDef,
} from './schemas.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 1000;

/** The attribute an operation writes, independent of any resource: its definition, the optional sub / filter, its extension. */
interface ResolvedPath {
  def: AttributeDef;
  sub?: AttributeDef;
  filter?: FilterNode;
  /** The extension whose object holds the attribute; undefined when it sits on the resource itself. */
  extension?: SchemaDef;
}

// Clients send the same few paths in every PATCH (Entra: displayName, active, emails[type eq "work"].value):
// each is parsed and resolved once per resource type. Only successes are kept; the cache is bounded.
const RESOLVED_PATHS_LIMIT = 1000;
const resolvedPaths = new Map<string, ResolvedPath>();

function resolvePathText(type: ResourceType, text: string): ResolvedPath {
  return knownPath(type, text) ?? rememberPath(type, text, resolvePath(type, parsePath(text)));
}

const knownPath = (type: ResourceType, text: string) => resolvedPaths.get(`${type} ${text}`);

function rememberPath(type: ResourceType, text: string, resolved: ResolvedPath): ResolvedPath {
  if (resolvedPaths.size >= RESOLVED_PATHS_LIMIT) resolvedPaths.clear();
  resolvedPaths.set(`${type} ${text}`, resolved);
  return resolved;
}

/**
 * Applies a PatchOp body to a copy of `resource`, which is never changed: the copy shares what no operation
 * touches, and each operation copies what it changes (copying the whole resource was a sixth of a PATCH).
 * All operations succeed or the call throws, so a failing op leaves nothing half-applied. `changed` is false
 * when the result deep-equals the input.
 */
export function applyPatch(
  resource: Record<string, unknown>,
  body: unknown,
  type: ResourceType,
): { resource: Record<string, unknown>; changed: boolean } {
  const operations = readOperations(body);
  const work = shallowCopy(resource);
  operations.forEach((raw, i) => {
    try {
      applyOperation(work, raw, type);
    } catch (e) {
      if (!(e instanceof ScimError)) throw e;
      throw new ScimError(e.status, e.scimType, `Operations[${i}]: ${e.detail}`);
    }
  });
  listExtensions(work, type);
  return { resource: work, changed: !deepEqual(work, resource) };
}

function readOperations(body: unknown): JsonObject[] {
  if (!isPlainObject(body)) throw badRequest('invalidSyntax', 'A PATCH body must be a JSON object');
  const schemas = getField(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw badRequest('invalidSyntax', `schemas must contain ${PATCH_OP_SCHEMA}`);
  }
  const ops = getField(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0)
    throw badRequest('invalidSyntax', 'Operations must be a non-empty array');
  if (ops.length > MAX_PATCH_OPERATIONS) {
    throw badRequest('invalidSyntax', `At most ${MAX_PATCH_OPERATIONS} operations per request; got ${ops.length}`);
  }
  ops.forEach((op, i) => {
    if (!isPlainObject(op)) throw badRequest('invalidSyntax', `Operations[${i}] must be an object`);
  });
  return ops as JsonObject[];
}

function applyOperation(work: JsonObject, raw: JsonObject, type: ResourceType): void {
  const opText = getField(raw, 'op');
  const op = typeof opText === 'string' ? opText.toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw badRequest(
      'invalidSyntax',
      `op must be add, replace or remove (any case); got ${JSON.stringify(opText ?? null)}`,
    );
  }
  const pathText = getField(raw, 'path');
  const value = getField(raw, 'value');
  if (pathText !== undefined && pathText !== null && typeof pathText !== 'string') {
    throw badRequest('invalidPath', 'path must be a string');
  }
  if (typeof pathText === 'string' && pathText.trim() !== '') {
    const target = resolvePathText(type, pathText.trim());
    // RFC 7644 §3.5.2.2 would leave active unassigned; a member is always active or not, so removing it is
    // refused, with what to send instead (it used to answer 200 and change nothing).
    if (op === 'remove' && type === 'User' && target.def.name === 'active' && !target.sub)
      throw badRequest(
        'invalidValue',
        'active cannot be removed: a member is active or not. To suspend, send {"op": "replace", "path": "active", "value": false}',
      );
    if (op === 'remove') remove(work, target, value);
    else write(op, work, target, value);
    return;
  }
  if (op === 'remove') throw badRequest('noTarget', 'remove needs a path');
  if (!isPlainObject(value))
    throw badRequest('invalidValue', `${op} without a path needs an object of attributes as its value`);
  for (const [key, v] of Object.entries(value)) {
    if (isForbiddenKey(key)) throw badRequest('invalidValue', `Attribute name "${key}" is not allowed`);
    if (key.toLowerCase() === 'schemas') continue; // clients echo it; the server maintains it
    // Keys are paths: aadOptscim062020 sends "name.givenName" and "urn:…:enterprise:2.0:User:department".
    // A known key resolved before, so it names no readOnly attribute: no need to look again.
    const known = knownPath(type, key);
    if (known) {
      write(op, work, known, v);
      continue;
    }
    const path = parsePath(key);
    const def = lookupAttribute(type, { ...path, subAttribute: undefined });
    // Okta sends the unchanged id along; a readOnly attribute equal to what is stored is not a change.
    if (def?.mutability === 'readOnly' && !path.subAttribute && !path.valueFilter && unchangedReadOnly(work, def, v))
      continue;
    write(op, work, rememberPath(type, key, resolvePath(type, path)), v);
  }
}

/** Whether a readOnly attribute sent in a path-less value agrees with what is stored (then it is ignored). */
function unchangedReadOnly(work: JsonObject, def: AttributeDef, v: unknown): boolean {
  const stored = getField(work, def.name);
  if (isUnassigned(v) || deepEqual(stored, v)) return true;
  // A partial meta such as {"resourceType":"User"} that agrees with the stored one.
  return (
    isPlainObject(v) && isPlainObject(stored) && Object.entries(v).every(([k, x]) => deepEqual(getField(stored, k), x))
  );
}

function resolvePath(type: ResourceType, path: AttrPath): ResolvedPath {
  const label = formatPath(path);
  for (const part of [path.schema, path.attribute, path.subAttribute]) {
    if (part?.split(':').some(isForbiddenKey)) throw badRequest('invalidPath', `"${label}" is not an attribute`);
  }
  const def = lookupAttribute(type, { ...path, subAttribute: undefined });
  if (!def) throw badRequest('invalidPath', `Unknown attribute "${label}" for a ${type}`);
  const sub = path.subAttribute === undefined ? undefined : findAttribute(def.subAttributes, path.subAttribute);
  if (path.subAttribute !== undefined && !sub) throw badRequest('invalidPath', `Unknown sub-attribute "${label}"`);
  if (def.name.toLowerCase() === 'schemas' || def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw new ScimError(400, 'mutability', `${sub ? `${def.name}.${sub.name}` : def.name} is readOnly`);
  }
  if (path.valueFilter && !(def.multiValued && def.type === 'complex')) {
    throw badRequest('invalidPath', `"${label}": a value filter needs a multi-valued complex attribute`);
  }
  const extension = holdingExtension(type, path, def);
  return {
    def,
    ...(sub ? { sub } : {}),
    ...(path.valueFilter ? { filter: path.valueFilter } : {}),
    ...(extension ? { extension } : {}),
  };
}

/**
 * The object holding the target attribute, safe to change: the working copy, or a copy of its extension object
 * put in the original's place. A missing extension object is created when `create`, else undefined.
 */
function holderOf(work: JsonObject, t: ResolvedPath, create: boolean): JsonObject | undefined {
  if (!t.extension) return work;
  const key = findKey(work, t.extension.id);
  const existing = key === undefined ? undefined : work[key];
  if (isPlainObject(existing)) {
    const copy = shallowCopy(existing);
    work[key!] = copy;
    return copy;
  }
  if (!create) return undefined;
  const made: JsonObject = {};
  setField(work, t.extension.id, made);
  return made;
}

function write(op: 'add' | 'replace', work: JsonObject, t: ResolvedPath, value: unknown): void {
  const { def, sub, filter } = t;
  if (def.mutability === 'writeOnly') return; // password: accepted, never stored
  const holder = holderOf(work, t, true)!;
  const current = getField(holder, def.name);
  if (filter) {
    writeFiltered(op, t, filter, holder, value);
    return;
  }
  if (sub) {
    const v = coerceValue(sub, value, `${def.name}.${sub.name}`);
    if (!def.multiValued) {
      store(holder, def, withSub(isPlainObject(current) ? { ...current } : {}, sub, v));
      return;
    }
    const elements = list(current)
      .filter(isPlainObject)
      .map((el) => ({ ...el }));
    if (elements.length === 0) {
      store(holder, def, v === null ? [] : [{ [sub.name]: v }]);
      return;
    }
    elements.forEach((el) => {
      withSub(el, sub, v);
    });
    store(
      holder,
      def,
      elements.filter((el) => !isUnassigned(el)),
    );
    return;
  }
  const v = coerceValue(def, value, def.name);
  // null (or "" for a complex attribute) clears on replace and adds nothing on add.
  if (v === null) {
    if (op === 'replace') deleteField(holder, def.name);
    return;
  }
  if (def.multiValued) {
    const added = v as unknown[];
    if (op === 'replace') {
      store(holder, def, added, added);
      return;
    }
    store(holder, def, merge(list(current), added), added);
    return;
  }
  // RFC 7644 §3.5.2.1/.3: a complex value sets the sub-attributes given and leaves the others alone.
  if (def.type === 'complex' && isPlainObject(v)) {
    store(holder, def, { ...(isPlainObject(current) ? current : {}), ...v });
    return;
  }
  store(holder, def, v);
}

/** `emails[type eq "work"].value`: set on every match; with no match create the element (Entra needs it). */
function writeFiltered(
  op: 'add' | 'replace',
  t: ResolvedPath,
  filter: FilterNode,
  holder: JsonObject,
  value: unknown,
): void {
  const { def, sub } = t;
  const elements = list(getField(holder, def.name)).map((el) => (isPlainObject(el) ? { ...el } : el));
  const hits = elements.filter((el) => matchesValueFilter(filter, el, def)) as JsonObject[];
  const v = sub
    ? coerceValue(sub, value, `${def.name}.${sub.name}`)
    : coerceValue({ ...def, multiValued: false }, value, def.name);
  if (!sub && !isPlainObject(v)) throw badRequest('invalidValue', `${def.name} element must be an object`);
  if (hits.length === 0) {
    if (v === null) return; // clearing what is not there
    const seed = op === 'add' || sub ? equalities(filter, def) : undefined;
    if (!seed) throw badRequest('noTarget', `No ${def.name} value matches the filter`);
    const element = sub ? withSub(seed, sub, v) : { ...seed, ...(v as JsonObject) };
    if (!isUnassigned(element)) elements.push(element);
    store(holder, def, elements, [element]);
    return;
  }
  for (const el of hits) {
    if (sub) withSub(el, sub, v);
    else {
      if (op === 'replace') for (const k of Object.keys(el)) delete el[k];
      Object.assign(el, v);
    }
  }
  store(
    holder,
    def,
    elements.filter((el) => !isUnassigned(el)),
    hits,
  );
}

function remove(work: JsonObject, t: ResolvedPath, value: unknown): void {
  const { def, sub, filter } = t;
  const holder = holderOf(work, t, false);
  if (!isPlainObject(holder)) {
    if (filter) throw badRequest('noTarget', `No ${def.name} value matches the filter`);
    return;
  }
  const current = getField(holder, def.name);
  if (filter) {
    const elements = list(current).map((el) => (isPlainObject(el) ? { ...el } : el));
    const hits = elements.filter((el) => matchesValueFilter(filter, el, def)) as JsonObject[];
    if (hits.length === 0) throw badRequest('noTarget', `No ${def.name} value matches the filter`);
    if (sub)
      hits.forEach((el) => {
        withSub(el, sub, null);
      });
    store(
      holder,
      def,
      elements.filter((el) => !(sub ? isUnassigned(el) : hits.includes(el as JsonObject))),
    );
    return;
  }
  if (sub) {
    if (!def.multiValued) {
      store(holder, def, isPlainObject(current) ? withSub({ ...current }, sub, null) : null);
      return;
    }
    const elements = list(current)
      .filter(isPlainObject)
      .map((el) => withSub({ ...el }, sub, null));
    store(
      holder,
      def,
      elements.filter((el) => !isUnassigned(el)),
    );
    return;
  }
  if (value !== undefined && value !== null && def.multiValued && def.type === 'complex') {
    // Entra's default dialect: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes those
    // members only (RFC would clear the list). Removing a non-member is not an error: Entra retries.
    const gone = coerceValue(def, value, def.name) as JsonObject[];
    const keep = list(current).filter(
      (el) => !gone.some((g) => Object.entries(g).every(([k, x]) => deepEqual(getField(el, k), x))),
    );
    store(holder, def, keep);
    return;
  }
  deleteField(holder, def.name);
}

/** Writes an attribute, or deletes it when unassigned; one primary at most among multi-values. */
function store(holder: JsonObject, def: AttributeDef, value: unknown, touched: unknown[] = []): void {
  if (isUnassigned(value)) {
    deleteField(holder, def.name);
    return;
  }
  if (Array.isArray(value) && findAttribute(def.subAttributes, 'primary')) {
    const winner = [...touched].reverse().find((el) => isPlainObject(el) && el.primary === true);
    if (winner)
      for (const el of value) if (isPlainObject(el) && el !== winner && el.primary === true) el.primary = false;
  }
  setField(holder, def.name, value);
}

function withSub(el: JsonObject, sub: AttributeDef, v: unknown): JsonObject {
  if (v === null) delete el[findKey(el, sub.name) ?? sub.name];
  else setField(el, sub.name, v);
  return el;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? [...v] : v === undefined || v === null ? [] : [v]);

/**
 * RFC add on a multi-valued attribute: an element whose `value` (and `type`, when given) is already there
 * is updated in place, so adding a present member is not a duplicate.
 */
function merge(existing: unknown[], added: unknown[]): unknown[] {
  const out = existing.map((el) => (isPlainObject(el) ? { ...el } : el));
  for (const item of added) {
    const same =
      isPlainObject(item) && 'value' in item
        ? out.find(
            (el) =>
              isPlainObject(el) &&
              deepEqual(el.value, item.value) &&
              (item.type === undefined || el.type === undefined || el.type === item.type),
          )
        : out.find((el) => deepEqual(el, item));
    if (isPlainObject(same) && isPlainObject(item)) {
      Object.assign(same, item);
      added[added.indexOf(item)] = same; // so primary handling sees the element that is stored
    } else if (!same) out.push(item);
  }
  return out;
}

/** The element a filter of `eq` comparisons joined by `and` describes: `type eq "work"` → {type: "work"}. */
function equalities(filter: FilterNode, def: AttributeDef): JsonObject | undefined {
  if (filter.kind === 'and') {
    const parts = filter.filters.map((f) => equalities(f, def));
    return parts.every((p) => p !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.subAttribute !== undefined) return undefined;
  const sub = findAttribute(def.subAttributes, filter.path.attribute);
  if (!sub || sub.mutability === 'readOnly' || filter.value === null) return undefined;
  const raw = sub.type === 'string' && filter.text !== undefined ? filter.text : filter.value;
  try {
    return { [sub.name]: coerceValue(sub, raw, `${def.name}.${sub.name}`) };
  } catch {
    return undefined;
  }
}

/** An extension with data must be listed in `schemas` (RFC 7643 §3); one emptied stays listed. */
function listExtensions(work: JsonObject, type: ResourceType): void {
  for (const ext of schemasFor(type).extensions) {
    const key = findKey(work, ext.id);
    if (key === undefined) continue;
    if (isUnassigned(work[key])) {
      delete work[key];
      continue;
    }
    const schemas = getField(work, 'schemas');
    if (
      Array.isArray(schemas) &&
      !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === ext.id.toLowerCase())
    ) {
      setField(work, 'schemas', [...schemas, ext.id]);
    }
  }
}
