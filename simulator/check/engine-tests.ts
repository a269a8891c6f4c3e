/**
 * The gallery's Logic-App tests that drive Entra's provisioning engine (research/validator.md §3, tests 1-7):
 * here scimsim's own engine plays Entra, in a tenant of its own on a virtual clock, and sends its requests over
 * HTTP to the endpoint. Each test checks what the Logic App checks: the provisioning log's action and status,
 * and the user as the endpoint then shows it. No Microsoft tool can run these without a real tenant.
 */
import { createWorld, type World } from '../world.ts';
import { type CheckContext, NotApplicable } from './context.ts';
import type { CheckTest } from './test.ts';

/** A tenant user (the type through the world: only the composition roots import the mock Entra). */
type DirectoryUser = ReturnType<World['azure']['directory']['addUser']>;

/** A tenant whose NordPass app points at the endpoint, credentials saved (Test Connection passed). */
async function tenant(ctx: CheckContext, options: { groups?: boolean } = {}): Promise<World> {
  if (ctx.options.profile === 'okta')
    throw new NotApplicable("Entra's engine drives these tests; the okta profile sends Okta's requests");
  const world = createWorld({
    start: '2026-01-05T09:00:00Z',
    seed: ctx.prefix,
    scim: 'http',
    // The non-gallery mappings: what a SCIM app added to Entra gets (userName, active, displayName, emails, name...).
    azure: { provisioning: { mappings: 'nonGallery', groupProvisioning: options.groups === true } },
  });
  // What the engine sent is kept with the test's result (no Authorization header is in the engine's record).
  ctx.engineExchanges.push(() =>
    world.azure.exchanges.all().map((x) => ({
      method: x.method,
      path: `${x.path} (the engine)`,
      ...(x.requestBody !== undefined ? { requestBody: x.requestBody } : {}),
      ...(x.status !== undefined ? { status: x.status } : {}),
      ...(x.responseBody !== undefined ? { responseBody: x.responseBody } : {}),
      ...(x.error ? { error: x.error } : {}),
    })),
  );
  const url = ctx.options.profile === 'entra-aadoptscim062020' ? `${ctx.base}?aadOptscim062020` : ctx.base;
  await world.azure.job.saveCredentials(url, ctx.options.token);
  return world;
}

/** A user in the tenant, named under the run's prefix, assigned to the app. */
function assignedUser(ctx: CheckContext, world: World): DirectoryUser {
  const userPrincipalName = ctx.userName();
  const user = world.azure.directory.addUser({
    userPrincipalName,
    displayName: `Check ${userPrincipalName.split('@')[0]}`,
  });
  world.azure.app.assign(user.id);
  return user;
}

/** The job's cycles so far; what it made on the endpoint is removed at the end of the run. */
async function cycle(ctx: CheckContext, world: World, first = false): Promise<void> {
  if (first) await world.azure.job.start();
  else await world.clock.advance('40m');
  for (const link of world.azure.job.links.values())
    if (!ctx.made.some((m) => m.id === link.targetId)) ctx.made.push({ resource: 'Users', id: link.targetId });
  for (const link of world.azure.job.groupLinks.values())
    if (!ctx.made.some((m) => m.id === link.targetId)) ctx.made.push({ resource: 'Groups', id: link.targetId });
}

/** A group in the tenant, named under the run's prefix, assigned to the app (group provisioning on). */
function assignedGroup(ctx: CheckContext, world: World) {
  const group = world.azure.directory.addGroup({ displayName: ctx.groupName() });
  world.azure.app.assign(group.id);
  return group;
}

/** The group as the endpoint shows it to `displayName eq`, or undefined. */
async function groupOnEndpoint(ctx: CheckContext, displayName: string) {
  const list = ctx.expectList(await ctx.filter('Groups', 'displayName', displayName), 'GET by displayName');
  return list.totalResults > 0 ? list.Resources[0] : undefined;
}

/** The members the endpoint lists for a group (its GET by id). */
async function membersOnEndpoint(ctx: CheckContext, id: string): Promise<string[]> {
  const got = await ctx.send('GET', `/Groups/${encodeURIComponent(id)}`);
  ctx.expectStatus(got, [200], 'GET /Groups/{id}');
  return (got.body?.members ?? []).map((m: { value?: string }) => m.value);
}

/** The newest log entry for a user or a group (by its object id), checked for its action and status (the Logic App's audit-log check). */
function expectLog(
  ctx: CheckContext,
  world: World,
  object: { id: string; userPrincipalName?: string; displayName: string },
  action: string,
) {
  const entry = world.azure.logs.query({ userId: object.id }).at(-1);
  ctx.expect(entry !== undefined, `a provisioning log entry for ${object.userPrincipalName ?? object.displayName}`);
  ctx.expect(
    entry!.action === action && entry!.status === 'success',
    `provisioningAction=${action} and status=success, got ${entry!.action} ${entry!.status}${entry!.errorCode ? ` (${entry!.errorCode}: ${entry!.reason})` : ''}`,
  );
  return entry!;
}

/** The user as the endpoint shows it to `userName eq`, or undefined. */
async function onEndpoint(ctx: CheckContext, user: DirectoryUser) {
  const list = ctx.expectList(await ctx.filter('Users', 'userName', user.userPrincipalName), 'GET by userName');
  return list.totalResults > 0 ? list.Resources[0] : undefined;
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const active = (value: unknown) => value === true || value === 'True' || value === 'true';

export const ENGINE_TESTS: CheckTest[] = [
  {
    id: 'engine-create',
    name: 'Create_User_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      '"Provisioning audit log with provisioningAction=Create and status=success found; user found on SCIM via GET /Users?filter=userName eq" (the engine, assign, a cycle).',
    requests: ['the engine: Test Connection, GET by userName, POST /Users', 'GET /Users?filter=userName eq'],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      expectLog(ctx, world, user, 'Create');
      ctx.expect((await onEndpoint(ctx, user)) !== undefined, 'the user is found on the endpoint');
    },
  },
  {
    id: 'engine-update',
    name: 'Update_User_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      'A changed attribute in Entra: an Update log with success, and "all updated attribute values match on SCIM endpoint".',
    requests: ['the engine: create, then PATCH the changed attributes', 'GET /Users?filter=userName eq'],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      world.azure.directory.updateUser(user.id, { displayName: 'Updated Check', jobTitle: 'Tester' });
      await cycle(ctx, world);
      expectLog(ctx, world, user, 'Update');
      const shown = await onEndpoint(ctx, user);
      ctx.expect(
        shown?.displayName === 'Updated Check',
        `displayName on the endpoint is Updated Check, got ${JSON.stringify(shown?.displayName)}`,
      );
      ctx.expect(shown?.title === 'Tester', `title on the endpoint is Tester, got ${JSON.stringify(shown?.title)}`);
    },
  },
  {
    id: 'engine-manager',
    name: 'User_Update_Manager_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      'Assign a manager, change it, remove it: each a log whose modifiedProperties contain manager (skipped when manager is not mapped).',
    requests: [
      "the engine: create three users; then PATCH the report's manager (Add), again (Add), then Remove",
      'GET /Users?filter=userName eq',
    ],
    async run(ctx) {
      const world = await tenant(ctx);
      const report = assignedUser(ctx, world);
      const first = assignedUser(ctx, world);
      const second = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      const idOf = (user: DirectoryUser) => world.azure.job.links.get(user.id)!.targetId;
      const phases = [
        ['assign', first],
        ['change', second],
        ['remove', undefined],
      ] as const;
      for (const [phase, manager] of phases) {
        world.azure.directory.setManager(report.id, manager?.id);
        await cycle(ctx, world);
        const entry = expectLog(ctx, world, report, 'Update');
        const change = entry.modified?.find((m) => m.displayName.toLowerCase().endsWith(':manager'));
        const wanted = manager ? idOf(manager) : '';
        ctx.expect(change !== undefined, `${phase}: the log's modifiedProperties contain manager`);
        ctx.expect(
          change!.newValue === wanted,
          `${phase}: the log's newValue for manager is ${JSON.stringify(wanted)}, got ${JSON.stringify(change!.newValue)}`,
        );
        const shown = (await onEndpoint(ctx, report))?.[ENTERPRISE] as { manager?: { value?: string } } | undefined;
        const now = shown?.manager?.value ?? '';
        ctx.expect(
          now === wanted,
          `${phase}: the endpoint shows manager ${JSON.stringify(wanted)}, got ${JSON.stringify(now)}`,
        );
      }
    },
  },
  {
    id: 'engine-disable',
    name: 'Disable_User_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      'Sign-in blocked in Entra: a Disable log with success, and the endpoint shows active false ("soft-delete support is required").',
    requests: [
      "the engine: create, then PATCH active false (in the profile's dialect)",
      'GET /Users?filter=userName eq',
    ],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      world.azure.directory.updateUser(user.id, { accountEnabled: false });
      await cycle(ctx, world);
      expectLog(ctx, world, user, 'Disable');
      const shown = await onEndpoint(ctx, user);
      ctx.expect(shown !== undefined && !active(shown.active), 'the endpoint shows the user with active false');
    },
  },
  {
    id: 'engine-restore',
    name: 'Restore_User_Test',
    source: 'Logic-App validation',
    required: true,
    sentence: 'Unassign (deprovision), then assign again: the same user comes back on the endpoint, active.',
    requests: [
      'the engine: create, unassign (PATCH active false), re-assign (PATCH active true)',
      'GET /Users?filter=userName eq',
    ],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      const id = world.azure.job.links.get(user.id)?.targetId;
      world.azure.app.unassign(user.id);
      await cycle(ctx, world);
      expectLog(ctx, world, user, 'Disable');
      world.azure.app.assign(user.id);
      await cycle(ctx, world);
      const shown = await onEndpoint(ctx, user);
      ctx.expect(shown !== undefined && active(shown.active), 'the endpoint shows the user active again');
      ctx.expect(shown?.id === id, 'the same resource as before (matched by userName, not created again)');
    },
  },
  {
    id: 'engine-delete',
    name: 'Delete_User_Test',
    source: 'Logic-App validation',
    required: false,
    sentence:
      'Deleted in the tenant and purged from the recycle bin: a Delete log with success, and "user no longer on SCIM (404 or totalResults=0)".',
    requests: [
      'the engine: create, disable (soft delete), DELETE (after the permanent delete)',
      'GET /Users?filter=userName eq',
    ],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      await cycle(ctx, world, true);
      world.azure.directory.deleteUser(user.id);
      await cycle(ctx, world);
      world.azure.directory.deleteUserPermanently(user.id);
      await cycle(ctx, world);
      expectLog(ctx, world, user, 'Delete');
      ctx.expect((await onEndpoint(ctx, user)) === undefined, 'the user is no longer found on the endpoint');
    },
  },
  {
    id: 'engine-on-demand',
    name: 'POD_User_Test',
    source: 'Logic-App validation',
    required: true,
    sentence: 'Provision on demand for one user: it succeeds, and the user is found on the endpoint.',
    requests: [
      'the engine (on demand): Test Connection, GET by userName, POST /Users',
      'GET /Users?filter=userName eq',
    ],
    async run(ctx) {
      const world = await tenant(ctx);
      const user = assignedUser(ctx, world);
      const record = await world.azure.job.provisionOnDemand(user.id);
      const link = world.azure.job.links.get(user.id);
      if (link) ctx.made.push({ resource: 'Users', id: link.targetId });
      ctx.expect(
        record.action === 'Create' && record.status === 'success',
        `on demand: Create and success, got ${record.action} ${record.status}${record.errorCode ? ` (${record.errorCode})` : ''}`,
      );
      ctx.expect((await onEndpoint(ctx, user)) !== undefined, 'the user is found on the endpoint');
    },
  },
  {
    id: 'engine-create-group',
    name: 'Create_Group_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence:
      'An assigned group: a Create log with success, and "group found on SCIM via GET /Groups?filter=displayName eq".',
    requests: ['the engine: GET /Groups by displayName, POST /Groups', 'GET /Groups?filter=displayName eq'],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      await cycle(ctx, world, true);
      expectLog(ctx, world, group, 'Create');
      ctx.expect((await groupOnEndpoint(ctx, group.displayName)) !== undefined, 'the group is found on the endpoint');
    },
  },
  {
    id: 'engine-update-group',
    name: 'Update_Group_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence: 'A group renamed in Entra: an Update log with success, and the new displayName on SCIM.',
    requests: ['the engine: create, then PATCH displayName', 'GET /Groups?filter=displayName eq "<new name>"'],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      await cycle(ctx, world, true);
      const renamed = ctx.groupName();
      world.azure.directory.updateGroup(group.id, { displayName: renamed });
      await cycle(ctx, world);
      expectLog(ctx, world, group, 'Update');
      ctx.expect((await groupOnEndpoint(ctx, renamed)) !== undefined, `the group is found as ${renamed}`);
    },
  },
  {
    id: 'engine-add-member',
    name: 'Group_Update_Add_Member_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence:
      "A member added in Entra: an Update log whose modifiedProperties contain members with the user's id as newValue, and the member on SCIM.",
    requests: ['the engine: create the group, create the user, PATCH add member', 'GET /Groups/{id}'],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      await cycle(ctx, world, true);
      const userPrincipalName = ctx.userName();
      const user = world.azure.directory.addUser({ userPrincipalName, displayName: 'Check member' });
      world.azure.directory.addMember(group.id, user.id);
      await cycle(ctx, world);
      const member = world.azure.job.links.get(user.id)?.targetId;
      ctx.expect(member !== undefined, 'the member was provisioned');
      const entry = expectLog(ctx, world, group, 'Update');
      ctx.expect(
        entry.modified?.some((m) => m.displayName === 'members' && m.newValue === member && m.oldValue === null) ===
          true,
        'modifiedProperties: members, newValue the user, oldValue empty',
      );
      const id = world.azure.job.groupLinks.get(group.id)!.targetId;
      ctx.expect((await membersOnEndpoint(ctx, id)).includes(member!), 'the endpoint lists the member');
    },
  },
  {
    id: 'engine-remove-member',
    name: 'Group_Update_Remove_Member_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence:
      "A member removed in Entra: an Update log whose modifiedProperties contain members with the user's id as oldValue, and the member gone from SCIM.",
    requests: ['the engine: group and member, then PATCH remove member', 'GET /Groups/{id}'],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      const user = world.azure.directory.addUser({ userPrincipalName: ctx.userName(), displayName: 'Check member' });
      world.azure.directory.addMember(group.id, user.id);
      await cycle(ctx, world, true);
      const member = world.azure.job.links.get(user.id)?.targetId;
      world.azure.directory.removeMember(group.id, user.id);
      await cycle(ctx, world);
      const entry = expectLog(ctx, world, group, 'Update');
      ctx.expect(
        entry.modified?.some((m) => m.displayName === 'members' && m.oldValue === member && m.newValue === null) ===
          true,
        'modifiedProperties: members, oldValue the user, newValue empty',
      );
      const id = world.azure.job.groupLinks.get(group.id)!.targetId;
      ctx.expect(!(await membersOnEndpoint(ctx, id)).includes(member!), 'the endpoint no longer lists the member');
    },
  },
  {
    id: 'engine-delete-group',
    name: 'Delete_Group_Test',
    source: 'Logic-App validation',
    required: false,
    groups: true,
    sentence: 'A group that leaves scope: a Delete log with success, and "group returns totalResults=0 on SCIM".',
    requests: ['the engine: create the group, then DELETE it', 'GET /Groups?filter=displayName eq'],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      await cycle(ctx, world, true);
      world.azure.app.unassign(group.id);
      await cycle(ctx, world);
      expectLog(ctx, world, group, 'Delete');
      ctx.expect((await groupOnEndpoint(ctx, group.displayName)) === undefined, 'the group is gone from the endpoint');
    },
  },
  {
    id: 'engine-on-demand-group',
    name: 'POD_Group_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence:
      'Provision on demand for a group: it succeeds (its member, then the group), and the group is found on SCIM.',
    requests: [
      'the engine (on demand): Test Connection, the member (GET by userName, POST /Users), the group (GET by displayName, POST /Groups, PATCH add member)',
      'GET /Groups?filter=displayName eq',
      'GET /Groups/{id}',
    ],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      const user = world.azure.directory.addUser({ userPrincipalName: ctx.userName(), displayName: 'Check member' });
      world.azure.directory.addMember(group.id, user.id);
      const records = await world.azure.job.provisionGroupOnDemand(group.id);
      const member = world.azure.job.links.get(user.id)?.targetId;
      const groupLink = world.azure.job.groupLinks.get(group.id);
      if (member) ctx.made.push({ resource: 'Users', id: member });
      if (groupLink) ctx.made.push({ resource: 'Groups', id: groupLink.targetId });
      const describe = (r: (typeof records)[number] | undefined) =>
        r ? `${r.action} ${r.status}${r.errorCode ? ` (${r.errorCode}: ${r.reason})` : ''}` : 'no entry';
      const userRecord = records.find((r) => r.source.id === user.id);
      const groupRecord = records.find((r) => r.source.id === group.id);
      ctx.expect(
        userRecord?.action === 'Create' && userRecord.status === 'success',
        `on demand, the member: Create and success, got ${describe(userRecord)}`,
      );
      ctx.expect(
        groupRecord?.action === 'Create' && groupRecord.status === 'success',
        `on demand, the group: Create and success, got ${describe(groupRecord)}`,
      );
      const shown = await groupOnEndpoint(ctx, group.displayName);
      ctx.expect(shown !== undefined, 'the group is found on the endpoint');
      ctx.expect(
        (await membersOnEndpoint(ctx, String(shown!.id))).includes(member!),
        'the endpoint lists the member in the group',
      );
    },
  },
  {
    id: 'engine-restore-group',
    name: 'Restore_Group_Test',
    source: 'Logic-App validation',
    required: false,
    groups: true,
    sentence:
      'The unassign/reassign of Restore_User_Test for a group: Create and on SCIM, then Delete and gone, then Create again and back (UnassignReassign).',
    requests: [
      'the engine: create the group, DELETE it (unassigned), create it again (assigned again)',
      'GET /Groups?filter=displayName eq (after each phase)',
    ],
    async run(ctx) {
      const world = await tenant(ctx, { groups: true });
      const group = assignedGroup(ctx, world);
      await cycle(ctx, world, true);
      expectLog(ctx, world, group, 'Create');
      ctx.expect(
        (await groupOnEndpoint(ctx, group.displayName)) !== undefined,
        'phase 1: the group is on the endpoint',
      );
      world.azure.app.unassign(group.id);
      await cycle(ctx, world);
      expectLog(ctx, world, group, 'Delete');
      ctx.expect((await groupOnEndpoint(ctx, group.displayName)) === undefined, 'phase 2: the group is gone');
      world.azure.app.assign(group.id);
      await cycle(ctx, world);
      expectLog(ctx, world, group, 'Create');
      ctx.expect((await groupOnEndpoint(ctx, group.displayName)) !== undefined, 'phase 3: the group is back');
    },
  },
];
