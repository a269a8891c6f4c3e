/**
 * POST/PUT bodies into stored resources, plus the JSON-value helpers every expression module shares:
 * case-insensitive keys, schema-typed coercion, ISO 8601 instants, deep copy and deep equality.
 */
import { MAX_VALUE_LENGTH } from '../config.ts';
import { badRequest } from './errors.ts';
import {
  COMMON_ATTRIBUTES,
  extensionAsAttribute,
  findAttribute,
  findExtension,
  findSchema,
  schemasFor,
  type AttributeDef,
  type ResourceType,
} from './schemas.ts';

export type JsonObject = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keys that reach Object.prototype when assigned; never allowed anywhere in client input.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// Asked of every key of every body; only names of 9 or 11 characters need lower-casing to be sure.
export const isForbiddenKey = (key: string) =>
  (key.length === 9 || key.length === 11) && FORBIDDEN_KEYS.has(key.toLowerCase());

/** The own key of `obj` that equals `name` ignoring case (JSON keys from clients vary in case). */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  const sameLength = isAscii(lower);
  for (const k of Object.keys(obj)) {
    if (sameLength && k.length !== lower.length) continue;
    if (k.toLowerCase() === lower) return k;
  }
  return undefined;
}

// Lower-casing can change a string's length (U+0130 "İ" becomes two code units), but only a key of the same
// length lower-cases to an ASCII name: for those, keys of another length are skipped without being lower-cased.
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

export function getField(obj: unknown, name: string): unknown {
  if (!isPlainObject(obj)) return undefined;
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/**
 * Writes `value` under the canonical `name`, dropping any differently-cased duplicate. A key already spelled
 * canonically keeps its place: deleting it and adding it again moved it to the end and turned the object into a
 * slow dictionary for everything that read it afterwards (rendering and serialising the answer included).
 */
export function setField(obj: JsonObject, name: string, value: unknown): void {
  dropSpellings(obj, name, Object.hasOwn(obj, name) ? name : undefined);
  obj[name] = value;
}

export function deleteField(obj: JsonObject, name: string): void {
  dropSpellings(obj, name);
}

/** Deletes every own key equal to `name` ignoring case, except `keep`. */
function dropSpellings(obj: JsonObject, name: string, keep?: string): void {
  const lower = name.toLowerCase();
  const sameLength = isAscii(lower);
  for (const k of Object.keys(obj)) {
    if (k === keep || (sameLength && k.length !== lower.length)) continue;
    if (k.toLowerCase() === lower) delete obj[k];
  }
}

export const valuesEqualIgnoringCase = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : deepEqual(a, b);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** A copy of an object's own top-level keys, forbidden keys skipped (as deepClone does) so it cannot reach a prototype. */
export function shallowCopy(obj: JsonObject): JsonObject {
  // Object.assign copies in half the time of a spread, but it assigns: an own "__proto__" key would set the prototype.
  if (!Object.hasOwn(obj, '__proto__') && !Object.hasOwn(obj, 'constructor') && !Object.hasOwn(obj, 'prototype'))
    return Object.assign({}, obj);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (!isForbiddenKey(k)) out[k] = v;
  return out;
}

/** A deep copy of JSON data; forbidden keys are skipped so the copy can never reach a prototype. */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepClone(v)) as T;
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!isForbiddenKey(k)) out[k] = deepClone(v);
  return out as T;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Epoch ms of an xsd:dateTime (RFC 7643 §2.3.5), or undefined. Own parser because Date.parse accepts
 * "hello 1"; any number of fraction digits (.NET sends 7), no zone means UTC.
 */
export function parseDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number(`${frac}000`.slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 60
  ) {
    return undefined;
  }
  if (zone === 'Z' || zone === 'z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** "true"/"false" in any case, as Entra's default dialect sends them, or a real boolean; else undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/**
 * A client value checked and converted by its definition: canonical sub-attribute names, booleans from
 * strings, a lone value wrapped for multi-valued attributes. Returns null for "unassigned" (null, or a
 * complex value with nothing left). Unknown and readOnly sub-attributes are dropped (RFC 7643 §2.2 lets a
 * server ignore what the client may not set). Throws 400 invalidValue naming `label`.
 */
export function coerceValue(def: AttributeDef, value: unknown, label: string, strict = false): unknown {
  if (value === null || value === undefined) return null;
  if (def.multiValued) {
    // A whole resource (POST, PUT) must say a multi-valued attribute as a list: `"emails": "a@b.c"` was stored.
    if (strict && !Array.isArray(value))
      throw badRequest('invalidValue', `${label} is multi-valued and must be an array`);
    const items = Array.isArray(value) ? value : [value];
    return items.map((v, i) => coerceSingle(def, v, `${label}[${i}]`, strict)).filter((v) => v !== null);
  }
  if (Array.isArray(value)) {
    // An older Entra sample sends manager as a one-element list: take the element.
    if (def.type === 'complex' && value.length <= 1)
      return value.length ? coerceSingle(def, value[0], label, strict) : null;
    throw badRequest('invalidValue', `${label} is single-valued and must not be an array`);
  }
  return coerceSingle(def, value, label, strict);
}

function coerceSingle(def: AttributeDef, value: unknown, label: string, strict = false): unknown {
  if (value === null || value === undefined) return null;
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw badRequest('invalidValue', `${label} must be a string`);
      if (value.length > MAX_VALUE_LENGTH)
        throw badRequest('invalidValue', `${label} is longer than ${MAX_VALUE_LENGTH} characters`);
      return value;
    case 'boolean': {
      const b = toBoolean(value);
      if (b === undefined) throw badRequest('invalidValue', `${label} must be a boolean (true or false)`);
      return b;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw badRequest('invalidValue', `${label} must be an integer`);
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw badRequest('invalidValue', `${label} must be a number`);
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || parseDateTime(value) === undefined) {
        throw badRequest('invalidValue', `${label} must be an ISO 8601 dateTime`);
      }
      return value;
    case 'complex':
      return coerceComplex(def, value, label, strict);
  }
}

function coerceComplex(def: AttributeDef, value: unknown, label: string, strict: boolean): JsonObject | null {
  const valueSub = findAttribute(def.subAttributes, 'value');
  // In a PATCH, a bare string for a complex attribute with a `value` sub-attribute (members "string id 1",
  // Entra's manager id) means that value; a whole resource says the object.
  if (value === '' && !strict) return null; // "replace with empty" clears, as Entra's manager removal does
  if (typeof value === 'string' && valueSub && !strict) return { [valueSub.name]: value };
  if (!isPlainObject(value)) throw badRequest('invalidValue', `${label} must be an object`);
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (isForbiddenKey(key)) throw badRequest('invalidValue', `${label}: attribute name "${key}" is not allowed`);
    const sub = findAttribute(def.subAttributes, key) ?? displayAlias(def, value, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const coerced = coerceValue(sub, v, `${label}.${sub.name}`, strict);
    if (coerced !== null) out[sub.name] = coerced;
  }
  for (const sub of def.subAttributes ?? []) {
    if (sub.required && Object.keys(out).length && !(sub.name in out)) {
      throw badRequest('invalidValue', `${label}.${sub.name} is required`);
    }
  }
  return Object.keys(out).length ? out : null;
}

/**
 * fidelity: the Microsoft collection adds members as {"displayName": "new User", "value": id} and then
 * expects "new User" back, so `displayName` is read as `display` where only `display` exists and is absent.
 */
function displayAlias(def: AttributeDef, value: JsonObject, key: string): AttributeDef | undefined {
  if (key.toLowerCase() !== 'displayname' || findKey(value, 'display') !== undefined) return undefined;
  return findAttribute(def.subAttributes, 'display');
}

/** Whether a coerced value counts as unassigned (RFC 7643 §2.5: null, empty list, empty object). */
export const isUnassigned = (v: unknown): boolean =>
  v === null ||
  v === undefined ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.keys(v).length === 0);

/**
 * A POST or PUT body as the resource to store: canonical names and types, readOnly, writeOnly (password)
 * and unknown attributes dropped, extensions under their URN. The caller adds id and meta.
 */
export function normalizeResource(body: unknown, type: ResourceType): JsonObject {
  if (!isPlainObject(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  const { core } = schemasFor(type);
  const schemas = normalizeSchemaList(getField(body, 'schemas'), type);
  const out: JsonObject = { schemas };
  for (const [key, raw] of Object.entries(body)) {
    if (isForbiddenKey(key)) throw badRequest('invalidValue', `Attribute name "${key}" is not allowed`);
    if (key.toLowerCase() === 'schemas') continue;
    const ext = findExtension(type, key);
    if (ext) {
      if (raw === null) continue;
      if (!isPlainObject(raw)) throw badRequest('invalidValue', `${ext.id} must be an object`);
      const value = coerceValue(extensionAsAttribute(ext), raw, ext.id, true);
      if (!isUnassigned(value)) {
        out[ext.id] = value;
        if (!schemas.includes(ext.id)) schemas.push(ext.id);
      }
      continue;
    }
    const def = findAttribute(COMMON_ATTRIBUTES, key) ?? findAttribute(core.attributes, key);
    // Unknown, readOnly (id, meta, groups) and writeOnly (password: never stored) attributes are ignored.
    if (!def || def.mutability === 'readOnly' || def.mutability === 'writeOnly') continue;
    const value = coerceValue(def, raw, def.name, true);
    if (!isUnassigned(value)) out[def.name] = value;
  }
  assertRequiredName(out, type);
  return out;
}

/** A User needs a userName, a Group a displayName: a non-empty string under the canonical name. */
export function assertRequiredName(resource: JsonObject, type: ResourceType): void {
  const requiredName = type === 'User' ? 'userName' : 'displayName';
  const required = resource[requiredName];
  if (typeof required !== 'string' || required.trim() === '') {
    throw badRequest('invalidValue', `${requiredName} is required and must be a non-empty string`);
  }
}

function normalizeSchemaList(raw: unknown, type: ResourceType): string[] {
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) {
    throw badRequest('invalidSyntax', 'schemas must be an array of schema URNs');
  }
  const { core, extensions } = schemasFor(type);
  const out: string[] = [core.id];
  let hasCore = false;
  for (const urn of raw as string[]) {
    const schema = findSchema(urn);
    if (schema === core) hasCore = true;
    else if (schema && extensions.includes(schema)) {
      if (!out.includes(schema.id)) out.push(schema.id);
    } else throw badRequest('invalidValue', `Unknown or unsupported schema for a ${type}: ${urn}`);
  }
  if (!hasCore) throw badRequest('invalidValue', `schemas must include ${core.id}`);
  return out;
}
