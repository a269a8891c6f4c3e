/** Cycles: the initial one at Start, incremental every 40 minutes from a watermark, Stop / Start, Restart. */
import { describe, expect, it } from 'vitest';
import { byMethod, isProbe, lines, MIN, recordFrom, tenantWith, work } from '../../helpers/engine.ts';
import { world } from '../../helpers/world.ts';

describe('cycles', () => {
  it('runs the initial cycle at Start and then an incremental cycle every 40 minutes exactly', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    const start = w.clock.now();
    await w.connect();
    await w.clock.advance('4h');
    const probes = w.azure.exchanges.all().filter(isProbe);
    // One probe for Save (Test Connection), then one per cycle.
    const cycleProbes = probes.slice(1);
    expect(cycleProbes.map((e) => (e.at - start) / MIN)).toEqual([0, 40, 80, 120, 160, 200, 240]);
    expect(w.azure.job.cycles.map((c) => c.kind)).toEqual(['initial', ...Array(6).fill('incremental')]);
    expect(w.azure.job.cycles.map((c) => (c.began - start) / MIN)).toEqual([0, 40, 80, 120, 160, 200, 240]);
    expect(w.azure.job.status().nextCycleAt).toBe(start + 280 * MIN);
  });

  it('Stop pauses: no requests while paused; Start resumes at once with what changed meanwhile, then every 40 minutes from there', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    await w.clock.advance('10m');
    w.azure.job.stop();
    expect(w.azure.job.status().code).toBe('Paused');
    expect(w.azure.job.status().nextCycleAt).toBeNull();
    const carol = w.azure.directory.addUser({
      userPrincipalName: 'carol@contoso.com',
      mailNickname: 'carol',
      displayName: 'Carol',
    });
    w.azure.app.assign(carol.id);
    w.azure.app.unassign(users[1]!.id);
    const sent = recordFrom(w);
    await w.clock.advance('5h');
    expect(sent()).toEqual([]);
    expect(w.member('carol@contoso.com')).toBeUndefined();
    const resumedAt = w.clock.now();
    await w.azure.job.start();
    expect(w.azure.job.cycles.at(-1)!.kind).toBe('incremental');
    expect(lines(work(sent()))).toEqual([
      'GET /Users?filter=userName+eq+"carol@contoso.com"',
      'POST /Users',
      'PATCH /Users/{id}',
    ]);
    expect(w.memberStatus('carol@contoso.com')).toBe('pending');
    expect(w.memberStatus('bob@contoso.com')).toBe('forbidden');
    // Ada did not change: not looked at.
    expect(w.azure.logs.query({ userId: users[0]!.id })).toHaveLength(1);
    expect(w.azure.job.status()).toMatchObject({
      code: 'Active',
      nextCycleAt: resumedAt + 40 * MIN,
    });
  });

  it('Stop while idle is harmless, and Stop before Start leaves the job NotRun', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    const { tenantUrl, secretToken } = await w.credentials();
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    w.azure.job.stop();
    expect(w.azure.job.status().code).toBe('NotRun');
    await w.clock.advance('2h');
    expect(w.azure.job.cycles).toEqual([]);
  });

  it('the watermark: with 20,000 idle assigned users, an idle incremental cycle sends nothing, and a change costs only its own requests', {
    timeout: 60_000,
  }, async () => {
    const w = world({ azure: { exchangeLimit: 1_000 } });
    const users = w.azure.directory.generateUsers(20_000);
    for (const u of users) w.azure.app.assign(u.id);
    await w.connect();
    expect(w.azure.job.cycles[0]).toMatchObject({
      kind: 'initial',
      countEntitled: 20_000,
      countExported: 20_000,
      state: 'Succeeded',
    });
    // Per cycle: count the exchanges between one cycle and the next.
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = w.azure.exchanges.total;
      await w.clock.advance('40m');
      counts.push(w.azure.exchanges.total - before);
    }
    expect(counts).toEqual([0, 0, 0, 0, 0]);
    expect(w.azure.job.cycles.slice(1).map((c) => c.countEntitled)).toEqual([0, 0, 0, 0, 0]);
    // One user changes: that cycle costs the probe plus that user's GET and PATCH.
    w.azure.directory.updateUser(users[123]!.id, { mailNickname: 'renamed' });
    const before = w.azure.exchanges.total;
    await w.clock.advance('40m');
    expect(w.azure.exchanges.total - before).toBe(3);
  });

  it('Restart clears the watermark, escrows and quarantine but keeps the links: everyone is re-read (GET + Other), no new POST', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
    await w.connect();
    w.azure.faults.inject({ id: 'down', match: { method: 'POST' }, effect: { status: 500 } });
    const dave = w.azure.directory.addUser({
      userPrincipalName: 'dave@contoso.com',
      mailNickname: 'dave',
      displayName: 'Dave',
    });
    w.azure.app.assign(dave.id);
    await w.clock.advance('40m');
    expect(w.azure.job.escrows.size).toBe(1);
    w.azure.faults.clear('down');
    const linksBefore = new Map([...w.azure.job.links].map(([k, v]) => [k, v.targetId]));
    const sent = recordFrom(w);
    await w.azure.job.restart();
    expect(w.azure.job.cycles.at(-1)!.kind).toBe('initial');
    expect(w.azure.job.escrows.size).toBe(0);
    const requests = work(sent());
    expect(byMethod(requests, 'POST')).toHaveLength(1); // only Dave, who was never created
    expect(byMethod(requests, 'GET').filter((e) => /^\/Users\/[^?]+$/.test(e.path))).toHaveLength(3);
    for (const u of users) {
      expect(w.azure.job.links.get(u.id)!.targetId).toBe(linksBefore.get(u.id));
      expect(w.azure.logs.query({ userId: u.id }).at(-1)).toMatchObject({ action: 'Other', matching: 'linked' });
    }
    expect(w.np.store.allMembers()).toHaveLength(4);
  });

  it('Restart with full: true breaks the links; users are matched again by userName and adopted, never created twice', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    const sent = recordFrom(w);
    await w.azure.job.restart({ full: true });
    expect(lines(work(sent()))).toEqual([
      'GET /Users?filter=userName+eq+"ada@contoso.com"',
      'GET /Users?filter=userName+eq+"bob@contoso.com"',
    ]);
    for (const u of users)
      expect(w.azure.logs.query({ userId: u.id }).at(-1)).toMatchObject({ action: 'Other', matching: 'adopted' });
    expect(w.np.store.allMembers()).toHaveLength(2);
  });

  it('an edit and a revert between two cycles: the user is read, found equal, logged Other', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.directory.updateUser(users[0]!.id, { mailNickname: 'x' });
    w.azure.directory.updateUser(users[0]!.id, { mailNickname: 'ada' });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users/{id}']);
  });

  it('a cycle is one log record per user it looked at, all with that cycle id', async () => {
    const { w } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    const cycle = w.azure.job.cycles[0]!;
    const records = w.azure.logs.query({ cycleId: cycle.cycleId });
    expect(records).toHaveLength(2);
    expect(new Set(records.map((r) => r.changeId)).size).toBe(2);
    expect(records.every((r) => r.jobId === w.azure.job.id && r.initiatedBy === 'system')).toBe(true);
    expect(w.azure.job.id).toMatch(/^scim\./);
    // Each record points at its own exchanges: the filter GET and the POST.
    const seqs = records.flatMap((r) => r.exchanges);
    expect(seqs.map((s) => w.azure.exchanges.bySeq(s)!.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
  });
});

describe('idle cycles (the default: probeIdleCycles off)', () => {
  it('a rotated token in quiet time is noticed at the first cycle that has work, not before', async () => {
    const w = world();
    const ada = w.azure.directory.addUser({ userPrincipalName: 'ada@contoso.com' });
    w.azure.app.assign(ada.id);
    await w.connect();
    await w.credentials(); // a new token in NordPass; Entra keeps the old one
    const before = w.azure.exchanges.total;
    await w.clock.advance('2h');
    expect(w.azure.exchanges.total).toBe(before);
    expect(w.azure.job.status().code).toBe('Active');
    w.azure.directory.updateUser(ada.id, { displayName: 'Ada L.' });
    await w.clock.advance('40m');
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'EncounteredQuarantineException' },
    });
    expect(
      w.azure.exchanges
        .all()
        .slice(before - w.azure.exchanges.total)
        .map((x) => x.status),
    ).toEqual([401]);
  });

  it('with probeIdleCycles on, every cycle starts with the probe', async () => {
    const w = world({ azure: { engine: { probeIdleCycles: true } } });
    await w.connect();
    const before = w.azure.exchanges.total;
    await w.clock.advance('2h');
    expect(w.azure.exchanges.total - before).toBe(3);
  });
});
