/** Job-wide failures: NordPass down for hours, a regenerated token, and the escrow thresholds, all ending in quarantine and recovery. */
import { describe, expect, it } from 'vitest';
import { HOUR, isProbe, MIN, recordFrom, tenantWith, work } from '../../helpers/engine.ts';

describe('quarantine', () => {
  it('a 404 to the probe (a wrong path in the Tenant URL) quarantines at once as a SCIM compliance failure', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const t0 = w.clock.now();
    // The probe's query answered 404, as a Tenant URL with a wrong path would be.
    w.azure.faults.inject({
      id: 'wrong-path',
      effect: { status: 404 },
      from: t0,
      match: { method: 'GET', path: '^/Users$' }, // the probe's query (GET /Users?filter=...)
    });
    await w.clock.advance('40m');
    const failed = w.azure.job.cycles.at(-1)!;
    expect(failed.state).toBe('Failed');
    expect(failed.error).toMatch(/^SCIM compliance issue: .*HTTP\/404 Not Found rather than HTTP\/200 OK/);
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      countSuccessiveCompleteFailures: 1,
      quarantine: { reason: 'EncounteredQuarantineException', seriesCount: 1, nextAttempt: t0 + 40 * MIN + 6 * HOUR },
    });
  });

  it('NordPass down for 3 hours (503): failed cycles, quarantine after the configured number, recovery when it is back', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const t0 = w.clock.now();
    w.azure.faults.inject({
      id: 'outage',
      effect: { status: 503 },
      from: t0 + 1 * MIN,
      until: t0 + 3 * HOUR + 1 * MIN,
    });
    // Assigned during the outage: pending work for when it is back.
    const bob = w.azure.directory.addUser({
      userPrincipalName: 'bob@contoso.com',
      mailNickname: 'bob',
      displayName: 'Bob',
    });
    w.azure.app.assign(bob.id);
    await w.clock.advance('80m');
    expect(w.azure.job.cycles.slice(1).map((c) => c.state)).toEqual(['Failed', 'Failed']);
    expect(w.azure.job.cycles.at(-1)!.error).toMatch(/CredentialValidationFailure: .*ServiceUnavailable/);
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', countSuccessiveCompleteFailures: 2 });
    await w.clock.advance('40m'); // the third failed cycle (unavailableCyclesBeforeQuarantine: 3)
    const status = w.azure.job.status();
    expect(status.code).toBe('Quarantine');
    expect(status.countSuccessiveCompleteFailures).toBe(3);
    expect(status.quarantine).toMatchObject({
      reason: 'EncounteredQuarantineException',
      currentBegan: t0 + 120 * MIN,
      nextAttempt: t0 + 120 * MIN + 6 * HOUR,
      seriesCount: 1,
    });
    expect(status.nextCycleAt).toBe(t0 + 120 * MIN + 6 * HOUR);
    // Nothing is sent while quarantined until the next attempt, even though NordPass is back at 3h.
    const sent = recordFrom(w);
    await w.clock.advanceTo(t0 + 120 * MIN + 6 * HOUR - 1);
    expect(sent()).toEqual([]);
    expect(w.member('bob@contoso.com')).toBeUndefined();
    await w.clock.advance(1);
    expect(w.azure.job.status()).toMatchObject({
      code: 'Active',
      quarantine: null,
      countSuccessiveCompleteFailures: 0,
      nextCycleAt: t0 + 120 * MIN + 6 * HOUR + 40 * MIN,
    });
    expect(w.memberStatus('bob@contoso.com')).toBe('pending');
    expect(w.azure.job.cycles.at(-1)).toMatchObject({ state: 'Succeeded', kind: 'incremental' });
  });

  it('unavailableCyclesBeforeQuarantine is a setting', async () => {
    const { w } = tenantWith(['ada@contoso.com'], { azure: { engine: { unavailableCyclesBeforeQuarantine: 1 } } });
    await w.connect();
    w.azure.faults.inject({ id: 'down', effect: { unavailable: true } });
    await w.clock.advance('40m');
    expect(w.azure.job.status().quarantine).toMatchObject({ reason: 'EncounteredQuarantineException' });
    expect(w.azure.job.cycles.at(-1)!.error).toMatch(/^CredentialValidationUnavailable: /);
  });

  it('token regenerated in NordPass while the job runs: 401 -> Quarantine at once, tries again 6h, 12h, 24h after the first failure, then every 24h; Save the new token + Start recovers', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const t0 = w.clock.now();
    const { tenantUrl, secretToken } = await w.credentials(); // Get Credentials again: the old token stops working
    await w.clock.advance('40m');
    const failed = w.azure.job.cycles.at(-1)!;
    expect(failed.state).toBe('Failed');
    expect(failed.error).toMatch(/Unauthorized/);
    expect(w.azure.exchanges.all().at(-1)!.status).toBe(401);
    expect(w.azure.job.status().quarantine).toMatchObject({
      reason: 'EncounteredQuarantineException',
      seriesCount: 1,
      nextAttempt: t0 + 40 * MIN + 6 * HOUR,
    });
    await w.clock.advance('3d');
    const probes = w.azure.exchanges.all().filter((e) => isProbe(e) && e.at >= t0 + 40 * MIN);
    expect(probes.map((e) => (e.at - (t0 + 40 * MIN)) / HOUR)).toEqual([0, 6, 12, 24, 48, 72]);
    expect(probes.every((e) => e.status === 401)).toBe(true);
    expect(w.azure.job.status().quarantine!.seriesCount).toBe(6);
    // An admin pastes the new token and saves; the job is still quarantined until it runs.
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    expect(w.azure.job.status().code).toBe('Quarantine');
    const bob = w.azure.directory.addUser({
      userPrincipalName: 'bob@contoso.com',
      mailNickname: 'bob',
      displayName: 'Bob',
    });
    w.azure.app.assign(bob.id);
    await w.azure.job.start();
    expect(w.azure.job.status()).toMatchObject({
      code: 'Active',
      quarantine: null,
      countSuccessiveCompleteFailures: 0,
    });
    expect(w.memberStatus('bob@contoso.com')).toBe('pending');
  });

  it('a regenerated token: Restart (after saving the new token) recovers too', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    const { tenantUrl, secretToken } = await w.credentials();
    await w.clock.advance('40m');
    expect(w.azure.job.status().code).toBe('Quarantine');
    await expect(w.azure.job.saveCredentials(tenantUrl, 'not-the-token')).rejects.toThrow(/Test Connection failed/);
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    await w.azure.job.restart();
    expect(w.azure.job.status().code).toBe('Active');
    expect(w.azure.job.cycles.at(-1)).toMatchObject({ kind: 'initial', state: 'Succeeded' });
  });

  it('a 401 in the middle of a cycle (after the probe) stops the cycle and quarantines the job; nothing after it is sent', async () => {
    const { w } = tenantWith(['ada@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
    w.azure.faults.inject({ id: 'revoked', match: { method: 'POST' }, effect: { status: 401 } });
    const sent = recordFrom(w);
    await w.connect();
    expect(work(sent()).map((e) => e.method)).toEqual(['GET', 'POST']);
    expect(w.azure.job.status().quarantine).toMatchObject({ reason: 'EncounteredQuarantineException' });
    expect(w.azure.job.cycles[0]!.state).toBe('Failed');
    expect(w.azure.job.escrows.size).toBe(0);
  });

  it('escrow proportion threshold: more than 40% failing (with enough failures to evaluate) -> EncounteredEscrowProportionThreshold', async () => {
    const { w } = tenantWith(['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com', 'e@contoso.com'], {
      azure: { engine: { escrowThresholds: { evaluateFrom: 2, proportion: 0.4, total: 100 } } },
    });
    w.azure.faults.inject({ id: 'three', match: { method: 'POST' }, effect: { status: 500 }, count: 3 });
    await w.connect();
    expect(w.azure.job.cycles[0]).toMatchObject({ countEntitled: 5, countFailed: 3, state: 'Succeeded' });
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'EncounteredEscrowProportionThreshold' },
    });
    // The next attempt (6 hours later) retries the escrows; they succeed and the job leaves quarantine.
    await w.clock.advance('6h');
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', escrows: 0 });
    expect(w.np.store.allMembers()).toHaveLength(5);
  });

  it('at or under the proportion, or under evaluateFrom, the job stays Active', async () => {
    const { w } = tenantWith(['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com', 'e@contoso.com'], {
      azure: { engine: { escrowThresholds: { evaluateFrom: 2, proportion: 0.4, total: 100 } } },
    });
    w.azure.faults.inject({ id: 'two', match: { method: 'POST' }, effect: { status: 500 }, count: 2 });
    await w.connect();
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', escrows: 2 });
  });

  it('total escrow threshold: more failures in escrow than the total -> EncounteredTotalEscrowThreshold', async () => {
    const { w } = tenantWith(
      [
        'a@contoso.com',
        'b@contoso.com',
        'c@contoso.com',
        'd@contoso.com',
        'e@contoso.com',
        'f@contoso.com',
        'g@contoso.com',
        'h@contoso.com',
        'i@contoso.com',
        'j@contoso.com',
      ],
      {
        azure: { engine: { escrowThresholds: { evaluateFrom: 1000, proportion: 0.4, total: 2 } } },
      },
    );
    w.azure.faults.inject({ id: 'three', match: { method: 'POST' }, effect: { status: 500 }, count: 3 });
    await w.connect();
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      escrows: 3,
      quarantine: { reason: 'EncounteredTotalEscrowThreshold' },
    });
  });

  it('a job quarantined for four weeks is disabled: no more cycles', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    await w.credentials(); // the token the job holds is now wrong, for good
    await w.clock.advance('30d');
    const last = w.azure.job.cycles.at(-1)!.began;
    await w.clock.advance('10d');
    expect(w.azure.job.cycles.at(-1)!.began).toBe(last);
    expect(w.azure.job.status()).toMatchObject({ code: 'Quarantine', nextCycleAt: null });
  });
});
