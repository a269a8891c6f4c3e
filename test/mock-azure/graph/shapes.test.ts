/**
 * Graph's shapes checked against Microsoft's published types (@microsoft/microsoft-graph-types), both ways: at
 * compile time the renderers' output is assigned to the documented types (tsc runs in npm test), and at run time
 * no response of a populated world carries a property the documented type lacks.
 */
import type {
  AppRoleAssignment,
  ProvisioningObjectSummary,
  SynchronizationJob,
} from '@microsoft/microsoft-graph-types';
import { describe, expect, it } from 'vitest';
import { type FacesWorld, facesWorld } from '../../helpers/faces.ts';
import { undocumented } from '../../helpers/graph-types.ts';
import { newUser } from '../../helpers/graph.ts';
import { toObjectSummary } from '../../../mock-azure/provisioning/logs.ts';
import { renderJob } from '../../../mock-azure/graph/synchronization.ts';

const G = '/azure/v1.0';

/**
 * Compile time: what the renderers of the provisioning log and the job make is what Microsoft's types say (a wrong
 * property type fails tsc). The directory's renderers return open records, so users, groups and the service
 * principal are judged at run time only.
 */
function typedShapes(w: FacesWorld) {
  const { app, job, logs } = w.s.azure;
  const summary: ProvisioningObjectSummary = toObjectSummary(logs.all()[0]!, app);
  const jobShape: SynchronizationJob = renderJob(job, app);
  return { summary, jobShape };
}

async function get(w: FacesWorld, path: string): Promise<Record<string, unknown>> {
  const r = await w.send('GET', `${G}${path}`);
  expect(r.status, path).toBe(200);
  return (await r.json()) as Record<string, unknown>;
}

describe("Graph's responses against Microsoft's published types", () => {
  it('carry no property the documented type lacks', async () => {
    const w = await facesWorld('shapes');
    try {
      // More in the world: a deleted user, a failed export, a group on the app.
      const sp = w.s.azure.app.servicePrincipalId;
      await w.send('POST', `${G}/groups/${w.ids.group}/members/$ref`, {
        body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${w.ids.ada}` }),
      });
      await w.send('DELETE', `${G}/users/${w.ids.bob}`);
      await w.send('POST', '/_sim/faults', { body: JSON.stringify({ method: 'POST', status: 500 }) });
      const carol = (await (
        await w.send('POST', `${G}/users`, {
          body: JSON.stringify(newUser({ userPrincipalName: 'carol@contoso.com', displayName: 'Carol' })),
        })
      ).json()) as { id: string };
      await w.send('POST', `${G}/servicePrincipals/${sp}/appRoleAssignedTo`, {
        body: JSON.stringify({ principalId: carol.id, resourceId: sp }),
      });
      await w.send('POST', '/_sim/clock/advance', { body: JSON.stringify({ by: '40m' }) });
      const { value: jobs } = (await get(w, `/servicePrincipals/${sp}/synchronization/jobs`)) as {
        value: Array<{ id: string }>;
      };
      const checks: Array<[string, string, 'list' | 'entity']> = [
        ['/users', 'User', 'list'],
        [`/users/${w.ids.ada}`, 'User', 'entity'],
        [`/users?$select=id,accountEnabled,department,employeeId,jobTitle,mail`, 'User', 'list'],
        ['/directory/deletedItems/microsoft.graph.user', 'User', 'list'],
        ['/groups', 'Group', 'list'],
        [`/groups/${w.ids.group}/members`, 'DirectoryObject', 'list'],
        ['/servicePrincipals', 'ServicePrincipal', 'list'],
        [`/servicePrincipals/${sp}/appRoleAssignedTo`, 'AppRoleAssignment', 'list'],
        [`/servicePrincipals/${sp}/synchronization/jobs`, 'SynchronizationJob', 'list'],
        [`/servicePrincipals/${sp}/synchronization/jobs/${jobs[0]!.id}`, 'SynchronizationJob', 'entity'],
        ['/auditLogs/provisioning', 'ProvisioningObjectSummary', 'list'],
      ];
      const found: string[] = [];
      let checked = 0;
      for (const [path, type, kind] of checks) {
        const body = await get(w, path);
        const items = kind === 'list' ? (body.value as unknown[]) : [body];
        expect(items.length, path).toBeGreaterThan(0);
        checked += items.length;
        found.push(...undocumented(items, type, path));
      }
      expect(found).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(checks.length);
      // The provisioning log's entries have the documented fields, tenantId among them, and a failure its error.
      const { value: entries } = (await get(w, '/auditLogs/provisioning')) as { value: ProvisioningObjectSummary[] };
      expect(entries.some((e) => e.provisioningStatusInfo?.status === 'failure')).toBe(true);
      for (const e of entries) {
        expect(Object.keys(e).sort()).toEqual(
          [
            'activityDateTime',
            'changeId',
            'cycleId',
            'durationInMilliseconds',
            'id',
            'initiatedBy',
            'jobId',
            'modifiedProperties',
            'provisioningAction',
            'provisioningStatusInfo',
            'provisioningSteps',
            'servicePrincipal',
            'sourceIdentity',
            'sourceSystem',
            'targetIdentity',
            'targetSystem',
            'tenantId',
          ].sort(),
        );
        expect(e.tenantId).toBe(w.s.azure.app.tenantId);
        expect(e.durationInMilliseconds).toBe(0);
      }
      // The compile-time shapes are the run-time ones.
      const typed = typedShapes(w);
      expect(undocumented(typed.summary, 'ProvisioningObjectSummary')).toEqual([]);
      expect(undocumented(typed.jobShape, 'SynchronizationJob')).toEqual([]);
      const assignment: AppRoleAssignment = (
        (await get(w, `/servicePrincipals/${sp}/appRoleAssignedTo`)).value as AppRoleAssignment[]
      )[0]!;
      expect(assignment.resourceId).toBe(sp);
    } finally {
      await w.close();
    }
  });

  it('the reader finds what a published type lacks', () => {
    expect(undocumented({ id: 'x', displayName: 'Ada', exchanges: [1] }, 'User')).toEqual(['User.exchanges']);
    expect(
      undocumented(
        { provisioningSteps: [{ name: 'a', details: { Anything: 'goes' }, extra: 1 }] },
        'ProvisioningObjectSummary',
      ),
    ).toEqual(['ProvisioningObjectSummary.provisioningSteps[0].extra']);
    expect(
      undocumented({ '@odata.type': '#microsoft.graph.group', id: 'g', userPrincipalName: 'x' }, 'DirectoryObject'),
    ).toEqual(['DirectoryObject.userPrincipalName']);
  });
});
