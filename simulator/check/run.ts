/**
 * Runs the check: learns from the endpoint's discovery whether it serves Groups, runs each test on its own
 * exchanges, and removes what it made (unless --keep). The endpoint not answering at all stops the run.
 */
import { performance } from 'node:perf_hooks';
import {
  type CheckExchange,
  CheckContext,
  CheckFailure,
  type CheckOptions,
  NotApplicable,
  Unreachable,
} from './context.ts';
import { DIRECT_TESTS } from './direct-tests.ts';
import { ENGINE_TESTS } from './engine-tests.ts';
import { GROUP_TESTS } from './group-tests.ts';
import type { CheckSource, CheckTest, Verdict } from './test.ts';
import { USER_TESTS } from './user-tests.ts';

export const CHECK_TESTS: CheckTest[] = [...USER_TESTS, ...DIRECT_TESTS, ...GROUP_TESTS, ...ENGINE_TESTS];

export interface CheckRunOptions extends CheckOptions {
  /** Test ids or names (any case) to run; all when empty. */
  only: string[];
  groups: boolean;
  keep: boolean;
}

export interface CheckResult {
  id: string;
  name: string;
  source: CheckSource;
  required: boolean;
  sentence: string;
  verdict: Verdict;
  message?: string;
  exchanges: CheckExchange[];
  ms: number;
}

export interface CheckRun {
  url: string;
  profile: CheckOptions['profile'];
  groupsListed: boolean;
  results: CheckResult[];
  /** What the run made and did not remove (with --keep, or when a removal failed). */
  left: Array<{ resource: string; id: string }>;
  ms: number;
}

/** The tests --only names, in catalogue order; an unknown name is an error before anything is sent. */
export function selectTests(only: string[]): CheckTest[] {
  if (only.length === 0) return CHECK_TESTS;
  const wanted = only.map((o) => o.toLowerCase());
  const unknown = wanted.filter((w) => !CHECK_TESTS.some((t) => t.id === w || t.name.toLowerCase() === w));
  if (unknown.length) throw new Error(`no check test named ${unknown.join(', ')}; scimsim check --plan lists them`);
  return CHECK_TESTS.filter((t) => wanted.includes(t.id) || wanted.includes(t.name.toLowerCase()));
}

export async function runCheck(options: CheckRunOptions): Promise<CheckRun> {
  const began = performance.now();
  const tests = selectTests(options.only);
  const ctx = new CheckContext(options);
  const groupsListed = await listsGroups(ctx);
  const results: CheckResult[] = [];
  for (const test of tests) {
    ctx.exchanges = [];
    ctx.engineExchanges = [];
    const started = performance.now();
    const result = (verdict: Verdict, message?: string): CheckResult => ({
      // An engine-driven test's own requests come first: they are what the test is about.
      ...{ exchanges: [...ctx.engineExchanges.flatMap((read) => read()), ...ctx.exchanges] },
      id: test.id,
      name: test.name,
      source: test.source,
      required: test.required,
      sentence: test.sentence,
      verdict,
      ...(message ? { message } : {}),
      ms: Math.round(performance.now() - started),
    });
    if (test.groups && !options.groups) {
      results.push(result('not applicable', 'group tests run with --groups'));
      continue;
    }
    if (test.groups && !groupsListed) {
      results.push(result('not applicable', "the endpoint's /ResourceTypes lists no Group"));
      continue;
    }
    try {
      await test.run(ctx);
      results.push(result('passed'));
    } catch (error) {
      if (error instanceof Unreachable) throw error;
      if (error instanceof NotApplicable) results.push(result('not applicable', error.message));
      else if (error instanceof CheckFailure) results.push(result('failed', error.message));
      else results.push(result('failed', `${(error as Error).name}: ${(error as Error).message}`));
    }
  }
  results.push(contentTypes(results));
  const left = options.keep ? ctx.made : await removeMade(ctx);
  return {
    url: ctx.base,
    profile: options.profile,
    groupsListed,
    results,
    left,
    ms: Math.round(performance.now() - began),
  };
}

/** Whether discovery lists Groups; the first request, so an endpoint that does not answer stops the run here. */
async function listsGroups(ctx: CheckContext): Promise<boolean> {
  const answer = await ctx.send('GET', '/ResourceTypes');
  const types: Array<{ name?: string; id?: string }> =
    answer.body?.Resources ?? (Array.isArray(answer.body) ? answer.body : []);
  return answer.status === 200 && types.some((t) => t.name === 'Group' || t.id === 'Group');
}

/**
 * "The header for all the responses should be of content-Type: application/scim+json" (SCIM-TUT), over every
 * answer with a body the run received.
 */
function contentTypes(results: CheckResult[]): CheckResult {
  const wrong = results
    .flatMap((r) => r.exchanges)
    // The check's own answers (an engine's record keeps no headers).
    .filter((x) => x.contentType !== undefined && x.responseBody && !/^application\/scim\+json/i.test(x.contentType));
  return {
    id: 'content-type',
    name: 'Responses are application/scim+json',
    source: 'scimsim',
    required: false,
    sentence: '"The header for all the responses should be of content-Type: application/scim+json" (SCIM-TUT).',
    verdict: wrong.length === 0 ? 'passed' : 'failed',
    ...(wrong.length
      ? {
          message: `${wrong.length} answers with another type, e.g. ${wrong[0]!.method} ${wrong[0]!.path}: ${wrong[0]!.contentType}`,
        }
      : {}),
    exchanges: wrong.slice(0, 5),
    ms: 0,
  };
}

/** Deletes what the run made, groups first; returns what could not be deleted. */
async function removeMade(ctx: CheckContext): Promise<Array<{ resource: string; id: string }>> {
  ctx.exchanges = [];
  const left: Array<{ resource: string; id: string }> = [];
  const order = [...ctx.made].sort((a, b) => (a.resource === b.resource ? 0 : a.resource === 'Groups' ? -1 : 1));
  for (const item of order) {
    const answer = await ctx.send('DELETE', `/${item.resource}/${encodeURIComponent(item.id)}`).catch(() => undefined);
    if (!answer || (answer.status !== 204 && answer.status !== 404 && answer.status !== 200)) left.push(item);
  }
  return left;
}
