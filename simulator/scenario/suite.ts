/**
 * Runs a set of scenario files: in process or on worker threads, results in file order whatever order
 * they finish in, with --grep, --bail and --seed. Invalid files are reported, never run.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { dialectVariants, withDialectCheck } from './dialects.ts';
import { ScenarioFileError } from './errors.ts';
import { loadScenarioFile, type Scenario } from './load.ts';
import { REPORT_SCHEMA_VERSION, type RunReport, type ScenarioResult } from './result.ts';
import { runScenario, type RunOptions } from './run.ts';
import { matrixOf, type VariantRun, variantRuns, type VariantsMode } from './variant-matrix.ts';

export interface SuiteOptions extends RunOptions {
  workers?: number;
  /** `both`: each scenario in Entra's default dialect and with aadOptscim062020, the answers compared. */
  dialects?: 'both';
  grep?: string;
  bail?: boolean;
  /** Replay each scenario under each alternative of each variant it consulted (scenario/variant-matrix.ts). */
  variantsMode?: VariantsMode;
  /** Called as each scenario finishes (in finishing order), for progress output. */
  onResult?: (result: ScenarioResult, done: number, total: number) => void;
}

/** Loads every file; the valid ones filtered by --grep, the invalid ones with their messages. */
export async function loadAll(
  files: string[],
  grep?: string,
): Promise<{ scenarios: Scenario[]; invalid: Array<{ file: string; message: string }> }> {
  const pattern = grep ? new RegExp(grep, 'i') : undefined;
  const scenarios: Scenario[] = [];
  const invalid: Array<{ file: string; message: string }> = [];
  for (const file of files) {
    try {
      const s = await loadScenarioFile(file);
      if (!pattern || pattern.test(s.name) || pattern.test(file)) scenarios.push(s);
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      invalid.push({ file, message: error.message });
    }
  }
  return { scenarios, invalid };
}

export async function runSuite(files: string[], options: SuiteOptions = {}): Promise<RunReport> {
  // The wall-clock start: the report says when the run began (it once said when it ended).
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const loaded = await loadAll(files, options.grep);
  const { invalid } = loaded;
  // With --dialects both, each scenario becomes two, and the second of each pair is compared with the first.
  const partnerOf = new Map<number, number>();
  const scenarios = options.dialects === 'both' ? loaded.scenarios.flatMap(dialectVariants) : loaded.scenarios;
  if (options.dialects === 'both')
    for (let i = 0; i + 1 < scenarios.length; i++)
      if (scenarios[i]!.file === scenarios[i + 1]!.file && scenarios[i]!.provisioning?.aadOptscim062020 === false) {
        partnerOf.set(i + 1, i);
        partnerOf.set(i, i + 1);
      }
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), scenarios.length));
  const results: ScenarioResult[] = new Array(scenarios.length);
  const reported = new Set<number>();
  let done = 0;
  const report = (index: number) => {
    reported.add(index);
    options.onResult?.(results[index]!, ++done, scenarios.length);
  };
  const finish = (index: number, result: ScenarioResult) => {
    results[index] = result;
    const partner = partnerOf.get(index);
    if (partner === undefined) return report(index);
    const flagged = Math.max(index, partner);
    const plain = Math.min(index, partner);
    if (index === plain) report(plain);
    // The flagged run is told once both are in, compared with the plain one.
    if (results[plain] && results[flagged] && !reported.has(flagged)) {
      results[flagged] = withDialectCheck(results[plain]!, results[flagged]!);
      report(flagged);
    }
  };
  const base = runOptionsOf(options);
  await runJobs(
    scenarios.map((scenario) => ({ scenario, options: base })),
    workers,
    options.bail === true,
    finish,
  );
  const run = suiteReport(results, invalid, startedAt, began);
  if (options.variantsMode) {
    run.variants = await variantMatrix(scenarios, results, base, options.variantsMode, options.workers);
    run.wallMs = Math.round(performance.now() - began);
  }
  return run;
}

/** The matrix of `--variants all|strict`: every replay each finished scenario needs, on the same pool. */
async function variantMatrix(
  scenarios: readonly Scenario[],
  results: readonly ScenarioResult[],
  base: RunOptions,
  mode: VariantsMode,
  workers: number | undefined,
): Promise<NonNullable<RunReport['variants']>> {
  const replays: Array<{ of: number; run: VariantRun }> = [];
  scenarios.forEach((scenario, i) => {
    if (results[i]) for (const run of variantRuns(scenario, results[i]!)) replays.push({ of: i, run });
  });
  const replayed: ScenarioResult[] = new Array(replays.length);
  await runJobs(
    replays.map(({ of, run }) => ({
      scenario: scenarios[of]!,
      options: { ...base, variants: { ...base.variants, [run.variant]: run.alternative } },
    })),
    Math.max(1, Math.min(workers ?? availableParallelism(), replays.length)),
    false,
    (i, r) => {
      replayed[i] = r;
    },
  );
  const rows = scenarios.flatMap((scenario, i) =>
    results[i]
      ? [
          matrixOf(
            scenario,
            results[i]!,
            replays.flatMap((r, j) => (r.of === i ? [{ run: r.run, result: replayed[j]! }] : [])),
          ),
        ]
      : [],
  );
  return { mode, scenarios: rows, flagged: rows.filter((r) => r.flagged).length, runs: replays.length };
}

/** What each scenario run is given: the suite's options a worker can take (no callbacks). */
function runOptionsOf(options: SuiteOptions): RunOptions {
  return {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.httpTarget ? { httpTarget: options.httpTarget } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.variants ? { variants: options.variants } : {}),
  };
}

interface Job {
  scenario: Scenario;
  options: RunOptions;
}

/** Runs jobs in this process (one worker) or on a pool of worker threads; --bail stops handing out work. */
async function runJobs(
  jobs: Job[],
  workers: number,
  bail: boolean,
  finish: (i: number, r: ScenarioResult) => void,
): Promise<void> {
  if (jobs.length === 0) return;
  if (workers <= 1) {
    for (const [i, job] of jobs.entries()) {
      const result = await runScenario(job.scenario, job.options);
      finish(i, result);
      if (bail && !result.passed) break;
    }
    return;
  }
  await runOnWorkers(jobs, Math.min(workers, jobs.length), bail, finish);
}

/** The run's report from the results of the scenarios that ran (in file order) and the files that were invalid. */
export function suiteReport(
  results: readonly ScenarioResult[],
  invalid: RunReport['invalid'],
  startedAt: string,
  began: number,
): RunReport {
  const finished = results.filter(Boolean);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: 'scimsim',
    startedAt,
    wallMs: Math.round(performance.now() - began),
    passed: finished.filter((r) => r.passed).length,
    failed: finished.filter((r) => !r.passed).length,
    invalid,
    scenarios: finished,
  };
}

/** A pool of workers, each taking the next scenario when it is free; --bail stops handing out work. */
async function runOnWorkers(
  jobs: Job[],
  count: number,
  bail: boolean,
  finish: (i: number, r: ScenarioResult) => void,
): Promise<void> {
  let next = 0;
  let stop = false;
  const pool = Array.from(
    { length: count },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL('./worker.mjs', import.meta.url));
        const feed = () => {
          if (stop || next >= jobs.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const index = next++;
          worker.postMessage({ index, scenario: jobs[index]!.scenario, options: jobs[index]!.options });
        };
        worker.on('message', (msg: { index: number; result?: ScenarioResult; error?: string }) => {
          if (msg.error) {
            stop = true;
            void worker.terminate();
            reject(new Error(`scenario ${jobs[msg.index]?.scenario.file}: ${msg.error}`));
            return;
          }
          finish(msg.index, msg.result!);
          if (bail && !msg.result!.passed) stop = true;
          feed();
        });
        worker.on('error', reject);
        worker.once('online', feed);
      }),
  );
  await Promise.all(pool);
}
