/**
 * The NordPass app's app roles, and how Entra sends a user's roles to a SCIM app (customize-application-attributes,
 * "Provisioning a role to a SCIM app"): an assignment carries one role; `SingleAppRoleAssignment([appRoleAssignments])`
 * gives one role's value for `roles[primary eq "True"].value`, `AppRoleAssignmentsComplex([appRoleAssignments])` all of
 * them for `roles`. The POST and the PATCH differ: see roleOperations.
 */

/** An app role as Graph's servicePrincipal.appRoles lists it. */
export interface AppRole {
  id: string;
  /** What is sent to the app (`roles[].value`); null for Default Access, which is never sent. */
  value: string | null;
  displayName: string;
  description: string;
}

/** "Default Access": an assignment without a role. Graph's all-zero id. */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * fidelity: INFERRED. What app roles NordPass's app in Entra declares is not public (research/nordpass.md: NordPass's
 * guides never mention roles). scimsim declares NordPass's two SCIM-assignable member roles, User and Admin (Owner
 * is granted only in the Admin Panel), with fixed ids, and keeps Default Access for assignments without one, which
 * is what every bundled scenario uses. What NordPass does with a role it receives is the scimRole variant.
 */
export const NORDPASS_APP_ROLES: readonly AppRole[] = [
  { id: DEFAULT_ACCESS_ROLE_ID, value: null, displayName: 'Default Access', description: 'Default Access' },
  {
    id: '7b0c1e52-6f0e-4c5a-9d7e-2f1b8a3c4d01',
    value: 'User',
    displayName: 'User',
    description: 'A NordPass member (the User role in the Admin Panel)',
  },
  {
    id: '7b0c1e52-6f0e-4c5a-9d7e-2f1b8a3c4d02',
    value: 'Admin',
    displayName: 'Admin',
    description: 'A NordPass Admin (manages members in the Admin Panel)',
  },
];

/** A role of `roles` by its id, its value or its display name (names in any case), or undefined. */
export function findAppRole(nameOrId: string, roles: readonly AppRole[] = NORDPASS_APP_ROLES): AppRole | undefined {
  const lower = nameOrId.toLowerCase();
  return roles.find((r) => r.id === lower || r.value?.toLowerCase() === lower || r.displayName.toLowerCase() === lower);
}

/** The role names a scenario may give (`assign: {principals, role}`): each role's value, and Default Access. */
export const APP_ROLE_NAMES: readonly string[] = NORDPASS_APP_ROLES.map((r) => r.value ?? r.displayName);

/** The role type Entra puts on every role it sends (the page's example output). */
export const ROLE_TYPE = 'WindowsAzureActiveDirectoryRole';

/** The target path of SingleAppRoleAssignment's role: `roles[primary eq "True"].value` (or .display, .type). */
export const PRIMARY_ROLE = /^roles\[primary eq "true"\]\.(value|display|type)$/i;

/**
 * What AppRoleAssignmentsComplex gives: every role of the user's assignments, for the `roles` target. `assertive`:
 * AssertiveAppRoleAssignmentsComplex, whose PATCH replaces the whole list (so a removed role goes too).
 */
export class RoleList {
  constructor(
    readonly roles: readonly AppRole[],
    readonly assertive: boolean,
  ) {}

  /** As it shows in a log's modified properties: the values, comma-separated. */
  toString(): string {
    return this.roles.map((r) => r.value).join(',');
  }

  /** The list for a POST: "All roles will be provisioned as primary = false", with the role type. */
  forCreate(): Array<Record<string, unknown>> {
    return this.roles.map((r) => ({ primary: false, type: ROLE_TYPE, display: r.displayName, value: r.value }));
  }
}

/** Which of a user's roles a role mapping sends: only roles with a value (Default Access is not a role). */
export const sentRoles = (roles: readonly AppRole[]) => roles.filter((r) => r.value !== null);

/**
 * The PATCH operations that send a changed role, in the client's dialect (customize-application-attributes):
 * - SingleAppRoleAssignment: Entra's default sends the role as stringified JSON in an Add on `roles`
 *   (`{"value":"{\"id\":…,\"value\":\"Admin\",\"displayName\":\"Admin\"}"}`); with `aadOptscim062020` the PATCH has the
 *   POST's format ("To ensure that POST and PATCH are sent in the same format, you can use the feature flag").
 * - AppRoleAssignmentsComplex: an Add of the roles not yet there, without type ("The PATCH request doesn't contain
 *   type"); Assertive: a Replace of the whole list.
 */
export function roleOperations(
  dialect: 'entra' | 'rfc',
  change: { single: AppRole } | { list: RoleList; missing: readonly AppRole[] },
): Array<{ op: string; path: string; value: unknown }> {
  const op = (name: 'Add' | 'Replace') => (dialect === 'entra' ? name : name.toLowerCase());
  if ('single' in change) {
    const role = change.single;
    const value =
      dialect === 'entra'
        ? [{ value: JSON.stringify({ id: role.id, value: role.value, displayName: role.displayName }) }]
        : [{ primary: true, type: ROLE_TYPE, value: role.value }];
    return [{ op: op('Add'), path: 'roles', value }];
  }
  const { list, missing } = change;
  // fidelity: INFERRED: the flag's effect on a complex role PATCH is not documented; the type is sent with it, as in the POST.
  const element = (r: AppRole) => ({
    primary: false,
    ...(dialect === 'rfc' ? { type: ROLE_TYPE } : {}),
    display: r.displayName,
    value: r.value,
  });
  if (list.assertive) return [{ op: op('Replace'), path: 'roles', value: list.roles.map(element) }];
  return missing.length === 0 ? [] : [{ op: op('Add'), path: 'roles', value: missing.map(element) }];
}
