/** summary.md: a table fit for a CI job summary ($GITHUB_STEP_SUMMARY), failures spelled out below it. */
import type { Reporter } from './reporter.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export const markdownReporter: Reporter = {
  name: 'md',
  fileName: 'summary.md',
  render(report) {
    const out: string[] = [];
    const status =
      report.failed + report.invalid.length === 0
        ? 'all passed'
        : `${report.failed} failed${report.invalid.length ? `, ${report.invalid.length} invalid` : ''}`;
    out.push(`## scimsim: ${report.passed} passed, ${report.failed} failed (${status})`, '');
    out.push('| | scenario | virtual time | steps | wall |', '| --- | --- | --- | --- | --- |');
    for (const s of report.scenarios) {
      const days = ((Date.parse(s.end) - Date.parse(s.start)) / 86_400_000).toFixed(1);
      out.push(`| ${s.passed ? '✅' : '❌'} | ${cell(s.name)} | ${days} days | ${s.steps.length} | ${s.wallMs} ms |`);
    }
    for (const i of report.invalid) out.push(`| ⚠️ | ${cell(i.file)}: invalid file | | | |`);
    const failed = report.scenarios.filter((s) => !s.passed);
    if (failed.length + report.invalid.length > 0) out.push('', '### Failures', '');
    for (const s of failed) {
      const f = s.failure!;
      out.push(`**${s.name}** (\`${s.file}:${f.line}\`, step ${f.step + 1}: \`${f.name}\`)`, '');
      for (const m of f.mismatches ?? []) out.push(`- ${m.what}: expected **${m.expected}**, got **${m.actual}**`);
      if (!f.mismatches?.length) out.push(`- ${f.message}`);
      out.push(`- seed \`${s.seed}\`; reproduce with \`${s.reproduce}\``, '');
    }
    for (const i of report.invalid) out.push(`**${i.file}**`, '', '```', i.message, '```', '');
    if (report.variants) {
      const m = report.variants;
      out.push(
        '',
        `### Unsettled behaviours (--variants ${m.mode})`,
        '',
        `${m.flagged} of ${m.scenarios.length} scenarios depend on a behaviour no public source confirms (${m.runs} replays).`,
        '',
      );
      for (const row of m.scenarios.filter((r) => r.flagged))
        for (const o of row.outcomes.filter((x) => x.differs))
          out.push(
            `- ${cell(row.name)}: under \`${o.variant}=${o.alternative}\` it ${o.passed ? 'passes' : `fails at \`${row.file}:${o.failure?.line}\``} (\`${o.reproduce}\`)`,
          );
    }
    return `${out.join('\n')}\n`;
  },
};
