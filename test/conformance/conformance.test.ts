/** The peer suites (Microsoft's collection, Okta's SPEC test) as part of `npm test`: every assertion passes but the by-design ones. */
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_RUNS, peersAvailable, runSuite } from './suites.ts';

describe.skipIf(!peersAvailable())('SCIM conformance suites against scimsim serve (newman)', () => {
  for (const run of CONFORMANCE_RUNS) {
    it(run.name, async () => {
      const result = await runSuite(run.suite, run.options);
      expect(result.assertions).toBeGreaterThan(0);
      expect(
        result.failures
          .map((f) => `${f.request}: ${f.assertion}`)
          .filter((f) => !run.expectedFailures?.some((e) => f.startsWith(`${e}:`))),
      ).toEqual([]);
      expect(result.failures.map((f) => f.request)).toEqual(run.expectedFailures ?? []);
    });
  }
});
