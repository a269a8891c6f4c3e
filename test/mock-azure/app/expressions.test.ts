/**
 * Microsoft's expression language: every worked example of "Reference for writing expressions for attribute
 * mappings" (functions-for-customizing-application-data; test/fixtures/expressions/microsoft-functions.json holds
 * them as the page writes them) evaluated here gives the page's result, and bad expressions are errors with
 * their position.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPRESSION_FUNCTIONS, evaluateExpression, type Value } from '../../../mock-azure/app/expressions/evaluate.ts';
import { ExpressionError, formatExpression, parseExpression } from '../../../mock-azure/app/expressions/parse.ts';
import { Random } from '../../../simulator/random.ts';

interface Example {
  expression?: string;
  input?: Record<string, unknown>;
  impliedInput?: Record<string, unknown>;
  output: unknown;
  arguments?: Record<string, unknown> & { derivedExpression?: string };
  derivedExpression?: string;
  inconsistent?: boolean;
  pageSaysUnsupported?: boolean;
}
const PAGE = JSON.parse(
  readFileSync(new URL('../../fixtures/expressions/microsoft-functions.json', import.meta.url), 'utf8'),
) as { functions: Array<{ name: string; examples: Example[] }> };

/** Functions the page limits to other apps (or to Active Directory's formats): not evaluated for SCIM apps. */
const NOT_FOR_SCIM = new Set([
  'SelectUniqueValue',
  'DateFromNum',
  'AppRoleAssignmentsComplex',
  'SingleAppRoleAssignment',
]);
/** Results drawn from the clock or the random source: their shape is checked, not their value. */
const DRAWN = new Set(['Guid', 'RandomString']);

function context(input: Record<string, unknown>, now = Date.parse('2021-07-02T15:33:38Z')) {
  const lower = new Map(Object.entries(input).map(([k, v]) => [k.toLowerCase(), v as Value]));
  const random = new Random('expressions');
  return { attribute: (name: string) => lower.get(name.toLowerCase()), now: () => now, random };
}

/** The expression a table row stands for: the page prints one expression and a table of its arguments. */
function expressionOf(fn: string, e: Example): string {
  const derived = e.derivedExpression ?? e.arguments?.derivedExpression;
  if (derived) return derived;
  if (fn === 'DateAdd' && e.arguments)
    return `DateAdd("${e.arguments.interval}", ${e.arguments.value}, CDate("${e.arguments.dateTime}"))`;
  return e.expression!;
}

const cases = PAGE.functions.flatMap((fn) =>
  fn.examples
    .filter((e) => e.output !== null && !e.inconsistent && !e.pageSaysUnsupported && !NOT_FOR_SCIM.has(fn.name))
    .map((e, i) => ({
      fn: fn.name,
      e,
      name: `${fn.name} #${i + 1}: ${expressionOf(fn.name, e).replace(/\s+/g, ' ')}`,
    })),
);

describe("the page's examples", () => {
  it('are many, and every function the page documents for SCIM apps is evaluated', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const documented = PAGE.functions.map((f) => f.name).filter((n) => !NOT_FOR_SCIM.has(n));
    expect(documented.filter((n) => !EXPRESSION_FUNCTIONS.includes(n))).toEqual([]);
  });

  for (const { fn, e, name } of cases)
    it(name, () => {
      const expr = parseExpression(expressionOf(fn, e));
      const { value } = evaluateExpression(expr, context({ ...e.input, ...e.impliedInput }));
      if (fn === 'Guid') expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      else if (fn === 'RandomString') expect(String(value)).toHaveLength(String(e.output).length);
      else if (DRAWN.has(fn)) throw new Error('unreachable');
      else expect(typeof value === 'number' || typeof value === 'boolean' ? String(value) : value).toEqual(e.output);
    });

  it('RandomString keeps its minimums and avoids what it is told to, from the seeded source (the same run, the same string)', () => {
    const expr = parseExpression('RandomString(10,2,2,2,1,"?,")');
    const first = evaluateExpression(expr, context({})).value as string;
    expect(first).toHaveLength(10);
    expect(first.replace(/\D/g, '').length).toBeGreaterThanOrEqual(2);
    expect(first.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(2);
    expect(first).not.toMatch(/[?,]/);
    expect(evaluateExpression(expr, context({})).value).toBe(first);
  });

  it("Now is the virtual clock, in the page's format (M/d/yyyy h:mm:ss tt, UTC)", () => {
    expect(evaluateExpression(parseExpression('Now()'), context({}, Date.parse('2026-01-05T09:00:00Z'))).value).toBe(
      '1/5/2026 9:00:00 AM',
    );
  });

  it('IgnoreFlowIfNullOrEmpty says the attribute is dropped from the flow when its expression is empty', () => {
    const expr = parseExpression('IgnoreFlowIfNullOrEmpty([department])');
    expect(evaluateExpression(expr, context({})).ignoreFlow).toBe(true);
    expect(evaluateExpression(expr, context({ department: 'Sales' }))).toEqual({ value: 'Sales', ignoreFlow: false });
  });

  it("IIF with a comparison, Switch with its default, Coalesce, Not: the page's descriptions", () => {
    const run = (text: string, input: Record<string, unknown> = {}) =>
      evaluateExpression(parseExpression(text), context(input)).value;
    expect(run('IIF([country]="USA",[country],[department])', { country: 'USA', department: 'Sales' })).toBe('USA');
    expect(run('IIF([country]="USA",[country],[department])', { country: 'FR', department: 'Sales' })).toBe('Sales');
    expect(run('Switch([state], "Unknown", "NSW", "Sydney")', { state: 'nsw' })).toBe('Unknown');
    expect(run('Coalesce([mail], [userPrincipalName], "none")', {})).toBe('none');
    expect(run('Not("True")')).toBe(false);
    expect(run('IIF(DateDiff("d", Now(), CDate("2021-07-10")) > 5, "later", "soon")')).toBe('later');
  });
});

const withoutPositions = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (key === 'at' ? undefined : v)));

describe('reading expressions', () => {
  it('a bad expression is an error with its column', () => {
    for (const [text, column, problem] of [
      ['Append([givenName], "x"', 24, /Append\( is not closed/],
      ['Append([givenName] "x")', 20, /expected , or \) in the arguments of Append/],
      ['"unclosed', 1, /string constant is not closed/],
      ['[givenName', 1, /\[attribute\] is not closed/],
      ['Join(",", [a]) extra', 16, /unexpected text after the expression/],
      ['Mid(#)', 5, /unexpected "#"/],
    ] as const) {
      try {
        parseExpression(text);
        expect.unreachable(text);
      } catch (error) {
        expect(error, text).toBeInstanceOf(ExpressionError);
        expect((error as ExpressionError).column, text).toBe(column);
        expect((error as ExpressionError).problem, text).toMatch(problem);
      }
    }
  });

  it('an unknown function or a wrong number of arguments is an error when evaluated, naming the call', () => {
    expect(() => evaluateExpression(parseExpression('Frobnicate([a])'), context({}))).toThrow(
      /Frobnicate is not a function/,
    );
    expect(() => evaluateExpression(parseExpression('Left("abc")'), context({}))).toThrow(
      /Left takes 2 arguments, not 1/,
    );
    expect(() => evaluateExpression(parseExpression('Switch([a], "d", "k")'), context({}))).toThrow(/pairs/);
  });

  it('a number past the safe integers is refused; RandomString is bounded and keeps its promises', () => {
    expect(() => parseExpression('Left([a], 10000000000000000000000)')).toThrow(/too large a number/);
    const run = (text: string) => evaluateExpression(parseExpression(text), context({}));
    expect(() => run('RandomString(1000000000,0,0,0,0)')).toThrow(/the length is at most 1024/);
    expect(() => run('RandomString(4,3,3,0,0)')).toThrow(/the minimums add up to more than the length/);
    expect(() => run('RandomString(6,6,0,0,0,"0123456789")')).toThrow(/leaves no character to choose from/);
  });

  it('nesting is bounded, and the longest expression is 10,000 characters', () => {
    expect(() => parseExpression(`${'Not('.repeat(101)}"x"${')'.repeat(101)}`)).toThrow(/nested more than 100 deep/);
    expect(() => parseExpression(`"${'x'.repeat(10_000)}"`)).toThrow(/longer than 10000 characters/);
  });

  it('written back as text, an expression reads the same (the form YAML and Graph hold)', () => {
    for (const text of [
      'Replace([mail], "@contoso.com", , , "", , )',
      'IIF([country] = "USA", Join(", ", [surname], [givenName]), "x \\"quoted\\"")',
      'BitAnd(15, 247)',
      'InStr("repEated", "e", 3, vbBinaryCompare)',
    ]) {
      const expr = parseExpression(text);
      // The same tree, positions aside (spacing may differ), and the same text once written.
      expect(withoutPositions(parseExpression(formatExpression(expr)))).toEqual(withoutPositions(expr));
      expect(formatExpression(parseExpression(formatExpression(expr)))).toBe(formatExpression(expr));
    }
  });
});
