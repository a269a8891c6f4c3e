/**
 * Reading and writing the handful of SCIM target paths Entra's mappings use (`userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `roles[primary eq "True"].value`, `urn:...:enterprise:2.0:User:department`). Not a
 * general SCIM path engine: the mock engine needs only what its own mappings produce, and must not import NordPass's.
 */
import { ROLE_TYPE, RoleList } from './app-roles.ts';

type Json = Record<string, unknown>;

interface TargetPath {
  /** The container key: a core attribute, or an extension URN. */
  container?: string;
  attribute: string;
  /** `type eq "work"` or `primary eq "True"`: the element of a multi-valued attribute. */
  filter?: { attribute: 'type' | 'primary'; value: string };
  subAttribute?: string;
}

const EXTENSION = /^(urn:[^\s]+):([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/;
const FILTERED = /^([A-Za-z][\w$-]*)\[(type|primary) eq "([^"]*)"\]\.([A-Za-z][\w$-]*)$/i;
const DOTTED = /^([A-Za-z][\w$-]*)(?:\.([A-Za-z][\w$-]*))?$/;

export function parseTargetPath(path: string): TargetPath {
  let m = FILTERED.exec(path);
  if (m)
    return {
      attribute: m[1]!,
      filter: { attribute: m[2]!.toLowerCase() as 'type' | 'primary', value: m[3]! },
      subAttribute: m[4]!,
    };
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
  if (p.filter !== undefined) {
    if (!Array.isArray(value)) return undefined;
    const element = value.find((e) => typeof e === 'object' && e !== null && matches(e as Json, p.filter!));
    return element ? pick(element as Json, p.subAttribute!) : undefined;
  }
  if (p.subAttribute !== undefined)
    return value && typeof value === 'object' ? pick(value as Json, p.subAttribute) : undefined;
  return value;
}

/** Writes a value at a target path into a resource being built for a POST (creating containers and elements). */
export function writeTarget(resource: Json, path: string, value: unknown): void {
  // AppRoleAssignmentsComplex's roles: the whole list (RoleList.forCreate).
  if (value instanceof RoleList) {
    resource.roles = value.forCreate();
    return;
  }
  const p = parseTargetPath(path);
  let root = resource;
  if (p.container) {
    root = (resource[p.container] as Json | undefined) ?? {};
    resource[p.container] = root;
  }
  if (p.filter !== undefined) {
    const list = (root[p.attribute] as Json[] | undefined) ?? [];
    root[p.attribute] = list;
    let element = list.find((e) => matches(e, p.filter!));
    if (!element) {
      element =
        p.filter.attribute === 'primary'
          ? // SingleAppRoleAssignment's role: {"primary": true, "type": "WindowsAzureActiveDirectoryRole", "value": …}.
            {
              primary: p.filter.value.toLowerCase() === 'true',
              ...(p.attribute === 'roles' ? { type: ROLE_TYPE } : {}),
            }
          : { type: p.filter.value, ...(list.length === 0 && p.attribute === 'emails' ? { primary: true } : {}) };
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

/** Whether an element is the one a value filter names: `type` compared as text, `primary` as a Boolean. */
function matches(element: Json, filter: { attribute: 'type' | 'primary'; value: string }): boolean {
  return (
    String(pick(element, filter.attribute) ?? (filter.attribute === 'primary' ? false : '')).toLowerCase() ===
    filter.value.toLowerCase()
  );
}

function pick(object: Json, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
  return undefined;
}
