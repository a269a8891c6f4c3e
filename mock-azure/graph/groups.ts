/** /groups and their direct members (`members/$ref`): a thin face over Directory. */
import type { DirectoryGroup, GroupChanges } from '../directory/directory.ts';
import { directoryQuery } from './directory-query.ts';
import { badRequest, notFound } from './errors.ts';
import { checkLength, idFromReference } from './limits.ts';
import { json, noContent, objectBody, route, type GraphRequest, type Route } from './http.ts';
import { collection, context, countOf, filterOption, project, selectOption } from './odata.ts';
import { directoryObject, fullGroup, GROUP_PROPERTIES } from './render.ts';

const BOOLEAN_FIELDS = ['securityEnabled', 'mailEnabled'] as const;
const IGNORED = new Set([
  '@odata.type',
  'visibility',
  'classification',
  'isAssignableToRole',
  'owners@odata.bind',
  'members@odata.bind',
]);

function group(req: GraphRequest, id: string): DirectoryGroup {
  const found = req.deps.azure.directory.group(id);
  if (!found) throw notFound(id);
  return found;
}

/** Graph's group JSON -> the directory's fields, plus the mailNickname the Graph face keeps itself. */
function groupChanges(body: Record<string, unknown>): { changes: GroupChanges; mailNickname?: string } {
  const changes: Record<string, unknown> = {};
  let mailNickname: string | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED.has(key)) continue;
    if (key === 'displayName' || key === 'description') {
      checkLength('Group', key, value);
      changes[key] = value === null ? undefined : value;
    } else if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean')
        throw badRequest(`Invalid value specified for property '${key}' of resource 'Group'.`);
      changes[key] = value;
    } else if (key === 'mailNickname') {
      if (typeof value !== 'string' || value.trim() === '')
        throw badRequest(`Invalid value specified for property 'mailNickname' of resource 'Group'.`);
      checkLength('Group', key, value);
      mailNickname = value;
    } else if (key === 'groupTypes') {
      if (!Array.isArray(value) || value.length > 0) {
        throw badRequest(
          `groupTypes must be [] here: only security groups are simulated (Microsoft 365 "Unified" groups are not).`,
        );
      }
    } else {
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
  }
  return { changes: changes as GroupChanges, ...(mailNickname === undefined ? {} : { mailNickname }) };
}

/** The member id in `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}`. */
const memberIdFrom = (body: Record<string, unknown>): string => idFromReference(body['@odata.id']);

// Through the member's own groups (a handful), not the group's member list (possibly 100,000).
function isDirectMember(req: GraphRequest, groupId: string, memberId: string): boolean {
  const { directory } = req.deps.azure;
  const known = directory.user(memberId) ?? directory.deletedUser(memberId) ?? directory.group(memberId);
  return known !== undefined && directory.groupsOfMember(memberId).some((parent) => parent.id === groupId);
}

export function groupRoutes(): Route[] {
  const entity = (req: GraphRequest, g: DirectoryGroup, status = 200) => {
    const select = selectOption(req, GROUP_PROPERTIES, 'microsoft.graph.group');
    const full = fullGroup(g, req.state.groupMailNicknames.get(g.id));
    return json(
      {
        '@odata.context': context(req, select ? `groups(${select.join(',')})/$entity` : 'groups/$entity'),
        ...project(full, select),
      },
      status,
    );
  };
  return [
    route(
      'GET',
      '/groups',
      (req) => {
        const filter = filterOption(req, GROUP_PROPERTIES, 'Group');
        return collection(req, 'groups', req.deps.azure.directory.groups(), {
          full: (g) => fullGroup(g, req.state.groupMailNicknames.get(g.id)),
          filter,
          select: selectOption(req, GROUP_PROPERTIES, 'microsoft.graph.group'),
          query: directoryQuery(req, 'Group', filter),
        });
      },
      { directoryQueries: true },
    ),

    route(
      'GET',
      '/groups/$count',
      (req) =>
        countOf(
          req,
          'Group',
          req.deps.azure.directory.groups(),
          (g) => fullGroup(g, req.state.groupMailNicknames.get(g.id)),
          GROUP_PROPERTIES,
        ),
      { directoryQueries: true },
    ),

    route('POST', '/groups', async (req) => {
      const body = await objectBody(req, 'group');
      if (typeof body.displayName !== 'string' || body.displayName === '') {
        throw badRequest(`Invalid value specified for property 'displayName' of resource 'Group'.`);
      }
      // fidelity: Graph also requires mailEnabled, mailNickname and securityEnabled; here they default to
      // a security group that is not mail-enabled.
      const { changes, mailNickname } = groupChanges(body);
      const created = req.deps.azure.directory.addGroup(changes as GroupChanges & { displayName: string });
      if (mailNickname !== undefined) req.state.groupMailNicknames.set(created.id, mailNickname);
      req.deps.onAction?.({ kind: 'createGroup', groupId: created.id });
      return entity(req, created, 201);
    }),

    route('GET', '/groups/:id', (req) => entity(req, group(req, req.params.id!))),

    route('PATCH', '/groups/:id', async (req) => {
      const g = group(req, req.params.id!);
      const { changes, mailNickname } = groupChanges(await objectBody(req, 'group'));
      req.deps.azure.directory.updateGroup(g.id, changes);
      if (mailNickname !== undefined) req.state.groupMailNicknames.set(g.id, mailNickname);
      req.deps.onAction?.({ kind: 'editGroup', groupId: g.id, changes });
      return noContent();
    }),

    route('DELETE', '/groups/:id', (req) => {
      const g = group(req, req.params.id!);
      // Deleting the group also removes its app role assignment (tenant.ts): its members leave scope.
      req.deps.azure.directory.deleteGroup(g.id);
      req.state.groupMailNicknames.delete(g.id);
      req.deps.onAction?.({ kind: 'deleteGroup', groupId: g.id });
      return noContent();
    }),

    route('GET', '/groups/:id/members', (req) => {
      const g = group(req, req.params.id!);
      const { directory } = req.deps.azure;
      // A member in Deleted users keeps its membership (restore brings it back) but Graph does not list it.
      const visible = g.memberIds.filter((id) => !directory.deletedUser(id));
      return collection(req, 'directoryObjects', visible, {
        full: (id) => directoryObject(directory, id, req.state.groupMailNicknames) ?? { id },
      });
    }),

    route('POST', '/groups/:id/members/$ref', async (req) => {
      const g = group(req, req.params.id!);
      const memberId = memberIdFrom(await objectBody(req, 'reference'));
      const { directory } = req.deps.azure;
      // A user in Deleted users is not an object Graph can reference.
      if (!directory.user(memberId) && !directory.group(memberId)) throw notFound(memberId);
      if (isDirectMember(req, g.id, memberId)) {
        throw badRequest(
          `One or more added object references already exist for the following modified properties: 'members'.`,
        );
      }
      directory.addMember(g.id, memberId);
      req.deps.onAction?.({ kind: 'addToGroup', groupId: g.id, memberId });
      return noContent();
    }),

    route('DELETE', '/groups/:id/members/:memberId/$ref', (req) => {
      const g = group(req, req.params.id!);
      const memberId = req.params.memberId!;
      if (!isDirectMember(req, g.id, memberId)) throw notFound(memberId);
      req.deps.azure.directory.removeMember(g.id, memberId);
      req.deps.onAction?.({ kind: 'removeFromGroup', groupId: g.id, memberId });
      return noContent();
    }),
  ];
}
