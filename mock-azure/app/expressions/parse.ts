/**
 * Microsoft's expression language for attribute mappings, as "Reference for writing expressions for attribute
 * mappings" (functions-for-customizing-application-data) writes it: a function call `Name(arg, ...)`, an
 * attribute `[name]`, a string constant `"text"` (a quote or backslash inside escaped with a backslash), a whole
 * number (or `&HF7`, hexadecimal, as BitAnd's example writes it), a bare name (an enum constant such as InStr's
 * `vbBinaryCompare`), an argument left out (`Replace([mail], "@contoso.com", , , "", , )`), and inside arguments a
 * comparison `a = b`, `<>`, `<`, `>`, `<=`, `>=` (as IIF's condition is written: `IIF([country]="USA", ...)`).
 * A bad expression is an error with its position (1-based column), at load time.
 */

export type Expr =
  | { kind: 'call'; name: string; args: Expr[]; at: number }
  | { kind: 'attribute'; name: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; name: string; at: number }
  | { kind: 'empty'; at: number }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr; at: number };

export type CompareOp = '=' | '<>' | '<' | '>' | '<=' | '>=';
const COMPARE_OPS: CompareOp[] = ['<>', '<=', '>=', '=', '<', '>'];

/** An expression that cannot be read: where (column, from 1) and why. */
export class ExpressionError extends Error {
  constructor(
    readonly column: number,
    readonly problem: string,
    readonly expression: string,
  ) {
    super(`${problem} at column ${column} of ${JSON.stringify(expression)}`);
    this.name = 'ExpressionError';
  }
}

/** The longest expression Entra takes: "The maximum length of an expression is 10,000 characters" (known-issues). */
export const MAX_EXPRESSION_LENGTH = 10_000;

export function parseExpression(text: string): Expr {
  if (text.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError(
      MAX_EXPRESSION_LENGTH + 1,
      `longer than ${MAX_EXPRESSION_LENGTH} characters`,
      text.slice(0, 60),
    );
  const parser = new Parser(text);
  const expr = parser.argument();
  parser.skipSpace();
  if (!parser.done()) parser.fail('unexpected text after the expression');
  return expr;
}

/** Depth of nested calls allowed: deep enough for any real mapping, and no stack overflow on a hostile one. */
const MAX_DEPTH = 100;

class Parser {
  #i = 0;
  #depth = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.#i >= this.text.length;
  }

  fail(problem: string, at = this.#i): never {
    throw new ExpressionError(at + 1, problem, this.text);
  }

  skipSpace(): void {
    while (this.#i < this.text.length && /\s/.test(this.text[this.#i]!)) this.#i++;
  }

  /** An argument: a term, or two terms compared. */
  argument(): Expr {
    this.skipSpace();
    // An argument left out: the next thing is the comma or the closing parenthesis.
    if (this.text[this.#i] === ',' || this.text[this.#i] === ')') return { kind: 'empty', at: this.#i };
    const left = this.term();
    this.skipSpace();
    const at = this.#i;
    const op = COMPARE_OPS.find((o) => this.text.startsWith(o, at));
    if (!op) return left;
    this.#i += op.length;
    const right = this.term();
    return { kind: 'compare', op, left, right, at: left.at };
  }

  term(): Expr {
    this.skipSpace();
    const at = this.#i;
    const c = this.text[at];
    if (c === undefined) this.fail('the expression ends where a value was expected');
    if (c === '"') return this.string();
    if (c === '[') return this.attribute();
    if (/[0-9-&]/.test(c)) return this.number();
    if (/[A-Za-z]/.test(c)) return this.call();
    this.fail(`unexpected ${JSON.stringify(c)}: expected a function, an [attribute], a "string" or a number`);
  }

  string(): Expr {
    const at = this.#i++;
    let value = '';
    for (;;) {
      const c = this.text[this.#i];
      if (c === undefined) this.fail('a string constant is not closed with "', at);
      this.#i++;
      if (c === '"') return { kind: 'string', value, at };
      if (c === '\\') {
        const next = this.text[this.#i];
        if (next === undefined) this.fail('a backslash ends the expression', this.#i - 1);
        value += next;
        this.#i++;
      } else value += c;
    }
  }

  attribute(): Expr {
    const at = this.#i++;
    const end = this.text.indexOf(']', this.#i);
    if (end < 0) this.fail('an [attribute] is not closed with ]', at);
    const name = this.text.slice(this.#i, end).trim();
    if (!name) this.fail('an attribute needs a name: [name]', at);
    this.#i = end + 1;
    return { kind: 'attribute', name, at };
  }

  number(): Expr {
    const at = this.#i;
    const match = /^(?:-?\d+|&H[0-9A-Fa-f]+)/.exec(this.text.slice(at));
    if (!match) this.fail('expected a number (123, or &HF7 in hexadecimal)');
    this.#i += match[0].length;
    const text = match[0];
    const value = text.startsWith('&H') ? Number.parseInt(text.slice(2), 16) : Number(text);
    if (!Number.isSafeInteger(value))
      this.fail(`${text} is too large a number (at most ${Number.MAX_SAFE_INTEGER})`, at);
    return { kind: 'number', value, at };
  }

  call(): Expr {
    const at = this.#i;
    const match = /^[A-Za-z][A-Za-z0-9_]*/.exec(this.text.slice(at))!;
    const name = match[0];
    this.#i += name.length;
    this.skipSpace();
    // A bare name: an enum constant (vbBinaryCompare, vbTextCompare).
    if (this.text[this.#i] !== '(') return { kind: 'name', name, at };
    if (++this.#depth > MAX_DEPTH) this.fail(`functions nested more than ${MAX_DEPTH} deep`, at);
    this.#i++;
    const args: Expr[] = [];
    this.skipSpace();
    if (this.text[this.#i] === ')') {
      this.#i++;
      this.#depth--;
      return { kind: 'call', name, args, at };
    }
    for (;;) {
      args.push(this.argument());
      this.skipSpace();
      const c = this.text[this.#i];
      if (c === ',') {
        this.#i++;
        continue;
      }
      if (c === ')') {
        this.#i++;
        break;
      }
      this.fail(c === undefined ? `${name}( is not closed with )` : `expected , or ) in the arguments of ${name}`);
    }
    this.#depth--;
    return { kind: 'call', name, args, at };
  }
}

/** The attributes an expression reads, each once, in the order they first appear. */
export function attributesOf(expr: Expr): string[] {
  const found: string[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'attribute' && !found.includes(e.name)) found.push(e.name);
    else if (e.kind === 'call') e.args.forEach(walk);
    else if (e.kind === 'compare') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return found;
}

/** An expression written back as text (the form Graph's `expression` field and YAML hold). */
export function formatExpression(expr: Expr): string {
  switch (expr.kind) {
    case 'attribute':
      return `[${expr.name}]`;
    case 'string':
      return `"${expr.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 'number':
      return String(expr.value);
    case 'name':
      return expr.name;
    case 'empty':
      return '';
    case 'compare':
      return `${formatExpression(expr.left)} ${expr.op} ${formatExpression(expr.right)}`;
    case 'call':
      return `${expr.name}(${expr.args.map(formatExpression).join(', ')})`;
  }
}
