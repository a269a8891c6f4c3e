/** Opening a scenario in a served world and running it step by step, to step N, and back to step N. */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { type RunningServer, startServer } from '../../../simulator/serve/server.ts';

const ADMIN = 'open-step-admin-token';
const BUNDLED = readdirSync(new URL('../../../scenarios/', import.meta.url)).filter((f) => f.endsWith('.yaml'));

let s: RunningServer;
beforeAll(async () => {
  s = await startServer({ host: '127.0.0.1', port: 0, adminToken: ADMIN, scimToken: 'open-step-scim', seed: 'x' });
});
afterAll(async () => {
  await s.close();
});

type Body = Record<string, any>;
async function sim(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${s.origin}/_sim${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

/** The NordPass state of every member, by userName, in the served world now. */
const liveStates = () => Object.fromEntries(s.nordpass.store.allMembers().map((m) => [m.userName, m.status]));

describe('open and step', () => {
  it('runs every bundled scenario to its end step by step, as scimsim run does', async () => {
    expect(BUNDLED.length).toBeGreaterThanOrEqual(20);
    for (const file of BUNDLED) {
      const opened = await sim('POST', '/scenario', { bundled: file });
      expect(opened.status, file).toBe(200);
      expect(opened.body).toMatchObject({ file: `scenarios/${file}`, ran: 0 });
      const total = opened.body.total as number;
      const ran = await sim('POST', '/scenario/run-to', { step: total });
      expect(ran.status, file).toBe(200);
      const failed = (ran.body.results as Body[]).filter((r) => !r.ok);
      expect(failed, file).toEqual([]);
      expect(ran.body.ran, file).toBe(total);
      // The same end as a run of the file: time, and every member's state.
      const run = await runScenario(await loadScenarioFile(`scenarios/${file}`));
      expect(ran.body.now, file).toBe(run.end);
      const expected = Object.fromEntries(run.members.map((m) => [m.userName, m.status]));
      for (const [userName, status] of Object.entries(expected))
        expect(liveStates()[userName], `${file} ${userName}`).toBe(status);
      expect(s.nordpass.store.allMembers().length, file).toBe(run.members.length + run.otherMembers.count);
    }
  }, 300_000);

  it('goes back to step N by replaying from the start, to the same states; next runs one step', async () => {
    const opened = await sim('POST', '/scenario', { bundled: '02-unassign-active-member.yaml' });
    const total = opened.body.total as number;
    await sim('POST', '/scenario/run-to', { step: total });
    const atEnd = liveStates();
    const back = await sim('POST', '/scenario/back-to', { step: 8 });
    expect(back.status).toBe(200);
    expect(back.body.ran).toBe(7);
    expect(back.body.steps.filter((x: Body) => x.result).length).toBe(7);
    const next = await sim('POST', '/scenario/next');
    expect(next.body.ran).toBe(8);
    expect(next.body.results).toHaveLength(1);
    expect(next.body.results[0]).toMatchObject({ ok: true });
    await sim('POST', '/scenario/run-to', { step: total });
    expect(liveStates()).toEqual(atEnd);
    expect((await sim('POST', '/scenario/next')).status).toBe(409);
    expect((await sim('POST', '/scenario/run-to', { step: 3 })).status).toBe(409);
    expect((await sim('POST', '/scenario/run-to', { step: total + 1 })).status).toBe(400);
    expect((await sim('POST', '/scenario/back-to', { step: 0 })).status).toBe(400);
    // What was run is the record, so the world exports as a scenario again.
    const record = await sim('GET', '/record');
    expect(record.body.steps.length).toBeGreaterThanOrEqual(total);
  });

  it('a failing step stops run-to and says expected and actual', async () => {
    const text = `name: fails on purpose
seed: 3
tenant:
  users:
    ada: {}
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - expect: { members: { ada: active } }
  - advance: 1d
`;
    const opened = await sim('POST', '/scenario', { text, file: 'fails.yaml' });
    expect(opened.status).toBe(200);
    const ran = await sim('POST', '/scenario/run-to', { step: 6 });
    expect(ran.body.ran).toBe(5);
    expect(ran.body.results.at(-1)).toMatchObject({
      ok: false,
      mismatches: [{ what: 'members.ada', expected: 'active', actual: expect.stringMatching(/^pending/) }],
    });
    expect(ran.body.steps[4]).toMatchObject({ number: 5, line: 11, result: { ok: false } });
  });

  it('refuses what cannot be opened: bad YAML with its line, an unknown bundled file, a path', async () => {
    const bad = await sim('POST', '/scenario', { text: 'name: x\nsteps:\n  - asign: ada\n' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalidScenario');
    expect(bad.body.problems[0]).toMatchObject({ line: 3, path: 'steps[0].asign' });
    expect((await sim('POST', '/scenario', { bundled: 'nope.yaml' })).status).toBe(404);
    expect((await sim('POST', '/scenario', { bundled: '../package.json' })).status).toBe(400);
    expect((await sim('POST', '/scenario', {})).status).toBe(400);
  });

  it('without an open scenario, the step routes say so', async () => {
    await sim('POST', '/reset', {});
    const read = await sim('GET', '/scenario');
    expect([read.status, read.body.error.code]).toEqual([404, 'noScenario']);
    const next = await sim('POST', '/scenario/next');
    expect([next.status, next.body.error.code]).toEqual([409, 'noScenario']);
  });
});
