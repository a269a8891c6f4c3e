/**
 * A scenario's target in a served world, reached over its public faces only, as a script or an admin would:
 * Microsoft Graph (`/azure/v1.0`) for the Entra steps and checks, the NordPass Admin Panel (`/admin`) for the NordPass
 * ones, SCIM for `scim:` checks, and `/_sim` for what only a simulator has: the clock, faults, the engine's
 * exchanges, the escrow count. `scimsim run --served` drives every step through it, so each one crosses a socket.
 */
import { renderScope } from '../../mock-azure/graph/sync-scope.ts';
import { graphAttributeMapping, schemaSettings } from '../../mock-azure/graph/sync-schema.ts';
import { type AttributeMapping, editedMappings } from '../../mock-azure/app/mappings.ts';
import {
  graphProvisioningAction,
  INITIATOR_TYPES,
  type LogQuery,
  PROVISIONING_ACTIONS,
} from '../../mock-azure/provisioning/logs.ts';
import type { FaultSpec } from '../scenario/faults.ts';
import { type MemberView, Refused, type ScenarioTarget, type TestConnectionResult } from '../scenario/target.ts';

/** What a served world's faces answered that a step did not expect: the face's own status and message. */
/** The Admin Panel's 4xx answers (its rules) as the target reports refusals; a 5xx or a broken connection is not one. */
async function refusing(answer: Promise<unknown>): Promise<void> {
  try {
    await answer;
  } catch (error) {
    if (error instanceof FaceError && error.status >= 400 && error.status < 500) throw new Refused(error.message);
    throw error;
  }
}

export class FaceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FaceError';
  }
}

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** The largest page Graph gives (`$top`). */
const GRAPH_PAGE = 999;

export interface ServedTargetOptions {
  /** The server's origin, e.g. http://127.0.0.1:43121. */
  origin: string;
  /** The admin token `scimsim serve` printed: Graph, the Admin Panel and /_sim all take it. */
  adminToken: string;
  /** The world's SCIM Tenant URL and first Secret Token, as `POST /_sim/reset` answered them. */
  tenantUrl: string;
  initialToken: string | undefined;
}

/**
 * A served world's faces as a client of them calls them: with the admin token, JSON in and out, and a call that must
 * succeed throwing the face's own error (status, code, message). `run --served` resets and reads the world with it too.
 */
export function faceClient(origin: string, adminToken: string) {
  const send = async (method: string, url: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(url.startsWith('http') ? url : `${origin}${url}`, {
      method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  /** A call that must succeed: anything else is the face's error, in its words. */
  const call = async (method: string, url: string, body?: unknown): Promise<Record<string, unknown>> => {
    const answer = await send(method, url, body);
    if (answer.status >= 400) {
      const error = (answer.body?.error ?? {}) as { code?: string; message?: string };
      throw new FaceError(
        answer.status,
        error.code ?? String(answer.status),
        error.message ?? `${method} ${url} answered ${answer.status}`,
      );
    }
    return answer.body ?? {};
  };
  const graph = (method: string, path: string, body?: unknown) => call(method, `/azure/v1.0${path}`, body);
  /** Every item of a Graph collection, page after page. */
  const graphAll = async (path: string): Promise<Array<Record<string, unknown>>> => {
    const items: Array<Record<string, unknown>> = [];
    let next: string | undefined = `/azure/v1.0${path}${path.includes('?') ? '&' : '?'}$top=${GRAPH_PAGE}`;
    while (next !== undefined) {
      const page = await call('GET', next);
      items.push(...((page.value as Array<Record<string, unknown>>) ?? []));
      next = page['@odata.nextLink'] as string | undefined;
    }
    return items;
  };
  return {
    send,
    graph,
    graphAll,
    admin: (method: string, path: string, body?: unknown) => call(method, `/admin${path}`, body),
    sim: (method: string, path: string, body?: unknown) => call(method, `/_sim${path}`, body),
    /** A string as an OData literal: `'O''Brien'`. */
    quote: (value: string) => `'${value.replace(/'/g, "''")}'`,
  };
}

/** A served world's faces as a scenario target; it first reads the ids it needs (the service principal). */
export async function servedTarget(options: ServedTargetOptions): Promise<ScenarioTarget> {
  const { send, graph, graphAll, admin, sim, quote } = faceClient(options.origin, options.adminToken);

  const servicePrincipal = ((await graph('GET', '/servicePrincipals')).value as Array<{ id: string }>)[0]!.id;
  const sync = `/servicePrincipals/${servicePrincipal}/synchronization`;
  /** The app's roles, as the service principal lists them: read at the first assignment with a role, then kept. */
  let roles: Promise<Array<{ id: string; value: string | null; displayName: string }>> | undefined;
  /** An app role's id by its value or display name. */
  const appRoleId = async (role: string) => {
    roles ??= graph('GET', `/servicePrincipals/${servicePrincipal}?$select=appRoles`).then(
      (sp) => (sp as { appRoles: Awaited<NonNullable<typeof roles>> }).appRoles,
    );
    const appRoles = await roles;
    const lower = role.toLowerCase();
    const found = appRoles.find(
      (r) => (r.value ?? r.displayName).toLowerCase() === lower || r.displayName.toLowerCase() === lower,
    );
    if (!found) throw new FaceError(400, 'Request_BadRequest', `NordPass declares no app role ${role}`);
    return found.id;
  };
  /** The app's provisioning job, as Graph lists it (none until the first save; a deleted one is gone). */
  const jobPath = async (verb = '') => {
    const [found] = (await graph('GET', `${sync}/jobs`)).value as Array<{ id: string }>;
    if (!found) throw new FaceError(404, 'Request_ResourceNotFound', 'the app has no provisioning job: save first');
    return `${sync}/jobs/${found.id}${verb}`;
  };
  const secrets = (pairs: Record<string, string>) =>
    graph('PUT', `${sync}/secrets`, { value: Object.entries(pairs).map(([key, value]) => ({ key, value })) });
  const userPrincipalName = async (id: string) =>
    (await graph('GET', `/users/${id}?$select=userPrincipalName`)).userPrincipalName as string;

  return {
    now: async () => Date.parse((await sim('GET', '/clock')).now as string),
    advance: async (duration) => void (await sim('POST', '/clock/advance', { by: duration })),
    advanceTo: async (instant) => void (await sim('POST', '/clock/advance', { to: instant })),
    nextTimerBesidesCycles: async () => {
      const { timers } = (await sim('GET', '/timers?except=cycle&limit=1')) as { timers: Array<{ at: string }> };
      return timers[0] ? Date.parse(timers[0].at) : undefined;
    },

    addUser: async (attributes) => {
      // What Graph requires to create a user; the password is required, then never used.
      const user = await graph('POST', '/users', {
        accountEnabled: true,
        mailNickname: attributes.userPrincipalName.split('@')[0],
        ...attributes,
        passwordProfile: { forceChangePasswordNextSignIn: true, password: 'scimsim-Passw0rd!' },
      });
      return { id: user.id as string, userPrincipalName: user.userPrincipalName as string };
    },
    updateUser: async (id, set) => {
      await graph('PATCH', `/users/${id}`, set);
      return { userPrincipalName: await userPrincipalName(id) };
    },
    deleteUser: async (id) => void (await graph('DELETE', `/users/${id}`)),
    restoreUser: async (id) => void (await graph('POST', `/directory/deletedItems/${id}/restore`)),
    deleteUserPermanently: async (id) => void (await graph('DELETE', `/directory/deletedItems/${id}`)),
    blockSignIn: async (id) => void (await graph('PATCH', `/users/${id}`, { accountEnabled: false })),
    unblockSignIn: async (id) => void (await graph('PATCH', `/users/${id}`, { accountEnabled: true })),
    addGroup: async (attributes) => ({ id: (await graph('POST', '/groups', attributes)).id as string }),
    updateGroup: async (id, set) => void (await graph('PATCH', `/groups/${id}`, set)),
    deleteGroup: async (id) => void (await graph('DELETE', `/groups/${id}`)),
    addMember: async (groupId, memberId) =>
      void (await graph('POST', `/groups/${groupId}/members/$ref`, {
        '@odata.id': `${options.origin}/azure/v1.0/directoryObjects/${memberId}`,
      })),
    removeMember: async (groupId, memberId) =>
      void (await graph('DELETE', `/groups/${groupId}/members/${memberId}/$ref`)),
    directoryPlace: async (id) => {
      if ((await send('GET', `/azure/v1.0/users/${id}?$select=id`)).status === 200) return 'active';
      if ((await send('GET', `/azure/v1.0/directory/deletedItems/${id}`)).status === 200) return 'deleted';
      return 'permanentlyDeleted';
    },
    recycleBinCount: async () => (await graphAll('/directory/deletedItems/microsoft.graph.user?$select=id')).length,

    setManager: async (userId, managerId) =>
      managerId === undefined
        ? void (await graph('DELETE', `/users/${userId}/manager/$ref`))
        : void (await graph('PUT', `/users/${userId}/manager/$ref`, {
            '@odata.id': `${options.origin}/azure/v1.0/directoryObjects/${managerId}`,
          })),
    assign: async (principalId, role) =>
      void (await graph('POST', `/servicePrincipals/${servicePrincipal}/appRoleAssignedTo`, {
        principalId,
        resourceId: servicePrincipal,
        ...(role === undefined ? {} : { appRoleId: await appRoleId(role) }),
      })),
    // As a script does it: the principal's assignments (of the role), then a DELETE each.
    unassign: async (principalId, role) => {
      const roleId = role === undefined ? undefined : await appRoleId(role);
      const found = (await graph(
        'GET',
        `/servicePrincipals/${servicePrincipal}/appRoleAssignedTo?$filter=principalId eq ${quote(principalId)}`,
      )) as { value: Array<{ id: string; appRoleId: string }> };
      const assignments = found.value.filter((a) => roleId === undefined || a.appRoleId === roleId);
      if (assignments.length === 0)
        throw new FaceError(
          404,
          'Request_ResourceNotFound',
          `${principalId} is not assigned to NordPass${role === undefined ? '' : ` with the role ${role}`}`,
        );
      for (const a of assignments)
        await graph('DELETE', `/servicePrincipals/${servicePrincipal}/appRoleAssignedTo/${a.id}`);
    },
    // The Attribute Mapping page's Save: the User objectMapping's attributeMappings in the job's schema, read, changed, written back.
    editMappings: async ({ set, remove }) => {
      const jobs = (await graph('GET', `${sync}/jobs`)).value as unknown[];
      if (jobs.length === 0) await graph('POST', `${sync}/jobs`, { templateId: 'scim' });
      const { '@odata.context': _context, ...body } = (await graph('GET', await jobPath('/schema'))) as Record<
        string,
        unknown
      > & {
        synchronizationRules: Array<{
          objectMappings: Array<{
            sourceObjectName: string;
            attributeMappings: Array<{ targetAttributeName: string }>;
          }>;
        }>;
      };
      const users = body.synchronizationRules[0]!.objectMappings.find((m) => m.sourceObjectName === 'User')!;
      // Read as the engine reads a PUT, edited as the in-process target edits, written back in Graph's shape.
      users.attributeMappings = editedMappings(schemaSettings(body).mappings as AttributeMapping[], set, remove).map(
        graphAttributeMapping,
      );
      await graph('PUT', await jobPath('/schema'), body);
    },
    // Provisioning > Settings: Graph keeps Scope and "Skip out of scope deletions" among the job's secrets.
    configure: async ({ groupProvisioning, scopingFilters, ...settings }) => {
      if (Object.keys(settings).length > 0)
        await secrets({
          ...(settings.scope !== undefined ? { SyncAll: String(settings.scope === 'all') } : {}),
          ...(settings.skipOutOfScopeDeletions !== undefined
            ? { SkipOutOfScopeDeletions: String(settings.skipOutOfScopeDeletions) }
            : {}),
        });
      if (groupProvisioning === undefined && scopingFilters === undefined) return;
      // The group switch is the Group objectMapping's `enabled` in the job's schema, the scoping filters the User
      // one's `scope`: read, change, write back.
      const jobs = (await graph('GET', `${sync}/jobs`)).value as unknown[];
      if (jobs.length === 0) await graph('POST', `${sync}/jobs`, { templateId: 'scim' });
      const schema = await graph('GET', await jobPath('/schema'));
      const { '@odata.context': _context, ...body } = schema as Record<string, unknown> & {
        synchronizationRules: Array<{
          objectMappings: Array<{ sourceObjectName: string; enabled: boolean; scope: unknown }>;
        }>;
      };
      for (const m of body.synchronizationRules[0]!.objectMappings) {
        if (m.sourceObjectName === 'Group' && groupProvisioning !== undefined) m.enabled = groupProvisioning;
        if (m.sourceObjectName === 'User' && scopingFilters !== undefined) m.scope = renderScope(scopingFilters);
      }
      await graph('PUT', await jobPath('/schema'), body);
    },
    testConnection: async (tenantUrl, secretToken): Promise<TestConnectionResult> => {
      const answer = await send('POST', `/azure/v1.0${sync}/jobs/validateCredentials`, {
        credentials: [
          { key: 'BaseAddress', value: tenantUrl },
          { key: 'SecretToken', value: secretToken },
        ],
      });
      if (answer.status === 204) return { ok: true };
      const error = (answer.body?.error ?? {}) as { code?: string; message?: string };
      if (answer.status !== 400)
        throw new FaceError(answer.status, error.code ?? '', error.message ?? 'validateCredentials failed');
      return {
        ok: false,
        ...(error.code ? { errorCode: error.code } : {}),
        ...(error.message ? { message: error.message } : {}),
      };
    },
    saveCredentials: async (tenantUrl, secretToken) =>
      void (await secrets({ BaseAddress: tenantUrl, SecretToken: secretToken })),
    // Graph's start and restart leave the cycle to the clock; a step that does not wait moves the clock by nothing,
    // which runs it at this instant, as the in-process start does.
    start: async (options) => {
      await graph('POST', await jobPath('/start'));
      if (!options.wait) await sim('POST', '/clock/advance', { by: 0 });
    },
    stop: async () => void (await graph('POST', await jobPath('/pause'))),
    deleteJob: async () => void (await graph('DELETE', await jobPath())),
    restart: async (options) => {
      await graph('POST', await jobPath('/restart'), options.full ? { criteria: { resetScope: 'Full' } } : undefined);
      if (!options.wait) await sim('POST', '/clock/advance', { by: 0 });
    },
    allowDeletes: async (options) => {
      await graph('POST', await jobPath('/restart'), { criteria: { resetScope: 'ForceDeletes' } });
      if (!options.wait) await sim('POST', '/clock/advance', { by: 0 });
    },
    provisionOnDemand: async (userId) =>
      void (await graph('POST', await jobPath('/provisionOnDemand'), {
        parameters: [{ subjects: [{ objectId: userId, objectTypeName: 'User' }] }],
      })),
    jobStatus: async () => {
      const [found] = (await graph('GET', `${sync}/jobs`)).value as Array<{
        status: { code: string; quarantine: { error: { code: string } } | null };
      }>;
      const { escrowCount } = (await sim('GET', '/job/waiting')) as { escrowCount: number };
      // No job (none saved yet, or deleted) is what the engine calls NotConfigured.
      if (!found) return { code: 'NotConfigured', quarantineReason: null, escrows: escrowCount };
      const { status } = found;
      return { code: status.code, quarantineReason: status.quarantine?.error.code ?? null, escrows: escrowCount };
    },
    logCount: async (query) => (await graphAll(`/auditLogs/provisioning?$select=id${logFilter(query, quote)}`)).length,
    latestLogs: async (sourceId, n) => {
      const filter = sourceId === undefined ? '' : `&$filter=sourceIdentity/id eq ${quote(sourceId)}`;
      const { value } = (await graph(
        'GET',
        `/auditLogs/provisioning?$top=${n}&$select=provisioningAction,provisioningStatusInfo${filter}`,
      )) as { value: GraphLogEntry[] };
      // Graph lists the newest first; a mismatch lists them in the order they happened.
      return value.reverse().map((entry) => {
        const info = entry.provisioningStatusInfo;
        const code = info.errorInformation?.errorCode;
        return `${actionOf(entry.provisioningAction)}/${info.status}${code ? `/${code}` : ''}`;
      });
    },
    exchangeCount: async (q) => {
      const params = new URLSearchParams({ since: String(q.since), limit: '1' });
      if (q.method !== undefined) params.set('method', q.method);
      if (q.path !== undefined) params.set('path', q.path);
      if (q.body !== undefined) params.set('body', q.body);
      if (q.status !== undefined) params.set('status', String(q.status));
      return (await sim('GET', `/requests?${params}`)).matching as number;
    },
    exchangesTotal: async () => (await sim('GET', '/requests?limit=1')).total as number,

    getCredentials: async () => {
      const issued = await admin('POST', '/provisioning/credentials');
      return { tenantUrl: issued.tenantUrl as string, secretToken: issued.secretToken as string };
    },
    memberByUserName: async (userName) => {
      const lower = userName.toLowerCase();
      const { members } = (await admin('GET', `/members?search=${encodeURIComponent(lower)}`)) as {
        members: Array<{ id: string; userName: string; status: string }>;
      };
      const same = members.filter((m) => m.userName.toLowerCase() === lower);
      const found = same.find((m) => m.status !== 'deleted') ?? same.at(-1);
      if (!found) return undefined;
      const detail = (await admin('GET', `/members/${found.id}`)) as unknown as Omit<MemberView, 'history'> & {
        history: Array<{ type: MemberView['history'][number]['type']; at: string }>;
      };
      return {
        id: detail.id,
        userName: detail.userName,
        status: detail.status,
        role: detail.role,
        history: detail.history.map((e) => ({ type: e.type, at: Date.parse(e.at) })),
      };
    },
    memberCount: async (status) => ((await admin('GET', '/members?top=1')).counts as Record<string, number>)[status]!,
    outboxCount: async (to) => {
      const { emails } = (await admin('GET', '/outbox')) as { emails: Array<{ to: string }> };
      const lower = to?.toLowerCase();
      return emails.filter((e) => lower === undefined || e.to.toLowerCase() === lower).length;
    },
    acceptInvitation: async (id) => void (await admin('POST', `/members/${id}/accept-invitation`)),
    restoreMember: (id, as) => refusing(admin('POST', `/members/${id}/restore?as=${as}`)),
    suspendMember: (id, as) => refusing(admin('POST', `/members/${id}/suspend?as=${as}`)),
    activateMember: (id, as) => refusing(admin('POST', `/members/${id}/activate?as=${as}`)),
    deleteMember: (id, as) => refusing(admin('DELETE', `/members/${id}?as=${as}`)),
    setRole: (id, role, as) => refusing(admin('PUT', `/members/${id}/role?as=${as}`, { role })),
    scimEndpoint: () => ({ tenantUrl: options.tenantUrl, initialToken: options.initialToken }),
    scimFetch: (request) => fetch(request),

    injectFault: async (spec: FaultSpec) => void (await sim('POST', '/faults', spec)),
    clearFault: async (id) =>
      void (await sim('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`)),
  };
}

interface GraphLogEntry {
  provisioningAction: string;
  provisioningStatusInfo: { status: string; errorInformation?: { errorCode?: string } };
}

/** A provisioning log query as Graph's `$filter` (prefixed `&$filter=`), or nothing when it filters nothing. */
function logFilter(query: LogQuery, quote: (value: string) => string): string {
  if (query.userPrincipalName !== undefined || query.cycleId !== undefined)
    throw new Error('a served run filters provisioning logs by user id, action, status, error code and initiator only');
  const clauses = [
    query.userId !== undefined ? `sourceIdentity/id eq ${quote(query.userId)}` : '',
    query.action !== undefined ? `provisioningAction eq ${quote(graphProvisioningAction(query.action))}` : '',
    query.status !== undefined ? `provisioningStatusInfo/status eq ${quote(query.status)}` : '',
    query.errorCode !== undefined
      ? `provisioningStatusInfo/errorInformation/errorCode eq ${quote(query.errorCode)}`
      : '',
    query.initiatedBy !== undefined ? `initiatedBy/initiatorType eq ${quote(INITIATOR_TYPES[query.initiatedBy])}` : '',
  ].filter(Boolean);
  return clauses.length ? `&$filter=${encodeURIComponent(clauses.join(' and '))}` : '';
}

/** Graph's provisioningAction back in the engine's words (`stagedDelete` is StagedDelete). */
const actionOf = (graphAction: string) =>
  PROVISIONING_ACTIONS.find((a) => graphProvisioningAction(a) === graphAction) ?? graphAction;
