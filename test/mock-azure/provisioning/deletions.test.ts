/** Accidental-deletions prevention: more disables and deletes than the threshold in one cycle are staged until "Allow deletes". */
import { describe, expect, it } from 'vitest';
import { toObjectSummary } from '../../../mock-azure/provisioning/logs.ts';
import { byMethod, HOUR, MIN, operations, recordFrom, tenantWith } from '../../helpers/engine.ts';

const UPNS = ['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com', 'e@contoso.com'];

describe('accidental deletions', () => {
  it('unassigning more users than the threshold in one cycle stages them: StagedDelete logs, no PATCH, Quarantine TooManyDeletes', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 3 } } });
    await w.connect();
    for (const u of users.slice(0, 4)) w.azure.app.unassign(u.id);
    // Other work in the same cycle still goes out.
    const newcomer = w.azure.directory.addUser({
      userPrincipalName: 'new@contoso.com',
      mailNickname: 'new',
      displayName: 'New',
    });
    w.azure.app.assign(newcomer.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH')).toEqual([]);
    expect(byMethod(sent(), 'POST')).toHaveLength(1);
    const staged = w.azure.logs.query({ action: 'StagedDelete' });
    expect(staged.map((r) => r.source.userPrincipalName)).toEqual(UPNS.slice(0, 4));
    expect(staged[0]).toMatchObject({ status: 'skipped', errorCode: 'TooManyDeletes' });
    expect(toObjectSummary(staged[0]!, w.azure.app).provisioningAction).toBe('stagedDelete');
    expect(w.azure.job.stagedDeletes).toEqual(users.slice(0, 4).map((u) => u.id));
    expect(w.azure.job.status()).toMatchObject({ code: 'Quarantine', quarantine: { reason: 'TooManyDeletes' } });
    expect(UPNS.map((u) => w.memberStatus(u))).toEqual(Array(5).fill('pending'));
    // Quarantine holds: the next attempt still sends no disables.
    await w.clock.advance('6h');
    expect(byMethod(sent(), 'PATCH')).toEqual([]);
    expect(w.azure.job.status().code).toBe('Quarantine');
    // Allow deletes: the staged disables go out, and the job is healthy again.
    await w.azure.job.allowDeletes();
    const patches = byMethod(sent(), 'PATCH');
    expect(patches).toHaveLength(4);
    for (const p of patches) expect(operations(p)).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(UPNS.map((u) => w.memberStatus(u))).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden', 'pending']);
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', quarantine: null });
    expect(w.azure.job.stagedDeletes).toEqual([]);
  });

  it('at the threshold (not more), the disables go out normally', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 3 } } });
    await w.connect();
    for (const u of users.slice(0, 3)) w.azure.app.unassign(u.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH')).toHaveLength(3);
    expect(w.azure.logs.query({ action: 'StagedDelete' })).toEqual([]);
    expect(w.azure.job.status().code).toBe('Active');
  });

  it('counts every kind of deprovisioning: unassign, soft delete, blocked sign-in, permanent delete', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 3 } } });
    await w.connect();
    w.azure.directory.deleteUser(users[0]!.id);
    await w.clock.advance('40m'); // one Disable: under the threshold
    w.azure.directory.deleteUserPermanently(users[0]!.id); // -> DELETE
    w.azure.directory.deleteUser(users[1]!.id); // -> Disable
    w.azure.directory.blockSignIn(users[2]!.id); // -> Disable
    w.azure.app.unassign(users[3]!.id); // -> Disable
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(sent().filter((e) => e.method === 'PATCH' || e.method === 'DELETE')).toEqual([]);
    expect(w.azure.logs.query({ action: 'StagedDelete' }).map((r) => r.source.userPrincipalName)).toEqual(
      UPNS.slice(0, 4),
    );
    await w.azure.job.allowDeletes();
    expect(byMethod(sent(), 'DELETE')).toHaveLength(1);
    expect(byMethod(sent(), 'PATCH')).toHaveLength(3);
  });

  it('rejecting: re-assign the users and Restart; nothing is disabled and the job is Active', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 3 } } });
    await w.connect();
    for (const u of users.slice(0, 4)) w.azure.app.unassign(u.id);
    await w.clock.advance('40m');
    for (const u of users.slice(0, 4)) w.azure.app.assign(u.id);
    const sent = recordFrom(w);
    await w.azure.job.restart();
    expect(byMethod(sent(), 'PATCH')).toEqual([]);
    expect(w.azure.job.status()).toMatchObject({ code: 'Active', quarantine: null });
    expect(w.azure.job.stagedDeletes).toEqual([]);
  });

  it('with prevention off (threshold null), any number of disables goes out', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: null } } });
    await w.connect();
    for (const u of users) w.azure.app.unassign(u.id);
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH')).toHaveLength(5);
  });

  it('the default threshold is 500 (the deletionCheckDefault variant on); off under the variant off, unless a threshold is set', () => {
    expect(tenantWith([]).w.azure.app.deletionThreshold()).toBe(500);
    expect(
      tenantWith([], { variants: { deletionCheckDefault: 'off' } }).w.azure.app.deletionThreshold(),
    ).toBeUndefined();
    const set = tenantWith([], {
      variants: { deletionCheckDefault: 'off' },
      azure: { provisioning: { deletionThreshold: 7 } },
    });
    expect(set.w.azure.app.deletionThreshold()).toBe(7);
    const off = tenantWith([], { azure: { provisioning: { deletionThreshold: null } } });
    expect(off.w.azure.app.deletionThreshold()).toBeUndefined();
  });

  it('a TooManyDeletes quarantine that waits for a decision tries again 6h, 12h and 24h after the first failure, then every 24h (and never spins at one instant)', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 1 } } });
    await w.connect();
    const t0 = w.clock.now();
    for (const u of users.slice(0, 2)) w.azure.app.unassign(u.id);
    await w.clock.advance('3d');
    expect(w.azure.job.cycles.slice(1).map((c) => (c.began - t0 - 40 * MIN) / HOUR)).toEqual([0, 6, 12, 24, 48]);
    expect(w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'TooManyDeletes', seriesCount: 5 },
    });
    expect(byMethod(w.azure.exchanges.all(), 'PATCH')).toEqual([]);
  });

  it('Start on a TooManyDeletes job does not drop the staged disables: they are staged again and the job quarantined again', async () => {
    const { w, users } = tenantWith(UPNS, { azure: { provisioning: { deletionThreshold: 3 } } });
    await w.connect();
    for (const u of users.slice(0, 4)) w.azure.app.unassign(u.id);
    await w.clock.advance('40m');
    await w.azure.job.start();
    expect(w.azure.job.status()).toMatchObject({ code: 'Quarantine', quarantine: { reason: 'TooManyDeletes' } });
    expect(w.azure.job.stagedDeletes).toHaveLength(4);
    // Re-assigning two brings the pending disables under the threshold: the next cycle sends them.
    w.azure.app.assign(users[0]!.id);
    w.azure.app.assign(users[1]!.id);
    await w.azure.job.start();
    expect(UPNS.map((u) => w.memberStatus(u))).toEqual(['pending', 'pending', 'forbidden', 'forbidden', 'pending']);
    expect(w.azure.job.stagedDeletes).toEqual([]);
    expect(w.azure.job.status().code).toBe('Active');
  });
});
