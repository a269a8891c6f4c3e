/** Group provisioning in the engine: off for NordPass by default; when on, groups and their members follow. */
import { describe, expect, it } from 'vitest';
import { world } from '../../helpers/world.ts';

function groupsOf(w: ReturnType<typeof world>) {
  return w.np.store.allGroups().map((g) => ({
    displayName: g.displayName,
    members: ((g.attributes.members as Array<{ value: string }> | undefined) ?? [])
      .map((m) => w.np.members.find(m.value)?.userName)
      .sort(),
  }));
}

async function setup(flag = false, nordpassGroups = true) {
  const w = world({
    nordpass: { groupProvisioning: nordpassGroups },
    azure: { provisioning: { groupProvisioning: true } },
  });
  const { directory, app, job } = w.azure;
  const ada = directory.addUser({ userPrincipalName: 'ada@contoso.com' });
  const bob = directory.addUser({ userPrincipalName: 'bob@contoso.com' });
  const sales = directory.addGroup({ displayName: 'Sales' });
  directory.addMember(sales.id, ada.id);
  directory.addMember(sales.id, bob.id);
  app.assign(sales.id);
  const { tenantUrl, secretToken } = await w.credentials();
  const url = flag ? `${tenantUrl}?aadOptscim062020` : tenantUrl;
  const probe = await job.testConnection(url, secretToken);
  if (probe.ok) {
    await job.saveCredentials(url, secretToken);
    await job.start();
  }
  return { w, ada, bob, sales, probe };
}

describe('group provisioning on', () => {
  it('Test Connection also asks for a group that cannot exist', async () => {
    const { w } = await setup();
    const probes = w.azure.exchanges
      .all()
      .filter((x) => x.path.startsWith('/Groups?excludedAttributes=members&filter=displayName+eq+"'));
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes[0]!.path).toMatch(/"[0-9a-f-]{36}"$/);
  });

  it('creates the assigned group empty, then adds its provisioned members', async () => {
    const { w } = await setup();
    expect(groupsOf(w)).toEqual([{ displayName: 'Sales', members: ['ada@contoso.com', 'bob@contoso.com'] }]);
    const post = w.azure.exchanges.all().find((x) => x.method === 'POST' && x.path === '/Groups')!;
    expect(JSON.parse(post.requestBody!)).toMatchObject({ displayName: 'Sales', members: [] });
    expect(
      w.azure.logs
        .all()
        .filter((r) => r.objectType === 'Group')
        .map((r) => [r.action, r.status]),
    ).toEqual([['Create', 'success']]);
  });

  it("removes a member in Entra's default dialect (a value list) and in the RFC dialect (a filter path)", async () => {
    for (const flag of [false, true]) {
      const { w, bob, sales } = await setup(flag);
      w.azure.directory.removeMember(sales.id, bob.id);
      await w.clock.advance('40m');
      expect(groupsOf(w)).toEqual([{ displayName: 'Sales', members: ['ada@contoso.com'] }]);
      const patch = w.azure.exchanges
        .all()
        .filter((x) => x.method === 'PATCH' && x.path.startsWith('/Groups/'))
        .at(-1)!;
      const op = JSON.parse(patch.requestBody!).Operations[0];
      const bobId = w.member('bob@contoso.com')!.id;
      if (flag) expect(op).toEqual({ op: 'remove', path: `members[value eq "${bobId}"]` });
      else expect(op).toEqual({ op: 'Remove', path: 'members', value: [{ value: bobId }] });
    }
  });

  it('renames the group and deletes it when unassigned', async () => {
    const { w, sales } = await setup();
    w.azure.directory.updateGroup(sales.id, { displayName: 'Sales EMEA' });
    await w.clock.advance('40m');
    expect(groupsOf(w).map((g) => g.displayName)).toEqual(['Sales EMEA']);
    w.azure.app.unassign(sales.id);
    await w.clock.advance('40m');
    expect(groupsOf(w)).toEqual([]);
    expect(
      w.azure.exchanges
        .all()
        .filter((x) => x.method === 'DELETE' && x.path.startsWith('/Groups/'))
        .map((x) => x.status),
    ).toEqual([204]);
  });

  it('a quiet cycle sends nothing at all', async () => {
    const { w } = await setup();
    const before = w.azure.exchanges.total;
    await w.clock.advance('40m');
    expect(w.azure.exchanges.total).toBe(before);
  });

  it('against a NordPass without group provisioning, Test Connection fails with the 501', async () => {
    const { probe } = await setup(false, false);
    expect(probe.ok).toBe(false);
    expect(probe.message).toMatch(/NotImplemented/);
  });
});

describe('provision on demand for a group', () => {
  /** Sales (Ada and Bob) assigned, credentials saved, the job never started. */
  async function saved(groupProvisioning: boolean) {
    const w = world({ nordpass: { groupProvisioning: true }, azure: { provisioning: { groupProvisioning } } });
    const { directory, app, job } = w.azure;
    const ada = directory.addUser({ userPrincipalName: 'ada@contoso.com' });
    const bob = directory.addUser({ userPrincipalName: 'bob@contoso.com' });
    const sales = directory.addGroup({ displayName: 'Sales' });
    directory.addMember(sales.id, ada.id);
    directory.addMember(sales.id, bob.id);
    app.assign(sales.id);
    const { tenantUrl, secretToken } = await w.credentials();
    await job.saveCredentials(tenantUrl, secretToken);
    return { w, ada, bob, sales };
  }

  it('provisions the members, then the group with them, each logged on demand; the job is not started', async () => {
    const { w, ada, bob, sales } = await saved(true);
    const after = w.azure.exchanges.total;
    const records = await w.azure.job.provisionGroupOnDemand(sales.id);
    expect(records.map((r) => [r.source.id, r.objectType ?? 'User', r.action, r.status, r.initiatedBy])).toEqual([
      [ada.id, 'User', 'Create', 'success', 'onDemand'],
      [bob.id, 'User', 'Create', 'success', 'onDemand'],
      [sales.id, 'Group', 'Create', 'success', 'onDemand'],
    ]);
    expect(groupsOf(w)).toEqual([{ displayName: 'Sales', members: ['ada@contoso.com', 'bob@contoso.com'] }]);
    expect(w.azure.logs.all()).toEqual(records);
    expect(w.azure.job.status().code).toBe('NotRun');
    // One probe for the whole group, as for one user.
    const probes = w.azure.exchanges
      .all()
      .filter((x) => x.seq > after && /^\/Users\?filter=userName\+eq\+"[0-9a-f-]{36}"$/.test(x.path));
    expect(probes).toHaveLength(1);
  });

  it('with group provisioning off, provisions the members only', async () => {
    const { w, sales } = await saved(false);
    const records = await w.azure.job.provisionGroupOnDemand(sales.id);
    expect(records.map((r) => [r.objectType ?? 'User', r.action])).toEqual([
      ['User', 'Create'],
      ['User', 'Create'],
    ]);
    expect(groupsOf(w)).toEqual([]);
  });

  it('an unknown group is refused before anything is sent', async () => {
    const { w } = await saved(true);
    const before = w.azure.exchanges.total;
    await expect(w.azure.job.provisionGroupOnDemand('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
    expect(w.azure.exchanges.total).toBe(before);
  });
});
