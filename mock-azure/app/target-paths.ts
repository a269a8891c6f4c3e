/**
 * Reading and writing the handful of SCIM target paths Entra's mappings use (`userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:department`). Not a general SCIM path
 * engine: the mock engine needs only what its own mappings produce, and must not import NordPass's.
 */

type Json = Record<string, unknown>;

interface TargetPath {
  /** The container key: a core attribute, or an extension URN. */
  container?: string;
  attribute: string;
  /** `type eq "work"`: the element of a multi-valued attribute. */
  typeFilter?: string;
  subAttribute?: string;
}

const EXTENSION = /^(urn:[^\s]+):([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/;
const FILTERED = /^([A-Za-z][\w$-]*)\[type eq "([^"]*)"\]\.([A-Za-z][\w$-]*)$/;
const DOTTED = /^([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/;

export function parseTargetPath(path: string): TargetPath {
  let m = FILTERED.exec(path);
  if (m) return { attribute: m[1]!, typeFilter: m[2]!, subAttribute: m[3]! };
  m = EXTENSION.exec(path);
  if (m) return { container: m[1]!, attribute: m[2]!, ...(m[3] ? { subAttribute: m[3] } : {}) };
  m = DOTTED.exec(path);
  if (m) return { attribute: m[1]!, ...(m[2] ? { subAttribute: m[2] } : {}) };
  throw new Error(`unsupported target path in a mapping: ${path}`);
}

/** The value at a target path in a SCIM resource, or undefined. Names compare case-insensitively, as SCIM's do. */
export function readTarget(resource: Json, path: string): unknown {
  const p = parseTargetPath(path);
  const root = p.container ? (pick(resource, p.container) as Json | undefined) : resource;
  if (!root || typeof root !== 'object') return undefined;
  const value = pick(root, p.attribute);
  if (p.typeFilter !== undefined) {
    if (!Array.isArray(value)) return undefined;
    const element = value.find(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        String(pick(e as Json, 'type') ?? '').toLowerCase() === p.typeFilter!.toLowerCase(),
    );
    return element ? pick(element as Json, p.subAttribute!) : undefined;
  }
  if (p.subAttribute !== undefined)
    return value && typeof value === 'object' ? pick(value as Json, p.subAttribute) : undefined;
  return value;
}

/** Writes a value at a target path into a resource being built for a POST (creating containers and elements). */
export function writeTarget(resource: Json, path: string, value: unknown): void {
  const p = parseTargetPath(path);
  let root = resource;
  if (p.container) {
    root = (resource[p.container] as Json | undefined) ?? {};
    resource[p.container] = root;
  }
  if (p.typeFilter !== undefined) {
    const list = (root[p.attribute] as Json[] | undefined) ?? [];
    root[p.attribute] = list;
    let element = list.find((e) => e.type === p.typeFilter);
    if (!element) {
      element = { type: p.typeFilter, ...(list.length === 0 && p.attribute === 'emails' ? { primary: true } : {}) };
      list.push(element);
    }
    element[p.subAttribute!] = value;
    return;
  }
  if (p.subAttribute !== undefined) {
    const parent = (root[p.attribute] as Json | undefined) ?? {};
    root[p.attribute] = parent;
    parent[p.subAttribute] = value;
    return;
  }
  root[p.attribute] = value;
}

function pick(object: Json, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
  return undefined;
}
