/** `scimsim check`'s reports: a summary for the terminal, and json, junit and md files (tokens are never in them). */
import { escapeXml } from '../report/junit.ts';
import type { CheckResult, CheckRun } from './run.ts';

const MARK = { passed: '✓', failed: '✗', 'not applicable': '–' } as const;

export function requiredFailed(run: CheckRun): CheckResult[] {
  return run.results.filter((r) => r.required && r.verdict === 'failed');
}

export function summaryText(run: CheckRun): string {
  const lines = run.results.map((r) => {
    const tag = r.required ? '' : ' (optional)';
    const why = r.message ? `\n      ${r.message}` : '';
    return `  ${MARK[r.verdict]} ${r.name} [${r.source}]${tag}${why}`;
  });
  const count = (v: CheckResult['verdict']) => run.results.filter((r) => r.verdict === v).length;
  const failed = requiredFailed(run).length;
  lines.push(
    '',
    `${count('passed')} passed, ${count('failed')} failed (${failed} required), ${count('not applicable')} not applicable; ${run.url} as ${run.profile}, ${(run.ms / 1000).toFixed(1)} s`,
  );
  if (run.left.length) lines.push(`left on the endpoint: ${run.left.map((l) => `${l.resource}/${l.id}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function jsonReport(run: CheckRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}

export function junitReport(run: CheckRun): string {
  const cases = run.results.map((r) => {
    const body =
      r.verdict === 'failed'
        ? `<failure message="${escapeXml(r.message ?? '')}">${escapeXml(`${r.sentence}\n\n${r.exchanges.map((x) => `${x.method} ${x.path} -> ${x.status ?? x.error}`).join('\n')}`)}</failure>`
        : r.verdict === 'not applicable'
          ? `<skipped message="${escapeXml(r.message ?? '')}"/>`
          : '';
    return `  <testcase classname="scimsim check.${escapeXml(r.source)}" name="${escapeXml(r.name)}" time="${(r.ms / 1000).toFixed(3)}">${body}</testcase>`;
  });
  const failures = run.results.filter((r) => r.verdict === 'failed').length;
  const skipped = run.results.filter((r) => r.verdict === 'not applicable').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="scimsim check ${escapeXml(run.url)}" tests="${run.results.length}" failures="${failures}" skipped="${skipped}" time="${(run.ms / 1000).toFixed(3)}">\n${cases.join('\n')}\n</testsuite>\n`;
}

export function markdownReport(run: CheckRun): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = run.results.map(
    (r) =>
      `| ${MARK[r.verdict]} ${r.verdict} | ${cell(r.name)} | ${r.source} | ${r.required ? 'yes' : 'no'} | ${cell(r.message ?? '')} |`,
  );
  return [
    `# scimsim check: ${run.url} (${run.profile})`,
    '',
    '| verdict | test | source | required | what went wrong |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
