/** The group tests of `scimsim check` (with --groups, when the endpoint's discovery lists Groups). */
import type { CheckContext } from './context.ts';
import type { CheckTest } from './test.ts';
import { madeUser } from './user-tests.ts';

async function madeGroup(ctx: CheckContext, displayName = ctx.groupName()) {
  const created = await ctx.createGroup(displayName);
  ctx.expectStatus(created, [201], 'POST /Groups');
  ctx.expect(typeof created.body?.id === 'string' && created.body.id !== '', 'POST /Groups: a non-empty id');
  return { id: created.body.id as string, displayName };
}

const memberIds = (group: { members?: Array<{ value?: string }> } | undefined) =>
  (group?.members ?? []).map((m) => m.value);

export const GROUP_TESTS: CheckTest[] = [
  {
    id: 'create-group',
    name: 'Create a new Group',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence: 'POST /Groups answers 201 with an id; "Groups are created with an empty members list" (SCIM-TUT).',
    requests: ['POST /Groups'],
    async run(ctx) {
      await madeGroup(ctx);
    },
  },
  {
    id: 'duplicate-group',
    name: 'Create a duplicate Group',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence: '"Groups must have uniqueness on the \'displayName\' value": a second POST answers 409 (SCIM-TUT).',
    requests: ['POST /Groups', 'POST /Groups (the same displayName)'],
    async run(ctx) {
      const { displayName } = await madeGroup(ctx);
      ctx.expectStatus(await ctx.createGroup(displayName), [409], 'the second POST of one displayName');
    },
  },
  {
    id: 'filter-group-excluding-members',
    name: 'Filter for an existing group by displayName excluding members',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence: '"The filter excludedAttributes=members when querying the group resource" is supported (SCIM-TUT).',
    requests: ['POST /Groups', 'GET /Groups?excludedAttributes=members&filter=displayName eq "<name>"'],
    async run(ctx) {
      const { id, displayName } = await madeGroup(ctx);
      const list = ctx.expectList(
        await ctx.filter('Groups', 'displayName', displayName, 'excludedAttributes=members&'),
        'the filter',
      );
      ctx.expect(list.totalResults === 1 && list.Resources[0]?.id === id, 'the filter: the group');
      ctx.expect(
        !('members' in (list.Resources[0] ?? {})),
        'the filter: "The response should exclude the attribute: members"',
      );
    },
  },
  {
    id: 'add-member',
    name: 'Patch Group - Add Member',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence:
      'Entra adds members with {"op":"Add","path":"members","value":[{"value":"<id>"}]} (SCIM-TUT "Update Group [Add Members]").',
    requests: ['POST /Groups', 'POST /Users', 'PATCH /Groups/{id} add member', 'GET /Groups/{id}'],
    async run(ctx) {
      const { id } = await madeGroup(ctx);
      const user = (await madeUser(ctx)).id;
      ctx.expectStatus(
        await ctx.patch('Groups', id, [{ op: ctx.op('add'), path: 'members', value: [{ value: user }] }]),
        [200, 204],
        'the PATCH',
      );
      const got = await ctx.send('GET', `/Groups/${encodeURIComponent(id)}`);
      ctx.expectStatus(got, [200], 'GET /Groups/{id}');
      ctx.expect(memberIds(got.body).includes(user), 'GET after the PATCH: the member is there');
    },
  },
  {
    id: 'remove-member',
    name: 'Patch Group - Remove Member',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence:
      'Entra removes a member with {"op":"Remove","path":"members","value":[{"value":"<id>"}]} in its default dialect and members[value eq "<id>"] with aadOptscim062020 (COMPAT).',
    requests: ['POST /Groups', 'POST /Users (two)', 'PATCH add both', 'PATCH remove one', 'GET /Groups/{id}'],
    async run(ctx) {
      const { id } = await madeGroup(ctx);
      const [a, b] = [(await madeUser(ctx)).id, (await madeUser(ctx)).id];
      ctx.expectStatus(
        await ctx.patch('Groups', id, [{ op: ctx.op('add'), path: 'members', value: [{ value: a }, { value: b }] }]),
        [200, 204],
        'adding two members',
      );
      const removal = ctx.entraDefault
        ? { op: 'Remove', path: 'members', value: [{ value: a }] }
        : { op: 'remove', path: `members[value eq "${a}"]` };
      ctx.expectStatus(await ctx.patch('Groups', id, [removal]), [200, 204], 'removing one');
      const got = await ctx.send('GET', `/Groups/${encodeURIComponent(id)}`);
      ctx.expectStatus(got, [200], 'GET /Groups/{id}');
      ctx.expect(
        !memberIds(got.body).includes(a) && memberIds(got.body).includes(b),
        'GET: the one removed, the other kept',
      );
    },
  },
  {
    id: 'delete-group',
    name: 'Delete a Group',
    source: 'SCIM Validator',
    required: true,
    groups: true,
    sentence: 'DELETE /Groups/{id} answers 204, then GET answers 404 (SCIM-TUT "Delete Group").',
    requests: ['POST /Groups', 'DELETE /Groups/{id}', 'GET /Groups/{id}'],
    async run(ctx) {
      const { id } = await madeGroup(ctx);
      ctx.expectStatus(await ctx.send('DELETE', `/Groups/${encodeURIComponent(id)}`), [204], 'the DELETE');
      ctx.expectStatus(await ctx.send('GET', `/Groups/${encodeURIComponent(id)}`), [404], 'GET after the DELETE');
    },
  },
];
