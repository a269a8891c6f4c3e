/**
 * App roles: assignments that carry a role, `[appRoleAssignments]` read by SingleAppRoleAssignment and
 * AppRoleAssignmentsComplex, and the role operations Entra sends in each PATCH dialect.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ACCESS_ROLE_ID,
  findAppRole,
  NORDPASS_APP_ROLES,
  RoleList,
  roleOperations,
} from '../../../mock-azure/app/app-roles.ts';
import { checkExpression, evaluateExpression } from '../../../mock-azure/app/expressions/evaluate.ts';
import { parseExpression } from '../../../mock-azure/app/expressions/parse.ts';
import { desiredValues, editedMappings, mappingChanges } from '../../../mock-azure/app/mappings.ts';
import { readTarget, writeTarget } from '../../../mock-azure/app/target-paths.ts';
import { createAzure } from '../../../mock-azure/tenant.ts';
import { Clock } from '../../../simulator/clock.ts';
import { Random } from '../../../simulator/random.ts';

const admin = findAppRole('Admin')!;
const user = findAppRole('user')!;

function tenant() {
  const clock = new Clock('2026-01-05T09:00:00Z');
  const transport = async () => new Response(null, { status: 501 });
  const azure = createAzure({ clock, random: new Random('roles'), transport });
  const ada = azure.directory.addUser({ userPrincipalName: 'ada@contoso.test', displayName: 'Ada' });
  const staff = azure.directory.addGroup({ displayName: 'Staff' });
  azure.directory.addMember(staff.id, ada.id);
  return { azure, app: azure.app, ada, staff };
}

describe('app roles', () => {
  it("a principal may hold several roles, an assignment each; the same role twice is refused; the user's roles come from their own and their groups' assignments", () => {
    const { app, ada, staff } = tenant();
    app.assign(ada.id, admin.id);
    app.assign(staff.id, user.id);
    app.assign(staff.id); // Default Access, which carries no role
    expect(() => app.assign(ada.id, admin.id)).toThrow(/already assigned to NordPass with the role Admin/);
    expect(() => app.assign(ada.id, 'not-a-role')).toThrow(/no app role/);
    expect(app.rolesOf(ada).map((r) => r.displayName)).toEqual(['Admin', 'User', 'Default Access']);
    // Removing one role of a principal keeps the others, and the user in scope.
    expect(app.unassign(staff.id, user.id).map((a) => a.appRoleId)).toEqual([user.id]);
    expect(app.rolesOf(ada).map((r) => r.displayName)).toEqual(['Admin', 'Default Access']);
    expect(() => app.unassign(staff.id, user.id)).toThrow(/not assigned to NordPass with the role User/);
    expect(app.inScope(ada)).toBe(true);
    // Without a role id, every assignment of the principal goes.
    expect(app.unassign(ada.id)).toHaveLength(1);
    expect(app.unassign(staff.id)).toHaveLength(1);
    expect(app.inScope(ada)).toBe(false);
    expect(app.rolesOf(ada)).toEqual([]);
  });

  it('SingleAppRoleAssignment gives the oldest role with a value, AppRoleAssignmentsComplex all of them; Default Access is no role', () => {
    const { app, ada, staff } = tenant();
    const context = { now: () => 0, random: new Random('x'), rolesOf: () => app.rolesOf(ada) };
    const single = [
      {
        target: 'roles[primary eq "True"].value',
        expression: parseExpression('SingleAppRoleAssignment([appRoleAssignments])'),
      },
    ];
    const complex = [
      { target: 'roles', expression: parseExpression('AppRoleAssignmentsComplex([appRoleAssignments])') },
    ];
    app.assign(staff.id);
    expect(desiredValues(ada, single, 'create', context).size).toBe(0);
    expect(desiredValues(ada, complex, 'create', context).size).toBe(0);
    app.assign(ada.id, user.id);
    app.assign(staff.id, admin.id);
    expect(desiredValues(ada, single, 'create', context).get('roles[primary eq "True"].value')).toBe('User');
    const list = desiredValues(ada, complex, 'create', context).get('roles') as RoleList;
    expect(list).toBeInstanceOf(RoleList);
    expect(list.forCreate()).toEqual([
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
    ]);
    // The roles are readable as values by the other functions too.
    const joined = evaluateExpression(parseExpression('Join("|", AppRoleAssignmentsComplex([appRoleAssignments]))'), {
      attribute: (name) => (name === 'appRoleAssignments' ? new RoleList([user, admin], false) : null),
      now: () => 0,
      random: new Random('y'),
    });
    expect(joined.value).toBe('User|Admin');
  });

  it('the role functions take [appRoleAssignments] and nothing else, refused where the expression is read', () => {
    expect(() => checkExpression(parseExpression('SingleAppRoleAssignment([mail])'))).toThrow(
      /SingleAppRoleAssignment takes \[appRoleAssignments\]/,
    );
    expect(() => checkExpression(parseExpression('AppRoleAssignmentsComplex()'))).toThrow(/takes 1 argument/);
    expect(() =>
      checkExpression(parseExpression('AssertiveAppRoleAssignmentsComplex([appRoleAssignments])')),
    ).not.toThrow();
  });

  it('the POST carries the primary role as Microsoft shows it, and the role is read back by its value filter', () => {
    const body: Record<string, unknown> = { roles: [] };
    writeTarget(body, 'roles[primary eq "True"].value', 'Admin');
    expect(body.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }]);
    expect(readTarget(body, 'roles[primary eq "True"].value')).toBe('Admin');
    expect(readTarget({ roles: [{ primary: 'True', value: 'User' }] }, 'roles[primary eq "True"].value')).toBe('User');
    expect(readTarget({ roles: [{ value: 'User' }] }, 'roles[primary eq "True"].value')).toBeUndefined();
  });

  it('a role PATCH: stringified JSON in the default dialect, the POST form with aadOptscim062020; Complex adds what is missing, Assertive replaces', () => {
    expect(roleOperations('entra', { single: admin })).toEqual([
      {
        op: 'Add',
        path: 'roles',
        value: [{ value: JSON.stringify({ id: admin.id, value: 'Admin', displayName: 'Admin' }) }],
      },
    ]);
    expect(roleOperations('rfc', { single: admin })).toEqual([
      { op: 'add', path: 'roles', value: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }] },
    ]);
    const both = new RoleList([user, admin], false);
    expect(roleOperations('entra', { list: both, missing: [admin] })).toEqual([
      { op: 'Add', path: 'roles', value: [{ primary: false, display: 'Admin', value: 'Admin' }] },
    ]);
    expect(roleOperations('entra', { list: both, missing: [] })).toEqual([]);
    expect(roleOperations('rfc', { list: new RoleList([admin], true), missing: [admin] })).toEqual([
      {
        op: 'replace',
        path: 'roles',
        value: [{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' }],
      },
    ]);
  });

  it('the catalogue: Default Access has the all-zero id and no value; roles are found by id, value or name', () => {
    expect(NORDPASS_APP_ROLES[0]).toMatchObject({ id: DEFAULT_ACCESS_ROLE_ID, value: null });
    expect(findAppRole(admin.id)).toBe(admin);
    expect(findAppRole('default access')?.id).toBe(DEFAULT_ACCESS_ROLE_ID);
    expect(findAppRole('Owner')).toBeUndefined();
  });
});

describe('editing mappings', () => {
  const a = { source: 'displayName' as const, target: 'displayName' };
  const b = { source: 'mailNickname' as const, target: 'externalId' };
  it('set replaces the mapping of its target (any case) or adds; remove deletes; an unmapped target to remove changes nothing', () => {
    const changed = { constant: 'X', target: 'DisplayName' };
    const title = { source: 'jobTitle' as const, target: 'title' };
    expect(editedMappings([a, b], [changed, title], ['externalId'])).toEqual([changed, title]);
    const before = [a, b];
    expect(() => editedMappings(before, [title], ['nickName'])).toThrow(/no attribute mapping has the target nickName/);
    expect(before).toEqual([a, b]);
    expect(mappingChanges([a, b], [changed, title])).toEqual({ set: [changed, title], removed: ['externalId'] });
    expect(mappingChanges([a, b], [a, b])).toEqual({ set: [], removed: [] });
  });
});
