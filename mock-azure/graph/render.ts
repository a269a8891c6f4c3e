/**
 * Directory records in Graph's shapes: users, groups, the NordPass service principal, app role assignments.
 * A "full" object is what `$filter` and `$select` see; Graph's default shape is a subset of it.
 */
import { formatInstant } from '../../simulator/time.ts';
import type { AppRoleAssignment, EnterpriseApplication } from '../app/application.ts';
import type { Directory, DirectoryGroup, DirectoryUser } from '../directory/directory.ts';

/** "Default Access": the role an assignment gets when the app declares none (Graph's documented all-zero id). */

/** The properties GET /users returns without $select (Graph v1.0's default set). */
export const USER_DEFAULT = [
  'id',
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
] as const;

export function fullUser(user: DirectoryUser): Record<string, unknown> {
  return {
    id: user.id,
    businessPhones: user.telephoneNumber === undefined ? [] : [user.telephoneNumber],
    displayName: user.displayName,
    givenName: user.givenName ?? null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail ?? null,
    mobilePhone: user.mobilePhone ?? null,
    // fidelity: officeLocation and preferredLanguage are not kept by the directory; always null.
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname ?? null,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    createdDateTime: formatInstant(user.createdDateTime),
    deletedDateTime: user.deletedDateTime === undefined ? null : formatInstant(user.deletedDateTime),
    department: user.department ?? null,
    employeeId: user.employeeId ?? null,
    mailNickname: user.mailNickname,
  };
}

export const USER_PROPERTIES: ReadonlySet<string> = new Set(
  Object.keys(
    fullUser({
      id: '',
      userPrincipalName: '',
      displayName: '',
      mailNickname: '',
      accountEnabled: true,
      createdDateTime: 0,
    }),
  ),
);

/** Graph's default shape of a user. */
export function defaultUser(full: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of USER_DEFAULT) out[key] = full[key];
  return out;
}

export function fullGroup(group: DirectoryGroup, mailNickname: string | undefined): Record<string, unknown> {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: formatInstant(group.createdDateTime),
    description: group.description ?? null,
    displayName: group.displayName,
    // Security groups only: Microsoft 365 ("Unified") groups are not simulated.
    groupTypes: [],
    mail: null,
    mailEnabled: group.mailEnabled,
    mailNickname: mailNickname ?? null,
    securityEnabled: group.securityEnabled,
    visibility: null,
  };
}

export const GROUP_PROPERTIES: ReadonlySet<string> = new Set(
  Object.keys(
    fullGroup(
      { id: '', displayName: '', securityEnabled: true, mailEnabled: false, createdDateTime: 0, memberIds: [] },
      undefined,
    ),
  ),
);

/** A user or group as a directoryObject in a mixed list (members, deletedItems): with its @odata.type. */
export function directoryObject(
  directory: Directory,
  id: string,
  groupNicknames: Map<string, string>,
): Record<string, unknown> | undefined {
  const user = directory.user(id) ?? directory.deletedUser(id);
  if (user) return { '@odata.type': '#microsoft.graph.user', ...defaultUser(fullUser(user)) };
  const group = directory.group(id);
  if (group) return { '@odata.type': '#microsoft.graph.group', ...fullGroup(group, groupNicknames.get(id)) };
  return undefined;
}

export function servicePrincipal(app: EnterpriseApplication): Record<string, unknown> {
  return {
    id: app.servicePrincipalId,
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: app.displayName,
    appId: app.id,
    // "Assignment required?" is Yes for a provisioning app scoped to assigned users (INFERRED default).
    appRoleAssignmentRequired: true,
    displayName: app.displayName,
    servicePrincipalNames: [app.id],
    servicePrincipalType: 'Application',
    // INFERRED: the tags Entra puts on a gallery enterprise app.
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    // The app's roles (app-roles.ts). fidelity: Graph lists only the roles an app declares and treats the all-zero
    // id as implicit "Default Access"; it is listed here so a script can read the id it must send.
    appRoles: app.appRoles.map((r) => ({
      allowedMemberTypes: ['User'],
      description: r.description,
      displayName: r.displayName,
      id: r.id,
      isEnabled: true,
      origin: 'Application',
      value: r.value,
    })),
  };
}

export const SERVICE_PRINCIPAL_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'deletedDateTime',
  'accountEnabled',
  'appDisplayName',
  'appId',
  'appRoleAssignmentRequired',
  'displayName',
  'servicePrincipalNames',
  'servicePrincipalType',
  'tags',
  'appRoles',
]);

export function assignment(
  a: AppRoleAssignment,
  app: EnterpriseApplication,
  directory: Directory,
): Record<string, unknown> {
  // Graph shows the principal's current name; the app kept the one it had when assigned.
  const principal =
    directory.user(a.principalId) ?? directory.deletedUser(a.principalId) ?? directory.group(a.principalId);
  return {
    // fidelity: Graph's assignment ids are base64url strings; these are GUIDs.
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: formatInstant(a.createdDateTime),
    principalDisplayName: principal?.displayName ?? a.principalDisplayName,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: app.displayName,
    resourceId: app.servicePrincipalId,
  };
}

export const ASSIGNMENT_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'deletedDateTime',
  'appRoleId',
  'createdDateTime',
  'principalDisplayName',
  'principalId',
  'principalType',
  'resourceDisplayName',
  'resourceId',
]);
