/** report.json: the full result in its versioned schema (REPORT_SCHEMA_VERSION). */
import type { Reporter } from './reporter.ts';

export const jsonReporter: Reporter = {
  name: 'json',
  fileName: 'report.json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
