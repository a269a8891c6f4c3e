/**
 * POST .../synchronization/jobs/{jobId}/provisionOnDemand: one user (or one group of up to 5 members) now,
 * answered as Graph's stringKeyStringValuePair: `key` the JSON result, `value` the JSON step-by-step report.
 */
import type { EnterpriseApplication } from '../app/application.ts';
import { toObjectSummary, type LogRecord } from '../provisioning/logs.ts';
import { badRequest, notFound } from './errors.ts';
import { json, objectBody, route, type GraphRequest, type Route } from './http.ts';
import { context } from './odata.ts';
import { jobFor } from './synchronization.ts';

/** The portal's limit for a group on demand (research/entra.md §7). */
export const ON_DEMAND_GROUP_LIMIT = 5;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One record as the `value` report of Graph's documented sample (action, changeId, steps with `type`
 * Import / Matching / Scoping / Export, statusInfo, identities). INFERRED: a Processing step keeps that name.
 */
function report(record: LogRecord, app: EnterpriseApplication) {
  const summary = toObjectSummary(record, app);
  const at = summary.activityDateTime;
  const error = summary.provisioningStatusInfo.errorInformation;
  return {
    action: record.action,
    changeId: record.changeId,
    endTime: at,
    modifiedProperties: summary.modifiedProperties,
    provisioningSteps: summary.provisioningSteps.map((s) => ({
      name: s.name,
      type: capitalize(s.provisioningStepType),
      status: capitalize(s.status),
      description: s.description,
      timestamp: at,
      details: s.details,
    })),
    reportableIdentifier: record.source.userPrincipalName,
    startTime: at,
    statusInfo: {
      status: capitalize(record.status),
      errorCode: error?.errorCode ?? null,
      reason: error?.reason ?? null,
      additionalDetails: null,
      errorCategory: error?.errorCategory ?? null,
      recommendedAction: null,
    },
    sourceIdentity: {
      id: record.source.id,
      type: record.objectType ?? 'User',
      displayName: record.source.displayName,
      details: null,
    },
    sourceSystem: { id: null, name: 'Azure Active Directory', details: null },
    targetIdentity: {
      id: record.targetId ?? null,
      type: `urn:ietf:params:scim:schemas:core:2.0:${record.objectType ?? 'User'}`,
      displayName: null,
      details: null,
    },
    targetSystem: { id: null, name: app.displayName, details: null },
  };
}

function result(records: LogRecord[]) {
  // The worst outcome speaks for a group: a failure, else a warning, else a success, else skipped.
  const order = ['failure', 'warning', 'success', 'skipped'] as const;
  const status = order.find((s) => records.some((r) => r.status === s)) ?? 'skipped';
  const first = records.find((r) => r.status === status && r.errorCode);
  return {
    result: capitalize(status),
    details: first ? { errorCode: first.errorCode, errorMessage: first.reason ?? null } : {},
  };
}

/** The one subject of `{"parameters":[{"subjects":[{"objectId","objectTypeName"}],"ruleId"}]}`. */
function subjectOf(body: Record<string, unknown>): { objectId: string; type: 'user' | 'group' } {
  const parameters = body.parameters;
  if (!Array.isArray(parameters) || parameters.length !== 1) {
    throw badRequest('parameters must hold exactly one synchronizationJobApplicationParameters entry.');
  }
  const { subjects, ruleId } = (parameters[0] ?? {}) as { subjects?: unknown; ruleId?: unknown };
  // fidelity: the rule id comes from the job's schema in Graph; any string is accepted here.
  if (ruleId !== undefined && typeof ruleId !== 'string') throw badRequest('ruleId must be a string.');
  if (!Array.isArray(subjects) || subjects.length === 0)
    throw badRequest('subjects must name the user (or group) to provision.');
  if (subjects.length > 1)
    throw badRequest('Provision on demand takes one user at a time (or one group of up to 5 members).');
  const { objectId, objectTypeName } = (subjects[0] ?? {}) as { objectId?: unknown; objectTypeName?: unknown };
  if (typeof objectId !== 'string' || objectId === '')
    throw badRequest('subjects[0].objectId must be the id of a user or group.');
  const type = typeof objectTypeName === 'string' ? objectTypeName.toLowerCase() : '';
  if (type !== 'user' && type !== 'group') throw badRequest(`subjects[0].objectTypeName must be "User" or "Group".`);
  return { objectId, type };
}

export function onDemandRoutes(): Route[] {
  return [
    route('POST', '/servicePrincipals/:id/synchronization/jobs/:jobId/provisionOnDemand', async (req: GraphRequest) => {
      const { app, job } = jobFor(req);
      const { objectId, type } = subjectOf(await objectBody(req, 'provisionOnDemand parameters'));
      const { directory } = req.deps.azure;
      let userIds: string[];
      if (type === 'user') {
        // A user in Deleted users exists (the engine refuses it with its reason); an unknown id does not.
        if (!directory.user(objectId) && !directory.deletedUser(objectId)) throw notFound(objectId);
        userIds = [objectId];
      } else {
        const group = directory.group(objectId);
        if (!group) throw notFound(objectId);
        // Direct user members only, as scope is computed; nested groups are not expanded.
        userIds = group.memberIds.filter((id) => directory.user(id) !== undefined);
        if (userIds.length > ON_DEMAND_GROUP_LIMIT) {
          throw badRequest(
            `Provision on demand takes a group of at most ${ON_DEMAND_GROUP_LIMIT} members; '${group.displayName}' has ${userIds.length}.`,
          );
        }
        if (userIds.length === 0)
          throw badRequest(`The group '${group.displayName}' has no user members to provision.`);
      }
      // A group: its members, then (with group provisioning on) the group itself, as the engine does it.
      const records =
        type === 'user' ? [await job.provisionOnDemand(objectId)] : await job.provisionGroupOnDemand(objectId);
      for (const id of userIds) req.deps.onAction?.({ kind: 'provisionOnDemand', userId: id });
      const members = records.filter((r) => r.objectType !== 'Group');
      const groupRecord = records.find((r) => r.objectType === 'Group');
      // INFERRED: for a group, `value` lists one report per member and the group's own (Graph documents only the
      // one-user form).
      const value =
        type === 'user'
          ? report(records[0]!, app)
          : {
              reportableIdentifier: directory.group(objectId)!.displayName,
              members: members.map((r) => report(r, app)),
              ...(groupRecord ? { group: report(groupRecord, app) } : {}),
            };
      return json({
        '@odata.context': context(req, 'microsoft.graph.stringKeyStringValuePair'),
        '@odata.type': '#microsoft.graph.stringKeyStringValuePair',
        key: JSON.stringify(result(records)),
        value: JSON.stringify(value),
      });
    }),
  ];
}
