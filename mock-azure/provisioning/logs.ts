/**
 * Provisioning logs: one record per object per action. Records are kept compact (a 100,000-user tenant makes
 * 100,000 of them); `toObjectSummary` renders one in the shape of Graph's provisioningObjectSummary, steps included.
 */
import { formatInstant } from '../../simulator/time.ts';

export type ProvisioningAction = 'Create' | 'Update' | 'Disable' | 'Delete' | 'StagedDelete' | 'Other';
export type ProvisioningStatus = 'success' | 'failure' | 'skipped' | 'warning';

/**
 * How long the provisioning logs are kept, by the tenant's licence: "30 days" with Microsoft Entra ID P1 or P2,
 * 7 days on the free tier (research/fidelity.md).
 */
export const LOG_RETENTION = { premium: 30 * 86_400_000, free: 7 * 86_400_000 } as const;
export type LogRetention = keyof typeof LOG_RETENTION;

export const PROVISIONING_ACTIONS: readonly ProvisioningAction[] = [
  'Create',
  'Update',
  'Disable',
  'Delete',
  'StagedDelete',
  'Other',
];
/** An action as Graph's provisioningObjectSummary names it (`provisioningAction`). */
export type GraphProvisioningAction = 'create' | 'update' | 'disable' | 'delete' | 'stagedDelete' | 'other';
export const graphProvisioningAction = (action: ProvisioningAction): GraphProvisioningAction =>
  action === 'StagedDelete' ? 'stagedDelete' : (action.toLowerCase() as GraphProvisioningAction);
/** Who started an entry, as Graph's `initiatedBy.initiatorType` says: on demand is a user's doing. */
export const INITIATOR_TYPES = { system: 'system', onDemand: 'user' } as const;

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface LogRecord {
  id: string;
  /** Virtual time, epoch ms. */
  at: number;
  cycleId: string;
  changeId: string;
  jobId: string;
  /** Users unless said otherwise; groups only with group provisioning on. */
  objectType?: 'Group';
  action: ProvisioningAction;
  status: ProvisioningStatus;
  initiatedBy: 'system' | 'onDemand';
  source: { id: string; userPrincipalName: string; displayName: string };
  targetId?: string;
  /** How the user was matched: created, adopted (one match), or already linked. */
  matching?: 'created' | 'adopted' | 'linked' | 'none';
  /** Scoping facts at the time: assigned (directly or by group), soft-deleted, sign-in blocked. */
  scope: { inScope: boolean; softDeleted: boolean; accountEnabled: boolean };
  modified?: ModifiedProperty[];
  errorCode?: string;
  reason?: string;
  /** Escrow facts for failures: "retried N times, next after ..." */
  retries?: { count: number; nextAttempt?: number };
  /** Sequence numbers of the HTTP exchanges behind the record. */
  exchanges: number[];
  /** Virtual time the object took (a realistic cycle; 0 otherwise). */
  durationMs?: number;
}

export interface LogQuery {
  userId?: string;
  userPrincipalName?: string;
  action?: ProvisioningAction;
  status?: ProvisioningStatus;
  cycleId?: string;
  errorCode?: string;
  initiatedBy?: LogRecord['initiatedBy'];
}

export class ProvisioningLogs {
  #records: LogRecord[] = [];
  /**
   * Entries by id, built on the first lookup by id (a console's deep link) and kept from then on: a scenario run
   * never looks one up and pays nothing for it (about 40 bytes an entry, on top of the ~330 of the entry).
   */
  #byId: Map<string, LogRecord> | undefined;
  readonly #listeners: Array<(record: LogRecord) => void> = [];

  /** Entries older than this are dropped when a cycle runs (LOG_RETENTION: 30 days with a premium licence, 7 free). */
  constructor(readonly retentionMs: number = LOG_RETENTION.premium) {}

  add(record: LogRecord): void {
    // Kept compact, with the same contents: records share frozen copies of the few scopes and of the `active`
    // changes, and arrays built by push (room for ~17 entries) become exact copies. ~330 bytes a record, 33 MB
    // for the 100,000 records of a 100,000-user initial cycle.
    record.scope = sharedScope(record.scope);
    record.exchanges = record.exchanges.slice();
    if (record.modified) record.modified = record.modified.map(sharedActiveChange);
    this.#records.push(record);
    this.#byId?.set(record.id, record);
    for (const listener of this.#listeners) listener(record);
  }

  /** Called with each entry as it is added (serve mode's event stream listens). */
  onAdd(listener: (record: LogRecord) => void): void {
    this.#listeners.push(listener);
  }

  all(): readonly LogRecord[] {
    return this.#records;
  }

  /** One entry by its id, or undefined (also once pruned). */
  byId(id: string): LogRecord | undefined {
    if (!this.#byId) this.#byId = new Map(this.#records.map((r) => [r.id, r]));
    return this.#byId.get(id);
  }

  prune(now: number): void {
    const cutoff = now - this.retentionMs;
    const keepFrom = this.#records.findIndex((r) => r.at >= cutoff);
    const dropped = keepFrom === -1 ? this.#records.length : keepFrom;
    if (this.#byId) for (let i = 0; i < dropped; i++) this.#byId.delete(this.#records[i]!.id);
    if (keepFrom > 0) this.#records = this.#records.slice(keepFrom);
    else if (keepFrom === -1) this.#records = [];
  }

  query(q: LogQuery): LogRecord[] {
    const upn = q.userPrincipalName?.toLowerCase();
    return this.#records.filter(
      (r) =>
        (q.userId === undefined || r.source.id === q.userId) &&
        (upn === undefined || r.source.userPrincipalName.toLowerCase() === upn) &&
        (q.action === undefined || r.action === q.action) &&
        (q.status === undefined || r.status === q.status) &&
        (q.cycleId === undefined || r.cycleId === q.cycleId) &&
        (q.errorCode === undefined || r.errorCode === q.errorCode) &&
        (q.initiatedBy === undefined || r.initiatedBy === q.initiatedBy),
    );
  }
}

type Scope = LogRecord['scope'];
const SCOPES = new Map<number, Readonly<Scope>>();

function sharedScope(scope: Scope): Scope {
  const key = (scope.inScope ? 1 : 0) | (scope.softDeleted ? 2 : 0) | (scope.accountEnabled ? 4 : 0);
  // Only a plain scope of exactly these three facts is shared; anything else is kept as it came.
  if (Object.keys(scope).length !== 3) return scope;
  let shared = SCOPES.get(key);
  if (!shared) {
    shared = Object.freeze({
      inScope: scope.inScope,
      softDeleted: scope.softDeleted,
      accountEnabled: scope.accountEnabled,
    });
    SCOPES.set(key, shared);
  }
  return shared;
}

const ACTIVE_CHANGES = new Map<string, Readonly<ModifiedProperty>>();

function sharedActiveChange(m: ModifiedProperty): ModifiedProperty {
  if (m.displayName !== 'active' || Object.keys(m).length !== 3) return m;
  const key = JSON.stringify([m.oldValue, m.newValue]);
  let shared = ACTIVE_CHANGES.get(key);
  if (!shared) {
    shared = Object.freeze({ displayName: 'active', oldValue: m.oldValue, newValue: m.newValue });
    ACTIVE_CHANGES.set(key, shared);
  }
  return shared;
}

const STEP_STATUS = (ok: boolean): ProvisioningStatus => (ok ? 'success' : 'failure');

/** One of a summary's provisioningSteps, as Graph's provisioningStep has it. */
interface SummaryStep {
  name: string;
  provisioningStepType: 'import' | 'scoping' | 'matching' | 'processing' | 'export';
  status: ProvisioningStatus;
  description: string;
  details: Record<string, string>;
}

/** The record as Graph's provisioningObjectSummary (auditLogs/provisioning). */
export function toObjectSummary(
  r: LogRecord,
  app: { displayName: string; servicePrincipalId: string; tenantId: string },
) {
  const failed = r.status === 'failure';
  const upn = r.source.userPrincipalName;
  const steps: SummaryStep[] = [
    {
      name: 'EntryImport',
      provisioningStepType: 'import',
      status: 'success',
      description: `Received User '${upn}' from Azure Active Directory`,
      details: { UserPrincipalName: upn },
    },
    {
      name: 'EntrySynchronizationScoping',
      provisioningStepType: 'scoping',
      status: r.status === 'skipped' && !r.scope.inScope ? 'skipped' : 'success',
      description: `Determine if User in scope by evaluating against each scoping filter`,
      details: {
        'Assigned to the application': String(r.scope.inScope),
        IsActive: String(r.scope.accountEnabled && !r.scope.softDeleted),
        IsSoftDeleted: String(!r.scope.inScope || r.scope.softDeleted || !r.scope.accountEnabled),
      },
    },
    ...(r.matching && r.matching !== 'none'
      ? [
          {
            name: 'EntryExportMatching',
            provisioningStepType: 'matching' as const,
            status: STEP_STATUS(!(failed && r.errorCode === 'DuplicateTargetEntries')),
            description:
              r.matching === 'created'
                ? `User '${upn}' was not found in ${app.displayName}`
                : r.matching === 'adopted'
                  ? `User '${upn}' was found in ${app.displayName} and linked`
                  : `User '${upn}' is already linked to ${app.displayName}`,
            details: { targetId: r.targetId ?? '' },
          },
        ]
      : []),
    {
      name: 'EntrySynchronizationAdd',
      provisioningStepType: 'processing',
      status: r.status === 'skipped' ? 'skipped' : 'success',
      description: `Determine the action for User '${upn}': ${r.action}`,
      details: {},
    },
    ...(r.action !== 'Other' && r.status !== 'skipped'
      ? [
          {
            name: 'EntryExport',
            provisioningStepType: 'export' as const,
            status: r.status,
            description: failed
              ? `Failed to ${r.action.toLowerCase()} User '${upn}' in ${app.displayName}`
              : r.action === 'StagedDelete'
                ? `The ${r.action} of User '${upn}' waits for "Allow deletes"`
                : `User '${upn}' was ${pastTense(r.action)} in ${app.displayName}`,
            details: r.errorCode ? { ErrorCode: r.errorCode } : {},
          },
        ]
      : []),
  ];
  return {
    id: r.id,
    activityDateTime: formatInstant(r.at),
    cycleId: r.cycleId,
    changeId: r.changeId,
    jobId: r.jobId,
    durationInMilliseconds: r.durationMs ?? 0,
    provisioningAction: graphProvisioningAction(r.action),
    provisioningStatusInfo: {
      status: r.status,
      ...(r.errorCode
        ? {
            errorInformation: {
              errorCode: r.errorCode,
              reason: errorText(r),
              additionalDetails: null,
              errorCategory: failed ? ('nonServiceFailure' as const) : null,
              recommendedAction: null,
            },
          }
        : {}),
    },
    provisioningSteps: steps,
    modifiedProperties: r.modified ?? [],
    sourceIdentity: {
      id: r.source.id,
      displayName: r.source.displayName,
      identityType: r.objectType ?? 'User',
      details: r.objectType ? {} : { UserPrincipalName: upn },
    },
    targetIdentity: {
      id: r.targetId ?? null,
      displayName: upn,
      identityType: r.objectType
        ? 'urn:ietf:params:scim:schemas:core:2.0:Group'
        : 'urn:ietf:params:scim:schemas:core:2.0:User',
      details: {},
    },
    sourceSystem: { id: null, displayName: 'Azure Active Directory', details: {} },
    targetSystem: {
      id: app.servicePrincipalId,
      displayName: app.displayName,
      details: { ServicePrincipalId: app.servicePrincipalId },
    },
    initiatedBy: {
      id: null,
      displayName: r.initiatedBy === 'onDemand' ? 'Provision on demand' : 'Azure AD Provisioning Service',
      initiatorType: INITIATOR_TYPES[r.initiatedBy],
    },
    servicePrincipal: { id: app.servicePrincipalId, displayName: app.displayName },
    tenantId: app.tenantId,
  };
}

/** The reason with Entra's retry sentence: "This operation was retried N times. It will be retried again after this date: ..." */
export function errorText(r: LogRecord): string {
  const retry = r.retries
    ? ` This operation was retried ${r.retries.count} times.${r.retries.nextAttempt !== undefined ? ` It will be retried again after this date: ${formatInstant(r.retries.nextAttempt)} UTC` : ' It will not be retried.'}`
    : '';
  return `${r.reason ?? ''}${retry}`;
}

function pastTense(action: ProvisioningAction): string {
  return {
    Create: 'created',
    Update: 'updated',
    Disable: 'disabled',
    Delete: 'deleted',
    StagedDelete: 'staged',
    Other: 'left unchanged',
  }[action];
}
