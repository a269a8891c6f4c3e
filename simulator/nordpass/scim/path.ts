/**
 * The SCIM path and filter grammar (RFC 7644 §3.4.2.2 and §3.5.2), in one parser because each embeds the
 * other: a PATCH path carries a value filter, a filter carries attribute paths. Evaluation is in filter.ts.
 */
import { badRequest, type ScimType } from './errors.ts';
import type { CompareOp, FilterNode, FilterValue } from './filter.ts';
import { SCHEMAS } from './schemas.ts';

/** An attribute path: `[schema:]attribute[.subAttribute]`, or `attribute[filter][.subAttribute]`. */
export interface AttrPath {
  schema?: string;
  attribute: string;
  subAttribute?: string;
  valueFilter?: FilterNode;
}

export interface ParseLimits {
  maxLength?: number;
  maxDepth?: number;
}

/** Parses a PATCH `path` or an `attributes=` entry; syntax errors are 400 invalidPath. */
export function parsePath(text: string): AttrPath {
  return new Parser(text, 'invalidPath', 'path', {}).path();
}

/** The grammar behind parseFilter in filter.ts; errors carry `scimType` (invalidFilter there). */
export function parseFilterText(text: string, limits: ParseLimits, scimType: ScimType): FilterNode {
  return new Parser(text, scimType, 'filter', limits).filter();
}

/** A path back as text, e.g. for error details. */
export function formatPath(p: AttrPath): string {
  return `${p.schema ? `${p.schema}:` : ''}${p.attribute}${p.valueFilter ? '[…]' : ''}${p.subAttribute ? `.${p.subAttribute}` : ''}`;
}

const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const ATTR_NAME = /^\$?[A-Za-z][\w-]*$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// Longest first, so an extension URN is never cut at a shorter prefix.
const KNOWN_URNS = Object.keys(SCHEMAS).sort((a, b) => b.length - a.length);

interface Token {
  kind: 'word' | 'string' | '(' | ')' | '[' | ']' | 'end';
  text: string;
  pos: number;
  spaced: boolean; // whitespace before it: `emails[...]` and `].value` must be glued
  value?: string;
}

function tokenize(text: string, fail: (pos: number, msg: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    const start = i;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const spaced = i > start;
    if (i >= text.length) break;
    const c = text[i]!;
    if ('()[]'.includes(c)) {
      tokens.push({ kind: c as Token['kind'], text: c, pos: i, spaced });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) fail(i, 'unterminated string');
      const raw = text.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        fail(i, 'invalid escape or control character in string');
      }
      tokens.push({ kind: 'string', text: raw, pos: i, spaced, value });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()[\]"]/.test(text[j]!)) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), pos: i, spaced });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length, spaced: false });
  return tokens;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;
  private readonly maxDepth: number;

  constructor(
    private readonly text: string,
    private readonly scimType: ScimType,
    private readonly what: 'path' | 'filter',
    limits: ParseLimits,
  ) {
    const maxLength = limits.maxLength ?? 10_000;
    this.maxDepth = limits.maxDepth ?? 50;
    // Checked before any work, so a 100 KB filter costs nothing.
    if (text.length > maxLength) throw badRequest(scimType, `The ${what} is longer than ${maxLength} characters`);
    this.tokens = tokenize(text, (pos, msg) => this.failAt(pos, msg));
  }

  path(): AttrPath {
    const head = this.expectWord('an attribute path');
    const path = this.attrName(head);
    if (this.peek().kind === '[') {
      if (path.subAttribute !== undefined)
        this.fail('end of path (a value filter follows the attribute, not a sub-attribute)');
      path.valueFilter = this.bracket();
      const sub = this.glued('.');
      if (sub) path.subAttribute = this.subName(sub);
    }
    if (this.peek().kind !== 'end') this.fail('end of path');
    return path;
  }

  filter(): FilterNode {
    if (this.peek().kind === 'end') this.fail('a filter expression');
    const node = this.or(false);
    if (this.peek().kind !== 'end') this.fail("'and', 'or' or end of filter");
    return node;
  }

  // or > and > not, lowest first (RFC 7644 §3.4.2.2 precedence); chains are flat lists, not deep trees.
  private or(inner: boolean): FilterNode {
    const filters = [this.and(inner)];
    while (this.isKeyword('or')) {
      this.i++;
      filters.push(this.and(inner));
    }
    return filters.length === 1 ? filters[0]! : { kind: 'or', filters };
  }

  private and(inner: boolean): FilterNode {
    const filters = [this.unary(inner)];
    while (this.isKeyword('and')) {
      this.i++;
      filters.push(this.unary(inner));
    }
    return filters.length === 1 ? filters[0]! : { kind: 'and', filters };
  }

  private unary(inner: boolean): FilterNode {
    if (this.isKeyword('not') && this.tokens[this.i + 1]?.kind === '(') {
      this.i++;
      return { kind: 'not', filter: this.group(inner) };
    }
    if (this.isKeyword('not')) {
      this.i++;
      this.fail("'(' after not");
    }
    if (this.peek().kind === '(') return this.group(inner);
    return this.attrExpression(inner);
  }

  private group(inner: boolean): FilterNode {
    this.enter();
    this.i++; // '('
    const node = this.or(inner);
    this.expect(')', "')'");
    this.depth--;
    return node;
  }

  private bracket(): FilterNode {
    this.enter();
    this.i++; // '['
    const node = this.or(true);
    this.expect(']', "']'");
    this.depth--;
    return node;
  }

  private attrExpression(inner: boolean): FilterNode {
    const tok = this.expectWord(inner ? 'a sub-attribute name' : 'an attribute path');
    const path = inner ? { attribute: this.subName({ ...tok, text: `.${tok.text}` }) } : this.attrName(tok);
    if (this.peek().kind === '[') {
      if (inner) this.fail('a comparison (value filters do not nest)');
      if (path.subAttribute !== undefined)
        this.fail('an operator (a value filter follows the attribute, not a sub-attribute)');
      const filter = this.bracket();
      const subTok = this.glued('.');
      const opTok = this.peek();
      const op = opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
      if (!subTok && !OPERATORS.has(op)) return { kind: 'valuePath', path, filter };
      // `emails[type eq "work"].value eq "x"`, or Microsoft's `emails[type eq "work"] eq "x"` (compares value):
      // an element must satisfy the bracket and the comparison together.
      const sub = subTok ? this.subName(subTok) : 'value';
      return {
        kind: 'valuePath',
        path,
        filter: { kind: 'and', filters: [filter, this.comparison({ attribute: sub })] },
      };
    }
    return this.comparison(path);
  }

  private comparison(path: AttrPath): FilterNode {
    const opTok = this.peek();
    const op = opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (!OPERATORS.has(op)) this.fail('an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)');
    this.i++;
    if (op === 'pr') return { kind: 'present', path };
    const valTok = this.peek();
    if (valTok.kind === 'string') {
      this.i++;
      return { kind: 'compare', path, op: op as CompareOp, value: valTok.value! };
    }
    if (valTok.kind !== 'word') this.fail('a value (a "string", number, true, false or null)');
    this.i++;
    // Unquoted words are taken as written (the Microsoft collection sends `userName sw O`); `text` keeps
    // the spelling so a string attribute can compare against it even when it looks like a number.
    return { kind: 'compare', path, op: op as CompareOp, value: literal(valTok.text), text: valTok.text };
  }

  /** `[urn:…:]name[.sub]`; a known schema URN prefix is recognised whole, an unknown one up to the last colon. */
  private attrName(tok: Token): AttrPath {
    const text = tok.text;
    let schema: string | undefined;
    let rest = text;
    if (text.toLowerCase().startsWith('urn:')) {
      const lower = text.toLowerCase();
      const known = KNOWN_URNS.find((u) => lower === u.toLowerCase() || lower.startsWith(`${u.toLowerCase()}:`));
      if (known && lower === known.toLowerCase()) return { attribute: known }; // a whole extension
      if (known) {
        schema = known;
        rest = text.slice(known.length + 1);
      } else {
        const colon = text.lastIndexOf(':');
        schema = text.slice(0, colon);
        rest = text.slice(colon + 1);
      }
    }
    const parts = rest.split('.');
    if (parts.length > 2 || !parts.every((p) => ATTR_NAME.test(p))) {
      this.failAt(tok.pos, `expected an attribute path, found "${text}"`);
    }
    const path: AttrPath = { attribute: parts[0]! };
    if (schema !== undefined) path.schema = schema;
    if (parts[1] !== undefined) path.subAttribute = parts[1];
    return path;
  }

  private subName(tok: Token): string {
    const name = tok.text.slice(1);
    if (!ATTR_NAME.test(name)) this.failAt(tok.pos, `expected a sub-attribute name, found "${tok.text}"`);
    return name;
  }

  /** A word starting with `prefix` right after the previous token (e.g. `.value` after `]`). */
  private glued(prefix: string): Token | undefined {
    const tok = this.peek();
    if (tok.kind !== 'word' || tok.spaced || !tok.text.startsWith(prefix)) return undefined;
    this.i++;
    return tok;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`at most ${this.maxDepth} levels of nesting`);
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private isKeyword(word: string): boolean {
    const tok = this.peek();
    return tok.kind === 'word' && tok.text.toLowerCase() === word;
  }

  private expect(kind: Token['kind'], expected: string): void {
    if (this.peek().kind !== kind) this.fail(expected);
    this.i++;
  }

  private expectWord(expected: string): Token {
    const tok = this.peek();
    if (tok.kind !== 'word') this.fail(expected);
    this.i++;
    return tok;
  }

  private fail(expected: string): never {
    const tok = this.peek();
    const found =
      tok.kind === 'end' ? 'end of input' : `"${tok.text.length > 40 ? `${tok.text.slice(0, 40)}…` : tok.text}"`;
    this.failAt(tok.pos, `expected ${expected}, found ${found}`);
  }

  private failAt(pos: number, message: string): never {
    throw badRequest(this.scimType, `Invalid ${this.what} at position ${pos}: ${message}`);
  }
}

function literal(word: string): FilterValue {
  const lower = word.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  return NUMBER.test(word) ? Number(word) : word;
}
