/**
 * Carrying out one user's plan against the SCIM app, in Entra's order (research/entra.md §3-§6): query by
 * the matching attribute -> POST or adopt; GET then PATCH only what differs; PATCH active=false; DELETE.
 * Returns the provisioning log record; failures come back as records with an error code, never as throws,
 * except credential failures, which stop the cycle (the job is quarantined).
 */
import type { Random } from '../../simulator/random.ts';
import { FILTER_UNSAFE_CHARACTERS, mayBeFilterUnsafe, type VariantChoices } from '../../simulator/variants.ts';
import type { EnterpriseApplication } from '../app/application.ts';
import type { DirectoryUser } from '../directory/directory.ts';
import type { ExchangeLog } from '../scim-client/exchanges.ts';
import type { LogRecord, ModifiedProperty, ProvisioningAction } from './logs.ts';
import {
  desiredValues,
  type MappingContext,
  MappingError,
  matchingMappings,
  redactedTargets,
} from '../app/mappings.ts';
import { type AppRole, PRIMARY_ROLE, RoleList, roleOperations } from '../app/app-roles.ts';
import type { Link, Plan } from './plan.ts';
import { ENTERPRISE_SCHEMA, ScimCallError, USER_SCHEMA, type ScimClient } from '../scim-client/client.ts';
import { readTarget, writeTarget } from '../app/target-paths.ts';

export interface ExecuteContext {
  client: ScimClient;
  app: EnterpriseApplication;
  links: Map<string, Link>;
  exchanges: ExchangeLog;
  random: Random;
  now: () => number;
  jobId: string;
  cycleId: string;
  initiatedBy: LogRecord['initiatedBy'];
  variants: VariantChoices;
}

/** A failure that is not about this user: the credentials were refused. The cycle stops. */
export class CredentialFailure extends Error {
  constructor(readonly error: ScimCallError) {
    super(error.message);
  }
}

export interface Outcome {
  record: LogRecord;
  /** A 429's Retry-After, for the escrow's next attempt. */
  retryAfterMs?: number;
}

export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<Outcome> {
  const firstExchange = ctx.exchanges.total + 1;
  const record = baseRecord(plan, ctx);
  let retryAfterMs: number | undefined;
  try {
    switch (plan.kind) {
      case 'create':
        await create(plan.user!, record, ctx);
        break;
      case 'update': {
        const link = ctx.links.get(plan.userId)!;
        // A user disabled for leaving scope is no longer managed (research/entra.md §5). Coming back, is it read by
        // the old id (a member purged in NordPass meanwhile gives InvalidAnchor until a Full restart) or matched
        // again by userName? variant: reassignAfterPurge (simulator/variants.ts; scenarios/05-reassign-after-purge.yaml).
        if (!link.managed && ctx.variants.get('reassignAfterPurge') === 'rematch')
          await create(plan.user!, record, ctx);
        else await update(plan.user!, record, ctx, link);
        break;
      }
      case 'disable':
        await disable(plan, record, ctx);
        break;
      case 'delete':
        await remove(plan, record, ctx);
        break;
      case 'skipDisabled':
        Object.assign(record, {
          action: 'Other',
          status: 'skipped',
          errorCode: 'NotEffectivelyEntitled',
          reason: 'The user is disabled or deleted in Azure Active Directory and is not provisioned.',
        });
        break;
      case 'forget':
        ctx.links.delete(plan.userId);
        Object.assign(record, {
          action: 'Other',
          status: 'skipped',
          errorCode: 'EntrySynchronizationSkipped',
          reason: 'The user was deleted permanently after it stopped being managed; nothing is sent.',
        });
        break;
    }
  } catch (error) {
    // fidelity: an expression that fails for one user fails that user's operation; the error code is scimsim's
    // (INFERRED: Entra's logs name expression failures, but no page lists the code).
    if (error instanceof MappingError) {
      Object.assign(record, { status: 'failure', errorCode: 'ExpressionEvaluationFailed', reason: error.message });
      record.exchanges = range(firstExchange, ctx.exchanges.total);
      return { record };
    }
    if (!(error instanceof ScimCallError)) throw error;
    // Only a 401 on a user's request means the credentials are gone. A 403 there is that one operation refused
    // (InsufficientRights, e.g. NordPass protecting its Owner): a per-user failure, escrowed, as research/entra.md
    // §3.5 lists it. It used to quarantine the whole job. (A 403 on the Test Connection probe still does.)
    if (error.status === 401) throw new CredentialFailure(error);
    record.status = 'failure';
    record.errorCode = error.code;
    record.reason = error.message;
    retryAfterMs = error.retryAfterMs;
  }
  record.exchanges = range(firstExchange, ctx.exchanges.total);
  return retryAfterMs === undefined ? { record } : { record, retryAfterMs };
}

async function create(user: DirectoryUser, record: LogRecord, ctx: ExecuteContext): Promise<void> {
  const { client, app, links } = ctx;
  const mappings = app.settings.mappings;
  // Query by each matching attribute in precedence order; the first that finds something decides.
  let matches: Array<Record<string, unknown>> = [];
  const desired = desiredValues(user, mappings, 'create', mappingContext(ctx));
  let queried = false;
  for (const m of matchingMappings(mappings)) {
    const value = desired.get(m.target);
    if (typeof value !== 'string') continue;
    // "Microsoft Entra ID currently can't perform filter queries on values containing special characters", so the
    // user fails to provision (known-issues). Which characters is not said. variant: filterUnsafeCharacters.
    if (mayBeFilterUnsafe(value)) {
      const unsafe = FILTER_UNSAFE_CHARACTERS[ctx.variants.get('filterUnsafeCharacters')];
      const found = [...value].find((c) => unsafe.includes(c));
      // fidelity: Microsoft names no error code for it; InvalidFilterValue is scimsim's (INFERRED).
      if (found !== undefined)
        throw new ScimCallError(
          'InvalidFilterValue',
          `Entra cannot query NordPass for ${m.target} "${value}": the value contains ${JSON.stringify(found)}, a character it cannot put in a filter.`,
        );
    }
    queried = true;
    matches = await client.findUsers(m.target, value);
    if (matches.length > 0) break;
  }
  if (!queried) {
    Object.assign(record, {
      status: 'skipped',
      action: 'Other',
      errorCode: 'ImportSkipped',
      reason: 'The user has no value for any matching attribute.',
    });
    return;
  }
  if (matches.length > 1) {
    throw new ScimCallError(
      'DuplicateTargetEntries',
      `${matches.length} users in NordPass match ${user.userPrincipalName}; one is expected.`,
    );
  }
  if (matches.length === 1) {
    const targetId = String(matches[0]!.id);
    links.set(user.id, {
      targetId,
      userPrincipalName: user.userPrincipalName,
      active: matches[0]!.active !== false && String(matches[0]!.active).toLowerCase() !== 'false',
      managed: true,
    });
    record.matching = 'adopted';
    record.targetId = targetId;
    await update(user, record, ctx, links.get(user.id)!, matches[0]);
    return;
  }
  // Entra's POST always carries `roles` (empty without a role mapping: research/entra.md §3.4).
  const body: Record<string, unknown> = { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], roles: [] };
  for (const [path, value] of desired) writeTarget(body, path, value);
  body.active = true;
  body.meta = { resourceType: 'User' };
  const created = await client.createUser(body);
  const targetId = String(created.id);
  links.set(user.id, { targetId, userPrincipalName: user.userPrincipalName, active: true, managed: true });
  Object.assign(record, { action: 'Create', status: 'success', matching: 'created', targetId });
  const redacted = redactedTargets(mappings);
  record.modified = [...desired].map(([path, value]) => ({
    displayName: path,
    oldValue: null,
    newValue: redacted.has(path) ? '[Redact]' : String(value),
  }));
  record.modified.push({ displayName: 'active', oldValue: null, newValue: 'True' });
}

/** GET the target, PATCH only what differs (active included when the user comes back), or log Other. */
async function update(
  user: DirectoryUser,
  record: LogRecord,
  ctx: ExecuteContext,
  link: Link,
  current?: Record<string, unknown>,
): Promise<void> {
  const { client, app } = ctx;
  record.targetId = link.targetId;
  record.matching ??= 'linked';
  link.userPrincipalName = user.userPrincipalName;
  const target = current ?? (await client.getUser(link.targetId));
  const changes: Array<{ path: string; value: string | boolean }> = [];
  const modified: ModifiedProperty[] = [];
  const redacted = redactedTargets(app.settings.mappings);
  // Roles go in operations of their own (app-roles.ts: roleOperations); one for the primary role, however many of
  // its sub-attributes are mapped.
  let primaryRole: AppRole | undefined;
  const roleOps: ReturnType<typeof roleOperations> = [];
  for (const [path, value] of desiredValues(user, app.settings.mappings, 'update', mappingContext(ctx))) {
    if (value instanceof RoleList) {
      const now = Array.isArray(target.roles) ? (target.roles as Array<{ value?: unknown }>) : [];
      const has = (r: AppRole) => now.some((e) => String(e?.value ?? '').toLowerCase() === r.value!.toLowerCase());
      const missing = value.roles.filter((r) => !has(r));
      const same = missing.length === 0 && (!value.assertive || now.length === value.roles.length);
      if (same) continue;
      roleOps.push(
        ...roleOperations(ctx.client.dialect, { list: value, missing: value.assertive ? value.roles : missing }),
      );
      modified.push({
        displayName: path,
        oldValue: now.length === 0 ? null : now.map((e) => String(e?.value ?? '')).join(','),
        newValue: value.toString(),
      });
      continue;
    }
    const now = readTarget(target, path);
    if (PRIMARY_ROLE.test(path)) {
      if (now !== undefined && String(now).toLowerCase() === value.toLowerCase()) continue;
      const role = ctx.app.appRole(value);
      if (role && !primaryRole) {
        primaryRole = role;
        roleOps.push(...roleOperations(ctx.client.dialect, { single: role }));
      }
      modified.push({ displayName: path, oldValue: now === undefined ? null : String(now), newValue: value });
      continue;
    }
    if (now === undefined || String(now) !== value) {
      changes.push({ path, value });
      const hidden = redacted.has(path);
      modified.push({
        displayName: path,
        oldValue: now === undefined ? null : hidden ? '[Redact]' : String(now),
        newValue: hidden ? '[Redact]' : value,
      });
    }
  }
  const targetActive =
    target.active === undefined
      ? link.active
      : target.active === true || String(target.active).toLowerCase() === 'true';
  if (!targetActive) {
    changes.push({ path: 'active', value: true });
    modified.push({ displayName: 'active', oldValue: 'False', newValue: 'True' });
  }
  if (changes.length === 0 && roleOps.length === 0) {
    Object.assign(record, {
      action: 'Other',
      status: 'skipped',
      errorCode: 'RedundantExport',
      reason: 'The user in NordPass already matches; no change is needed.',
    });
    link.managed = true;
    return;
  }
  await client.patchUser(link.targetId, [...client.patchOperations(changes), ...roleOps]);
  link.active = true;
  link.managed = true;
  Object.assign(record, { action: 'Update' as ProvisioningAction, status: 'success', modified });
}

async function disable(plan: Plan, record: LogRecord, ctx: ExecuteContext): Promise<void> {
  const link = ctx.links.get(plan.userId)!;
  record.targetId = link.targetId;
  record.matching = 'linked';
  record.action = 'Disable';
  await ctx.client.patchUser(link.targetId, ctx.client.patchOperations([{ path: 'active', value: false }]));
  link.active = false;
  if (plan.leavingScope) link.managed = false;
  record.status = 'success';
  record.modified = [{ displayName: 'active', oldValue: 'True', newValue: 'False' }];
}

async function remove(plan: Plan, record: LogRecord, ctx: ExecuteContext): Promise<void> {
  const link = ctx.links.get(plan.userId)!;
  record.targetId = link.targetId;
  record.matching = 'linked';
  record.action = 'Delete';
  const outcome = await ctx.client.deleteUser(link.targetId);
  // variant: deleteNotFound (simulator/variants.ts): is a 404 to DELETE the user deleted, or a failure?
  if (outcome === 'alreadyGone' && ctx.variants.get('deleteNotFound') === 'failure')
    throw new ScimCallError(
      'InvalidAnchor',
      `NordPass answered 404 to DELETE /Users/${link.targetId}: the user it links to no longer exists there.`,
      404,
    );
  ctx.links.delete(plan.userId);
  record.status = 'success';
  if (outcome === 'alreadyGone')
    record.reason = 'The user was already gone from NordPass (404), which counts as deleted.';
}

/** The log record a user's action starts from: who, when, which cycle, the scoping facts. */
export function baseRecord(plan: Plan, ctx: ExecuteContext): LogRecord {
  const user = plan.user;
  const link = ctx.links.get(plan.userId);
  const upn = user?.userPrincipalName ?? link?.userPrincipalName ?? plan.userId;
  return {
    id: ctx.random.uuid(),
    at: ctx.now(),
    cycleId: ctx.cycleId,
    changeId: ctx.random.uuid(),
    jobId: ctx.jobId,
    action:
      plan.kind === 'create'
        ? 'Create'
        : plan.kind === 'update'
          ? 'Update'
          : plan.kind === 'disable'
            ? 'Disable'
            : plan.kind === 'delete'
              ? 'Delete'
              : 'Other',
    status: 'success',
    initiatedBy: ctx.initiatedBy,
    source: { id: plan.userId, userPrincipalName: upn, displayName: user?.displayName ?? upn },
    ...(link ? { targetId: link.targetId } : {}),
    scope: plan.scope,
    exchanges: [],
  };
}

/** What a user's mappings read besides the user: the clock, the seeded random source, and the app's roles. */
function mappingContext(ctx: ExecuteContext): MappingContext {
  return { now: ctx.now, random: ctx.random, rolesOf: (user) => ctx.app.rolesOf(user) };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
