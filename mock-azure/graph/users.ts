/**
 * /users and /directory/deletedItems: create, read, edit, block sign-in (accountEnabled), soft delete into
 * Deleted users, restore, delete permanently. A thin face over Directory.
 */
import type { DirectoryUser, UserChanges } from '../directory/directory.ts';
import { directoryQuery } from './directory-query.ts';
import { badRequest, notFound } from './errors.ts';
import { checkLength, idFromReference } from './limits.ts';
import { equalityOn } from './filter.ts';
import { json, noContent, objectBody, route, type GraphRequest, type Route } from './http.ts';
import { collection, context, countOf, filterOption, project, selectOption } from './odata.ts';
import { defaultUser, fullUser, USER_PROPERTIES } from './render.ts';

// Graph attributes the directory keeps under the same name.
const SAME_NAME = new Set([
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'employeeId',
  'mail',
  'mailNickname',
  'userPrincipalName',
  'mobilePhone',
]);
// Graph user attributes a script may send (the seed guide's "New user" form sends a password) that the simulation
// has no use for: accepted and dropped. fidelity: a later GET does not show them.
const IGNORED = new Set([
  '@odata.type',
  'passwordProfile',
  'passwordPolicies',
  'usageLocation',
  'officeLocation',
  'preferredLanguage',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'companyName',
  'otherMails',
  'ageGroup',
  'consentProvidedForMinor',
  'employeeType',
  'employeeHireDate',
  'employeeOrgData',
  'faxNumber',
  'onPremisesImmutableId',
  'showInAddressList',
  'userType',
  'identities',
  'aboutMe',
  'birthday',
  'interests',
  'mySite',
  'pastProjects',
  'responsibilities',
  'schools',
  'skills',
  'preferredName',
  'hireDate',
]);

/** Graph's user JSON -> the directory's fields; null clears an attribute (PATCH), as in Graph. */
function userChanges(body: Record<string, unknown>): UserChanges {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED.has(key)) continue;
    if (key === 'accountEnabled') {
      if (typeof value !== 'boolean')
        throw badRequest(`Invalid value specified for property 'accountEnabled' of resource 'User'.`);
      changes.accountEnabled = value;
    } else if (key === 'businessPhones') {
      if (value !== null && (!Array.isArray(value) || value.length > 1 || value.some((v) => typeof v !== 'string'))) {
        throw badRequest(
          `Invalid value specified for property 'businessPhones' of resource 'User': an array with at most one phone number.`,
        );
      }
      changes.telephoneNumber = (value as string[] | null)?.[0];
    } else if (SAME_NAME.has(key)) {
      checkLength('User', key, value);
      changes[key] = value === null ? undefined : value;
    } else {
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
  }
  return changes as UserChanges;
}

/**
 * What Graph requires to create a user ("Create user", v1.0): accountEnabled, displayName, mailNickname,
 * userPrincipalName and a passwordProfile with a password, in Graph's words when one is missing. The password is
 * checked to be there, not kept (the simulation signs nobody in).
 */
function requireNewUser(body: Record<string, unknown>): void {
  for (const key of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName'])
    if (body[key] === undefined || body[key] === null || body[key] === '')
      throw badRequest(`Property ${key} value is required but is empty or missing.`);
  for (const key of ['displayName', 'mailNickname', 'userPrincipalName'])
    if (typeof body[key] !== 'string')
      throw badRequest(`Invalid value specified for property '${key}' of resource 'User'.`);
  const profile = body.passwordProfile as { password?: unknown } | undefined | null;
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile))
    throw badRequest('A password must be specified to create a new user.');
  if (typeof profile.password !== 'string' || profile.password === '')
    throw badRequest('A password must be specified to create a new user.');
}

/** A user not in Deleted users, by object id or userPrincipalName, as /users/{id | userPrincipalName} takes. */
function liveUser(req: GraphRequest, key: string): DirectoryUser {
  const { directory } = req.deps.azure;
  const user = directory.user(key) ?? directory.userByUpn(key);
  if (!user || user.deletedDateTime !== undefined) throw notFound(key);
  return user;
}

function deletedUser(req: GraphRequest, id: string): DirectoryUser {
  const user = req.deps.azure.directory.deletedUser(id);
  if (!user) throw notFound(id);
  return user;
}

/** One user, in the default shape or the $select-ed one, with its @odata.context. */
function entity(req: GraphRequest, user: DirectoryUser, status = 200): Response {
  const select = selectOption(req, USER_PROPERTIES, 'microsoft.graph.user');
  const full = fullUser(user);
  const shown = select ? project(full, select) : defaultUser(full);
  return json(
    { '@odata.context': context(req, select ? `users(${select.join(',')})/$entity` : 'users/$entity'), ...shown },
    status,
  );
}

function listUsers(
  req: GraphRequest,
  items: Iterable<DirectoryUser>,
  fragment: string,
  withDeletedDate: boolean,
): Response {
  const filter = filterOption(req, USER_PROPERTIES, 'User');
  const select = selectOption(req, USER_PROPERTIES, 'microsoft.graph.user');
  const { directory } = req.deps.azure;
  // `userPrincipalName eq '...'` (the usual lookup) goes through the directory's index, not a scan.
  const upn = filter && equalityOn(filter, 'userPrincipalName');
  const source =
    upn === undefined
      ? items
      : [directory.userByUpn(upn)].filter(
          (u): u is DirectoryUser => u !== undefined && (u.deletedDateTime !== undefined) === withDeletedDate,
        );
  return collection(req, fragment, source, {
    full: fullUser,
    filter,
    select,
    query: directoryQuery(req, 'User', filter),
    shown: (full) =>
      select
        ? project(full, select)
        : { ...defaultUser(full), ...(withDeletedDate ? { deletedDateTime: full.deletedDateTime } : {}) },
  });
}

export function userRoutes(): Route[] {
  return [
    route('GET', '/users', (req) => listUsers(req, req.deps.azure.directory.users(), 'users', false), {
      directoryQueries: true,
    }),

    // How many users match (`$filter`, `$search`), as text: only as an advanced query, as in Graph.
    route(
      'GET',
      '/users/$count',
      (req) => countOf(req, 'User', req.deps.azure.directory.users(), fullUser, USER_PROPERTIES),
      {
        directoryQueries: true,
      },
    ),

    route('POST', '/users', async (req) => {
      const body = await objectBody(req, 'user');
      requireNewUser(body);
      const user = req.deps.azure.directory.addUser(userChanges(body) as UserChanges & { userPrincipalName: string });
      req.deps.onAction?.({ kind: 'createUser', userId: user.id });
      return entity(req, user, 201);
    }),

    route('GET', '/users/:id', (req) => entity(req, liveUser(req, req.params.id!))),

    route('PATCH', '/users/:id', async (req) => {
      const user = liveUser(req, req.params.id!);
      // accountEnabled false / true is Block / Unblock sign-in; the directory records one change for all fields.
      const changes = userChanges(await objectBody(req, 'user'));
      req.deps.azure.directory.updateUser(user.id, changes);
      req.deps.onAction?.({ kind: 'editUser', userId: user.id, changes });
      return noContent();
    }),

    // The manager reference (user: manager, PUT/DELETE manager/$ref): a live user, never the user itself.
    route('GET', '/users/:id/manager', (req) => {
      const user = liveUser(req, req.params.id!);
      const manager = user.managerId === undefined ? undefined : req.deps.azure.directory.user(user.managerId);
      if (!manager) throw notFound(`${user.id}/manager`);
      return json({
        '@odata.context': context(req, 'directoryObjects/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...defaultUser(fullUser(manager)),
      });
    }),

    route('PUT', '/users/:id/manager/$ref', async (req) => {
      const user = liveUser(req, req.params.id!);
      const managerId = idFromReference((await objectBody(req, 'reference'))['@odata.id']);
      if (!req.deps.azure.directory.user(managerId)) throw notFound(managerId);
      if (managerId === user.id) throw badRequest('A user cannot be their own manager.');
      // The same manager again changes nothing, and is no step of the record.
      if (user.managerId === managerId) return noContent();
      req.deps.azure.directory.setManager(user.id, managerId);
      req.deps.onAction?.({ kind: 'setManager', userId: user.id, managerId });
      return noContent();
    }),

    route('DELETE', '/users/:id/manager/$ref', (req) => {
      const user = liveUser(req, req.params.id!);
      if (user.managerId === undefined) throw notFound(`${user.id}/manager`);
      req.deps.azure.directory.setManager(user.id, undefined);
      req.deps.onAction?.({ kind: 'setManager', userId: user.id });
      return noContent();
    }),

    route('DELETE', '/users/:id', (req) => {
      const { id } = liveUser(req, req.params.id!);
      req.deps.azure.directory.deleteUser(id);
      req.deps.onAction?.({ kind: 'deleteUser', userId: id });
      return noContent();
    }),

    // Literal routes first: they would otherwise match /directory/deletedItems/:id.
    route('GET', '/directory/deletedItems/microsoft.graph.user', (req) =>
      listUsers(req, req.deps.azure.directory.deletedUsers(), 'directory/deletedItems/microsoft.graph.user', true),
    ),

    // Groups are deleted permanently here (security groups), so this list is always empty.
    route('GET', '/directory/deletedItems/microsoft.graph.group', (req) =>
      json({ '@odata.context': context(req, 'directory/deletedItems/microsoft.graph.group'), value: [] }),
    ),

    route('GET', '/directory/deletedItems/:id', (req) => {
      const full = fullUser(deletedUser(req, req.params.id!));
      return json({
        '@odata.context': context(req, 'directory/deletedItems/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...defaultUser(full),
        deletedDateTime: full.deletedDateTime,
      });
    }),

    route('POST', '/directory/deletedItems/:id/restore', (req) => {
      const restored = req.deps.azure.directory.restoreUser(deletedUser(req, req.params.id!).id);
      req.deps.onAction?.({ kind: 'restoreUser', userId: restored.id });
      return json({
        '@odata.context': context(req, 'directoryObjects/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...defaultUser(fullUser(restored)),
      });
    }),

    route('DELETE', '/directory/deletedItems/:id', (req) => {
      const { id } = deletedUser(req, req.params.id!);
      req.deps.azure.directory.deleteUserPermanently(id);
      req.deps.onAction?.({ kind: 'deletePermanently', userId: id });
      return noContent();
    }),
  ];
}
