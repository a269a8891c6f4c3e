/**
 * The patterns admins write (a scoping clause's REGEX MATCH, Replace's regexExpression) run on JavaScript's
 * backtracking RegExp, where a repeated group that itself repeats, `(a+)+` or `(\w*\s?)*`, takes exponential time on
 * an input that almost matches, and one evaluation would stop the whole server. Such patterns are refused where they
 * are read (a scenario file, Graph's schema, the console), with the reason; the engine compiles only through here.
 * A check of nesting, not a proof: overlapping alternatives, `(a|a)+`, are not found (the README's fidelity table).
 */

/** A pattern that does not compile, or that could run for ever. */
export class PatternError extends Error {
  override name = 'PatternError';
}

/** Why the pattern is refused, or undefined when it may run. */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a regular expression: ${(error as Error).message}`;
  }
  const nested = nestedRepeat(pattern);
  return nested === undefined
    ? undefined
    : `the group ending at character ${nested + 1} repeats something that repeats, which can take exponential time: write it without the nesting (e.g. (a+)+ as a+)`;
}

/**
 * The pattern compiled, or a PatternError saying why not. A clause is evaluated for every user of every cycle, so the
 * few patterns in use are kept compiled, checked once (the cache starts over when full). Callers use them only with
 * `test`, `exec` without the `g` flag, and `String.replace`, which start from the beginning whatever `lastIndex` says.
 */
export function compilePattern(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  const known = COMPILED.get(key);
  if (known) return known;
  const problem = patternProblem(pattern);
  if (problem) throw new PatternError(problem);
  if (COMPILED.size >= COMPILED_ENTRIES) COMPILED.clear();
  const regex = new RegExp(pattern, flags);
  COMPILED.set(key, regex);
  return regex;
}

const COMPILED_ENTRIES = 64;
const COMPILED = new Map<string, RegExp>();

/**
 * The index of the `)` of the first repeated group whose body repeats, or undefined. Escapes and character classes
 * are skipped; a quantifier repeats when it is `*`, `+` or `{n,}` / `{n,m}` with m > 1.
 */
function nestedRepeat(pattern: string): number | undefined {
  // For each open group: whether something inside it repeats.
  const stack: boolean[] = [];
  const inside = () => {
    if (stack.length > 0) stack[stack.length - 1] = true;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '(') {
      stack.push(false);
      i++;
      // (?:, (?=, (?!, (?<=, (?<!, (?<name>: the group's prefix is no atom.
      if (pattern[i] === '?') {
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') i = pattern.indexOf('>', i) + 1;
        else i++;
      }
      continue;
    }
    if (c === ')') {
      const repeatsInside = stack.pop() ?? false;
      const q = quantifierAt(pattern, i + 1);
      if (q?.repeats && repeatsInside) return i;
      if (repeatsInside || q?.repeats) inside();
      i += 1 + (q?.length ?? 0);
      continue;
    }
    if (c === '\\') i += 2;
    else if (c === '[') {
      // A class, to its unescaped `]` (a `]` first in it is literal).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else i++;
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.repeats) inside();
      i += q.length;
    }
  }
  return undefined;
}

/** The quantifier at `at` (with its lazy `?`), and whether it repeats a varying number of times: `*`, `+`, `{n,}`, `{n,m}` with m > 1. */
function quantifierAt(pattern: string, at: number): { repeats: boolean; length: number } | undefined {
  const lazy = (length: number) => (pattern[at + length] === '?' ? length + 1 : length);
  const c = pattern[at];
  if (c === '*' || c === '+') return { repeats: true, length: lazy(1) };
  if (c === '?') return { repeats: false, length: lazy(1) };
  if (c !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at, at + 24));
  if (!m) return undefined;
  // An exact count, {3}, matches one length and cannot backtrack into another: only a range repeats.
  const upper = m[2] === undefined ? 0 : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
  return { repeats: upper > 1, length: lazy(m[0].length) };
}
