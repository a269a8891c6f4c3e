/** Per-user failures with injected faults: Entra's error codes, escrow and its back-off, Retry-After. */
import { describe, expect, it } from 'vitest';
import { errorText } from '../../../mock-azure/provisioning/logs.ts';
import { byMethod, DAY, lines, MIN, recordFrom, tenantWith, work } from '../../helpers/engine.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('failures and escrow', () => {
  it('500 on POST /Users -> InternalServerError, escrowed, retried at +40m, +80m, +160m ... capped at 24h; success clears it', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const t0 = w.clock.now();
    w.azure.faults.inject({ id: 'boom', match: { method: 'POST', path: '/Users$' }, effect: { status: 500 } });
    await w.connect();
    const first = w.azure.logs.query({ userId: users[0]!.id })[0]!;
    expect(first).toMatchObject({
      action: 'Create',
      status: 'failure',
      errorCode: 'InternalServerError',
      retries: { count: 0, nextAttempt: t0 + 40 * MIN },
    });
    expect(first.reason).toMatch(/StatusCode: InternalServerError/);
    expect(errorText(first)).toMatch(
      new RegExp(
        `This operation was retried 0 times\\. It will be retried again after this date: ${iso(t0 + 40 * MIN)} UTC$`,
      ),
    );
    expect(w.azure.job.escrows.get(users[0]!.id)).toMatchObject({ attempts: 1, errorCode: 'InternalServerError' });
    await w.clock.advance('3d');
    const posts = byMethod(w.azure.exchanges.all(), 'POST');
    expect(posts.map((e) => (e.at - t0) / MIN)).toEqual([0, 40, 120, 280, 600, 1240, 2520, 3960]);
    const failures = w.azure.logs.query({ userId: users[0]!.id });
    expect(failures.map((r) => r.retries?.count)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(errorText(failures[3]!)).toContain(
      `This operation was retried 3 times. It will be retried again after this date: ${iso(t0 + 600 * MIN)} UTC`,
    );
    expect(failures.at(-1)!.retries!.nextAttempt).toBe(t0 + (3960 + 1440) * MIN);
    // The app recovers: the next due attempt succeeds and the escrow is gone.
    w.azure.faults.clear('boom');
    await w.clock.advanceTo(t0 + 5400 * MIN);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Create', status: 'success' });
    expect(w.azure.job.escrows.size).toBe(0);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('escrow gives up after 28 days: the last record says how often it was retried and that it will not be retried', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({ id: 'boom', match: { method: 'POST' }, effect: { status: 500 } });
    await w.connect();
    await w.clock.advance(29 * DAY);
    const records = w.azure.logs.query({ userId: users[0]!.id });
    const last = records.at(-1)!;
    expect(w.azure.job.escrows.size).toBe(0);
    expect(last.retries!.nextAttempt).toBeUndefined();
    expect(last.retries!.count).toBe(records.length - 1);
    expect(errorText(last)).toMatch(new RegExp(`retried ${records.length - 1} times\\. It will not be retried\\.$`));
    // Not retried any more.
    const sent = recordFrom(w);
    await w.clock.advance('3d');
    expect(byMethod(sent(), 'POST')).toEqual([]);
  });

  it('429 with Retry-After: the next attempt waits for it (not before, not the usual +40m)', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    const t0 = w.clock.now();
    w.azure.faults.inject({
      id: 'slow-down',
      match: { method: 'POST' },
      effect: { status: 429, retryAfterSeconds: 3600 },
      count: 1,
    });
    await w.connect();
    expect(w.azure.logs.query({ userId: users[0]!.id })[0]).toMatchObject({
      status: 'failure',
      errorCode: 'TooManyRequests',
      retries: { count: 0, nextAttempt: t0 + 60 * MIN },
    });
    await w.clock.advance('40m');
    expect(byMethod(w.azure.exchanges.all(), 'POST')).toHaveLength(1);
    await w.clock.advance('40m');
    const posts = byMethod(w.azure.exchanges.all(), 'POST');
    expect(posts.map((e) => (e.at - t0) / MIN)).toEqual([0, 80]);
    expect(posts[1]!.status).toBe(201);
  });

  it('429 with Retry-After under the retryAfter variant ignored: the usual +40m', async () => {
    const { w } = tenantWith(['ada@contoso.com'], { variants: { retryAfter: 'ignored' } });
    const t0 = w.clock.now();
    w.azure.faults.inject({
      id: 'slow-down',
      match: { method: 'POST' },
      effect: { status: 429, retryAfterSeconds: 7200 },
      count: 1,
    });
    await w.connect();
    await w.clock.advance('40m');
    expect(byMethod(w.azure.exchanges.all(), 'POST').map((e) => (e.at - t0) / MIN)).toEqual([0, 40]);
  });

  it('a timeout -> Timeout, retried next cycle', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({ id: 'hang', match: { method: 'POST' }, effect: { timeout: true }, count: 1 });
    await w.connect();
    expect(w.azure.logs.query({ userId: users[0]!.id })[0]).toMatchObject({ status: 'failure', errorCode: 'Timeout' });
    expect(byMethod(w.azure.exchanges.all(), 'POST')[0]!.error).toMatch(/^Timeout/);
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Create', status: 'success' });
  });

  it('a malformed body on POST -> SystemForCrossDomainIdentityManagementServiceIncompatible; the retry finds the member NordPass did create and adopts it', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({ id: 'garbage', match: { method: 'POST' }, effect: { malformedBody: true }, count: 1 });
    await w.connect();
    expect(w.azure.logs.query({ userId: users[0]!.id })[0]).toMatchObject({
      status: 'failure',
      errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
    });
    expect(w.azure.job.links.has(users[0]!.id)).toBe(false);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"']);
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Other', matching: 'adopted' });
    expect(w.np.store.allMembers()).toHaveLength(1);
  });

  it('409 on create -> SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering, not adopted, retried later', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({
      id: 'conflict',
      match: { method: 'POST' },
      effect: {
        status: 409,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '409',
          scimType: 'uniqueness',
          detail: 'exists',
        }),
      },
      count: 1,
    });
    const sent = recordFrom(w);
    await w.connect();
    const record = w.azure.logs.query({ userId: users[0]!.id })[0]!;
    expect(record).toMatchObject({
      action: 'Create',
      status: 'failure',
      errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering',
    });
    expect(record.reason).toMatch(/StatusCode: Conflict .*"status":"409"/);
    expect(errorText(record)).toMatch(
      /This operation was retried 0 times\. It will be retried again after this date: /,
    );
    // Not adopted: no link and no follow-up request after the 409.
    expect(lines(work(sent()))).toEqual(['GET /Users?filter=userName+eq+"ada@contoso.com"', 'POST /Users']);
    expect(w.azure.job.links.has(users[0]!.id)).toBe(false);
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Create', status: 'success' });
  });

  it('404 on the cached id (member deleted in the NordPass Admin Panel) -> InvalidAnchor on update and on disable', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    for (const upn of ['ada@contoso.com', 'bob@contoso.com']) w.np.members.delete(w.member(upn)!, 'admin');
    w.azure.directory.updateUser(users[0]!.id, { mailNickname: 'ada.l' });
    w.azure.app.unassign(users[1]!.id);
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Update',
      status: 'failure',
      errorCode: 'InvalidAnchor',
    });
    expect(w.azure.logs.query({ userId: users[1]!.id }).at(-1)).toMatchObject({
      action: 'Disable',
      status: 'failure',
      errorCode: 'InvalidAnchor',
    });
    expect(w.azure.job.escrows.size).toBe(2);
    // The link is kept (Entra does not re-match on its own): the retry fails the same way.
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      errorCode: 'InvalidAnchor',
      retries: { count: 1 },
    });
  });

  it('500 on PATCH -> InternalServerError; the retry sends the same PATCH again', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.faults.inject({ id: 'boom', match: { method: 'PATCH' }, effect: { status: 500 }, count: 1 });
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      action: 'Disable',
      status: 'failure',
      errorCode: 'InternalServerError',
    });
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    await w.clock.advance('40m');
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({ action: 'Disable', status: 'success' });
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
  });

  it('a failure for one user does not stop the others in the cycle', async () => {
    const { w } = tenantWith(['ada@contoso.com', 'bob@contoso.com', 'carol@contoso.com']);
    w.azure.faults.inject({ id: 'one', match: { method: 'POST' }, effect: { status: 500 }, count: 1 });
    await w.connect();
    expect(w.azure.job.cycles[0]).toMatchObject({
      state: 'Succeeded',
      countEntitled: 3,
      countExported: 2,
      countFailed: 1,
    });
    expect(w.member('ada@contoso.com')).toBeUndefined();
    expect(w.memberStatus('bob@contoso.com')).toBe('pending');
    expect(w.memberStatus('carol@contoso.com')).toBe('pending');
  });

  it('a fault window in virtual time: from/until bound it exactly', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    const t0 = w.clock.now();
    w.azure.faults.inject({
      id: 'window',
      match: { method: 'POST' },
      effect: { status: 503 },
      from: t0,
      until: t0 + 40 * MIN,
    });
    await w.connect();
    await w.clock.advance('40m');
    expect(byMethod(w.azure.exchanges.all(), 'POST').map((e) => [(e.at - t0) / MIN, e.status])).toEqual([
      [0, 503],
      [40, 201],
    ]);
  });

  it('an escrowed create for a user who is then unassigned leaves escrow (nothing is left to do), and the job reaches steady state', async () => {
    const { w, users } = tenantWith(['ada@contoso.com']);
    w.azure.faults.inject({ id: 'boom', match: { method: 'POST' }, effect: { status: 500 } });
    await w.connect();
    expect(w.azure.job.escrows.size).toBe(1);
    expect(w.azure.job.status().steadyStateLastAchievedAt).toBeNull();
    w.azure.app.unassign(users[0]!.id);
    await w.clock.advance('40m');
    expect(w.azure.job.escrows.size).toBe(0);
    expect(w.azure.job.status().steadyStateLastAchievedAt).toBe(w.clock.now());
    const sent = recordFrom(w);
    await w.clock.advance('1d');
    expect(byMethod(sent(), 'POST')).toEqual([]);
  });

  it("403 on one user's PATCH (NordPass protecting its Owner) is that user's failure, InsufficientRights, escrowed; the job stays Active", async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    w.azure.faults.inject({ id: 'owner', match: { method: 'PATCH' }, effect: { status: 403 }, count: 1 });
    for (const u of users) w.azure.app.unassign(u.id);
    await w.clock.advance('40m');
    expect(
      w.azure.logs.query({ action: 'Disable' }).map((r) => [r.source.userPrincipalName, r.status, r.errorCode]),
    ).toEqual([
      ['ada@contoso.com', 'failure', 'InsufficientRights'],
      ['bob@contoso.com', 'success', undefined],
    ]);
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', escrows: 1, quarantine: null });
    await w.clock.advance('40m');
    expect(w.memberStatus('ada@contoso.com')).toBe('forbidden');
  });

  it('403 on the Test Connection probe quarantines the job at once', async () => {
    const { w } = tenantWith(['ada@contoso.com']);
    await w.connect();
    w.azure.faults.inject({ id: 'forbidden', match: { method: 'GET' }, effect: { status: 403 } });
    await w.clock.advance('40m');
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'EncounteredQuarantineException' },
    });
  });
});
