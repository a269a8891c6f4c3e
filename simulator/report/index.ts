/** The reporters by name, and writing a run's reports into a folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from '../scenario/result.ts';
import { htmlReporter } from './html.ts';
import { jsonReporter } from './json.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import type { Reporter } from './reporter.ts';

export const REPORTERS: Record<string, Reporter> = {
  json: jsonReporter,
  junit: junitReporter,
  md: markdownReporter,
  html: htmlReporter,
};

export const DEFAULT_REPORTS = ['json', 'junit', 'md', 'html'];

/** Writes each named report into `folder` (created if missing); returns the paths written. */
export async function writeReports(report: RunReport, names: string[], folder: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  for (const name of names) {
    const reporter = REPORTERS[name]!;
    const path = join(folder, reporter.fileName);
    await writeFile(path, reporter.render(report));
    written.push(path);
  }
  return written;
}
