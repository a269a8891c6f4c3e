/**
 * The benchmark's shared shapes and its one table. An item measures a figure and, in the same run, the baseline
 * it is judged against (the machine is shared and noisy, so targets are ratios, never absolute times).
 */

export interface BenchContext {
  /** Smaller sizes and shorter loads (`--quick`): a smoke run, under a minute. */
  quick: boolean;
  /** The repository root (where bin/scimsim.mjs and scenarios/ are). */
  root: string;
  /** Computes a value once per run, so items can share an expensive setup (a 100,000-user world). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Drops a memo, so what it holds can be garbage collected. */
  forget(key: string): void;
  /** Progress on stderr; the table is the only thing on stdout. */
  log(message: string): void;
}

export interface BenchResult {
  figure: number;
  baseline: number;
  /** figure / baseline, unless the item says otherwise in its target. */
  ratio: number;
  /** The unit of figure and baseline: 'req/s', 's', 'MB'. */
  unit: string;
  /** Whether the target is met; null for a figure that is only reported. */
  pass: boolean | null;
  /** What the figure and baseline are, and facts worth keeping (sizes, counts, peak RSS). */
  note?: string;
}

export interface BenchItem {
  name: string;
  /** The target, as the table shows it: "ratio >= 0.50", "ratio < 11". */
  target: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface Row extends BenchResult {
  name: string;
  target: string;
  /** The item threw: it counts as a failure, and the message is the note. */
  error?: string;
}

/** A ratio target: its text for the table and the check, in one place so the two cannot disagree. */
export interface RatioTarget {
  text: string;
  met(ratio: number): boolean;
}

export const atLeast = (min: number): RatioTarget => ({
  text: `ratio >= ${min}`,
  met: (r) => Number.isFinite(r) && r >= min,
});
export const below = (max: number): RatioTarget => ({
  text: `ratio < ${max}`,
  met: (r) => Number.isFinite(r) && r < max,
});

/** figure / baseline, with the pass for a ratio target. */
export function judged(
  figure: number,
  baseline: number,
  unit: string,
  target: RatioTarget,
  note?: string,
): BenchResult {
  const ratio = figure / baseline;
  return { figure, baseline, ratio, unit, pass: target.met(ratio), ...(note ? { note } : {}) };
}

/** Runs items one after another; an item that throws becomes a failed row and the rest still run. */
export async function runItems(items: readonly BenchItem[], ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const item of items) {
    ctx.log(`- ${item.name}`);
    try {
      rows.push({ name: item.name, target: item.target, ...(await item.run(ctx)) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({
        name: item.name,
        target: item.target,
        figure: NaN,
        baseline: NaN,
        ratio: NaN,
        unit: '',
        pass: false,
        error: message,
        note: message,
      });
    }
  }
  return rows;
}

export interface Summary {
  passed: number;
  failed: number;
  reported: number;
  /** 0 when no target failed. */
  exitCode: number;
}

export function summarise(rows: readonly Row[]): Summary {
  const passed = rows.filter((r) => r.pass === true).length;
  const failed = rows.filter((r) => r.pass === false).length;
  return { passed, failed, reported: rows.length - passed - failed, exitCode: failed > 0 ? 1 : 0 };
}

export interface TableHeading {
  quick: boolean;
  /** One line about the machine: node version, CPU, cores, memory. */
  machine: string;
  date: string;
  wallSeconds?: number;
}

/** The table as Markdown (it reads as plain text too): heading, one row per item, notes, summary. */
export function formatTable(rows: readonly Row[], heading: TableHeading): string {
  const header = ['#', 'item', 'figure', 'baseline', 'ratio', 'target', 'result'];
  const body = rows.map((r, i) => [
    String(i + 1),
    r.name,
    formatValue(r.figure, r.unit),
    formatValue(r.baseline, r.unit),
    Number.isFinite(r.ratio) ? r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2) : '-',
    r.target,
    r.error ? 'ERROR' : r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((cells) => cells[c]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (c >= 2 && c <= 4 ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const s = summarise(rows);
  const title = `scimsim benchmark${heading.quick ? ' (QUICK: smaller sizes, shorter loads; not comparable with a full run)' : ''}`;
  const notes = rows.map((r, i) => (r.note ? `${i + 1}. ${r.note}` : undefined)).filter((n) => n !== undefined);
  return [
    title,
    `${heading.date}; ${heading.machine}`,
    '',
    line(header),
    rule,
    ...body.map(line),
    '',
    ...(notes.length > 0 ? ['Notes:', ...notes, ''] : []),
    `${s.passed} passed, ${s.failed} failed, ${s.reported} reported only${heading.wallSeconds === undefined ? '' : `; ${heading.wallSeconds.toFixed(0)} s in all`}`,
  ].join('\n');
}

/** A figure with its unit: thousands separated, precision by unit. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '-';
  const digits = unit === 's' ? (value < 10 ? 3 : 1) : unit === 'MB' ? 1 : value < 100 ? 1 : 0;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}
