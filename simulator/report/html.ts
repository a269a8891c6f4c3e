/**
 * index.html: one self-contained page for people who read a run rather than its code. A summary and a list
 * of scenarios (failed first), then per scenario its facts, the failure spelled out, a timeline of members,
 * cycles and admin actions, and the steps, provisioning log and HTTP exchanges. No network: inline CSS and
 * script, and a Content-Security-Policy that forbids fetching anything.
 */
import type { RunReport, ScenarioResult } from '../scenario/result.ts';
import { CSS } from './html/css.ts';
import { linkCycles } from './html/cycles.ts';
import { SCRIPT } from './html/script.ts';
import { renderExchanges, renderLogs, renderPanels, renderSteps } from './html/tables.ts';
import { escapeHtml as e, formatSpan, formatWhen, num } from './html/text.ts';
import { renderTimeline, SVG_DEFS } from './html/timeline.ts';
import { renderVariantMatrix } from './html/variants.ts';
import type { Reporter } from './reporter.ts';

export { escapeHtml } from './html/text.ts';

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const htmlReporter: Reporter = {
  name: 'html',
  fileName: 'index.html',
  render(report) {
    // Ids follow the run's order (user text never lands in an id); failed scenarios come first on the page.
    const order = failedFirst(report.scenarios);
    const sections = order.map(({ s, id }) => scenarioSection(s, id));
    const failed = report.failed + report.invalid.length;
    const title = `scimsim: ${report.passed} passed, ${report.failed} failed`;
    return [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${e(title)}</title>`,
      `<style>${CSS}</style>`,
      '</head><body>',
      SVG_DEFS,
      header(report, failed, order),
      `<main>${renderVariantMatrix(report)}${invalidFiles(report)}${sections.join('\n')}</main>`,
      `<script>${SCRIPT}</script>`,
      '</body></html>',
      '',
    ].join('\n');
  },
};

function header(report: RunReport, failed: number, order: Array<{ s: ScenarioResult; id: string }>): string {
  const total = report.scenarios.length + report.invalid.length;
  const banner =
    failed === 0
      ? `<div class="banner pass">✔ All ${total} scenario${total === 1 ? '' : 's'} passed</div>`
      : `<div class="banner fail">✘ ${failed} of ${total} scenario${total === 1 ? '' : 's'} failed</div>`;
  const counts = `${report.passed} passed · ${report.failed} failed${report.invalid.length ? ` · ${report.invalid.length} invalid file${report.invalid.length === 1 ? '' : 's'}` : ''}`;
  const items = [
    ...report.invalid.map(
      (inv, i) =>
        `<li class="failed"><span class="badge invalid">INVALID</span><a href="#inv${i + 1}">${e(inv.file)}</a></li>`,
    ),
    ...order.map(
      ({ s, id }) =>
        `<li class="${s.passed ? 'passed' : 'failed'}">${badge(s.passed)}<a href="#${id}">${e(s.name)}</a> <span class="note">${e(s.file)}${s.passed ? '' : ` · step ${s.failure ? e(s.failure.step + 1) : '?'} failed`}</span></li>`,
    ),
  ];
  return (
    `<header class="top"><h1>NordPass provisioning simulation</h1>${banner}` +
    `<p class="meta-line">${e(counts)} · ran ${e(formatWhen(Date.parse(report.startedAt)))} (wall clock), took ${e(formatSpan(report.wallMs) || `${report.wallMs} ms`)}</p>` +
    `<nav aria-label="Scenarios"><ol class="toc">${items.join('')}</ol></nav></header>`
  );
}

/** Failed scenarios, then the rest, each group in run order (sort is stable). */
function failedFirst(scenarios: ScenarioResult[]): Array<{ s: ScenarioResult; id: string }> {
  return scenarios.map((s, i) => ({ s, id: `s${i + 1}` })).sort((a, b) => Number(a.s.passed) - Number(b.s.passed));
}

const badge = (passed: boolean) =>
  passed ? '<span class="badge pass">✔ PASSED</span>' : '<span class="badge fail">✘ FAILED</span>';

function invalidFiles(report: RunReport): string {
  return report.invalid
    .map(
      (inv, i) =>
        `<section class="scenario failed" id="inv${i + 1}"><div class="scenario-head"><span class="badge invalid">INVALID</span><h2>${e(inv.file)}</h2></div><p>This scenario file could not be read, so it did not run:</p><pre>${e(inv.message)}</pre></section>`,
    )
    .join('\n');
}

function scenarioSection(s: ScenarioResult, id: string): string {
  const links = linkCycles(s, id);
  const timeline = renderTimeline(s, id, links.cycles);
  const start = Date.parse(s.start);
  const end = Date.parse(s.end);
  const facts = [
    ['File', `<code>${e(s.file)}</code>`],
    ['Seed', `<code>${e(s.seed)}</code>`],
    ['Virtual start', e(formatWhen(start))],
    ['Virtual end', `${e(formatWhen(end))} <span class="rel">(${e(formatSpan(end - start))} later)</span>`],
    ['Steps', String(s.steps.length)],
    ['Members', num(s.members.length + s.otherMembers.count)],
  ];
  return [
    `<section class="scenario ${s.passed ? 'passed' : 'failed'}" id="${id}">`,
    `<div class="scenario-head">${badge(s.passed)}<h2>${e(s.name)}</h2></div>`,
    s.description ? `<p class="description">${e(s.description)}</p>` : '',
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    s.passed ? '' : failureBox(s),
    '<h3>Timeline</h3>',
    timeline.html,
    renderPanels(s, id, timeline.cycleGroups, timeline.actionClusters),
    renderSteps(s),
    renderLogs(s, id, links.cycleOfLog),
    renderExchanges(s, id),
    '</section>',
  ].join('\n');
}

function failureBox(s: ScenarioResult): string {
  const f = s.failure;
  const where = f ? `${e(`${s.file}:${f.line}`)} — step ${e(f.step + 1)}, <code>${e(f.name)}</code>` : e(s.file);
  const mismatches = f?.mismatches?.length
    ? `<table class="mismatches"><thead><tr><th>What</th><th>Expected</th><th>Actual</th></tr></thead><tbody>${f.mismatches
        .map(
          (m) =>
            `<tr><td>${e(m.what)}</td><td class="expected">${e(m.expected)}</td><td class="actual">${e(m.actual)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return (
    `<div class="failure" role="alert"><h3>✘ Failed at ${where}</h3>${f ? `<p class="message">${e(f.message)}</p>` : ''}${mismatches}` +
    `<div class="repro"><span>Reproduce:</span><code>${e(s.reproduce)}</code></div></div>`
  );
}
