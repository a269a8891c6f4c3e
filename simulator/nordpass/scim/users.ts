/** /Users: the SCIM face of the member lifecycle. Every write is validated whole before anything changes. */
import { Hono, type Context } from 'hono';
import type { Member } from '../model.ts';
import { isSoftDeleted } from '../model.ts';
import type { ScimDeps } from './deps.ts';
import { ScimError } from './errors.ts';
import { readJsonBody, scimJson } from './http.ts';
import { answerList, projectFor, readListQuery, readProjection, searchRoute } from './list.ts';
import { applyPatch } from './patch.ts';
import { etag, renderUser, storedAttributes } from './render.ts';
import { assertRequiredName, deepEqual, normalizeResource } from './resource.ts';

export function usersRoutes(deps: ScimDeps): Hono {
  const { members, store, settings } = deps;
  const routes = new Hono();
  const render = (m: Member) => renderUser(m, deps.baseUrl());
  const live = function* () {
    for (const m of store.allMembers()) if (m.status !== 'deleted') yield m;
  };
  const list = (c: Context, body?: Record<string, unknown>) => {
    const query = readListQuery(c, settings.maxResults, settings.maxFilterLength, body);
    return scimJson(
      c,
      answerList(query, 'User', live(), render, {
        attribute: 'userName',
        find: (userName) => store.liveMemberByUserName(userName),
      }),
    );
  };

  routes.get('/', (c) => list(c));

  routes.all(
    '/:id',
    searchRoute((c, body) => list(c, body), settings.maxBodyBytes),
  );

  routes.post('/', async (c) => {
    const resource = normalizeResource(await readJsonBody(c, settings.maxBodyBytes), 'User');
    const wanted = readProjection(c);
    const userName = resource.userName as string;
    const member = members.create(userName, storedAttributes(resource), 'scim');
    members.applyScimRoles(member, resource.roles);
    // fidelity: Entra never creates disabled users; a client that does gets a member soft-deleted from the start.
    if (resource.active === false) members.softDelete(member, 'scim');
    // Rendered before the commit: requests that change the member while the write is in flight must not show in this answer.
    const body = projectFor(render(member), wanted, 'User');
    await store.commit();
    return scimJson(c, body, 201, { Location: `${deps.baseUrl()}/Users/${member.id}`, ETag: etagOf(body) });
  });

  routes.get('/:id', (c) => {
    const member = members.get(c.req.param('id'));
    const body = render(member);
    return scimJson(c, projectFor(body, readProjection(c), 'User'), 200, { ETag: etagOf(body) });
  });

  routes.put('/:id', async (c) => {
    // The body is read first: the member is looked up after the last await, so a concurrent DELETE cannot slip in between.
    const resource = normalizeResource(await readJsonBody(c, settings.maxBodyBytes), 'User');
    const member = members.get(c.req.param('id'));
    checkIfMatch(c, member);
    const wanted = readProjection(c);
    applyUserChange(deps, member, resource);
    // Rendered before the commit, so the answer is this request's result, not that of requests that ran during the write.
    const body = render(member);
    await store.commit();
    return scimJson(c, projectFor(body, wanted, 'User'), 200, { ETag: etagOf(body) });
  });

  routes.patch('/:id', async (c) => {
    const patchBody = await readJsonBody(c, settings.maxBodyBytes);
    const member = members.get(c.req.param('id'));
    checkIfMatch(c, member);
    const wanted = readProjection(c);
    const before = render(member);
    const { resource: patched, changed } = applyPatch(before, patchBody, 'User');
    // applyPatch writes only coerced values under canonical names, so its result is already what normalizeResource
    // would store (test/reliability/patch-normal-form.property.test.ts); only the required userName is left to check.
    if (changed) {
      assertRequiredName(patched, 'User');
      applyUserChange(deps, member, patched);
    }
    // Rendered before the commit: a concurrent PATCH or DELETE that runs while the write is in flight must not
    // show in this answer (a Disable once answered active:true because an Enable ran during its write).
    const body = changed ? render(member) : before;
    if (changed) await store.commit();
    // RFC 7644 §3.5.2: with `attributes` the server must answer 200 with the resource.
    if (settings.patchSuccessStatus === 204 && Object.keys(wanted).length === 0) return c.body(null, 204);
    return scimJson(c, projectFor(body, wanted, 'User'), 200, { ETag: etagOf(body) });
  });

  routes.delete('/:id', async (c) => {
    const member = members.get(c.req.param('id'));
    checkIfMatch(c, member);
    members.delete(member, 'scim');
    await store.commit();
    return c.body(null, 204);
  });

  return routes;
}

/**
 * Applies a full replacement (PUT, or PATCH after the patch is worked out): attributes, then `active`.
 * Both refusals (a taken userName, an Owner's protection) are checked before either part changes anything.
 */
function applyUserChange(deps: ScimDeps, member: Member, resource: Record<string, unknown>): void {
  const { members } = deps;
  const userName = resource.userName as string;
  const wantsActive = resource.active === undefined ? !isSoftDeleted(member) : resource.active === true;
  members.assertCanChange(member, { userName, softDelete: !wantsActive && !isSoftDeleted(member) }, 'scim');
  const attributes = storedAttributes(resource);
  const rolesBefore = member.attributes.roles;
  if (userName !== member.userName || !deepEqual(attributes, member.attributes)) {
    members.updateAttributes(member, userName, attributes, 'scim');
  }
  // Only roles this request changed: a later PATCH of another attribute does not undo an Admin Panel role change.
  if (!deepEqual(rolesBefore, attributes.roles)) members.applyScimRoles(member, attributes.roles);
  if (wantsActive) members.restore(member, 'scim');
  else members.softDelete(member, 'scim');
}

/** 412 unless If-Match (absent, `*`, or a list of tags) names the current version. Groups use it too. */
export function checkIfMatch(c: Context, member: { version: number }): void {
  const ifMatch = c.req.header('if-match');
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etag(member.version);
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (!tags.some((t) => t === current || t === `"${member.version}"`)) {
    throw new ScimError(412, undefined, `the resource changed: its version is ${current}, not ${ifMatch}`);
  }
}

function etagOf(resource: Record<string, unknown>): string {
  return String((resource.meta as { version?: string } | undefined)?.version ?? '');
}
