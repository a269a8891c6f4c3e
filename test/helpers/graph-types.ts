/**
 * Microsoft's published Graph v1.0 types (@microsoft/microsoft-graph-types, a dev dependency) read at run time:
 * for each interface, its properties (its bases' included) and their types, so a test can say which properties of
 * a response the documented type lacks. An interface with no properties at all (DetailsInfo) is open: anything goes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Shape {
  bases: string[];
  properties: Map<string, string>;
}

let shapes: Map<string, Shape> | undefined;

function read(): Map<string, Shape> {
  const file = createRequire(import.meta.url).resolve('@microsoft/microsoft-graph-types/microsoft-graph.d.ts');
  const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const out = new Map<string, Shape>();
  // `export interface DetailsInfo {}` is whole on one line; the others end with a `}` of their own.
  for (const m of text.matchAll(/^export interface (\w+)(?: extends ([\w, ]+))? \{(?:\}|\n([\s\S]*?)^\})/gm)) {
    const properties = new Map<string, string>();
    for (const p of (m[3] ?? '').matchAll(/^ {4}"?([@\w.]+)"?\??: (.+);$/gm)) properties.set(p[1]!, p[2]!);
    out.set(m[1]!, { bases: m[2] ? m[2].split(',').map((b) => b.trim()) : [], properties });
  }
  return out;
}

/** Every property an interface has, its bases' too, with its type as written. */
function propertiesOf(name: string): Map<string, string> | undefined {
  shapes ??= read();
  const shape = shapes.get(name);
  if (!shape) return undefined;
  const all = new Map<string, string>();
  for (const base of shape.bases) for (const [k, v] of propertiesOf(base) ?? []) all.set(k, v);
  for (const [k, v] of shape.properties) all.set(k, v);
  return all;
}

/** The interface a property's type names (`NullableOption<ModifiedProperty[]>` is ModifiedProperty), if any. */
function interfaceOf(type: string): string | undefined {
  const bare = type.replace(/^NullableOption<(.*)>$/, '$1').replace(/\[\]$/, '');
  shapes ??= read();
  return shapes.has(bare) ? bare : undefined;
}

/** The Graph type an `@odata.type` names (`#microsoft.graph.user` is User). */
export function typeOfOData(odataType: string): string {
  const name = odataType.replace(/^#microsoft\.graph\./, '');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The paths in `value` that the documented type `name` does not have (OData annotations aside), nested types and
 * arrays followed. An object with an `@odata.type` is judged as that type.
 */
export function undocumented(value: unknown, name: string, path = name): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => undocumented(item, name, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const typeName = typeof record['@odata.type'] === 'string' ? typeOfOData(record['@odata.type']) : name;
  const properties = propertiesOf(typeName);
  if (!properties) return [`${path}: no published type ${typeName}`];
  if (properties.size === 0) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(record)) {
    if (key.startsWith('@odata.')) continue;
    const type = properties.get(key);
    if (type === undefined) {
      out.push(`${path}.${key}`);
      continue;
    }
    const nested = interfaceOf(type);
    if (nested) out.push(...undocumented(child, nested, `${path}.${key}`));
  }
  return out;
}
