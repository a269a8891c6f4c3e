/** `scimsim run` and `scimsim validate`: the main job. Progress on the terminal, reports to disk, exit codes. */
import { availableParallelism } from 'node:os';
import { UsageError, parseOrExplain, parseVariantFlags } from './args.ts';
import { DEFAULT_REPORTS, REPORTERS, writeReports } from '../report/index.ts';
import { formatProblem, ScenarioFileError } from '../scenario/errors.ts';
import { findScenarioFiles } from '../scenario/files.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { RunReport, ScenarioResult } from '../scenario/result.ts';
import { runServed } from '../serve/run-served.ts';
import { runSuite } from '../scenario/suite.ts';

const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI;
const paint = (code: number, text: string) => (useColor() ? `\u001b[${code}m${text}\u001b[0m` : text);

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOrExplain(
    argv,
    {
      workers: { type: 'string' },
      grep: { type: 'string' },
      bail: { type: 'boolean', default: false },
      seed: { type: 'string' },
      report: { type: 'string' },
      out: { type: 'string', default: 'reports/latest' },
      http: { type: 'string' },
      token: { type: 'string' },
      strict: { type: 'boolean', default: false },
      dialects: { type: 'string' },
      served: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      variant: { type: 'string', multiple: true },
      variants: { type: 'string' },
    },
    true,
  );
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new UsageError(`--workers must be 1-64, got "${values.workers}"`);
  const reports =
    values.report === undefined
      ? DEFAULT_REPORTS
      : String(values.report)
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
  for (const r of reports)
    if (!REPORTERS[r]) throw new UsageError(`unknown report "${r}"; reports are ${Object.keys(REPORTERS).join(', ')}`);
  if ((values.http === undefined) !== (values.token === undefined))
    throw new UsageError('--http and --token go together');
  if (values.served === true && (values.http !== undefined || values.dialects !== undefined))
    throw new UsageError('--served runs each scenario in a served world of its own: not with --http or --dialects');
  if (values.dialects !== undefined && values.dialects !== 'both')
    throw new UsageError('--dialects takes "both": each scenario with the default dialect and with aadOptscim062020');
  if (values.strict === true && values.http === undefined)
    throw new UsageError('--strict is for --http: in process every check can be made');
  const variants = parseVariantFlags(values.variant as unknown as string[] | undefined);
  const variantsMode = values.variants as string | undefined;
  if (variantsMode !== undefined && variantsMode !== 'all' && variantsMode !== 'strict')
    throw new UsageError(`--variants takes all or strict, got "${variantsMode}"`);
  if (
    variantsMode !== undefined &&
    (values.served === true || values.http !== undefined || values.dialects !== undefined)
  )
    throw new UsageError('--variants replays scenarios in process: not with --served, --http or --dialects');
  if (values.grep !== undefined) {
    try {
      new RegExp(String(values.grep));
    } catch {
      throw new UsageError(`--grep is not a valid regular expression: ${values.grep}`);
    }
  }
  const files = await findScenarioFiles(positionals.length ? positionals : ['scenarios']);
  if (files.length === 0)
    throw new UsageError(`no scenario files (*.yaml) in ${positionals.join(', ') || 'scenarios'}`);
  const quiet = values.quiet === true;
  const out = process.stdout;
  const report = await (values.served === true ? runServed : runSuite)(files, {
    workers,
    ...(values.grep !== undefined ? { grep: String(values.grep) } : {}),
    bail: values.bail === true,
    ...(values.seed !== undefined ? { seed: String(values.seed) } : {}),
    ...(values.http !== undefined
      ? { httpTarget: { tenantUrl: String(values.http), secretToken: String(values.token) } }
      : {}),
    ...(values.strict === true ? { strict: true } : {}),
    ...(values.dialects === 'both' ? { dialects: 'both' as const } : {}),
    ...(Object.keys(variants).length ? { variants } : {}),
    ...(variantsMode ? { variantsMode: variantsMode as 'all' | 'strict' } : {}),
    onResult: quiet
      ? undefined
      : (result, done, total) => {
          // On a terminal a bar under the lines shows how far the run is; piped output and CI get plain lines only.
          const bar = useColor() ? progressBar(done, total) : '';
          out.write(`${useColor() ? '\r\u001b[K' : ''}${progressLine(result, done, total)}${done < total ? bar : ''}`);
        },
  });
  for (const invalid of report.invalid) process.stderr.write(`${paint(33, 'invalid')} ${invalid.message}\n`);
  let written: string[] = [];
  try {
    written = await writeReports(report, reports, String(values.out));
  } catch (error) {
    process.stderr.write(
      `scimsim: cannot write reports to ${values.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`,
    );
    return 2;
  }
  for (const failed of report.scenarios.filter((s) => !s.passed)) out.write(failureText(failed));
  const summary = `${report.passed} passed, ${report.failed} failed`;
  out.write(
    `\n${report.failed ? paint(31, summary) : paint(32, summary)}${report.invalid.length ? `, ${report.invalid.length} invalid` : ''} (${report.scenarios.length} scenarios in ${(report.wallMs / 1000).toFixed(1)} s)\n`,
  );
  if (report.variants) out.write(variantsSummary(report.variants));
  if (written.length) out.write(`reports: ${written.join(', ')}\n`);
  if (report.invalid.length) return 2;
  if (report.failed) return 1;
  return report.variants?.mode === 'strict' && report.variants.flagged > 0 ? 1 : 0;
}

export async function validateCommand(argv: string[]): Promise<number> {
  const { positionals } = parseOrExplain(argv, {}, true);
  const files = await findScenarioFiles(positionals.length ? positionals : ['scenarios']);
  let bad = 0;
  for (const file of files) {
    try {
      const s = await loadScenarioFile(file);
      process.stdout.write(`${paint(32, 'ok')}      ${file}: ${s.name} (${s.steps.length} steps)\n`);
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      bad++;
      process.stdout.write(`${paint(31, 'invalid')} ${error.problems.map(formatProblem).join('\n        ')}\n`);
    }
  }
  process.stdout.write(`\n${files.length - bad} valid, ${bad} invalid\n`);
  return bad ? 2 : 0;
}

/** What `--variants all` found: each scenario whose result depends on a variant, and under which alternative. */
function variantsSummary(matrix: NonNullable<RunReport['variants']>): string {
  const lines = [''];
  for (const row of matrix.scenarios.filter((r) => r.flagged)) {
    lines.push(paint(33, `⚑ ${row.name}`), `  ${row.file}: ${row.passed ? 'passes' : 'fails'} under the defaults; but`);
    for (const o of row.outcomes.filter((x) => x.differs))
      lines.push(
        `    ${o.variant}=${o.alternative}: ${o.passed ? 'passes' : `fails at line ${o.failure!.line} (step ${o.failure!.step + 1} "${o.failure!.name}")`}`,
        `      reproduce: ${o.reproduce}`,
      );
  }
  const text = `${matrix.flagged} of ${matrix.scenarios.length} scenarios depend on an unsettled behaviour (${matrix.runs} replays under other alternatives)`;
  lines.push(
    `${matrix.flagged ? paint(matrix.mode === 'strict' ? 31 : 33, text) : paint(32, text)}${matrix.mode === 'strict' && matrix.flagged ? ': --variants strict fails the run' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `${paint(36, `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`)} ${done}/${total} scenarios`;
}

function progressLine(r: ScenarioResult, done: number, total: number): string {
  const mark = r.passed ? paint(32, '✓') : paint(31, '✗');
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  // Over --http some steps and checks cannot be made: said on the line, so a pass is not read as more than it is.
  const skipped = r.steps.filter((s) => s.skipped).length;
  const note = skipped
    ? paint(33, ` ${skipped} step${skipped === 1 ? '' : 's'} skipped: they look inside NordPass`)
    : '';
  return `${counter} ${mark} ${r.name} ${paint(90, `(${r.wallMs} ms)`)}${note}\n`;
}

function failureText(r: ScenarioResult): string {
  const f = r.failure!;
  const lines = [
    '',
    paint(31, `✗ ${r.name}`),
    `  ${r.file}:${f.line}: step ${f.step + 1} "${f.name}" failed at ${r.steps.at(-1)?.at ?? r.end} (virtual time)`,
    ...(f.mismatches?.length
      ? f.mismatches.flatMap((m) => [`    ${m.what}`, `      expected: ${m.expected}`, `      actual:   ${m.actual}`])
      : [`    ${f.message}`]),
    `  seed: ${r.seed}`,
    `  reproduce: ${r.reproduce}`,
  ];
  return `${lines.join('\n')}\n`;
}
