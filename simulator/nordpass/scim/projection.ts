/**
 * `attributes=` / `excludedAttributes=` (RFC 7644 §3.9, §3.4.2.5): which parts of a resource a response shows.
 * Value filters select elements: `attributes=emails[type eq "work"]` returns only the work emails, and
 * `excludedAttributes=emails[type eq "home"]` drops only the home ones.
 */
import { matchesValueFilter } from './filter.ts';
import { parsePath, type AttrPath } from './path.ts';
import { deepClone, findKey, getField, isPlainObject, isUnassigned, type JsonObject } from './resource.ts';
import {
  COMMON_ATTRIBUTES,
  findAttribute,
  holdingExtension,
  lookupAttribute,
  schemasFor,
  type AttributeDef,
  type ResourceType,
} from './schemas.ts';

/** What to keep of a value: all of it, or some object keys / array elements (`#<index>`). */
type Selection = true | Map<string, Selection>;

/**
 * The resource as a response shows it. `attributes` wins over `excludedAttributes` when both are given;
 * id and schemas are always shown; returned:"never" attributes never are. Unknown names are ignored, as
 * RFC 7644 §3.4.2.5 allows; a malformed entry is 400 invalidPath.
 */
export function project(
  resource: Record<string, unknown>,
  query: { attributes?: string; excludedAttributes?: string },
  type: ResourceType,
): Record<string, unknown> {
  const included = splitList(query.attributes);
  if (included.length) return include(resource, included.map(parsePath), type);
  const excluded = splitList(query.excludedAttributes);
  return exclude(resource, excluded.map(parsePath), type);
}

/**
 * Throws the 400 invalidPath that project() would, without a resource: a write checks its projection before it
 * changes anything, so a malformed `attributes=` on POST/PUT/PATCH refuses the whole request.
 */
export function checkProjection(query: { attributes?: string; excludedAttributes?: string }): void {
  const included = splitList(query.attributes);
  for (const entry of included.length ? included : splitList(query.excludedAttributes)) parsePath(entry);
}

/** Comma-separated entries; a comma inside `[...]` or a quoted string belongs to a value filter. */
export function splitList(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Where a path's value lives: the attribute definition, the object holding it, and the selection key chain. */
interface Located {
  def: AttributeDef;
  sub: AttributeDef | undefined;
  holder: unknown;
  keys: string[]; // from the resource root to the attribute
}

function locate(resource: JsonObject, path: AttrPath, type: ResourceType): Located | undefined {
  const def = lookupAttribute(type, { ...path, subAttribute: undefined });
  if (!def || def.returned === 'never') return undefined;
  const sub = path.subAttribute === undefined ? undefined : findAttribute(def.subAttributes, path.subAttribute);
  if (path.subAttribute !== undefined && !sub) return undefined;
  const ext = holdingExtension(type, path, def);
  if (!ext) return { def, sub, holder: resource, keys: [findKey(resource, def.name) ?? def.name] };
  const extKey = findKey(resource, ext.id) ?? ext.id;
  const holder = resource[extKey];
  return { def, sub, holder, keys: [extKey, (isPlainObject(holder) && findKey(holder, def.name)) || def.name] };
}

function include(resource: JsonObject, paths: AttrPath[], type: ResourceType): JsonObject {
  const root = new Map<string, Selection>();
  const always = [...COMMON_ATTRIBUTES, ...schemasFor(type).core.attributes].filter((d) => d.returned === 'always');
  for (const def of always) {
    const key = findKey(resource, def.name);
    if (key !== undefined) root.set(key, true);
  }
  for (const path of paths) {
    const at = locate(resource, path, type);
    if (!at) continue;
    const leaf = selectValue(getField(at.holder, at.def.name), at, path);
    if (!leaf) continue;
    const chain = at.keys
      .slice(0, -1)
      .reduceRight<Selection>((inner, key) => new Map([[key, inner]]), new Map([[at.keys.at(-1)!, leaf]]));
    merge(root, chain as Map<string, Selection>);
  }
  return (render(resource, root) as JsonObject | undefined) ?? {};
}

/** The selection one path makes inside an attribute's value (undefined: nothing to show). */
function selectValue(value: unknown, at: Located, path: AttrPath): Selection | undefined {
  const subSel = (el: unknown): Selection =>
    new Map([[(isPlainObject(el) && findKey(el, at.sub!.name)) || at.sub!.name, true]]);
  if (Array.isArray(value) && (path.valueFilter || at.sub)) {
    const picked = new Map<string, Selection>();
    value.forEach((el, i) => {
      if (!path.valueFilter || matchesValueFilter(path.valueFilter, el, at.def))
        picked.set(`#${i}`, at.sub ? subSel(el) : true);
    });
    return picked.size ? picked : undefined;
  }
  if (path.valueFilter) return undefined;
  return at.sub ? subSel(value) : true;
}

function merge(into: Map<string, Selection>, from: Map<string, Selection>): void {
  for (const [key, sel] of from) {
    const existing = into.get(key);
    if (existing === true) continue;
    if (sel === true || existing === undefined) into.set(key, sel);
    else merge(existing, sel);
  }
}

function render(value: unknown, sel: Selection): unknown {
  if (sel === true) return deepClone(value);
  if (Array.isArray(value)) {
    const out = value.flatMap((el, i) => {
      const s = sel.get(`#${i}`);
      return s === undefined ? [] : [render(el, s)];
    });
    return out.filter((v) => !isUnassigned(v));
  }
  if (!isPlainObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const s = sel.get(key);
    if (s === undefined) continue;
    const shown = render(v, s);
    if (!isUnassigned(shown)) out[key] = shown;
  }
  return out;
}

function exclude(resource: JsonObject, paths: AttrPath[], type: ResourceType): JsonObject {
  const out = deepClone(resource);
  for (const def of [...COMMON_ATTRIBUTES, ...schemasFor(type).core.attributes]) {
    if (def.returned === 'never') delete out[findKey(out, def.name) ?? def.name];
  }
  for (const path of paths) {
    const at = locate(out, path, type);
    if (!at || at.def.returned === 'always' || !isPlainObject(at.holder)) continue;
    const key = at.keys.at(-1)!;
    const value = at.holder[key];
    const drop = (el: unknown) => !path.valueFilter || matchesValueFilter(path.valueFilter, el, at.def);
    if (at.sub) {
      for (const el of Array.isArray(value) ? value : [value]) {
        if (isPlainObject(el) && drop(el)) delete el[findKey(el, at.sub.name) ?? at.sub.name];
      }
    } else if (path.valueFilter && Array.isArray(value)) {
      at.holder[key] = value.filter((el) => !drop(el));
    } else if (!path.valueFilter) {
      delete at.holder[key];
    }
    tidy(at.holder, key);
    if (at.keys.length === 2) tidy(out, at.keys[0]!);
  }
  return out;
}

/** Drops a value a projection emptied (an array of empty elements, an empty extension object). */
function tidy(holder: JsonObject, key: string): void {
  const value = holder[key];
  if (Array.isArray(value)) holder[key] = value.filter((el) => !isUnassigned(el));
  if (key in holder && isUnassigned(holder[key])) delete holder[key];
}
