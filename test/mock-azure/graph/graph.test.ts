/** The seed guide driven through Microsoft Graph v1.0 routes only (mock-azure/graph), with NordPass in process. */
import { describe, expect, it } from 'vitest';
import { BASE, graphWorld as baseWorld, type Body, newUser } from '../../helpers/graph.ts';
import type { world } from '../../helpers/world.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Graph world with the steps of the seed guide as Graph calls. */
function graphWorld(options: Parameters<typeof world>[0] = {}) {
  const g = baseWorld(options);
  const { call, sp } = g;
  const jobPath = () => `/servicePrincipals/${sp}/synchronization/jobs/${g.azure.job.id}`;
  const secrets = (pairs: Record<string, string>) => ({
    value: Object.entries(pairs).map(([key, value]) => ({ key, value })),
  });
  const createUser = async (upn: string, displayName: string) => {
    const res = await call(
      'POST',
      '/users',
      newUser({
        accountEnabled: true,
        displayName,
        mailNickname: upn.split('@')[0],
        userPrincipalName: upn,
        passwordProfile: { password: 'x-P@ss-1', forceChangePasswordNextSignIn: true },
      }),
    );
    expect(res.status).toBe(201);
    return res.body;
  };
  /** Save credentials and start, both over Graph. */
  const connect = async () => {
    const { tenantUrl, secretToken } = await g.credentials();
    expect(
      (
        await call(
          'PUT',
          `/servicePrincipals/${sp}/synchronization/secrets`,
          secrets({ BaseAddress: tenantUrl, SecretToken: secretToken }),
        )
      ).status,
    ).toBe(204);
    expect((await call('POST', `${jobPath()}/start`)).status).toBe(204);
    // Graph's start answers at once and leaves the cycle to the clock: it runs at its next move, at this instant.
    await g.clock.advance(0);
  };
  const logs = async (filter: string) =>
    (await call('GET', `/auditLogs/provisioning?$filter=${encodeURIComponent(filter)}`)).body.value as Body[];
  return { ...g, jobPath, secrets, createUser, connect, logs };
}

describe('the seed guide over Graph', () => {
  it('users, a group, assignments, credentials, start, Create logs, pending members', async () => {
    const g = graphWorld();
    // Steps 1-2: users and a group in the tenant.
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    expect(ada['@odata.context']).toBe(`${BASE}/$metadata#users/$entity`);
    expect(ada.id).toMatch(GUID);
    expect(ada).toMatchObject({
      displayName: 'Ada Lovelace',
      userPrincipalName: 'ada@contoso.com',
      businessPhones: [],
      officeLocation: null,
    });
    expect(ada).not.toHaveProperty('passwordProfile');
    const bob = await g.createUser('bob@contoso.com', 'Bob Byte');
    const carol = await g.createUser('carol@contoso.com', 'Carol Code');
    const group = await g.call('POST', '/groups', {
      displayName: 'NordPass users',
      mailEnabled: false,
      mailNickname: 'nordpass-users',
      securityEnabled: true,
    });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({
      displayName: 'NordPass users',
      mailNickname: 'nordpass-users',
      securityEnabled: true,
      groupTypes: [],
    });
    const ref = await g.call('POST', `/groups/${group.body.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${carol.id}`,
    });
    expect(ref.status).toBe(204);
    const members = await g.call('GET', `/groups/${group.body.id}/members`);
    expect(members.body.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.user',
        id: carol.id,
        userPrincipalName: 'carol@contoso.com',
      }),
    ]);

    // Steps 3-6: find NordPass's service principal, assign Ada and the group (not Bob).
    const sps = await g.call('GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'NordPass'")}`);
    expect(sps.body.value).toHaveLength(1);
    const sp = sps.body.value[0];
    expect(sp).toMatchObject({ id: g.sp, appDisplayName: 'NordPass', appId: g.azure.app.id });
    // Default Access, then the INFERRED User and Admin roles (mock-azure/app/app-roles.ts).
    expect(sp.appRoles.map((r: Body) => [r.value, r.displayName])).toEqual([
      [null, 'Default Access'],
      ['User', 'User'],
      ['Admin', 'Admin'],
    ]);
    expect(sp.appRoles[0].id).toBe('00000000-0000-0000-0000-000000000000');
    const adaAssignment = await g.assign(ada.id);
    expect(adaAssignment.status).toBe(201);
    expect(adaAssignment.body).toMatchObject({
      principalId: ada.id,
      principalType: 'User',
      principalDisplayName: 'Ada Lovelace',
      resourceId: g.sp,
      resourceDisplayName: 'NordPass',
      appRoleId: '00000000-0000-0000-0000-000000000000',
      createdDateTime: '2026-01-05T09:00:00.000Z',
    });
    expect(adaAssignment.body.id).toMatch(GUID);
    expect((await g.assign(group.body.id)).body).toMatchObject({
      principalType: 'Group',
      principalDisplayName: 'NordPass users',
    });
    const assigned = await g.call('GET', `/servicePrincipals/${g.sp}/appRoleAssignedTo`);
    expect(assigned.body.value.map((a: Body) => a.principalId)).toEqual([ada.id, group.body.id]);

    // No job yet; the app's template; a job made from it, the documented way (one per app).
    const sync = `/servicePrincipals/${g.sp}/synchronization`;
    expect((await g.call('GET', `${sync}/jobs`)).body.value).toEqual([]);
    expect((await g.call('GET', `${g.jobPath()}`)).status).toBe(404);
    const templates = await g.call('GET', `${sync}/templates`);
    expect(templates.body.value).toMatchObject([{ id: 'scim', applicationId: g.azure.app.id, default: true }]);
    expect((await g.call('POST', `${sync}/jobs`, { templateId: 'nordpass' })).status).toBe(400);
    const made = await g.call('POST', `${sync}/jobs`, { templateId: 'scim' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: g.azure.job.id,
      templateId: 'scim',
      schedule: { interval: 'PT40M', state: 'Disabled' },
      status: { code: 'NotConfigured' },
    });
    expect((await g.call('POST', `${sync}/jobs`, { templateId: 'scim' })).status).toBe(409);
    const before = await g.call('GET', `${sync}/jobs`);
    expect(before.body.value.map((j: Body) => j.id)).toEqual([made.body.id]);
    const schema = await g.call('GET', `${g.jobPath()}/schema`);
    expect(schema.status).toBe(200);
    const users = schema.body.synchronizationRules[0].objectMappings[0];
    expect(
      users.attributeMappings.map((m: Body) => [m.source.expression, m.targetAttributeName, m.matchingPriority]),
    ).toEqual([
      ['[userPrincipalName]', 'userName', 1],
      ['Not([IsSoftDeleted])', 'active', 0],
      ['[mailNickname]', 'externalId', 0],
    ]);
    expect(schema.body.synchronizationRules[0].objectMappings[1]).toMatchObject({
      sourceObjectName: 'Group',
      enabled: false,
    });
    // GET's schema PUT back changes nothing.
    const { '@odata.context': _context, ...sent } = schema.body;
    expect((await g.call('PUT', `${g.jobPath()}/schema`, sent)).status).toBe(204);
    const again = await g.call('GET', `${g.jobPath()}/schema`);
    expect(again.body).toEqual(schema.body);

    // Steps 8-13: Get Credentials in NordPass; Test Connection with a typo, then right.
    const { tenantUrl, secretToken } = await g.credentials();
    const creds = (token: string) => ({
      credentials: [
        { key: 'BaseAddress', value: tenantUrl },
        { key: 'SecretToken', value: token },
      ],
    });
    const wrong = await g.call(
      'POST',
      `/servicePrincipals/${g.sp}/synchronization/jobs/validateCredentials`,
      creds(`${secretToken}x`),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('SystemForCrossDomainIdentityManagementCredentialValidationFailure');
    expect(wrong.body.error.message).toMatch(/Response Status Code: Unauthorized/);
    expect((await g.call('POST', `${g.jobPath()}/validateCredentials`, creds(secretToken))).status).toBe(204);
    // Save refuses what Test Connection refuses, and saves nothing.
    const badSave = await g.call(
      'PUT',
      `/servicePrincipals/${g.sp}/synchronization/secrets`,
      g.secrets({ BaseAddress: tenantUrl, SecretToken: 'nope' }),
    );
    expect(badSave.status).toBe(400);
    expect(badSave.body.error.code).toBe('SystemForCrossDomainIdentityManagementCredentialValidationFailure');
    expect(g.azure.app.settings.tenantUrl).toBeUndefined();

    // Steps 14-15: Save, Start: the initial cycle runs before the 204.
    await g.connect();
    const job = (await g.call('GET', g.jobPath())).body;
    expect(job['@odata.context']).toBe(`${BASE}/$metadata#servicePrincipals('${g.sp}')/synchronization/jobs/$entity`);
    expect(job.schedule.state).toBe('Active');
    expect(job.status).toMatchObject({
      code: 'Active',
      quarantine: null,
      lastExecution: { state: 'Succeeded', countExported: 2, timeBegan: '2026-01-05T09:00:00.000Z' },
    });
    expect(job.status.lastSuccessfulExecutionWithExports.activityIdentifier).toBe(
      job.status.lastExecution.activityIdentifier,
    );

    // Step 16: pending members in NordPass; Bob was never assigned.
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
    expect(g.memberStatus('carol@contoso.com')).toBe('pending');
    expect(g.memberStatus('bob@contoso.com')).toBeUndefined();
    expect(bob.id).toMatch(GUID);
    const creates = await g.logs("provisioningAction eq 'create'");
    expect(creates.map((e) => e.sourceIdentity.details.UserPrincipalName).sort()).toEqual([
      'ada@contoso.com',
      'carol@contoso.com',
    ]);
    expect(creates.every((e) => e.provisioningStatusInfo.status === 'success' && e.jobId === g.azure.job.id)).toBe(
      true,
    );
    // Newest first, as Graph lists them.
    const all = await g.call('GET', '/auditLogs/provisioning');
    expect(all.body['@odata.context']).toBe(`${BASE}/$metadata#auditLogs/provisioning`);
    expect(all.body.value.map((e: Body) => e.id)).toEqual([...g.azure.logs.all()].reverse().map((r) => r.id));
    expect(await g.logs(`sourceIdentity/id eq '${ada.id}'`)).toHaveLength(1);
    expect(
      await g.logs(`cycleId eq '${job.status.lastExecution.activityIdentifier}' and provisioningAction eq 'create'`),
    ).toHaveLength(2);
  });

  it('unassign -> Disable; delete -> Disable; restore -> active again; delete permanently -> DELETE at NordPass', async () => {
    const g = graphWorld();
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    const carol = await g.createUser('carol@contoso.com', 'Carol Code');
    const adaAssignment = (await g.assign(ada.id)).body;
    await g.assign(carol.id);
    await g.connect();
    await g.clock.advance('2m');
    g.np.members.acceptInvitation(g.member('ada@contoso.com')!.id);

    // "Remove" Ada from the app: the next cycle, 40 minutes after the start, disables her.
    expect((await g.call('DELETE', `/servicePrincipals/${g.sp}/appRoleAssignedTo/${adaAssignment.id}`)).status).toBe(
      204,
    );
    expect(g.azure.app.isAssigned(ada.id)).toBe(false);
    await g.clock.advance('38m');
    expect(g.memberStatus('ada@contoso.com')).toBe('suspended');
    const disables = await g.logs("provisioningAction eq 'disable'");
    expect(disables.map((e) => e.sourceIdentity.id)).toEqual([ada.id]);

    // Delete Carol in the tenant: she leaves /users for Deleted users, and the next cycle disables her.
    expect((await g.call('DELETE', `/users/${carol.id}`)).status).toBe(204);
    expect((await g.call('GET', `/users/${carol.id}`)).status).toBe(404);
    const bin = await g.call('GET', '/directory/deletedItems/microsoft.graph.user');
    expect(bin.body.value).toEqual([
      expect.objectContaining({
        id: carol.id,
        userPrincipalName: 'carol@contoso.com',
        deletedDateTime: '2026-01-05T09:40:00.000Z',
      }),
    ]);
    expect((await g.call('GET', `/directory/deletedItems/${carol.id}`)).body).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: carol.id,
    });
    await g.clock.advance('40m');
    expect(g.memberStatus('carol@contoso.com')).toBe('forbidden');

    // Restore her: back in /users, and the next cycle re-enables her in NordPass.
    const restored = await g.call('POST', `/directory/deletedItems/${carol.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      '@odata.context': `${BASE}/$metadata#directoryObjects/$entity`,
      '@odata.type': '#microsoft.graph.user',
      id: carol.id,
    });
    expect((await g.call('GET', `/users/${carol.id}`)).status).toBe(200);
    await g.clock.advance('40m');
    expect(g.memberStatus('carol@contoso.com')).toBe('pending');

    // Delete again, then Delete permanently: the next cycle sends DELETE and NordPass deletes her at once.
    await g.call('DELETE', `/users/carol@contoso.com`);
    await g.clock.advance('40m');
    expect(g.memberStatus('carol@contoso.com')).toBe('forbidden');
    expect((await g.call('DELETE', `/directory/deletedItems/${carol.id}`)).status).toBe(204);
    expect((await g.call('GET', `/directory/deletedItems/${carol.id}`)).status).toBe(404);
    await g.clock.advance('40m');
    expect(g.memberStatus('carol@contoso.com')).toBe('deleted');
    const deletes = g.azure.exchanges.all().filter((e) => e.method === 'DELETE');
    expect(deletes.map((e) => e.status)).toEqual([204]);
    expect(await g.logs("provisioningAction eq 'delete' and provisioningStatusInfo/status eq 'success'")).toHaveLength(
      1,
    );
  });

  it('PATCH accountEnabled false / true blocks and unblocks sign-in: Disable, then active again', async () => {
    const g = graphWorld();
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    await g.assign(ada.id);
    await g.connect();
    expect((await g.call('PATCH', '/users/ada@contoso.com', { accountEnabled: false })).status).toBe(204);
    expect(g.azure.directory.user(ada.id)!.accountEnabled).toBe(false);
    const selected = await g.call('GET', `/users/${ada.id}?$select=accountEnabled,displayName`);
    expect(selected.body).toEqual({
      '@odata.context': `${BASE}/$metadata#users(accountEnabled,displayName)/$entity`,
      accountEnabled: false,
      displayName: 'Ada Lovelace',
    });
    await g.clock.advance('40m');
    expect(g.memberStatus('ada@contoso.com')).toBe('forbidden');
    await g.call('PATCH', `/users/${ada.id}`, { accountEnabled: true, jobTitle: 'Analyst' });
    expect(g.azure.directory.user(ada.id)).toMatchObject({ accountEnabled: true, jobTitle: 'Analyst' });
    await g.clock.advance('40m');
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
  });
});

describe('the job over Graph: pause, start, restart, allow deletes', () => {
  it('pause stops cycles, start resumes them, restart Full runs a new initial cycle', async () => {
    const g = graphWorld();
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    await g.assign(ada.id);
    await g.connect();
    expect((await g.call('POST', `${g.jobPath()}/pause`)).status).toBe(204);
    const paused = (await g.call('GET', g.jobPath())).body;
    expect(paused.status.code).toBe('Paused');
    expect(paused.schedule.state).toBe('Paused');
    const cycles = g.azure.job.cycles.length;
    await g.clock.advance('3h');
    expect(g.azure.job.cycles.length).toBe(cycles);
    // 204 at once; the cycle is due now and runs when the clock next moves (a script polls the job's status).
    expect((await g.call('POST', `${g.jobPath()}/start`)).status).toBe(204);
    expect(g.azure.job.cycles.length).toBe(cycles);
    const due = (await g.call('GET', g.jobPath())).body;
    expect(due.status.code).toBe('Active');
    expect(g.azure.job.status().nextCycleAt).toBe(g.clock.now());
    await g.clock.advance(0);
    expect(g.azure.job.cycles.length).toBe(cycles + 1);
    expect(g.azure.job.cycles.at(-1)!.kind).toBe('incremental');
    expect(g.azure.job.cycles.at(-1)!.began).toBe(g.clock.now());
    expect((await g.call('POST', `${g.jobPath()}/restart`, { criteria: { resetScope: 'Full' } })).status).toBe(204);
    expect(g.azure.job.cycles.at(-1)!.kind).toBe('incremental');
    await g.clock.advance('1s');
    expect(g.azure.job.cycles.at(-1)!.kind).toBe('initial');
    // Full breaks the links: Ada is matched again by userName (adopted), not created twice.
    expect(g.np.store.allMembers().filter((m) => m.userName === 'ada@contoso.com')).toHaveLength(1);
    expect(
      (
        await g.call('POST', `${g.jobPath()}/restart`, {
          criteria: { resetScope: 'Watermark, Escrows, QuarantineState' },
        })
      ).status,
    ).toBe(204);
    expect((await g.call('POST', `${g.jobPath()}/restart`)).status).toBe(204);
    await g.clock.advance(0);
    expect(g.azure.job.cycles.at(-1)!.kind).toBe('initial');
  });

  it('PUT schema: the mappings the engine models, applied at the next cycle; what it does not model is refused whole', async () => {
    // A NordPass with group provisioning, since the schema turns it on in Entra (Test Connection then asks for groups).
    const g = graphWorld({ nordpass: { groupProvisioning: true } });
    g.azure.job.create();
    const path = `${g.jobPath()}/schema`;
    const { '@odata.context': _context, ...schema } = (await g.call('GET', path)).body;
    const withUsers = (attributeMappings: Body[], extra: Body = {}) => ({
      ...schema,
      synchronizationRules: [
        {
          ...schema.synchronizationRules[0],
          objectMappings: [
            { ...schema.synchronizationRules[0].objectMappings[0], attributeMappings, ...extra },
            { ...schema.synchronizationRules[0].objectMappings[1], enabled: true },
          ],
        },
      ],
    });
    const current: Body[] = schema.synchronizationRules[0].objectMappings[0].attributeMappings;
    const attribute = (name: string, target: string, matchingPriority = 0) => ({
      ...current[0],
      source: { expression: `[${name}]`, name, parameters: [], type: 'Attribute' },
      targetAttributeName: target,
      matchingPriority,
    });
    const before = JSON.stringify(g.azure.app.settings);
    for (const [body, message] of [
      [withUsers([attribute('userPrincipalName', 'userName', 0)]), /must be a matching attribute/],
      [withUsers([attribute('shoeSize', 'userName', 1)]), /this engine maps the directory attributes/],
      [
        withUsers([
          {
            ...attribute('displayName', 'displayName', 1),
            source: { type: 'Function', name: 'Join', expression: 'Join(" ", [givenName], [surname])', parameters: [] },
          },
        ]),
        /Join takes 2 or more arguments, not 0/,
      ],
      [
        withUsers([
          {
            ...attribute('displayName', 'displayName', 1),
            source: { type: 'Function', name: 'Frobnicate', expression: 'Frobnicate([givenName])', parameters: [] },
          },
        ]),
        /Frobnicate is not a function this engine evaluates/,
      ],
      [withUsers([attribute('userPrincipalName', 'user name!', 1)]), /not a path this engine writes/],
      [
        withUsers(current, {
          scope: {
            groups: [
              {
                name: 'x',
                clauses: [{ operatorName: 'LIKE', sourceOperandName: 'department', targetOperand: { values: ['x'] } }],
              },
            ],
          },
        }),
        /scope\.groups\[0\]\.clauses\[0\]\.operatorName must be one of &, !&, ENDS_WITH, EQUALS/,
      ],
      [
        withUsers(current, {
          scope: {
            groups: [
              {
                name: 'x',
                clauses: [
                  { operatorName: 'REGEX MATCH', sourceOperandName: 'department', targetOperand: { values: ['('] } },
                ],
              },
            ],
          },
        }),
        /scope\.\[0\]\.clauses\[0\]\.value: not a regular expression/,
      ],
      [{ synchronizationRules: [] }, /the one rule/],
    ] as const) {
      const res = await g.call('PUT', path, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(JSON.stringify(g.azure.app.settings)).toBe(before);
    // The full non-gallery set's displayName and department join userName, active and externalId; groups on.
    const more = [
      ...current,
      attribute('displayName', 'displayName'),
      attribute('department', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'),
    ];
    const saved = await g.call('PUT', path, withUsers(more));
    expect(saved.status, JSON.stringify(saved.body)).toBe(204);
    expect(g.azure.app.settings.groupProvisioning).toBe(true);
    expect(g.azure.app.settings.mappings.map((m) => [m.source, m.target])).toEqual([
      ['userPrincipalName', 'userName'],
      ['IsSoftDeleted', 'active'],
      ['mailNickname', 'externalId'],
      ['displayName', 'displayName'],
      ['department', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'],
    ]);
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    await g.call('PATCH', `/users/${ada.id}`, { department: 'Research' });
    await g.assign(ada.id);
    await g.connect();
    const post = g.azure.exchanges.all().find((x) => x.method === 'POST' && x.path === '/Users')!;
    expect(JSON.parse(post.requestBody!)).toMatchObject({
      userName: 'ada@contoso.com',
      displayName: 'Ada Lovelace',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Research' },
    });
  });

  it('DELETE the job: it stops and is gone; a Save (PUT secrets) makes a new one with a new id', async () => {
    const g = graphWorld();
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    await g.assign(ada.id);
    await g.connect();
    const old = g.azure.job.id;
    const cycles = g.azure.job.cycles.length;
    expect((await g.call('DELETE', g.jobPath())).status).toBe(204);
    expect((await g.call('GET', `/servicePrincipals/${g.sp}/synchronization/jobs`)).body.value).toEqual([]);
    expect((await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/${old}/start`)).status).toBe(404);
    expect((await g.call('DELETE', `/servicePrincipals/${g.sp}/synchronization/jobs/${old}`)).status).toBe(404);
    await g.clock.advance('3h');
    expect(g.azure.job.cycles.length).toBe(cycles);
    const { tenantUrl, secretToken } = await g.credentials();
    const secrets = g.secrets({ BaseAddress: tenantUrl, SecretToken: secretToken });
    expect((await g.call('PUT', `/servicePrincipals/${g.sp}/synchronization/secrets`, secrets)).status).toBe(204);
    const [job] = (await g.call('GET', `/servicePrincipals/${g.sp}/synchronization/jobs`)).body.value;
    expect(job.id).not.toBe(old);
    expect(job.status.code).toBe('NotRun');
    expect(job.status.lastExecution).toBeNull();
  });

  it('too many deletes quarantine the job; restart ForceDeletes lets them through', async () => {
    const g = graphWorld({ azure: { provisioning: { deletionThreshold: 1 } } });
    const ids: string[] = [];
    for (const name of ['ada', 'bob']) {
      const user = await g.createUser(`${name}@contoso.com`, name);
      ids.push((await g.assign(user.id)).body.id);
    }
    await g.connect();
    for (const id of ids) await g.call('DELETE', `/servicePrincipals/${g.sp}/appRoleAssignedTo/${id}`);
    await g.clock.advance('40m');
    const job = (await g.call('GET', g.jobPath())).body;
    expect(job.synchronizationJobSettings).toEqual([{ name: 'QuarantineTooManyDeletesThreshold', value: '1' }]);
    expect(job.status.code).toBe('Quarantine');
    expect(job.status.quarantine).toMatchObject({
      reason: 'TooManyDeletes',
      error: { code: 'TooManyDeletes', tenantActionable: true },
    });
    expect(await g.logs("provisioningAction eq 'stagedDelete'")).toHaveLength(2);
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
    expect((await g.call('POST', `${g.jobPath()}/restart`, { criteria: { resetScope: 'ForceDeletes' } })).status).toBe(
      204,
    );
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
    await g.clock.advance(0);
    expect(g.memberStatus('ada@contoso.com')).toBe('forbidden');
    expect(g.memberStatus('bob@contoso.com')).toBe('forbidden');
    expect((await g.call('GET', g.jobPath())).body.status.code).toBe('Active');
  });

  it('PUT secrets applies SyncAll and SkipOutOfScopeDeletions, and saves nothing when a value is bad', async () => {
    const g = graphWorld();
    const path = `/servicePrincipals/${g.sp}/synchronization/secrets`;
    const bad = await g.call('PUT', path, g.secrets({ SyncAll: 'yes', SkipOutOfScopeDeletions: 'True' }));
    expect(bad.status).toBe(400);
    expect(g.azure.app.settings.skipOutOfScopeDeletions).toBe(false);
    expect(
      (
        await g.call(
          'PUT',
          path,
          g.secrets({
            SyncAll: 'true',
            SkipOutOfScopeDeletions: 'True',
            SyncNotificationSettings: '{"Enabled":false}',
          }),
        )
      ).status,
    ).toBe(204);
    expect(g.azure.app.settings).toMatchObject({ scope: 'all', skipOutOfScopeDeletions: true });
    const unknown = await g.call('PUT', path, { value: [{ key: 'Favourite', value: 'x' }] });
    expect(unknown.body.error.code).toBe('Request_BadRequest');
    // Sync all: a user never assigned is provisioned.
    await g.createUser('dan@contoso.com', 'Dan');
    await g.connect();
    expect(g.memberStatus('dan@contoso.com')).toBe('pending');
  });
});

describe('provisionOnDemand over Graph', () => {
  const onDemand = (objectId: string, objectTypeName = 'User') => ({
    parameters: [{ subjects: [{ objectId, objectTypeName }], ruleId: 'rule-1' }],
  });

  it('provisions one assigned user now and answers with stringKeyStringValuePair', async () => {
    const g = graphWorld();
    const ada = await g.createUser('ada@contoso.com', 'Ada Lovelace');
    await g.assign(ada.id);
    // No job yet: not found; a job without credentials: refused.
    expect((await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(ada.id))).status).toBe(404);
    await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs`, { templateId: 'scim' });
    const notSaved = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(ada.id));
    expect(notSaved.status).toBe(400);
    const { tenantUrl, secretToken } = await g.credentials();
    await g.call(
      'PUT',
      `/servicePrincipals/${g.sp}/synchronization/secrets`,
      g.secrets({ BaseAddress: tenantUrl, SecretToken: secretToken }),
    );
    const res = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(ada.id));
    expect(res.status).toBe(200);
    expect(res.body['@odata.type']).toBe('#microsoft.graph.stringKeyStringValuePair');
    expect(JSON.parse(res.body.key)).toEqual({ result: 'Success', details: {} });
    const value = JSON.parse(res.body.value);
    expect(value).toMatchObject({
      action: 'Create',
      reportableIdentifier: 'ada@contoso.com',
      statusInfo: { status: 'Success' },
      sourceIdentity: { id: ada.id, type: 'User' },
    });
    expect(value.provisioningSteps.map((s: Body) => s.type)).toContain('Export');
    expect(g.memberStatus('ada@contoso.com')).toBe('pending');
    // The job was never started: on demand runs outside the schedule.
    expect(g.azure.job.cycles).toHaveLength(0);
    // Run again: nothing to change, reported as Graph's sample reports it.
    const again = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(ada.id));
    expect(JSON.parse(again.body.key)).toMatchObject({ result: 'Skipped', details: { errorCode: 'RedundantExport' } });
    expect(JSON.parse(again.body.value).action).toBe('Other');
    expect(g.np.store.allMembers()).toHaveLength(1);
  });

  it('an unassigned user is skipped; two users, a big group or an unknown id are refused; a small group runs per member', async () => {
    const g = graphWorld();
    const { tenantUrl, secretToken } = await g.credentials();
    await g.call(
      'PUT',
      `/servicePrincipals/${g.sp}/synchronization/secrets`,
      g.secrets({ BaseAddress: tenantUrl, SecretToken: secretToken }),
    );
    const users: Body[] = [];
    for (let i = 1; i <= 6; i++) users.push(await g.createUser(`u${i}@contoso.com`, `User ${i}`));
    const skipped = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(users[0]!.id));
    expect(JSON.parse(skipped.body.key)).toMatchObject({
      result: 'Skipped',
      details: { errorCode: 'NotEffectivelyEntitled' },
    });
    expect(g.memberStatus('u1@contoso.com')).toBeUndefined();
    const two = {
      parameters: [
        {
          subjects: [
            { objectId: users[0]!.id, objectTypeName: 'User' },
            { objectId: users[1]!.id, objectTypeName: 'User' },
          ],
          ruleId: 'r',
        },
      ],
    };
    expect((await g.call('POST', `${g.jobPath()}/provisionOnDemand`, two)).status).toBe(400);
    expect(
      (await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand('7d3c1a5e-0000-4000-8000-000000000000'))).body
        .error.code,
    ).toBe('Request_ResourceNotFound');
    const big = (
      await g.call('POST', '/groups', {
        displayName: 'Big',
        mailNickname: 'big',
        mailEnabled: false,
        securityEnabled: true,
      })
    ).body;
    for (const u of users)
      await g.call('POST', `/groups/${big.id}/members/$ref`, { '@odata.id': `${BASE}/directoryObjects/${u.id}` });
    const refused = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(big.id, 'Group'));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/at most 5 members/);
    await g.call('DELETE', `/groups/${big.id}/members/${users[5]!.id}/$ref`);
    await g.assign(big.id);
    const group = await g.call('POST', `${g.jobPath()}/provisionOnDemand`, onDemand(big.id, 'Group'));
    expect(group.status).toBe(200);
    expect(JSON.parse(group.body.key).result).toBe('Success');
    expect(JSON.parse(group.body.value).members.map((m: Body) => m.action)).toEqual([
      'Create',
      'Create',
      'Create',
      'Create',
      'Create',
    ]);
    expect(g.memberStatus('u5@contoso.com')).toBe('pending');
    expect(g.memberStatus('u6@contoso.com')).toBeUndefined();
  });
});
