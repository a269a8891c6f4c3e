/** junit.xml: a testcase per scenario; a failure carries the expected and actual, for CI dashboards. */
import type { Reporter } from './reporter.ts';

export const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the control characters XML 1.0 forbids.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export const junitReporter: Reporter = {
  name: 'junit',
  fileName: 'junit.xml',
  render(report) {
    const seconds = (ms: number) => (ms / 1000).toFixed(3);
    const cases = report.scenarios.map((s) => {
      const attrs = `name="${escapeXml(s.name)}" classname="${escapeXml(s.file)}" time="${seconds(s.wallMs)}"`;
      if (s.passed) return `    <testcase ${attrs}/>`;
      const f = s.failure!;
      const lines = [
        `${s.file}:${f.line}: step ${f.step + 1} (${f.name}) failed`,
        f.message,
        ...(f.mismatches ?? []).map((m) => `  ${m.what}\n    expected: ${m.expected}\n    actual:   ${m.actual}`),
        `seed: ${s.seed}`,
        `reproduce: ${s.reproduce}`,
      ];
      return `    <testcase ${attrs}>\n      <failure message="${escapeXml(f.message)}" type="${escapeXml(f.name)}">${escapeXml(lines.join('\n'))}</failure>\n    </testcase>`;
    });
    const invalid = report.invalid.map(
      (i) =>
        `    <testcase name="${escapeXml(i.file)}" classname="${escapeXml(i.file)}" time="0">\n      <error message="invalid scenario file">${escapeXml(i.message)}</error>\n    </testcase>`,
    );
    const total = report.scenarios.length + report.invalid.length;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="scimsim" tests="${total}" failures="${report.failed}" errors="${report.invalid.length}" time="${seconds(report.wallMs)}">`,
      `  <testsuite name="scimsim scenarios" tests="${total}" failures="${report.failed}" errors="${report.invalid.length}" time="${seconds(report.wallMs)}">`,
      ...cases,
      ...invalid,
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n');
  },
};
