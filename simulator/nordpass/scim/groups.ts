/** /Groups: off by default (the seed: NordPass does not support group provisioning); full CRUD when turned on. */
import { Hono, type Context } from 'hono';
import type { GroupRecord } from '../model.ts';
import type { ScimDeps } from './deps.ts';
import { ScimError } from './errors.ts';
import { readJsonBody, scimJson } from './http.ts';
import { answerList, projectFor, readListQuery, readProjection, searchRoute } from './list.ts';
import { applyPatch } from './patch.ts';
import { renderGroup, storedAttributes } from './render.ts';
import { normalizeResource } from './resource.ts';
import { checkIfMatch } from './users.ts';

export function groupsRoutes(deps: ScimDeps): Hono {
  const { groups, store, settings } = deps;
  const routes = new Hono();
  const render = (g: GroupRecord) => renderGroup(g, deps.baseUrl());

  routes.use('*', async (_c, next) => {
    if (!settings.groupProvisioning) throw groupsOff(deps.variants.get('groupsWhenOff'));
    await next();
  });

  const list = (c: Context, body?: Record<string, unknown>) =>
    scimJson(
      c,
      answerList(readListQuery(c, settings.maxResults, settings.maxFilterLength, body), 'Group', groups.all(), render),
    );

  routes.get('/', (c) => list(c));
  routes.all(
    '/:id',
    searchRoute((c, body) => list(c, body), settings.maxBodyBytes),
  );

  routes.post('/', async (c) => {
    const resource = normalizeResource(await readJsonBody(c, settings.maxBodyBytes), 'Group');
    const wanted = readProjection(c);
    const group = groups.create(storedAttributes(resource));
    // Rendered before the commit: changes made by requests that run during the write are not this request's answer.
    const body = projectFor(render(group), wanted, 'Group');
    await store.commit();
    return scimJson(c, body, 201, { Location: `${deps.baseUrl()}/Groups/${group.id}` });
  });

  routes.get('/:id', (c) => scimJson(c, projectFor(render(groups.get(c.req.param('id'))), readProjection(c), 'Group')));

  routes.put('/:id', async (c) => {
    const resource = normalizeResource(await readJsonBody(c, settings.maxBodyBytes), 'Group');
    const group = groups.get(c.req.param('id'));
    // Groups carry meta.version and discovery says etag is supported, so If-Match is honoured here as on /Users.
    checkIfMatch(c, group);
    const wanted = readProjection(c);
    groups.replace(group, storedAttributes(resource));
    const body = projectFor(render(group), wanted, 'Group'); // before the commit, as in POST
    await store.commit();
    return scimJson(c, body);
  });

  routes.patch('/:id', async (c) => {
    const body = await readJsonBody(c, settings.maxBodyBytes);
    const group = groups.get(c.req.param('id'));
    checkIfMatch(c, group); // as in PUT
    const wanted = readProjection(c);
    const before = render(group);
    const { resource, changed } = applyPatch(before, body, 'Group');
    if (changed) groups.replace(group, storedAttributes(normalizeResource(resource, 'Group')));
    const answer = projectFor(changed ? render(group) : before, wanted, 'Group'); // before the commit, as in POST
    if (changed) await store.commit();
    if (settings.patchSuccessStatus === 204 && Object.keys(wanted).length === 0) return c.body(null, 204);
    return scimJson(c, answer);
  });

  routes.delete('/:id', async (c) => {
    const group = groups.get(c.req.param('id'));
    checkIfMatch(c, group); // as in PUT
    groups.delete(group);
    await store.commit();
    return c.body(null, 204);
  });

  return routes;
}

const GROUPS_OFF_STATUS = { notImplemented: 501, notFound: 404, forbidden: 403 } as const;

/** variant: groupsWhenOff (simulator/variants.ts): NordPass's answer on /Groups with group provisioning off is not public. */
function groupsOff(answer: keyof typeof GROUPS_OFF_STATUS): ScimError {
  return new ScimError(
    GROUPS_OFF_STATUS[answer],
    undefined,
    'NordPass does not support group provisioning: provision users only, or turn on group provisioning (NordPass Enterprise)',
  );
}
