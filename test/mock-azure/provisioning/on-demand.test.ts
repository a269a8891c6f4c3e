/** Provision on demand, and the job status as Graph shows it. */
import { describe, expect, it } from 'vitest';
import { JobError } from '../../../mock-azure/provisioning/engine.ts';
import { byMethod, lines, recordFrom, tenantWith, work } from '../../helpers/engine.ts';

describe('provision on demand', () => {
  it('provisions one user at once, outside the cycle schedule, logged initiatedBy onDemand', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    const { tenantUrl, secretToken } = await w.credentials();
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    const sent = recordFrom(w);
    const at = w.clock.now();
    const record = await w.azure.job.provisionOnDemand(users[0]!.id);
    expect(record).toMatchObject({ action: 'Create', status: 'success', initiatedBy: 'onDemand', at });
    expect(lines(sent())).toEqual([
      'GET /Users?filter=userName+eq+"{guid}"',
      'GET /Users?filter=userName+eq+"ada@contoso.com"',
      'POST /Users',
    ]);
    expect(sent().every((e) => e.at === at)).toBe(true);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    expect(w.member('bob@contoso.com')).toBeUndefined();
    expect(w.azure.logs.all()).toEqual([record]);
    // On demand starts no job.
    expect(w.azure.job.status()).toMatchObject({ code: 'NotRun', nextCycleAt: null });
    // Then the job links it: the initial cycle reads Ada by id and creates only Bob.
    const cycle = recordFrom(w);
    await w.azure.job.start();
    expect(lines(work(cycle()))).toEqual([
      'GET /Users/{id}',
      'GET /Users?filter=userName+eq+"bob@contoso.com"',
      'POST /Users',
    ]);
  });

  it('an unassigned user is skipped with NotEffectivelyEntitled; nothing is sent after the probe', async () => {
    const { w, users } = tenantWith(['eve@contoso.com'], { assign: false });
    await w.connect();
    const sent = recordFrom(w);
    const record = await w.azure.job.provisionOnDemand(users[0]!.id);
    expect(record).toMatchObject({
      action: 'Other',
      status: 'skipped',
      errorCode: 'NotEffectivelyEntitled',
      initiatedBy: 'onDemand',
      scope: { inScope: false },
    });
    expect(record.reason).toMatch(/not assigned/);
    expect(work(sent())).toEqual([]);
  });

  it('a user in Deleted users is refused: on demand cannot restore deleted users', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.directory.deleteUser(users[0]!.id);
    const sent = recordFrom(w);
    await expect(w.azure.job.provisionOnDemand(users[0]!.id)).rejects.toMatchObject({
      name: 'JobError',
      code: 'InvalidRequest',
      message: expect.stringMatching(/soft-deleted/),
    });
    expect(sent()).toEqual([]);
    await expect(w.azure.job.provisionOnDemand('00000000-0000-0000-0000-000000000000')).rejects.toThrow(JobError);
  });

  it('an unassigned, still-linked user is disabled on demand', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.app.unassign(users[0]!.id);
    const record = await w.azure.job.provisionOnDemand(users[0]!.id);
    expect(record).toMatchObject({ action: 'Disable', status: 'success', initiatedBy: 'onDemand' });
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
  });

  it('fails cleanly without credentials, and with credentials NordPass refuses (the job is not quarantined)', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await expect(w.azure.job.provisionOnDemand(users[0]!.id)).rejects.toMatchObject({ code: 'NotConfigured' });
    expect(w.azure.exchanges.total).toBe(0);
    expect(w.azure.logs.all()).toEqual([]);
    await w.connect();
    await w.credentials(); // rotates the token the job holds
    await expect(w.azure.job.provisionOnDemand(users[0]!.id)).rejects.toMatchObject({
      code: 'CredentialValidationFailed',
      message: expect.stringMatching(/Unauthorized/),
    });
    expect(w.azure.job.status().quarantine).toBeNull();
  });

  it('a failing on-demand run is a failure record, not a throw', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const { tenantUrl, secretToken } = await w.credentials();
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    w.azure.faults.inject({ id: 'boom', match: { method: 'POST' }, effect: { status: 500 }, count: 1 });
    const record = await w.azure.job.provisionOnDemand(users[0]!.id);
    expect(record).toMatchObject({
      action: 'Create',
      status: 'failure',
      errorCode: 'InternalServerError',
      initiatedBy: 'onDemand',
    });
  });
});

describe("job status (the model's; the Graph face renders it)", () => {
  it('NotConfigured -> NotRun -> Active -> Paused -> Active -> Quarantine, with the last cycle, steady state and successive failures', async () => {
    const { w } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    const job = w.azure.job;
    expect(job.status()).toMatchObject({
      code: 'NotConfigured',
      lastCycle: null,
      steadyStateFirstAchievedAt: null,
      countSuccessiveCompleteFailures: 0,
      quarantine: null,
    });
    await expect(job.start()).rejects.toMatchObject({ code: 'NotConfigured' });
    const { tenantUrl, secretToken } = await w.credentials();
    await job.saveCredentials(tenantUrl, secretToken);
    expect(job.status().code).toBe('NotRun');
    const t0 = w.clock.now();
    await job.start();
    expect(job.status()).toMatchObject({
      code: 'Active',
      lastCycle: {
        kind: 'initial',
        state: 'Succeeded',
        began: t0,
        ended: t0,
        countEntitled: 2,
        countExported: 2,
        countFailed: 0,
      },
      steadyStateFirstAchievedAt: t0,
      steadyStateLastAchievedAt: t0,
      countSuccessiveCompleteFailures: 0,
      links: 2,
      escrows: 0,
    });
    expect(job.status().lastCycle!.cycleId).toBe(job.cycles[0]!.cycleId);
    expect(job.status().lastCycle!.error).toBeUndefined();
    await w.clock.advance('40m');
    expect(job.status()).toMatchObject({
      steadyStateFirstAchievedAt: t0,
      steadyStateLastAchievedAt: w.clock.now(),
      lastCycle: { kind: 'incremental', countEntitled: 0, countExported: 0 },
    });
    job.stop();
    expect(job.status().code).toBe('Paused');
    await job.start();
    expect(job.status().code).toBe('Active');
    await w.credentials();
    await w.clock.advance('40m');
    expect(job.status()).toMatchObject({
      code: 'Quarantine',
      countSuccessiveCompleteFailures: 1,
      lastCycle: { state: 'Failed' },
    });
    expect(job.status().lastCycle!.error).toMatch(/Unauthorized/);
    // Paused while quarantined still shows Quarantine (the reason wins).
    job.stop();
    expect(job.status().code).toBe('Quarantine');
  });

  it('steady state is not reached while escrows are pending', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({ id: 'boom', match: { method: 'POST' }, effect: { status: 500 }, count: 1 });
    await w.connect();
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', steadyStateFirstAchievedAt: null, escrows: 1 });
    await w.clock.advance('40m');
    expect(w.azure.job.status()).toMatchObject({ steadyStateFirstAchievedAt: w.clock.now(), escrows: 0 });
    expect(byMethod(w.azure.exchanges.all(), 'POST')).toHaveLength(2);
  });

  it('Test Connection: CredentialValidationUnavailable for an unreachable host or a non-URL; a non-empty probe answer is a failure', async () => {
    const { w } = tenantWith([]);
    const { tenantUrl, secretToken } = await w.credentials();
    expect(await w.azure.job.testConnection('not a url', secretToken)).toMatchObject({
      ok: false,
      errorCode: 'CredentialValidationUnavailable',
    });
    w.azure.faults.inject({ id: 'down', effect: { unavailable: true }, count: 1 });
    expect(await w.azure.job.testConnection(tenantUrl, secretToken)).toMatchObject({
      ok: false,
      errorCode: 'CredentialValidationUnavailable',
      message: expect.stringMatching(/An error occured while sending the request/),
    });
    w.azure.faults.inject({
      id: 'nonempty',
      effect: {
        status: 200,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
          totalResults: 1,
          Resources: [{ id: 'x' }],
        }),
      },
      count: 1,
    });
    expect(await w.azure.job.testConnection(tenantUrl, secretToken)).toMatchObject({
      ok: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
    });
    w.azure.faults.inject({ id: 'nf', effect: { status: 404 }, count: 1 });
    expect((await w.azure.job.testConnection(tenantUrl, secretToken)).message).toMatch(
      /Response Status Code: NotFound/,
    );
    expect(await w.azure.job.testConnection(tenantUrl, secretToken)).toEqual({ ok: true });
    // None of this saved anything.
    expect(w.azure.job.status().code).toBe('NotConfigured');
  });
});

describe('provision on demand and the aadOptscim062020 flag', () => {
  it("sends Entra's default dialect whatever the Tenant URL's flag (the flag does not apply on demand); a cycle sends the flag's", async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    const { tenantUrl, secretToken } = await w.credentials();
    await w.azure.job.saveCredentials(`${tenantUrl}?aadOptscim062020`, secretToken);
    await w.azure.job.start();
    for (const u of users) w.azure.directory.blockSignIn(u.id);
    const sent = recordFrom(w);
    await w.azure.job.provisionOnDemand(users[0]!.id);
    const onDemand = sent().find((e) => e.method === 'PATCH')!;
    expect(JSON.parse(onDemand.requestBody!).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    const cycle = recordFrom(w);
    await w.clock.advance('40m');
    const patched = cycle().find((e) => e.method === 'PATCH')!;
    expect(JSON.parse(patched.requestBody!).Operations).toEqual([{ op: 'replace', path: 'active', value: false }]);
  });
});
