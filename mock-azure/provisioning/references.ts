/**
 * Reference attributes, the manager: "Reference attributes such as manager are resolved with extra updates
 * afterwards" (how-provisioning-works, initial cycle, step 6; research/entra.md §3.1). After a cycle's users are
 * exported, each user the cycle exported whose manager is provisioned is linked to the manager's id in the app.
 *
 * Only the users a cycle processed are looked at, so a manager who comes into scope after the report was exported
 * leaves the report unlinked until the report changes or a restart evaluates everyone: "If a user and their manager
 * are both in scope for provisioning, ... if the manager is in scope after the user, the reference isn't resolved until
 * a restart" (known-issues, research/entra.md §7 "Stale scope").
 */
import { isReference, MANAGER_TARGET } from '../app/mappings.ts';
import { ScimCallError } from '../scim-client/client.ts';
import { baseRecord, CredentialFailure, type ExecuteContext } from './execute.ts';
import type { LogRecord } from './logs.ts';
import type { Plan } from './plan.ts';

/** The users a cycle exported (created or updated, now linked and active) whose manager reference is due. */
export function referencesDue(plans: readonly Plan[], ctx: ExecuteContext): Plan[] {
  if (!ctx.app.settings.mappings.some(isReference)) return [];
  return plans.filter((plan) => {
    if ((plan.kind !== 'create' && plan.kind !== 'update') || !plan.user) return false;
    const link = ctx.links.get(plan.userId);
    if (!link?.active || !link.managed) return false;
    const managerId = plan.user.managerId;
    // A manager not in the app yet: unresolved, left as it is.
    if (managerId !== undefined && !ctx.links.get(managerId)?.managed) return false;
    return desiredManager(plan, ctx) !== link.manager;
  });
}

/** The manager's id in the app that the user should point to: none when the user has no manager. */
function desiredManager(plan: Plan, ctx: ExecuteContext): string | undefined {
  const managerId = plan.user!.managerId;
  return managerId === undefined ? undefined : ctx.links.get(managerId)?.targetId;
}

/**
 * Sends one user's manager reference (set, changed, or removed) and answers its log record: an Update whose modified
 * property is the manager, as User_Update_Manager_Test reads it (newValue the manager's id, empty on removal).
 * fidelity: INFERRED: Entra's logs for a reference update are not shown anywhere; scimsim writes one record per user.
 */
export async function exportReference(plan: Plan, ctx: ExecuteContext): Promise<LogRecord> {
  const link = ctx.links.get(plan.userId)!;
  const first = ctx.exchanges.total + 1;
  const record = baseRecord(plan, ctx);
  const wanted = desiredManager(plan, ctx);
  Object.assign(record, { action: 'Update', matching: 'linked', targetId: link.targetId });
  try {
    await ctx.client.patchUser(link.targetId, ctx.client.managerOperations(wanted));
    record.modified = [{ displayName: MANAGER_TARGET, oldValue: link.manager ?? null, newValue: wanted ?? '' }];
    link.manager = wanted;
  } catch (error) {
    if (!(error instanceof ScimCallError)) throw error;
    if (error.status === 401) throw new CredentialFailure(error);
    Object.assign(record, { status: 'failure', errorCode: error.code, reason: error.message });
  }
  record.exchanges = [];
  for (let i = first; i <= ctx.exchanges.total; i++) record.exchanges.push(i);
  return record;
}
