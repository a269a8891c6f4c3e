/**
 * `cycleDuration: realistic`: a cycle takes virtual time, object by object, at Microsoft's published cost
 * (0.01-0.08 minutes an object, creating about twice matching; application-provisioning-when-will-provisioning-
 * finish-specific-user). It reads the tenant as it was when it began, the next cycle comes 40 minutes after it
 * ends, Stop lets it finish, and a restart interrupts it.
 */
import { describe, expect, it } from 'vitest';
import { toObjectSummary } from '../../../mock-azure/provisioning/logs.ts';
import { byMethod, MIN, recordFrom, tenantWith } from '../../helpers/engine.ts';

const UPNS = Array.from({ length: 20 }, (_, i) => `user${String(i).padStart(2, '0')}@contoso.com`);
const realistic = (upns = UPNS, seed?: string) =>
  tenantWith(upns, {
    azure: { engine: { cycleDuration: 'realistic', probeIdleCycles: false } },
    ...(seed ? { seed } : {}),
  });

describe('a realistic cycle', () => {
  it('creates one user at a time, each taking 1.2-4.8 s of virtual time, and ends when the last is done', async () => {
    const { w } = realistic();
    const t0 = w.clock.now();
    await w.connect();
    // Start returns once the first user is sent: the rest wait for the clock.
    expect(byMethod(w.azure.exchanges.all(), 'POST')).toHaveLength(1);
    expect(w.azure.job.status().nextCycleAt).toBeNull();
    await w.clock.advance('10m');
    const creates = w.azure.logs.all().filter((r) => r.action === 'Create');
    expect(creates).toHaveLength(20);
    expect(creates[0]!.at).toBe(t0);
    for (let i = 1; i < creates.length; i++) {
      const gap = creates[i]!.at - creates[i - 1]!.at;
      expect(gap).toBe(creates[i - 1]!.durationMs);
      expect(gap).toBeGreaterThanOrEqual(1_200);
      expect(gap).toBeLessThanOrEqual(4_800);
    }
    const cycle = w.azure.job.cycles[0]!;
    expect(cycle).toMatchObject({ state: 'Succeeded', countExported: 20 });
    expect(cycle.ended).toBe(creates.at(-1)!.at + creates.at(-1)!.durationMs!);
    // The next cycle is 40 minutes after this one ended, not after it began.
    expect(w.azure.job.status().nextCycleAt).toBe(cycle.ended + 40 * MIN);
    // Graph's log entry says how long the object took.
    expect(toObjectSummary(creates[1]!, w.azure.app).durationInMilliseconds).toBe(creates[1]!.durationMs);
  });

  it('matching an existing user costs about half what creating does (0.6-2.4 s)', async () => {
    const { w } = realistic(UPNS.slice(0, 5));
    for (const upn of UPNS.slice(0, 5)) w.np.members.create(upn, {}, 'admin');
    await w.connect();
    await w.clock.advance('10m');
    const adopted = w.azure.logs.all().filter((r) => r.matching === 'adopted');
    expect(adopted).toHaveLength(5);
    for (const r of adopted) expect(r.durationMs! >= 600 && r.durationMs! <= 2_400, String(r.durationMs)).toBe(true);
  });

  it('is the same run for the same seed, and another for another seed', async () => {
    const ends = async (seed: string) => {
      const { w } = realistic(UPNS, seed);
      await w.connect();
      await w.clock.advance('10m');
      return w.azure.logs.all().map((r) => r.at);
    };
    expect(await ends('a')).toEqual(await ends('a'));
    expect(await ends('a')).not.toEqual(await ends('b'));
  });

  it("reads the tenant as it was when it began: a change made while it runs is the next cycle's", async () => {
    const { w, users } = realistic();
    await w.connect();
    const last = users.at(-1)!;
    const before = last.mailNickname;
    w.azure.directory.updateUser(last.id, { mailNickname: 'renamed-while-running' });
    const sent = recordFrom(w);
    await w.clock.advance('10m');
    const created = byMethod(sent(), 'POST').map(
      (e) => JSON.parse(e.requestBody!) as { userName: string; externalId: string },
    );
    expect(created.find((b) => b.userName === last.userPrincipalName)?.externalId).toBe(before);
    // The first cycle used the planned user; the next one sees the change (the watermark was taken at the start).
    await w.clock.advance('40m');
    expect(
      w.azure.logs
        .all()
        .filter((r) => r.source.id === last.id)
        .map((r) => r.action),
    ).toEqual(['Create', 'Update']);
  });

  it('Stop lets the running cycle finish ("the current provisioning cycle continues running until completion"); no next cycle', async () => {
    const { w } = realistic();
    await w.connect();
    w.azure.job.stop();
    await w.clock.advance('1d');
    expect(w.azure.logs.all().filter((r) => r.action === 'Create')).toHaveLength(20);
    expect(w.azure.job.cycles).toHaveLength(1);
    expect(w.azure.job.status()).toMatchObject({ code: 'Paused', nextCycleAt: null });
  });

  it('a restart interrupts the running cycle, which says so, and begins a new initial one', async () => {
    const { w } = realistic();
    const ended: string[] = [];
    w.azure.job.onCycle((c) => ended.push(`${c.kind} ${c.state}`));
    await w.connect();
    await w.clock.advance('10s');
    const done = w.azure.logs.all().length;
    expect(done).toBeGreaterThan(1);
    expect(done).toBeLessThan(20);
    await w.azure.job.restart();
    const [first, second] = w.azure.job.cycles;
    expect(first).toMatchObject({
      state: 'Failed',
      error: expect.stringMatching(/^Interrupted: a restart began a new cycle/),
    });
    expect(second).toMatchObject({ kind: 'initial' });
    // The interrupted cycle's end is told to whoever listens (serve's event stream), as any cycle's is.
    expect(ended[0]).toBe('initial Failed');
    await w.clock.advance('10m');
    // Everyone is created once: the new cycle matches those the first one made.
    expect(w.np.store.allMembers()).toHaveLength(20);
    expect(w.azure.job.cycles[1]).toMatchObject({ state: 'Succeeded', countEntitled: 20 });
    const second2 = w.azure.logs.all().filter((r) => r.cycleId === second!.cycleId);
    expect(second2.filter((r) => r.action === 'Create')).toHaveLength(20 - done);
    expect(second2.filter((r) => r.matching === 'linked')).toHaveLength(done);
  });

  it('a cycle interrupted while its next turn was already queued does not resume beside its successor', async () => {
    const { w, users } = realistic();
    await w.connect();
    const first = w.azure.job.cycles[0]!;
    const due = w.clock.upcoming(10).find((t) => t.label === 'cycle in progress')!;
    // Queued, not awaited: an on-demand run, then a start; the clock then reaches the first cycle's next object,
    // whose turn waits behind the start.
    const onDemand = w.azure.job.provisionOnDemand(users[5]!.id);
    const start = w.azure.job.start();
    await w.clock.advanceTo(due.at);
    await Promise.all([onDemand, start]);
    await w.clock.advance('10m');
    expect(first).toMatchObject({
      state: 'Failed',
      error: expect.stringMatching(/^Interrupted: Start began a new cycle/),
    });
    expect(w.azure.logs.all().filter((r) => r.cycleId === first.cycleId)).toHaveLength(1);
    expect(w.azure.job.cycles[1]).toMatchObject({ state: 'Succeeded', countEntitled: 20 });
    expect(w.np.store.allMembers()).toHaveLength(20);
    expect(w.azure.job.status().nextCycleAt).not.toBeNull();
  });

  it('instant cycles (the default) take no time and draw nothing from the cost source', async () => {
    const { w } = tenantWith(UPNS);
    await w.connect();
    expect(new Set(w.azure.logs.all().map((r) => r.at)).size).toBe(1);
    expect(w.azure.logs.all().every((r) => r.durationMs === undefined)).toBe(true);
    expect(w.azure.job.cycles[0]!.ended).toBe(w.azure.job.cycles[0]!.began);
  });
});
