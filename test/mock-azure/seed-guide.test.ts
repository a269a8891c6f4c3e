/** Every step of the seed guide, in order, across both sides (NordPass in process, Entra's engine over its fetch). */
import { describe, expect, it } from 'vitest';
import { world } from '../helpers/world.ts';

const DAY = 86_400_000;

describe('the seed guide, step by step', () => {
  it('assign -> credentials -> Test Connection -> Save -> Start -> pending + invitation -> remove -> suspended / forbidden -> purged 30 days later', async () => {
    const w = world();
    const { directory, app, job } = w.azure;
    // Steps 1-6: the users, assigned to the NordPass enterprise app (Users and groups > Add user/group).
    const ada = directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      displayName: 'Ada Lovelace',
      mailNickname: 'ada',
    });
    const bob = directory.addUser({
      userPrincipalName: 'bob@contoso.com',
      displayName: 'Bob Byte',
      mailNickname: 'bob',
    });
    app.assign(ada.id);
    app.assign(bob.id);
    expect(job.status().code).toBe('NotConfigured');
    // Steps 8-10: NordPass Admin Panel > Settings > User provisioning > Get Credentials.
    const { tenantUrl, secretToken } = await w.credentials();
    expect(tenantUrl).toBe('http://127.0.0.1:8080/scim/v2');
    // Step 13: Test Connection, first with a typo in the token.
    const wrong = await job.testConnection(tenantUrl, `${secretToken}x`);
    expect(wrong).toMatchObject({
      ok: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
    });
    expect(wrong.message).toMatch(/Response Status Code: Unauthorized/);
    await expect(job.saveCredentials(tenantUrl, `${secretToken}x`)).rejects.toThrow(/Test Connection failed/);
    expect(await job.testConnection(tenantUrl, secretToken)).toEqual({ ok: true });
    const probe = w.azure.exchanges.all().at(-1)!;
    expect(probe.method).toBe('GET');
    expect(probe.path).toMatch(/^\/Users\?filter=userName\+eq\+"[0-9a-f-]{36}"$/);
    // Step 14-15: Save, Start provisioning: the initial cycle runs at once.
    await job.saveCredentials(tenantUrl, secretToken);
    expect(job.status().code).toBe('NotRun');
    await job.start();
    expect(job.status().code).toBe('Active');
    // Step 16: pending members, invitation emails within a few minutes.
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
    expect(w.memberStatus('bob@contoso.com')).toBe('pending');
    expect(w.np.store.data.outbox).toEqual([]);
    await w.clock.advance('2m');
    expect(w.np.store.data.outbox.map((e) => e.to)).toEqual(['ada@contoso.com', 'bob@contoso.com']);
    expect(w.azure.logs.query({ action: 'Create', status: 'success' })).toHaveLength(2);
    // Ada registers; Bob does not.
    w.np.members.acceptInvitation(w.member('ada@contoso.com')!.id);
    // "Remove users from the NordPass application only": Users and groups > Remove.
    app.unassign(ada.id);
    app.unassign(bob.id);
    await w.clock.advance('37m59s'); // the next incremental cycle is 40 minutes after the start
    expect(w.memberStatus('ada@contoso.com')).toBe('active');
    await w.clock.advance('1s');
    expect(w.memberStatus('ada@contoso.com')).toBe('suspended');
    expect(w.memberStatus('bob@contoso.com')).toBe('forbidden');
    const disables = w.azure.logs.query({ action: 'Disable' });
    expect(disables.map((r) => r.source.userPrincipalName)).toEqual(['ada@contoso.com', 'bob@contoso.com']);
    const patch = w.azure.exchanges.all().find((e) => e.method === 'PATCH')!;
    expect(JSON.parse(patch.requestBody!)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    // Soft-deleted users are deleted from NordPass after exactly 30 days.
    const suspendedAt = w.member('ada@contoso.com')!.softDeletedAt!;
    await w.clock.advanceTo(suspendedAt + 30 * DAY - 1);
    expect(w.memberStatus('ada@contoso.com')).toBe('suspended');
    await w.clock.advance('1ms');
    expect(w.memberStatus('ada@contoso.com')).toBe('deleted');
    expect(w.memberStatus('bob@contoso.com')).toBe('deleted');
    expect(w.member('ada@contoso.com')!.deletedAt).toBe(suspendedAt + 30 * DAY);
    // Unassigned users are no longer managed: nothing more is sent for them.
    expect(w.azure.exchanges.all().filter((e) => e.method === 'DELETE')).toEqual([]);
  });

  it('delete in the tenant -> Disable -> Delete permanently -> DELETE -> deleted in NordPass at once', async () => {
    const w = world();
    const { directory, app } = w.azure;
    const carol = directory.addUser({ userPrincipalName: 'carol@contoso.com', mailNickname: 'carol' });
    app.assign(carol.id);
    await w.connect();
    await w.clock.advance('2m');
    w.np.members.acceptInvitation(w.member('carol@contoso.com')!.id);
    // Azure AD > Users > Delete user: to Deleted users for 30 days; the next cycle disables her in NordPass.
    directory.deleteUser(carol.id);
    await w.clock.advance('38m');
    expect(w.memberStatus('carol@contoso.com')).toBe('suspended');
    // Deleted users > Delete permanently: the next cycle sends DELETE, and NordPass deletes her at once.
    await w.clock.advance('10m');
    directory.deleteUserPermanently(carol.id);
    expect(w.memberStatus('carol@contoso.com')).toBe('suspended');
    await w.clock.advance('30m');
    const member = w.member('carol@contoso.com')!;
    expect(member.status).toBe('deleted');
    expect(member.history.at(-1)).toMatchObject({ type: 'deleted', by: 'scim' });
    expect(member.deletedAt).toBe(Date.parse('2026-01-05T10:20:00Z'));
    const del = w.azure.exchanges.all().filter((e) => e.method === 'DELETE');
    expect(del).toHaveLength(1);
    expect(del[0]!.status).toBe(204);
    expect(w.azure.logs.query({ action: 'Delete', status: 'success' })).toHaveLength(1);
  });
});
