/**
 * The user tests of `scimsim check`, as data: Microsoft's names where Microsoft has the test (the hosted SCIM
 * Validator, the gallery's Logic-App validation, the request examples of SCIM-TUT; research/validator.md), then
 * the checks only an engine can make. Each says the documented sentence it enforces.
 */
import { randomUUID } from 'node:crypto';
import type { CheckContext } from './context.ts';
import type { CheckTest } from './test.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A user made for the test (POST /Users as Entra sends it): its id and userName. */
export async function madeUser(ctx: CheckContext, userName = ctx.userName()) {
  const created = await ctx.createUser(userName);
  ctx.expectStatus(created, [201], 'POST /Users');
  ctx.expect(typeof created.body?.id === 'string' && created.body.id !== '', 'POST /Users: a non-empty id');
  return { id: created.body.id as string, userName };
}

async function getUser(ctx: CheckContext, id: string) {
  const got = await ctx.send('GET', `/Users/${encodeURIComponent(id)}`);
  ctx.expectStatus(got, [200], `GET /Users/${id}`);
  return got.body;
}

/** Entra's Disable: PATCH active false (a string in the default dialect); Okta's: PUT of the user with active false. */
async function setActive(ctx: CheckContext, id: string, active: boolean) {
  if (ctx.options.profile === 'okta') {
    const user = await getUser(ctx, id);
    const { meta: _meta, ...rest } = user;
    const put = await ctx.send('PUT', `/Users/${encodeURIComponent(id)}`, { ...rest, active });
    ctx.expectStatus(put, [200], 'PUT /Users/{id} with active');
    return;
  }
  const patched = await ctx.patch('Users', id, [{ op: ctx.op('replace'), path: 'active', value: ctx.bool(active) }]);
  ctx.expectStatus(patched, [200, 204], `PATCH active ${active}`);
}

const isActive = (value: unknown) => value === true || value === 'True' || value === 'true';

export const USER_TESTS: CheckTest[] = [
  {
    id: 'test-connection',
    name: 'Test Connection',
    source: 'SCIM-TUT',
    required: true,
    sentence:
      'Test Connection "queries the SCIM endpoint for a user that doesn\'t exist, using a random GUID as the matching property… The expected correct response is HTTP 200 OK with an empty SCIM ListResponse message."',
    requests: ['GET /Users?filter=userName eq "<random GUID>"'],
    async run(ctx) {
      const list = ctx.expectList(await ctx.filter('Users', 'userName', randomUUID()), 'the probe');
      ctx.expect(list.totalResults === 0, 'the probe: totalResults 0 for a userName nobody has');
    },
  },
  {
    id: 'create-user',
    name: 'Create a new User',
    source: 'SCIM Validator',
    required: true,
    sentence:
      'POST /Users answers 201 with an id, and the user is then found with userName eq (SCIM-TUT "Create User").',
    requests: ['POST /Users', 'GET /Users?filter=userName eq "<userName>"'],
    async run(ctx) {
      const { id, userName } = await madeUser(ctx);
      const list = ctx.expectList(await ctx.filter('Users', 'userName', userName), 'GET by userName');
      ctx.expect(list.totalResults === 1, 'GET by userName: totalResults 1');
      ctx.expect(list.Resources[0]?.id === id, 'GET by userName: the created user (same id)');
      ctx.expect(list.Resources[0]?.userName === userName, 'GET by userName: userName as sent');
    },
  },
  {
    id: 'duplicate-user',
    name: 'Create a duplicate User',
    source: 'SCIM Validator',
    required: true,
    sentence: 'A POST with a userName that is taken answers 409 Conflict (RFC 7644 §3.3, scimType uniqueness).',
    requests: ['POST /Users', 'POST /Users (the same userName)'],
    async run(ctx) {
      const { userName } = await madeUser(ctx);
      const again = await ctx.createUser(userName);
      ctx.expectStatus(again, [409], 'the second POST of one userName');
    },
  },
  {
    id: 'filter-existing-user',
    name: 'Filter for an existing user',
    source: 'SCIM Validator',
    required: true,
    sentence: '"Response to a query/filter request should always be a ListResponse" with the user in it (SCIM-TUT).',
    requests: ['POST /Users', 'GET /Users?filter=userName eq "<userName>"'],
    async run(ctx) {
      const { id, userName } = await madeUser(ctx);
      const list = ctx.expectList(await ctx.filter('Users', 'userName', userName), 'the filter');
      ctx.expect(list.totalResults === 1 && list.Resources[0]?.id === id, 'the filter: exactly the user');
    },
  },
  {
    id: 'filter-missing-user',
    name: 'Filter for a non-existing user',
    source: 'SCIM Validator',
    required: true,
    sentence: '"Querying a nonexistent user returns success with 0 results (not an error)" (gallery checklist).',
    requests: ['GET /Users?filter=userName eq "nonexistent<hex>_<userName>"'],
    async run(ctx) {
      const list = ctx.expectList(
        await ctx.filter('Users', 'userName', `nonexistent${randomUUID().slice(0, 8)}_${ctx.userName()}`),
        'the filter',
      );
      ctx.expect(list.totalResults === 0, 'the filter: totalResults 0');
    },
  },
  {
    id: 'filter-user-case',
    name: 'Filter for an existing user with a different case',
    source: 'SCIM Validator',
    required: true,
    sentence: 'userName is caseExact false (RFC 7643 §4.1): the lookup in upper case finds the user.',
    requests: ['POST /Users', 'GET /Users?filter=userName eq "<USERNAME>"'],
    async run(ctx) {
      const { id, userName } = await madeUser(ctx);
      const list = ctx.expectList(await ctx.filter('Users', 'userName', userName.toUpperCase()), 'the filter');
      ctx.expect(list.totalResults === 1 && list.Resources[0]?.id === id, 'the upper-case filter: the user');
    },
  },
  {
    id: 'patch-user-replace',
    name: 'Patch User - Replace Attributes',
    source: 'SCIM Validator',
    required: true,
    sentence:
      'Entra updates a user with Replace operations (a value-filter path for the work email, a path per attribute in its default dialect, a path-less value with aadOptscim062020): the values come back on GET (SCIM-TUT "Update User").',
    requests: ['POST /Users', 'PATCH /Users/{id}', 'GET /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      const email = ctx.userName('-new');
      const operations = ctx.entraDefault
        ? [
            { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
            { op: 'Replace', path: 'name.familyName', value: 'Updated' },
            { op: 'Replace', path: 'displayName', value: 'Updated Check' },
          ]
        : [
            { op: 'replace', path: 'emails[type eq "work"].value', value: email },
            { op: 'replace', value: { 'name.familyName': 'Updated', displayName: 'Updated Check' } },
          ];
      ctx.expectStatus(await ctx.patch('Users', id, operations), [200, 204], 'the PATCH');
      const user = await getUser(ctx, id);
      ctx.expect(user?.name?.familyName === 'Updated', 'GET after the PATCH: name.familyName is Updated');
      ctx.expect(user?.displayName === 'Updated Check', 'GET after the PATCH: displayName is Updated Check');
      const work = (user?.emails ?? []).find((e: { type?: string }) => e.type === 'work');
      ctx.expect(work?.value === email, `GET after the PATCH: the work email is ${email}`);
    },
  },
  {
    id: 'update-username',
    name: 'Update User userName',
    source: 'SCIM Validator',
    required: true,
    sentence: 'A Replace of userName is stored and returned (SCIM-TUT "Update User [Single-valued properties]").',
    requests: ['POST /Users', 'PATCH /Users/{id} userName', 'GET /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      const renamed = ctx.userName('-renamed');
      ctx.expectStatus(
        await ctx.patch('Users', id, [{ op: ctx.op('replace'), path: 'userName', value: renamed }]),
        [200, 204],
        'the PATCH',
      );
      ctx.expect((await getUser(ctx, id))?.userName === renamed, `GET after the PATCH: userName ${renamed}`);
    },
  },
  {
    id: 'disable-user',
    name: 'Patch User - Disable User',
    source: 'SCIM Validator',
    required: true,
    sentence:
      'Entra disables with {"op":"Replace","path":"active","value":"False"} (a string, in its default dialect) and then reads the user back: "The user object should be returned in a request whether or not the user is active" (SCIM-TUT).',
    requests: ['POST /Users', 'PATCH /Users/{id} active false', 'GET /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      await setActive(ctx, id, false);
      const user = await getUser(ctx, id);
      ctx.expect(user && !isActive(user.active), 'GET after the Disable: active is false');
    },
  },
  {
    id: 'reenable-user',
    name: 'Re-enable a disabled user',
    source: 'scimsim',
    required: true,
    sentence:
      'Soft delete and restore: "Soft-deleting a user active=false and restoring the user active=true" (SCIM-TUT requirements).',
    requests: ['POST /Users', 'PATCH active false', 'PATCH active true', 'GET /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      await setActive(ctx, id, false);
      await setActive(ctx, id, true);
      ctx.expect(isActive((await getUser(ctx, id))?.active), 'GET after the re-enable: active is true');
    },
  },
  {
    id: 'unassign-reassign',
    name: 'Unassign, then re-assign',
    source: 'scimsim',
    required: true,
    sentence:
      'Entra disables a user who leaves scope and, when re-assigned, finds them with userName eq and enables the same resource (no second create).',
    requests: ['POST /Users', 'PATCH active false', 'GET /Users?filter=userName eq', 'PATCH active true'],
    async run(ctx) {
      const { id, userName } = await madeUser(ctx);
      await setActive(ctx, id, false);
      const list = ctx.expectList(await ctx.filter('Users', 'userName', userName), 'the lookup at re-assignment');
      ctx.expect(list.totalResults === 1 && list.Resources[0]?.id === id, 'the lookup: the disabled user, same id');
      await setActive(ctx, id, true);
      ctx.expect(isActive((await getUser(ctx, id))?.active), 'GET: active again');
    },
  },
  {
    id: 'delete-user',
    name: 'Delete a User',
    source: 'SCIM Validator',
    required: true,
    sentence: 'DELETE /Users/{id} answers 204, and the user is gone: GET answers 404 (SCIM-TUT "Delete User").',
    requests: ['POST /Users', 'DELETE /Users/{id}', 'GET /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      ctx.expectStatus(await ctx.send('DELETE', `/Users/${encodeURIComponent(id)}`), [204], 'the DELETE');
      ctx.expectStatus(await ctx.send('GET', `/Users/${encodeURIComponent(id)}`), [404], 'GET after the DELETE');
    },
  },
  {
    id: 'delete-user-twice',
    name: 'Delete the same User twice',
    source: 'SCIM Validator',
    required: false,
    sentence: "The second DELETE of one user answers 404 (the Validator's preview test).",
    requests: ['POST /Users', 'DELETE /Users/{id}', 'DELETE /Users/{id}'],
    async run(ctx) {
      const { id } = await madeUser(ctx);
      ctx.expectStatus(await ctx.send('DELETE', `/Users/${encodeURIComponent(id)}`), [204], 'the first DELETE');
      ctx.expectStatus(await ctx.send('DELETE', `/Users/${encodeURIComponent(id)}`), [404], 'the second DELETE');
    },
  },
  {
    id: 'delete-missing-user',
    name: 'Delete a non-existent User',
    source: 'SCIM Validator',
    required: false,
    sentence:
      '"DELETE request on a non-existent resource returns 404 NotFound as expected" (the Validator\'s preview test).',
    requests: ['DELETE /Users/<random GUID>'],
    async run(ctx) {
      ctx.expectStatus(await ctx.send('DELETE', `/Users/${randomUUID()}`), [404], 'DELETE of an unknown id');
    },
  },
  {
    id: 'special-usernames',
    name: "userNames with ', + and non-ASCII characters",
    source: 'scimsim',
    required: true,
    sentence:
      'Whatever POST accepts must be usable as Entra uses it: each userName is found with userName eq. (Entra itself cannot filter on some special characters; research/fidelity.md: such a user fails in Entra before the endpoint sees it.)',
    requests: ["POST /Users (o'brien+x, zoë)", 'GET /Users?filter=userName eq "<each>"'],
    async run(ctx) {
      for (const tag of ["-o'brien", '+tag', '-zoë-日本']) {
        const { id, userName } = await madeUser(ctx, ctx.userName(tag));
        const list = ctx.expectList(await ctx.filter('Users', 'userName', userName), `the lookup of ${userName}`);
        ctx.expect(list.totalResults === 1 && list.Resources[0]?.id === id, `the lookup of ${userName}: found`);
      }
    },
  },
  {
    id: 'schema-discovery',
    name: 'Schema_Discoverability_Test',
    source: 'Logic-App validation',
    required: true,
    sentence: '"Support the /Schemas endpoint", which "Must return a list response" with the User schema (SCIM-TUT).',
    requests: ['GET /Schemas'],
    async run(ctx) {
      const list = ctx.expectList(await ctx.send('GET', '/Schemas'), 'GET /Schemas');
      ctx.expect(
        list.Resources.some((s: { id?: string }) => s.id === 'urn:ietf:params:scim:schemas:core:2.0:User'),
        'GET /Schemas: the core User schema',
      );
    },
  },
  {
    id: 'add-manager',
    name: 'Patch User - Add Manager',
    source: 'SCIM Validator',
    required: false,
    sentence: "Entra sets the enterprise manager with the manager's id; it is returned on GET.",
    requests: ['POST /Users (two)', 'PATCH manager', 'GET /Users/{id}'],
    async run(ctx) {
      const manager = await madeUser(ctx);
      const { id } = await madeUser(ctx);
      const value = ctx.entraDefault ? manager.id : { value: manager.id };
      ctx.expectStatus(
        await ctx.patch('Users', id, [{ op: ctx.op('add'), path: `${ENTERPRISE}:manager`, value }]),
        [200, 204],
        'the PATCH',
      );
      const user = await getUser(ctx, id);
      ctx.expect(user?.[ENTERPRISE]?.manager?.value === manager.id, 'GET: the manager is set');
    },
  },
];
