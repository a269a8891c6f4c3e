/**
 * `scimsim run --served`: every bundled scenario runs from outside a served world, through its public faces only
 * (Graph, the Admin Panel, SCIM, and /_sim for the clock, faults and the engine's exchanges), while the served
 * engine sends its SCIM requests over sockets to the server's own tenant URL; each gives the same result as in
 * process (report.json's content, the resource locations' origin and wall times aside).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A path segment that is an id (a directory object's, a job's, a member's): long, with a digit in it. */
const ID_SEGMENT = /\/(?=[^/]*\d)[\w.-]{8,}(?=\/|$)/g;

/** What a served run may call besides Graph, the Admin Panel and SCIM: the simulator's own routes. */
const SIM_ROUTES = /^\/_sim\/(reset|result|clock(\/advance)?|timers|faults(\/[^/]+)?|requests|job\/waiting)$/;

describe('scimsim run --served', () => {
  it('runs every bundled scenario through the public faces with the same results as in process', async () => {
    const files = await findScenarioFiles(['scenarios']);
    const calls: Array<{ method: string; url: URL }> = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const request = input instanceof Request ? input : undefined;
      calls.push({ method: init?.method ?? request?.method ?? 'GET', url: new URL(request?.url ?? String(input)) });
      return realFetch(input, init);
    });
    const served = await runServed(files, { workers: 2 });
    vi.restoreAllMocks();
    const inProcess = await runSuite(files, { workers: 1 });
    expect([served.passed, served.failed, served.invalid]).toEqual([files.length, 0, []]);
    expect(files.length).toBeGreaterThanOrEqual(21);
    expect(served.scenarios.map(comparable)).toEqual(inProcess.scenarios.map(comparable));

    // Every call went to a loopback server, and none asked the server to run a step: the scenario's own step
    // runner (/_sim/scenario) was never used.
    expect(calls.every((c) => c.url.hostname === '127.0.0.1')).toBe(true);
    const face = (prefix: string) => calls.filter((c) => c.url.pathname.startsWith(prefix));
    const others = calls.filter((c) => !/^\/(azure\/v1\.0|admin|scim\/v2)\//.test(c.url.pathname));
    expect(others.filter((c) => !SIM_ROUTES.test(c.url.pathname)).map((c) => c.url.pathname)).toEqual([]);
    // Each face was used for what it does: Graph for the tenant and the job, the Admin Panel for NordPass.
    const paths = (prefix: string) =>
      new Set(face(prefix).map((c) => `${c.method} ${c.url.pathname.replace(ID_SEGMENT, '/{id}')}`));
    expect([...paths('/azure/v1.0/')]).toEqual(
      expect.arrayContaining([
        'POST /azure/v1.0/users',
        'POST /azure/v1.0/servicePrincipals/{id}/appRoleAssignedTo',
        'PUT /azure/v1.0/servicePrincipals/{id}/synchronization/secrets',
        'POST /azure/v1.0/servicePrincipals/{id}/synchronization/jobs/{id}/start',
        'POST /azure/v1.0/servicePrincipals/{id}/synchronization/jobs/validateCredentials',
        'DELETE /azure/v1.0/users/{id}',
        'GET /azure/v1.0/auditLogs/provisioning',
      ]),
    );
    expect([...paths('/admin/')]).toEqual(
      expect.arrayContaining([
        'POST /admin/provisioning/credentials',
        'GET /admin/members',
        'POST /admin/members/{id}/restore',
      ]),
    );

    // The engine's requests crossed a socket: all of the scenarios' exchanges but the few an injected fault answers
    // before anything is sent (NordPass down, a timeout), and besides them the `scim:` and `managers:` checks' reads.
    const exchanges = inProcess.scenarios.reduce((n, s) => n + s.exchangesTotal, 0);
    const scimReads = inProcess.scenarios
      .flatMap((s) => s.steps)
      .filter((s) => s.name === 'expect')
      .reduce((n, s) => {
        const args = s.args as { scim?: object; managers?: Record<string, string | null> } | null;
        // A `managers:` entry reads the user, and the manager when one is named.
        const managers = Object.values(args?.managers ?? {}).reduce((m, v) => m + (v === null ? 1 : 2), 0);
        return n + Object.keys(args?.scim ?? {}).length + managers;
      }, 0);
    expect(scimReads).toBeGreaterThan(0);
    const scim = face('/scim/v2/').length;
    expect(scim).toBeLessThanOrEqual(exchanges + scimReads);
    expect(scim).toBeGreaterThan(exchanges + scimReads - 20);
  }, 180_000);

  it('fails where the world is not as said with the same mismatches as in process, every kind of check read over the faces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-served-'));
    try {
      const file = join(dir, 'wrong.yaml');
      await writeFile(
        file,
        [
          'name: Every check is wrong once',
          'seed: 7',
          'tenant:',
          '  users:',
          '    ada: {}',
          '    bob: {}',
          '  groups:',
          '    sales: { members: [bob] }',
          'steps:',
          '  - assign: [ada, sales]',
          '  - getCredentials',
          '  - save',
          '  - start',
          '  - advance: 5m',
          '  - acceptInvitation: ada',
          '  - deleteUser: bob',
          '  - advance: 40m',
          '  - expect:',
          '      members: { ada: suspended, bob: active }',
          '      memberCounts: { active: 2 }',
          '      scim: { ada: { active: false }, bob: { exists: false } }',
          '      logs: [{ user: bob, action: Delete, count: 1 }, { action: Create, status: failure }]',
          '      outbox: [{ to: ada, count: 2 }]',
          '      timing: [{ user: bob, event: purged, after: suspended, within: 1d }]',
          '      job: { status: Quarantine, escrows: 1 }',
          '      requests: [{ method: PATCH, body: \'"value":"False"\', count: 0 }, { method: DELETE, count: 1 }]',
          '      directory: { active: bob, deleted: ada, recycleBin: 0 }',
          '      testConnection: { result: failure }',
        ].join('\n'),
      );
      const served = await runServed([file], { workers: 1 });
      const inProcess = await runSuite([file], { workers: 1 });
      expect(inProcess.scenarios[0]!.failure?.mismatches?.length).toBeGreaterThanOrEqual(15);
      expect(served.scenarios.map(comparable)).toEqual(inProcess.scenarios.map(comparable));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
