/**
 * `scimsim run --served`: every bundled scenario in a served world, its engine's SCIM requests over sockets to
 * the server's own tenant URL, gives the same result as in process (report.json's content, the resource
 * locations' origin and wall times aside).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findScenarioFiles } from '../../../simulator/scenario/files.ts';
import type { ScenarioResult } from '../../../simulator/scenario/result.ts';
import { runSuite } from '../../../simulator/scenario/suite.ts';
import { runServed } from '../../../simulator/serve/run-served.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A result as compared: wall time out, and the origin of `meta.location` (each server has its own port) fixed. */
const comparable = (r: ScenarioResult) =>
  JSON.stringify({ ...r, wallMs: 0 }).replace(/http:\/\/127\.0\.0\.1:\d+\/scim\/v2/g, 'http://ORIGIN/scim/v2');

describe('scimsim run --served', () => {
  it('runs every bundled scenario over sockets with the same results as in process', async () => {
    const files = await findScenarioFiles(['scenarios']);
    const scimOverHttp: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (/\/scim\/v2\//.test(url)) scimOverHttp.push(url);
      return realFetch(input, init);
    });
    const served = await runServed(files, { workers: 2 });
    vi.restoreAllMocks();
    const inProcess = await runSuite(files, { workers: 1 });
    expect([served.passed, served.failed, served.invalid]).toEqual([20, 0, []]);
    expect(served.scenarios.map(comparable)).toEqual(inProcess.scenarios.map(comparable));
    // The engine's requests crossed a socket, every one to a loopback server: all of the scenarios' exchanges but
    // the few an injected fault answers before anything is sent (NordPass down, a timeout).
    const exchanges = inProcess.scenarios.reduce((n, s) => n + s.exchangesTotal, 0);
    expect(scimOverHttp.length).toBeLessThanOrEqual(exchanges);
    expect(scimOverHttp.length).toBeGreaterThan(exchanges - 20);
    expect(scimOverHttp.every((u) => u.startsWith('http://127.0.0.1:'))).toBe(true);
  }, 120_000);
});
