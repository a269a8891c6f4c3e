/**
 * `--dialects both`: each scenario runs with Entra's default PATCH dialect and with aadOptscim062020, and the
 * endpoint's answers are compared in what they mean: the same requests answered with the same statuses and the
 * same resources, ids, meta, ETags and times aside. A scenario that pins the flag runs only as written.
 */
import type { Scenario } from './load.ts';
import type { ExchangeResult, ScenarioResult } from './result.ts';

export const DIALECT_NAMES = { false: 'default dialect', true: 'aadOptscim062020' } as const;

/** The scenario in both dialects, or as written when it says which (`provisioning.aadOptscim062020`). */
export function dialectVariants(scenario: Scenario): Scenario[] {
  const pinned =
    scenario.provisioning?.aadOptscim062020 !== undefined ||
    scenario.steps.some((s) => JSON.stringify(s.args ?? null).includes('aadOptscim062020'));
  if (pinned) return [scenario];
  return [false, true].map((flag) => ({
    ...scenario,
    name: `${scenario.name} [${DIALECT_NAMES[String(flag) as 'false' | 'true']}]`,
    provisioning: { ...scenario.provisioning, aadOptscim062020: flag },
    ...(flag ? { dialectCopy: true } : {}),
  }));
}

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{20,}\b/gi;
const IGNORED = new Set(['id', 'meta', 'version', 'created', 'lastmodified', 'etag', 'location']);

function normal(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ID, '<id>');
  if (Array.isArray(value)) return value.map(normal);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    if (!IGNORED.has(key.toLowerCase())) out[key] = normal((value as Record<string, unknown>)[key]);
  return out;
}

/** What an answer means: the request's method and path (ids out), the status, and the body without ids and times. */
function meaning(x: ExchangeResult): string {
  let body: unknown = x.responseBody;
  try {
    body = x.responseBody ? JSON.parse(x.responseBody) : undefined;
  } catch {
    // Not JSON: compared as text, ids out.
  }
  const path = x.path.replace(/[?&]aadOptscim062020\b/, '').replace(ID, '<id>');
  return `${x.method} ${path} -> ${x.status ?? x.error} ${JSON.stringify(normal(body) ?? null)}`;
}

/** Where the two runs' answers differ in meaning (the first few), or nothing. */
export function dialectDifferences(
  plain: ScenarioResult,
  flagged: ScenarioResult,
): Array<{ what: string; expected: string; actual: string }> {
  const a = plain.exchanges.map(meaning);
  const b = flagged.exchanges.map(meaning);
  const out: Array<{ what: string; expected: string; actual: string }> = [];
  if (plain.exchangesTotal !== flagged.exchangesTotal)
    out.push({
      what: 'the number of requests',
      expected: String(plain.exchangesTotal),
      actual: String(flagged.exchangesTotal),
    });
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 5; i++)
    if (a[i] !== b[i])
      out.push({
        what: `answer ${i + 1} (${plain.exchanges[i]!.method} ${plain.exchanges[i]!.path})`,
        expected: a[i]!,
        actual: b[i]!,
      });
  return out;
}

/** The aadOptscim062020 run marked failed where its answers mean something else than the default dialect's. */
export function withDialectCheck(plain: ScenarioResult, flagged: ScenarioResult): ScenarioResult {
  // A run that failed its own steps says so itself; a comparison of two runs that went different ways says less.
  if (!flagged.passed || !plain.passed) return flagged;
  const differences = dialectDifferences(plain, flagged);
  if (differences.length === 0) return flagged;
  return {
    ...flagged,
    passed: false,
    failure: {
      step: flagged.steps.length - 1,
      line: flagged.steps.at(-1)?.line ?? 0,
      name: 'dialects',
      message: `the endpoint answered the aadOptscim062020 dialect differently in meaning from the default dialect (${differences.length} difference${differences.length === 1 ? '' : 's'} shown, ids and times aside)`,
      mismatches: differences,
    },
  };
}
