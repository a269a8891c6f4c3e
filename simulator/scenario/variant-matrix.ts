/**
 * `scimsim run --variants all`: each scenario replayed under each alternative of each variant its default run
 * consulted, one variant at a time with the others as they were; a variant the scenario pins stays pinned. A
 * variant the default run never read cannot change it (the run is deterministic up to the first read), so it is
 * not replayed. A scenario whose verdict, or the step where it stops, changes under some alternative is flagged:
 * its result depends on a behaviour no public source confirms.
 */
import { alternativesOf, isVariantName, VARIANTS } from '../variants.ts';
import type { Scenario } from './load.ts';
import { type RunOptions, runScenario } from './run.ts';
import type { ScenarioResult, ScenarioVariantMatrix, VariantOutcome } from './result.ts';
import { scenarioVariants } from './world.ts';

export type VariantsMode = 'all' | 'strict';

/** One replay: a variant and the alternative it is set to. */
export interface VariantRun {
  variant: string;
  alternative: string;
}

/** The replays a scenario needs after its default run: every other alternative of each variant it consulted and does not pin. */
export function variantRuns(scenario: Scenario, result: ScenarioResult): VariantRun[] {
  const pinned = scenarioVariants(scenario);
  const runs: VariantRun[] = [];
  for (const variant of result.variants.consulted) {
    if (!isVariantName(variant) || variant in pinned) continue;
    const current = result.variants.set[variant] ?? VARIANTS[variant].default;
    for (const alternative of alternativesOf(variant)) if (alternative !== current) runs.push({ variant, alternative });
  }
  return runs;
}

/** A scenario's row of the matrix, from its default result and its replays' results (in variantRuns' order). */
export function matrixOf(
  scenario: Scenario,
  base: ScenarioResult,
  replays: ReadonlyArray<{ run: VariantRun; result: ScenarioResult }>,
): ScenarioVariantMatrix {
  const outcomes: VariantOutcome[] = replays.map(({ run, result }) => ({
    variant: run.variant,
    alternative: run.alternative,
    passed: result.passed,
    differs: result.passed !== base.passed || result.failure?.step !== base.failure?.step,
    ...(result.failure ? { failure: result.failure } : {}),
    reproduce: result.reproduce,
  }));
  return {
    file: base.file,
    name: base.name,
    passed: base.passed,
    pinned: scenarioVariants(scenario) as Record<string, string>,
    consulted: base.variants.consulted,
    outcomes,
    flagged: outcomes.some((o) => o.differs),
  };
}

/**
 * One scenario's row of the matrix, run here in this process: its default run, then each replay. What
 * `test/scenario-variants.test.ts` runs, a test per scenario, so a large matrix shards with vitest's --shard.
 */
export async function scenarioMatrix(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioVariantMatrix> {
  const base = await runScenario(scenario, options);
  const replays = [];
  for (const run of variantRuns(scenario, base))
    replays.push({
      run,
      result: await runScenario(scenario, {
        ...options,
        variants: { ...options.variants, [run.variant]: run.alternative },
      }),
    });
  return matrixOf(scenario, base, replays);
}

/** The README's lines for one scenario: each outcome that differs from its default run. */
export function matrixRowLines(row: ScenarioVariantMatrix): string[] {
  return row.outcomes
    .filter((o) => o.differs)
    .map(
      (o) =>
        `| \`${row.file.replace(/^.*\//, '')}\` | ${row.passed ? 'passes' : 'fails'} | \`${o.variant}: ${o.alternative}\` | ${o.passed ? 'passes' : `fails at line ${o.failure?.line} (\`${o.failure?.name}\`)`} |`,
    );
}

export const MATRIX_TABLE_HEAD = ['| scenario | under the defaults | under | it |', '| --- | --- | --- | --- |'];

/** The matrix as the README shows it: the scenarios whose result depends on a variant, and how. */
export function matrixMarkdown(rows: readonly ScenarioVariantMatrix[]): string {
  return [
    'Each row is a bundled scenario whose result depends on a variant: the alternative, and what the scenario does',
    'under it. Every bundled scenario not listed holds under every alternative of every variant it read.',
    '`test/scenario-variants.test.ts` checks this table, a test per scenario (so the matrix shards with',
    "vitest's `--shard`, like the scenarios).",
    '',
    ...MATRIX_TABLE_HEAD,
    ...rows.flatMap(matrixRowLines),
  ].join('\n');
}
