/**
 * App roles and mapping edits as a scenario says them (`assign: {principals, role}`, `setAttributeMappings`,
 * `deleteAttributeMappings`, `expect: roles`), in process and through the served faces, and as a served world's
 * record writes them back.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { runServed } from '../../../simulator/serve/run-served.ts';
import { startServer } from '../../../simulator/serve/server.ts';
import { problemsOf } from '../../helpers/scenario-problems.ts';
import { newUser, servedGraph } from '../../helpers/graph.ts';

/** AppRoleAssignmentsComplex with aadOptscim062020, NordPass reading roles: each role added is sent, and read. */
const COMPLEX = `name: Complex roles
seed: 7
variants: { scimRole: mapped }
provisioning:
  aadOptscim062020: true
  attributeMappings:
    - { target: roles, expression: 'AppRoleAssignmentsComplex([appRoleAssignments])' }
tenant:
  users: { ada: {}, bob: {} }
  groups: { admins: { members: [bob] } }
steps:
  - assign: { principals: [ada, bob], role: User }
  - getCredentials
  - save
  - start
  - expect:
      roles: { ada: user, bob: user }
      requests:
        - { method: POST, body: '"roles":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"}]', count: 2 }
  - assign: { principals: admins, role: Admin }
  - advance: 40m
  - expect:
      roles: { ada: user, bob: admin }
      logs: [{ user: bob, action: Update, status: success, count: 1 }]
      requests:
        - method: PATCH
          since: lastExpect
          body: '{"op":"add","path":"roles","value":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"}]}'
          count: 1
      scim: { bob: { attributes: { 'roles[type eq "WindowsAzureActiveDirectoryRole"].value': User } } }
  - note: the group's Admin role taken away; Complex only adds, so nothing is sent and NordPass keeps bob an Admin
    unassign: { principals: admins, role: Admin }
  - advance: 40m
  - expect:
      roles: { bob: admin }
      requests: [{ method: PATCH, since: lastExpect, count: 0 }]
`;

/** Mappings edited on a running job: a full sync PATCHes everyone; a delete of an unmapped target is refused. */
const EDITS = `name: Mapping edits
seed: 8
tenant:
  users:
    ada: { givenName: Ada, surname: Lovelace, jobTitle: Engineer }
    bob: { givenName: Bob, surname: Byte }
steps:
  - assign: [ada, bob]
  - getCredentials
  - save
  - start
  - setAttributeMappings:
      - { target: displayName, expression: 'Join(" ", [givenName], [surname])' }
      - { target: title, source: jobTitle, default: Staff }
  - advance: 40m
  - expect:
      scim:
        ada: { attributes: { displayName: Ada Lovelace, title: Engineer } }
        bob: { attributes: { displayName: Bob Byte } }
      logs: [{ action: Update, status: success, count: 2 }]
  - deleteAttributeMappings: [title, externalId]
  - editUser: { user: ada, set: { jobTitle: Director, givenName: Augusta } }
  - advance: 40m
  - expect:
      scim: { ada: { attributes: { displayName: Augusta Lovelace, title: Engineer } } }
`;

describe('roles and mapping edits in a scenario', () => {
  it('AppRoleAssignmentsComplex with aadOptscim062020: a role from a group assignment is added in NordPass; removing it sends nothing', async () => {
    const result = await runScenario(parseScenario(COMPLEX, 'complex.yaml'));
    expect(result.failure?.message ?? '').toBe('');
    // The same scenario with NordPass ignoring roles fails where it expects an Admin: the checks can fail.
    const ignored = await runScenario(
      parseScenario(COMPLEX.replace('scimRole: mapped', 'scimRole: ignored'), 'c.yaml'),
    );
    expect(ignored.failure?.message).toMatch(/roles\.bob/);
  });

  it('setAttributeMappings on a running job starts a full sync; deleteAttributeMappings stops a target flowing', async () => {
    const result = await runScenario(parseScenario(EDITS, 'edits.yaml'));
    expect(result.failure?.message ?? '').toBe('');
    const refused = await runScenario(
      parseScenario(EDITS.replace('[title, externalId]', '[title, nickName]'), 'edits.yaml'),
    );
    expect(refused.failure?.message).toMatch(/no attribute mapping has the target nickName/);
  });

  it('a bad mapping in a step, or an unknown role, is a load error with the line and the field', () => {
    const [bad] = problemsOf(
      `name: x\ntenant: { users: { ada: {} } }\nsteps:\n  - setAttributeMappings:\n      - { target: displayName, expression: 'Left([mail]' }\n`,
      'bad.yaml',
    );
    expect(bad).toMatchObject({ line: 5, path: 'steps[0].setAttributeMappings[0].expression' });
    const [path] = problemsOf(
      `name: x\ntenant: { users: { ada: {} } }\nsteps:\n  - setAttributeMappings: [{ target: 'emails[value eq 1]', source: mail }]\n`,
      'bad.yaml',
    );
    expect(path).toMatchObject({ line: 4, path: 'steps[0].setAttributeMappings[0].target' });
    const [role] = problemsOf(
      `name: x\ntenant: { users: { ada: {} } }\nsteps:\n  - assign: { principals: ada, role: Owner }\n`,
      'bad.yaml',
    );
    expect(role).toMatchObject({ line: 4, path: 'steps[0].assign' });
    expect(role?.message).toMatch(/expected one of "Default Access"\|"User"\|"Admin"/);
  });

  it('both scenarios, and the bundled role scenario, give the same results through the served faces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-roles-'));
    try {
      const files = [join(dir, 'complex.yaml'), join(dir, 'edits.yaml'), 'scenarios/25-role-mapped-into-nordpass.yaml'];
      await writeFile(files[0]!, COMPLEX);
      await writeFile(files[1]!, EDITS);
      const served = await runServed(files, { workers: 1 });
      expect(served.scenarios.map((s) => s.failure?.message ?? '')).toEqual(['', '', '']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a served world's record says a role assignment and a mapping edit made over Graph as steps, and its export replays", async () => {
    const s = await startServer({ host: '127.0.0.1', port: 0, scimToken: 't', adminToken: 'a', seed: 'rec' });
    try {
      const graph = servedGraph(s.origin, 'a');
      const ada = await graph(
        'POST',
        '/users',
        newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada', mailNickname: 'ada' }),
      );
      const sp = (await graph('GET', '/servicePrincipals')).body.value[0];
      const adminRole = sp.appRoles.find((r: { value: string }) => r.value === 'Admin').id;
      expect(
        (
          await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
            principalId: ada.body.id,
            resourceId: sp.id,
            appRoleId: adminRole,
          })
        ).status,
      ).toBe(201);
      // The same role again is refused; an unknown role id too.
      const again = await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
        principalId: ada.body.id,
        resourceId: sp.id,
        appRoleId: adminRole,
      });
      expect([again.status, again.body.error.message]).toEqual([
        400,
        'Permission being assigned already exists on the object.',
      ]);
      const unknown = await graph('POST', `/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
        principalId: ada.body.id,
        resourceId: sp.id,
        appRoleId: '11111111-1111-1111-1111-111111111111',
      });
      expect(unknown.status).toBe(400);
      const listed = await graph('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`);
      expect(listed.body.value.map((a: { appRoleId: string }) => a.appRoleId)).toEqual([adminRole]);
      // A mapping edit over Graph: the schema read, one mapping added and one deleted, written back.
      const jobs = `/servicePrincipals/${sp.id}/synchronization/jobs`;
      const job = (await graph('POST', jobs, { templateId: 'scim' })).body.id;
      const { '@odata.context': _c, ...schema } = (await graph('GET', `${jobs}/${job}/schema`)).body;
      const users = schema.synchronizationRules[0].objectMappings.find(
        (m: { sourceObjectName: string }) => m.sourceObjectName === 'User',
      );
      users.attributeMappings = users.attributeMappings.filter(
        (m: { targetAttributeName: string }) => m.targetAttributeName !== 'externalId',
      );
      users.attributeMappings.push({
        ...users.attributeMappings[0],
        matchingPriority: 0,
        targetAttributeName: 'roles[primary eq "True"].value',
        source: {
          expression: 'SingleAppRoleAssignment([appRoleAssignments])',
          name: 'SingleAppRoleAssignment',
          type: 'Function',
          parameters: [
            {
              key: 'p1',
              value: {
                expression: '[appRoleAssignments]',
                name: 'appRoleAssignments',
                type: 'Attribute',
                parameters: [],
              },
            },
          ],
        },
      });
      expect((await graph('PUT', `${jobs}/${job}/schema`, schema)).status).toBe(204);
      const record = await (await fetch(`${s.origin}/_sim/record`, { headers: { Authorization: 'Bearer a' } })).json();
      const steps = record.steps.map((x: { step: unknown }) => x.step);
      expect(steps).toContainEqual({ assign: { principals: 'ada', role: 'Admin' } });
      expect(steps).toContainEqual({
        setAttributeMappings: [
          { target: 'roles[primary eq "True"].value', expression: 'SingleAppRoleAssignment([appRoleAssignments])' },
        ],
      });
      expect(steps).toContainEqual({ deleteAttributeMappings: ['externalId'] });
      const yaml = await (
        await fetch(`${s.origin}/_sim/record/export`, { headers: { Authorization: 'Bearer a' } })
      ).text();
      const replayed = await runScenario(parseScenario(yaml, 'export.yaml'));
      expect(replayed.failure?.message ?? '').toBe('');
    } finally {
      await s.close();
    }
  });
});
