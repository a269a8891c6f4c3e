/**
 * OData `$filter` as Graph's directory and audit-log APIs take it: `eq ne gt ge lt le`, `in (...)`,
 * `startsWith(p,'x')` / `endsWith(p,'x')`, `and` / `or` / `not`, parentheses, property paths with `/`
 * (`provisioningStatusInfo/status`). Strings compare case-insensitively, as Graph's directory does.
 * Parsed once, then evaluated against rendered Graph objects, so a filter sees exactly what a GET shows.
 */
import { parseInstant } from '../../simulator/time.ts';
import { GraphError, unsupportedQuery } from './errors.ts';

type Literal = string | number | boolean | null;
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'function'; name: 'startswith' | 'endswith'; path: string[]; value: string };

type Token =
  | { type: 'string'; value: string }
  | { type: 'word'; value: string }
  | { type: 'punct'; value: '(' | ')' | ',' };

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
/** Every filter has a bounded size: Graph itself limits the length of a URL. */
const MAX_FILTER_LENGTH = 4_096;

const invalid = (detail: string) => new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`);

/**
 * A value that is written as a date (quoted or not) must be a real one: 2026-02-30 is refused, not compared as
 * March 2 (what Date.parse makes of it). Other strings pass as they are.
 */
function realInstant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/i.test(value)) return value;
  try {
    parseInstant(/T/i.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? `${value}Z` : value);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  return value;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', value: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalid('a string literal is not closed');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', value });
    } else {
      const match = /^[^\s(),']+/.exec(text.slice(i));
      tokens.push({ type: 'word', value: match![0] });
      i += match![0].length;
    }
  }
  return tokens;
}

/** Parses a `$filter`; `properties` are the names a resource can be filtered on (the first path segment). */
export function parseFilter(text: string, properties: ReadonlySet<string>, resource: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) throw invalid(`longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = () => (tokens[pos]?.type === 'word' ? tokens[pos]!.value.toLowerCase() : undefined);
  const expectPunct = (value: string) => {
    const t = tokens[pos++];
    if (t?.type !== 'punct' || t.value !== value) throw invalid(`expected '${value}'`);
  };
  const path = (): string[] => {
    const t = tokens[pos++];
    if (t?.type !== 'word') throw invalid('expected a property name');
    const segments = t.value.split('/');
    const known = [...properties].find((p) => p.toLowerCase() === segments[0]!.toLowerCase());
    if (!known)
      throw unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${segments[0]}' of resource '${resource}'.`,
      );
    segments[0] = known;
    return segments;
  };
  const literal = (): Literal => {
    const t = tokens[pos++];
    if (!t || t.type === 'punct') throw invalid('expected a value');
    if (t.type === 'string') return realInstant(t.value);
    const word = t.value.toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(t.value)) return Number(t.value);
    // Unquoted DateTimeOffset and Guid literals, as Graph writes them: activityDateTime ge 2026-01-05T09:00:00Z.
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/i.test(t.value)) return realInstant(t.value);
    if (/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(t.value)) return t.value;
    throw invalid(`'${t.value}' is not a value; quote strings as 'text'`);
  };
  const primary = (): FilterNode => {
    const t = tokens[pos];
    if (t?.type === 'punct' && t.value === '(') {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    const word = peekWord();
    if (
      (word === 'startswith' || word === 'endswith') &&
      tokens[pos + 1]?.type === 'punct' &&
      tokens[pos + 1]!.value === '('
    ) {
      pos += 2;
      const p = path();
      expectPunct(',');
      const value = literal();
      if (typeof value !== 'string') throw invalid(`${word} takes a string`);
      expectPunct(')');
      return { kind: 'function', name: word, path: p, value };
    }
    const p = path();
    const op = peekWord();
    pos++;
    if (op === 'in') {
      expectPunct('(');
      const values = [literal()];
      while (tokens[pos]?.type === 'punct' && tokens[pos]!.value === ',') {
        pos++;
        values.push(literal());
      }
      expectPunct(')');
      return { kind: 'in', path: p, values };
    }
    if (!op || !COMPARE_OPS.has(op))
      throw invalid(`expected an operator (eq, ne, gt, ge, lt, le, in) after '${p.join('/')}'`);
    return { kind: 'compare', op: op as 'eq', path: p, value: literal() };
  };
  const unary = (): FilterNode => {
    if (peekWord() === 'not') {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const and = (): FilterNode => {
    let left = unary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): FilterNode => {
    let left = and();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  if (tokens.length === 0) throw invalid('the filter is empty');
  const node = or();
  if (pos !== tokens.length) throw invalid(`unexpected '${tokenText(tokens[pos]!)}'`);
  return node;
}

const tokenText = (t: Token) => (t.type === 'string' ? `'${t.value}'` : t.value);

/** Whether a rendered object passes the filter. */
export function matches(node: FilterNode, object: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, object) && matches(node.right, object);
    case 'or':
      return matches(node.left, object) || matches(node.right, object);
    case 'not':
      return !matches(node.operand, object);
    case 'in':
      return node.values.some((v) => compare(read(object, node.path), v) === 0);
    case 'function': {
      const actual = read(object, node.path);
      if (typeof actual !== 'string') return false;
      const [a, b] = [actual.toLowerCase(), node.value.toLowerCase()];
      return node.name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
    }
    case 'compare': {
      const order = compare(read(object, node.path), node.value);
      switch (node.op) {
        case 'eq':
          return order === 0;
        case 'ne':
          return order !== 0;
        case 'gt':
          return order !== undefined && order > 0;
        case 'ge':
          return order !== undefined && order >= 0;
        case 'lt':
          return order !== undefined && order < 0;
        case 'le':
          return order !== undefined && order <= 0;
      }
    }
  }
}

/** The string a filter of the form `<property> eq '<value>'` pins, for index lookups; undefined otherwise. */
export function equalityOn(node: FilterNode, property: string): string | undefined {
  return node.kind === 'compare' &&
    node.op === 'eq' &&
    node.path.length === 1 &&
    node.path[0] === property &&
    typeof node.value === 'string'
    ? node.value
    : undefined;
}

function read(object: unknown, path: string[]): unknown {
  let value = object;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

// 0 when equal, negative / positive for order, undefined when the two cannot be ordered (and are unequal).
function compare(actual: unknown, expected: Literal): number | undefined {
  if (expected === null) return actual === null || actual === undefined ? 0 : undefined;
  if (actual === null || actual === undefined) return undefined;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') return actual === expected ? 0 : undefined;
  if (typeof expected === 'number' && typeof actual === 'number') return actual - expected;
  if (typeof actual !== 'string') return undefined;
  const text = String(expected);
  // Instants compare as instants, so `ge 2026-01-05T09:00:00Z` matches `2026-01-05T09:00:00.000Z`.
  if (/^\d{4}-\d{2}-\d{2}T/.test(actual) && /^\d{4}-\d{2}-\d{2}/.test(text)) {
    const [a, b] = [Date.parse(actual), Date.parse(text)];
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  }
  const [a, b] = [actual.toLowerCase(), text.toLowerCase()];
  return a === b ? 0 : a < b ? -1 : 1;
}
