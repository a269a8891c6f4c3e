/** `scimsim check`'s reports: a summary for the terminal, and json, junit and md files (tokens are never in them). */
import { escapeHtml } from '../report/html/text.ts';
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

/** One page, no script (its CSP allows none): a row per test; a test opens its sentence and exchanges. */
export function htmlReport(run: CheckRun): string {
  const e = escapeHtml;
  const rows = run.results.map((r) => {
    const exchanges = r.exchanges
      .map(
        (x) =>
          `<details><summary><code>${e(x.method)} ${e(x.path)}</code> → ${e(x.status ?? x.error ?? '')}</summary><pre>${e(x.requestBody ?? '')}</pre><pre>${e(x.responseBody ?? '')}</pre></details>`,
      )
      .join('');
    return `<tr class="${r.verdict === 'failed' ? 'failed' : r.verdict === 'passed' ? 'passed' : 'na'}"><td>${MARK[r.verdict]} ${e(r.verdict)}</td><td><details><summary>${e(r.name)}</summary><p>${e(r.sentence)}</p>${exchanges}</details></td><td>${e(r.source)}</td><td>${r.required ? 'yes' : 'no'}</td><td>${e(r.message ?? '')}</td></tr>`;
  });
  const title = `scimsim check: ${run.url} (${run.profile})`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${e(title)}</title>`,
    '<style>body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;width:100%;table-layout:fixed}th:nth-child(1){width:7em}th:nth-child(2){width:32%}th:nth-child(3){width:10em}th:nth-child(4){width:5em}td,th{border-bottom:1px solid #d1d9e0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}td:first-child{white-space:nowrap}tr.failed td:first-child{color:#cf222e;font-weight:600}tr.passed td:first-child{color:#1a7f37}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:6px;max-height:240px;overflow:auto}</style>',
    '</head><body>',
    `<h1>${e(title)}</h1>`,
    `<p>${e(summaryText(run).trim().split('\n').at(-1) ?? '')}</p>`,
    '<table><thead><tr><th>verdict</th><th>test</th><th>source</th><th>required</th><th>what went wrong</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></body></html>',
    '',
  ].join('\n');
}
