/**
 * Evaluating Microsoft's expression language (functions-for-customizing-application-data): the functions its
 * reference documents for outbound provisioning, each as the page defines it. `Now` and `Guid` (and
 * `RandomString`) read the virtual clock and the seeded random source, so the same run gives the same values.
 * Left out: SelectUniqueValue ("isn't supported for use with other provisioning applications" than Workday,
 * SuccessFactors and API-driven provisioning to Active Directory), and DateFromNum (Active Directory's numbers).
 */
import { type CompareOp, type Expr, ExpressionError, formatExpression } from './parse.ts';
import { RoleList } from '../app-roles.ts';
import { compilePattern, patternProblem } from '../patterns.ts';

/**
 * What an expression yields: text, a number, a Boolean, nothing, (a multi-valued attribute) several texts, or a
 * user's app roles (`[appRoleAssignments]`, read by the role functions).
 */
export type Value = string | number | boolean | null | string[] | RoleList;

export interface EvaluationContext {
  /** A source attribute's value (names are case-insensitive, as the portal's are). */
  attribute(name: string): Value | undefined;
  /** Virtual time, epoch ms. */
  now(): number;
  /** The seeded random source. */
  random: { uuid(): string; int(min: number, max: number): number };
}

/** The result of a mapping's expression: its value, or (IgnoreFlowIfNullOrEmpty) that the attribute is not sent. */
export interface Evaluated {
  value: Value;
  ignoreFlow: boolean;
}

export function evaluateExpression(expr: Expr, context: EvaluationContext): Evaluated {
  const state = { ignoreFlow: false };
  const value = evaluate(expr, context, state);
  return { value, ignoreFlow: state.ignoreFlow };
}

interface State {
  ignoreFlow: boolean;
}

type Fn = (args: Expr[], ctx: EvaluationContext, state: State, call: Expr & { kind: 'call' }) => Value;

/** A function: how many arguments it takes (checked when an expression is read), and what it does. */
interface FunctionDefinition {
  min: number;
  max: number;
  fn: Fn;
}

function evaluate(expr: Expr, ctx: EvaluationContext, state: State): Value {
  switch (expr.kind) {
    case 'string':
      return expr.value;
    case 'number':
      return expr.value;
    case 'name':
      return expr.name;
    case 'empty':
      return null;
    case 'attribute':
      return ctx.attribute(expr.name) ?? null;
    case 'compare':
      return compare(expr.op, evaluate(expr.left, ctx, state), evaluate(expr.right, ctx, state));
    case 'call': {
      const definition = FUNCTIONS.get(expr.name.toLowerCase());
      if (!definition) throw unknownFunction(expr);
      arity(expr, definition.min, definition.max);
      return definition.fn(expr.args, ctx, state, expr);
    }
  }
}

const isEmpty = (v: Value) =>
  v === null || v === '' || (Array.isArray(v) && v.length === 0) || (v instanceof RoleList && v.roles.length === 0);
const text = (v: Value): string =>
  v === null ? '' : Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
const num = (v: Value): number => (typeof v === 'number' ? v : Number(text(v)));
const truthy = (v: Value): boolean =>
  typeof v === 'boolean'
    ? v
    : typeof v === 'number'
      ? v !== 0
      : text(v).toLowerCase() === 'true' || (text(v) !== '' && Number(text(v)) !== 0 && !Number.isNaN(Number(text(v))));

function compare(op: CompareOp, a: Value, b: Value): boolean {
  const numeric =
    !isEmpty(a) && !isEmpty(b) && !Number.isNaN(num(a)) && !Number.isNaN(num(b)) && op !== '=' && op !== '<>';
  const [x, y] = numeric ? [num(a), num(b)] : [text(a), text(b)];
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
}

/** Arity check: too few or too many arguments is the expression's error, with where the call is. */
function arity(call: Expr & { kind: 'call' }, min: number, max = min): void {
  const n = call.args.length;
  if (n < min || n > max)
    throw new ExpressionError(
      call.at + 1,
      `${call.name} takes ${min === max ? min : max === Number.POSITIVE_INFINITY ? `${min} or more` : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, not ${n}`,
      formatExpression(call),
    );
}

// --- dates: the page's functions return "M/d/yyyy h:mm:ss tt", always in UTC ---

/** A date as the functions read it: ISO 8601 (with or without time and offset), or the page's own output format. */
function parseDate(value: Value): number | undefined {
  const s = text(value).trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', se = '0', fr = '0', zone] = iso;
    let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +se, Math.round(Number(`0.${fr}`) * 1000));
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return ms;
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/i.exec(s);
  if (us) {
    const [, mo, d, y, h, mi, se, ampm] = us;
    const hour = (Number(h) % 12) + (ampm!.toUpperCase() === 'PM' ? 12 : 0);
    return Date.UTC(+y!, +mo! - 1, +d!, hour, +mi!, +se!);
  }
  return undefined;
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

function requireDate(value: Value, call: Expr & { kind: 'call' }): number {
  const ms = parseDate(value);
  if (ms === undefined)
    throw new ExpressionError(
      call.at + 1,
      `${call.name}: "${text(value)}" is not a date it can read`,
      formatExpression(call),
    );
  return ms;
}

const DAY = 86_400_000;
function addInterval(ms: number, interval: string, n: number): number {
  const d = new Date(ms);
  switch (interval) {
    case 'yyyy':
      d.setUTCFullYear(d.getUTCFullYear() + n);
      return d.getTime();
    case 'm':
      d.setUTCMonth(d.getUTCMonth() + n);
      return d.getTime();
    case 'd':
      return ms + n * DAY;
    case 'ww':
      return ms + n * 7 * DAY;
    case 'h':
      return ms + n * 3_600_000;
    case 'n':
      return ms + n * 60_000;
    case 's':
      return ms + n * 1000;
  }
  return Number.NaN;
}

/** Visual Basic's DateDiff, which the page's table follows (`ww` counts Sundays crossed, `m` and `yyyy` calendar units). */
function dateDiff(interval: string, a: number, b: number): number {
  const [x, y] = [new Date(a), new Date(b)];
  const fix = (n: number) => Math.trunc(n);
  switch (interval) {
    case 'yyyy':
      return y.getUTCFullYear() - x.getUTCFullYear();
    case 'm':
      return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + y.getUTCMonth() - x.getUTCMonth();
    case 'd':
      return fix((b - a) / DAY);
    case 'ww': {
      const sunday = (ms: number) => Math.floor(ms / DAY) - new Date(ms).getUTCDay();
      return fix((sunday(b) - sunday(a)) / 7);
    }
    case 'h':
      return fix((b - a) / 3_600_000);
    case 'n':
      return fix((b - a) / 60_000);
    case 's':
      return fix((b - a) / 1000);
  }
  return Number.NaN;
}

const INTERVALS = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'];
function requireInterval(value: Value, call: Expr & { kind: 'call' }): string {
  const interval = text(value);
  if (!INTERVALS.includes(interval))
    throw new ExpressionError(
      call.at + 1,
      `${call.name}: the interval must be one of ${INTERVALS.join(', ')}, not "${interval}"`,
      formatExpression(call),
    );
  return interval;
}

/** .NET custom date and time formats, the specifiers FormatDateTime's inputs use (yyyy MM M dd d HH H hh h mm m ss s f.. tt zzz). */
const FORMAT_TOKEN = /yyyy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|f{1,7}|tt|zzz|K|'[^']*'|./g;

function parseWithFormat(value: string, format: string): number | undefined {
  let pattern = '^';
  const parts: string[] = [];
  for (const token of format.match(FORMAT_TOKEN) ?? []) {
    const group = (name: string, re: string) => {
      parts.push(name);
      pattern += `(${re})`;
    };
    if (token === 'yyyy') group('y', '\\d{4}');
    else if (token === 'MM' || token === 'M') group('M', token === 'MM' ? '\\d{2}' : '\\d{1,2}');
    else if (token === 'dd' || token === 'd') group('d', token === 'dd' ? '\\d{2}' : '\\d{1,2}');
    else if (/^[Hh]{1,2}$/.test(token)) group(token[0] === 'H' ? 'H' : 'h', token.length === 2 ? '\\d{2}' : '\\d{1,2}');
    else if (token === 'mm' || token === 'm') group('m', token === 'mm' ? '\\d{2}' : '\\d{1,2}');
    else if (token === 'ss' || token === 's') group('s', token === 'ss' ? '\\d{2}' : '\\d{1,2}');
    else if (token.startsWith('f')) group('f', `\\d{${token.length}}`);
    else if (token === 'tt') group('t', 'AM|PM|am|pm');
    else if (token === 'zzz' || token === 'K') group('z', 'Z|[+-]\\d{2}:\\d{2}');
    else pattern += (token.startsWith("'") ? token.slice(1, -1) : token).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const match = new RegExp(`${pattern}$`).exec(value);
  if (!match) return undefined;
  const get = (name: string) => {
    const i = parts.indexOf(name);
    return i < 0 ? undefined : match[i + 1];
  };
  let hour = Number(get('H') ?? get('h') ?? 0);
  const tt = get('t');
  if (tt) hour = (hour % 12) + (tt.toUpperCase() === 'PM' ? 12 : 0);
  let ms = Date.UTC(
    Number(get('y') ?? 1),
    Number(get('M') ?? 1) - 1,
    Number(get('d') ?? 1),
    hour,
    Number(get('m') ?? 0),
    Number(get('s') ?? 0),
    Math.round(Number(`0.${get('f') ?? '0'}`) * 1000),
  );
  const zone = get('z');
  if (zone && zone !== 'Z')
    ms -= (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  return ms;
}

function formatWith(ms: number, format: string): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (format.match(FORMAT_TOKEN) ?? [])
    .map((token) => {
      const h = d.getUTCHours();
      switch (token) {
        case 'yyyy':
          return String(d.getUTCFullYear());
        case 'MM':
          return pad(d.getUTCMonth() + 1);
        case 'M':
          return String(d.getUTCMonth() + 1);
        case 'dd':
          return pad(d.getUTCDate());
        case 'd':
          return String(d.getUTCDate());
        case 'HH':
          return pad(h);
        case 'H':
          return String(h);
        case 'hh':
          return pad(h % 12 || 12);
        case 'h':
          return String(h % 12 || 12);
        case 'mm':
          return pad(d.getUTCMinutes());
        case 'm':
          return String(d.getUTCMinutes());
        case 'ss':
          return pad(d.getUTCSeconds());
        case 's':
          return String(d.getUTCSeconds());
        case 'tt':
          return h < 12 ? 'AM' : 'PM';
        case 'zzz':
          return '+00:00';
        case 'K':
          return 'Z';
      }
      if (token.startsWith('f')) return pad(d.getUTCMilliseconds(), 3).padEnd(token.length, '0').slice(0, token.length);
      return token.startsWith("'") ? token.slice(1, -1) : token;
    })
    .join('');
}

// --- NormalizeDiacritics: the page's table for what Unicode decomposition does not cover ---
const SPECIAL: Record<string, string> = {
  æ: 'ae',
  ǣ: 'ae',
  Æ: 'AE',
  Ǣ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
};
const normalizeDiacritics = (s: string) =>
  s
    .replace(/[æǣÆǢøØœŒßłŁı]/g, (c) => SPECIAL[c]!)
    .normalize('NFD')
    .replace(/\p{M}/gu, '');

/** .NET's ToTitleCase, as PCase uses it without separators: a letter after anything that is not a letter starts a word. */
function pcase(s: string, separators?: string): string {
  let out = '';
  let start = true;
  for (const c of s) {
    const isSeparator = separators === undefined ? !/[\p{L}\p{N}]/u.test(c) : separators.includes(c);
    out += isSeparator ? c : start ? c.toUpperCase() : c.toLowerCase();
    start = isSeparator;
  }
  return out;
}

const SPECIAL_CHARACTERS = '!@#$%^&*()-_=+[]{};:,.<>/?';

/** The longest string RandomString makes (a mapping must not be able to exhaust memory). */
const MAX_RANDOM_STRING = 1_024;

function randomString(args: Value[], ctx: EvaluationContext, call: Expr & { kind: 'call' }): string {
  const [length, numbers, specials, capitals, lowers] = args.slice(0, 5).map((v) => Math.max(0, Math.trunc(num(v))));
  const refuse = (problem: string) =>
    new ExpressionError(call.at + 1, `RandomString: ${problem}`, formatExpression(call));
  if (!(length! <= MAX_RANDOM_STRING)) throw refuse(`the length is at most ${MAX_RANDOM_STRING}`);
  if (numbers! + specials! + capitals! + lowers! > length!)
    throw refuse('the minimums add up to more than the length ("should be greater than or equal to the sum")');
  const avoid = text(args[5] ?? null);
  const pool = (chars: string) => [...chars].filter((c) => !avoid.includes(c)).join('');
  const sets = {
    digit: pool('0123456789'),
    special: pool(SPECIAL_CHARACTERS),
    upper: pool('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    lower: pool('abcdefghijklmnopqrstuvwxyz'),
  };
  const pick = (set: string) => {
    if (set === '') throw refuse('CharactersToAvoid leaves no character to choose from');
    return set[ctx.random.int(0, set.length - 1)]!;
  };
  const chars: string[] = [];
  for (const [count, set] of [
    [numbers, sets.digit],
    [specials, sets.special],
    [capitals, sets.upper],
    [lowers, sets.lower],
  ] as const)
    for (let i = 0; i < count!; i++) chars.push(pick(set));
  const all = sets.digit + sets.lower + sets.upper;
  while (chars.length < length!) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = ctx.random.int(0, i);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Replace's seven parameters, as the page describes each combination. */
function replace(v: Value[]): Value {
  const [source, oldValue, pattern, groupName, replacement, replacementAttribute, template] = v;
  const given = (x: Value | undefined) => x !== null && x !== undefined;
  let src = text(source ?? null);
  // .NET's ${name} in a replacement is JavaScript's $<name>.
  const jsReplacement = (r: string) => r.replace(/\$\{(\w+)\}/g, '$<$1>');
  if (given(oldValue) && given(template)) return text(template!).split(text(oldValue!)).join(src);
  if (given(oldValue) && given(replacement)) return src.split(text(oldValue!)).join(text(replacement!));
  if (!given(pattern)) return source ?? null;
  const regex = compilePattern(text(pattern!), 'g');
  if (given(groupName)) {
    if (src === '' && given(replacementAttribute)) src = text(replacementAttribute!);
    const group = text(groupName!);
    if (!given(replacement)) {
      const m = compilePattern(text(pattern!)).exec(src);
      return m?.groups?.[group] ?? src;
    }
    return src.replace(regex, (...match) => {
      const groups = match.at(-1) as Record<string, string> | undefined;
      const whole = match[0] as string;
      const part = groups?.[group];
      return part === undefined ? whole : whole.replace(part, text(replacement!));
    });
  }
  if (given(replacement)) return src.replace(regex, jsReplacement(text(replacement!)));
  return src;
}

const values = (v: Value): string[] =>
  Array.isArray(v) ? v : v === null ? [] : v instanceof RoleList ? v.roles.map((r) => r.value!) : [text(v)];

/** The user's roles, for the role functions: their argument is `[appRoleAssignments]` (checkExpression sees to it). */
const rolesOf = (args: Expr[], ctx: EvaluationContext, st: State): RoleList => {
  const v = evaluate(args[0]!, ctx, st);
  return v instanceof RoleList ? v : new RoleList([], false);
};

/** The functions that read a user's app roles, which take exactly `[appRoleAssignments]`. */
const ROLE_FUNCTIONS = new Set([
  'singleapproleassignment',
  'approleassignmentscomplex',
  'assertiveapproleassignmentscomplex',
]);

const all = (args: Expr[], ctx: EvaluationContext, state: State) => args.map((a) => evaluate(a, ctx, state));

const TABLE = {
  // "Returns a single appRole used for all the appRoleAssignments assigned to a user"; with several, "We can't
  // guarantee which role will be provisioned": scimsim takes the oldest assignment's (customize-application-attributes).
  SingleAppRoleAssignment: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => rolesOf(args, ctx, st).roles[0]?.value ?? null,
  },
  // Every role, for a `roles` attribute: "All roles will be provisioned as primary = false".
  AppRoleAssignmentsComplex: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => new RoleList(rolesOf(args, ctx, st).roles, false),
  },
  // As AppRoleAssignmentsComplex, but its PATCH replaces the list ("sends op: replace on roles").
  AssertiveAppRoleAssignmentsComplex: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => new RoleList(rolesOf(args, ctx, st).roles, true),
  },
  Append: {
    min: 2,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [a, b] = all(args, ctx, st);
      return text(a!) + text(b!);
    },
  },
  BitAnd: {
    min: 2,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [a, b] = all(args, ctx, st);
      return num(a!) & num(b!);
    },
  },
  CBool: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return truthy(evaluate(args[0]!, ctx, st));
    },
  },
  CDate: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, call) => {
      return formatDate(requireDate(evaluate(args[0]!, ctx, st), call));
    },
  },
  Coalesce: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    fn: (args, ctx, st, _call) => {
      for (const a of args) {
        const v = evaluate(a, ctx, st);
        if (v !== null) return v;
      }
      return null;
    },
  },
  // "Hello world!" gives "SABlAGwAbABvACAAdwBvAHIAbABkACEA": the string's UTF-16 (little-endian) bytes.
  ConvertToBase64: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return Buffer.from(text(evaluate(args[0]!, ctx, st)), 'utf16le').toString('base64');
    },
  },
  ConvertToUTF8Hex: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return Buffer.from(text(evaluate(args[0]!, ctx, st)), 'utf8')
        .toString('hex')
        .toUpperCase();
    },
  },
  Count: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return values(evaluate(args[0]!, ctx, st)).length;
    },
  },
  CStr: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return text(evaluate(args[0]!, ctx, st));
    },
  },
  DateAdd: {
    min: 3,
    max: 3,
    fn: (args, ctx, st, call) => {
      const [interval, n, date] = all(args, ctx, st);
      return formatDate(addInterval(requireDate(date!, call), requireInterval(interval!, call), Math.trunc(num(n!))));
    },
  },
  DateDiff: {
    min: 3,
    max: 3,
    fn: (args, ctx, st, call) => {
      const [interval, a, b] = all(args, ctx, st);
      return dateDiff(requireInterval(interval!, call), requireDate(a!, call), requireDate(b!, call));
    },
  },
  FormatDateTime: {
    min: 3,
    max: 4,
    fn: (args, ctx, st, call) => {
      const v = all(args, ctx, st);
      // With four arguments the second is dateTimeStyles (parsing options); with three it is left out.
      const [source, inputFormat, outputFormat] = v.length === 4 ? [v[0], v[2], v[3]] : [v[0], v[1], v[2]];
      const ms = parseWithFormat(text(source!), text(inputFormat!));
      if (ms === undefined)
        throw new ExpressionError(
          call.at + 1,
          `FormatDateTime: "${text(source!)}" does not have the format "${text(inputFormat!)}"`,
          formatExpression(call),
        );
      return formatWith(ms, text(outputFormat!));
    },
  },
  Guid: {
    min: 0,
    max: 0,
    fn: (_args, ctx, _st, _call) => {
      return ctx.random.uuid();
    },
  },
  IgnoreFlowIfNullOrEmpty: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      const v = evaluate(args[0]!, ctx, st);
      if (isEmpty(v)) st.ignoreFlow = true;
      return v;
    },
  },
  IIF: {
    min: 3,
    max: 3,
    fn: (args, ctx, st, _call) => {
      return truthy(evaluate(args[0]!, ctx, st)) ? evaluate(args[1]!, ctx, st) : evaluate(args[2]!, ctx, st);
    },
  },
  InStr: {
    min: 2,
    max: 4,
    fn: (args, ctx, st, _call) => {
      const [a, b, start, compareType] = all(args, ctx, st);
      const from = start === undefined || start === null ? 1 : Math.trunc(num(start));
      const textCompare = text(compareType ?? null) === 'vbTextCompare';
      const [hay, needle] = textCompare ? [text(a!).toLowerCase(), text(b!).toLowerCase()] : [text(a!), text(b!)];
      return hay.indexOf(needle, from - 1) + 1;
    },
  },
  IsNull: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return evaluate(args[0]!, ctx, st) === null;
    },
  },
  IsNullOrEmpty: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return isEmpty(evaluate(args[0]!, ctx, st));
    },
  },
  IsPresent: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return !isEmpty(evaluate(args[0]!, ctx, st));
    },
  },
  IsString: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return typeof evaluate(args[0]!, ctx, st) === 'string';
    },
  },
  // fidelity: the page does not say whether Item's index counts from 0 or 1; 1, as Mid and InStr do (INFERRED).
  Item: {
    min: 2,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [list, index] = all(args, ctx, st);
      return values(list!)[Math.trunc(num(index!)) - 1] ?? null;
    },
  },
  // Empty values are left out (the page's `Join(", ", "", [surname], [givenName])` gives "Doe, John");
  // a multi-valued source gives each of its values.
  Join: {
    min: 2,
    max: Number.POSITIVE_INFINITY,
    fn: (args, ctx, st, _call) => {
      const [separator, ...sources] = all(args, ctx, st);
      return sources
        .flatMap((v) => values(v))
        .filter((v) => v !== '')
        .join(text(separator!));
    },
  },
  Left: {
    min: 2,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [s, n] = all(args, ctx, st);
      return text(s!).slice(0, Math.max(0, Math.trunc(num(n!))));
    },
  },
  Mid: {
    min: 3,
    max: 3,
    fn: (args, ctx, st, _call) => {
      const [s, start, length] = all(args, ctx, st);
      const from = Math.max(1, Math.trunc(num(start!)));
      return text(s!).slice(from - 1, from - 1 + Math.max(0, Math.trunc(num(length!))));
    },
  },
  NormalizeDiacritics: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return normalizeDiacritics(text(evaluate(args[0]!, ctx, st)));
    },
  },
  Not: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      const v = evaluate(args[0]!, ctx, st);
      return !(v === true || text(v).toLowerCase() === 'true');
    },
  },
  Now: {
    min: 0,
    max: 0,
    fn: (_args, ctx, _st, _call) => {
      return formatDate(ctx.now());
    },
  },
  // Active Directory's number for a date: 100-nanosecond intervals since 1601-01-01 UTC.
  NumFromDate: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, call) => {
      const ms = requireDate(evaluate(args[0]!, ctx, st), call);
      return String(BigInt(ms - Date.UTC(1601, 0, 1)) * 10_000n);
    },
  },
  PCase: {
    min: 1,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [s, separators] = all(args, ctx, st);
      return pcase(text(s!), separators === undefined || separators === null ? undefined : text(separators));
    },
  },
  RandomString: {
    min: 5,
    max: 6,
    fn: (args, ctx, st, call) => {
      return randomString(all(args, ctx, st), ctx, call);
    },
  },
  // The value flows as it is; only the provisioning logs show "[Redact]" (the page: "in the provisioning logs").
  Redact: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return evaluate(args[0]!, ctx, st);
    },
  },
  RemoveDuplicates: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return [...new Set(values(evaluate(args[0]!, ctx, st)))];
    },
  },
  Replace: {
    min: 3,
    max: 7,
    fn: (args, ctx, st, _call) => {
      return replace(all(args, ctx, st));
    },
  },
  Split: {
    min: 2,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [s, delimiter] = all(args, ctx, st);
      return text(s!).split(text(delimiter!));
    },
  },
  StripSpaces: {
    min: 1,
    max: 1,
    fn: (args, ctx, st, _call) => {
      return text(evaluate(args[0]!, ctx, st)).replaceAll(' ', '');
    },
  },
  // A case-sensitive match of the source with each key; the default when none matches.
  Switch: {
    min: 2,
    max: Number.POSITIVE_INFINITY,
    fn: (args, ctx, st, call) => {
      if ((args.length - 2) % 2 !== 0)
        throw new ExpressionError(call.at + 1, 'Switch takes its keys and values in pairs', formatExpression(call));
      const source = text(evaluate(args[0]!, ctx, st));
      for (let i = 2; i < args.length; i += 2)
        if (text(evaluate(args[i]!, ctx, st)) === source) return evaluate(args[i + 1]!, ctx, st);
      return evaluate(args[1]!, ctx, st);
    },
  },
  ToLower: {
    min: 1,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [s, culture] = all(args, ctx, st);
      return culture ? text(s!).toLocaleLowerCase(text(culture)) : text(s!).toLowerCase();
    },
  },
  ToUpper: {
    min: 1,
    max: 2,
    fn: (args, ctx, st, _call) => {
      const [s, culture] = all(args, ctx, st);
      return culture ? text(s!).toLocaleUpperCase(text(culture)) : text(s!).toUpperCase();
    },
  },
  Word: {
    min: 3,
    max: 3,
    fn: (args, ctx, st, _call) => {
      const [s, n, delimiters] = all(args, ctx, st);
      const index = Math.trunc(num(n!));
      if (s === null || index < 1) return '';
      const seps = text(delimiters!);
      const words = [...text(s!)].reduce<string[]>(
        (acc, c) => {
          if (seps.includes(c)) acc.push('');
          else acc[acc.length - 1] += c;
          return acc;
        },
        [''],
      );
      return words.filter((w) => w !== '')[index - 1] ?? '';
    },
  },
} satisfies Record<string, FunctionDefinition>;

const FUNCTIONS = new Map<string, FunctionDefinition>(
  Object.entries(TABLE).map(([name, definition]) => [name.toLowerCase(), definition]),
);

const unknownFunction = (call: Expr & { kind: 'call' }) =>
  new ExpressionError(call.at + 1, `${call.name} is not a function this engine evaluates`, formatExpression(call));

/**
 * Checks an expression before it is used: every function is one this engine evaluates, with a number of arguments
 * it takes, and Switch's keys and values come in pairs. A mapping's expression is checked when it is set.
 */
export function checkExpression(expr: Expr): void {
  if (expr.kind === 'compare') {
    checkExpression(expr.left);
    checkExpression(expr.right);
  }
  if (expr.kind !== 'call') return;
  const definition = FUNCTIONS.get(expr.name.toLowerCase());
  if (!definition) throw unknownFunction(expr);
  arity(expr, definition.min, definition.max);
  if (expr.name.toLowerCase() === 'switch' && (expr.args.length - 2) % 2 !== 0)
    throw new ExpressionError(expr.at + 1, 'Switch takes its keys and values in pairs', formatExpression(expr));
  // Replace's regexExpression, when written in the expression, is checked as it is read (patterns.ts).
  const regex = expr.name.toLowerCase() === 'replace' ? expr.args[2] : undefined;
  const problem = regex?.kind === 'string' ? patternProblem(regex.value) : undefined;
  if (problem)
    throw new ExpressionError(regex!.at + 1, `Replace's regexExpression: ${problem}`, formatExpression(expr));
  const first = expr.args[0];
  if (
    ROLE_FUNCTIONS.has(expr.name.toLowerCase()) &&
    !(first?.kind === 'attribute' && first.name.toLowerCase() === 'approleassignments')
  )
    throw new ExpressionError(expr.at + 1, `${expr.name} takes [appRoleAssignments]`, formatExpression(expr));
  expr.args.forEach(checkExpression);
}

/** The functions this engine evaluates, by the page's names. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.keys(TABLE);
