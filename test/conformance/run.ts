/** `npm run conformance`: both peer suites against `scimsim serve`, with a figure per run. Exit 1 on an unexpected failure. */
import { CONFORMANCE_RUNS, peersAvailable, runSuite } from './suites.ts';

if (!peersAvailable()) {
  console.error('conformance: the suites in test/fixtures/peers are missing; nothing to run');
  process.exit(2);
}
let unexpected = 0;
for (const run of CONFORMANCE_RUNS) {
  const result = await runSuite(run.suite, run.options);
  const passed = result.assertions - result.failedAssertions;
  console.log(`${run.name}: ${passed}/${result.assertions} assertions passed (${result.requests} requests)`);
  for (const f of result.failures) {
    const expected = run.expectedFailures?.includes(f.request);
    if (!expected) unexpected++;
    console.log(`  ${expected ? 'EXPECTED' : 'FAIL'} ${f.request}: ${f.assertion}: ${f.message}`);
  }
}
process.exitCode = unexpected === 0 ? 0 : 1;
