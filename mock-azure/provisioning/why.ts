/**
 * "Why?": what Entra will do with one tenant user at the next cycle, and why, in the words of the provisioning
 * logs. Read from the same facts the cycle uses (scope, the link, the change feed, escrow, staging, the job's
 * state), so it cannot disagree with what the next cycle then does; it changes nothing.
 */
import type { ScopingFilter } from '../app/scoping.ts';
import { formatInstant } from '../../simulator/time.ts';
import type { AppRoleAssignment, EnterpriseApplication } from '../app/application.ts';
import type { Directory, DirectoryUser } from '../directory/directory.ts';
import type { ProvisioningJob } from './engine.ts';
import type { NextCycleFacts } from './job-types.ts';
import { isReference } from '../app/mappings.ts';
import type { Plan } from './plan.ts';

/** What the next cycle will do with the user: the log's action, or Skip (logged as skipped) or None (not logged). */
export type WhyAction = 'Create' | 'Update' | 'Disable' | 'Delete' | 'StagedDelete' | 'Skip' | 'None';

export interface UserWhy {
  user: { id: string; userPrincipalName: string; displayName: string; accountEnabled: boolean; deleted: boolean };
  scope: {
    inScope: boolean;
    /** The assignments that put the user in scope ("Sync all" has none). */
    through: Array<{ principalType: 'User' | 'Group'; principalId: string; principalDisplayName: string }>;
    text: string;
  };
  /** The NordPass member the user is linked to (the SCIM id), and what Entra last exported as `active`. */
  link: { targetId: string; active: boolean; managed: boolean } | null;
  job: { status: string; nextCycleAt: string | null; text: string };
  nextCycle: { action: WhyAction; text: string };
  escrow: { errorCode: string; reason: string; attempts: number; nextAttemptAt: string; text: string } | null;
  staged: { text: string } | null;
  /** The manager reference, when the app maps the manager (references.ts): linked, due, or waiting. */
  manager: { text: string } | null;
}

/** The user's Why, or undefined when the directory has never had such a user. */
export function whyUser(
  userId: string,
  deps: { directory: Directory; app: EnterpriseApplication; job: ProvisioningJob },
): UserWhy | undefined {
  const { directory, app, job } = deps;
  const user = directory.user(userId) ?? directory.deletedUser(userId);
  const facts = job.nextCycleFacts(userId);
  if (!user && !facts.link) return undefined;
  const upn = user?.userPrincipalName ?? facts.link!.userPrincipalName;
  return {
    user: {
      id: userId,
      userPrincipalName: upn,
      displayName: user?.displayName ?? upn,
      accountEnabled: user?.accountEnabled ?? false,
      deleted: user?.deletedDateTime !== undefined || !user,
    },
    scope: scopeOf(user, app),
    link: facts.link ? { targetId: facts.link.targetId, active: facts.link.active, managed: facts.link.managed } : null,
    job: jobText(facts),
    nextCycle: nextCycleText(facts, upn, app),
    escrow: facts.escrow
      ? {
          errorCode: facts.escrow.errorCode,
          reason: facts.escrow.reason,
          attempts: facts.escrow.attempts,
          nextAttemptAt: formatInstant(facts.escrow.nextAttemptAt),
          text: `In escrow after ${facts.escrow.errorCode}: ${facts.escrow.reason} This operation was retried ${facts.escrow.attempts - 1} times. It will be retried again after this date: ${formatInstant(facts.escrow.nextAttemptAt)} UTC`,
        }
      : null,
    staged: facts.staged
      ? {
          text: `Staged: the number of deletions went over the accidental-deletions threshold (${app.deletionThreshold()}), so this one waits for "Allow deletes".`,
        }
      : null,
    manager: user ? managerText(user, facts, deps) : null,
  };
}

/**
 * The manager in words, as the reference pass will treat it (references.ts): it runs after the users a cycle
 * exports, for those users only, so a user the next cycle does not process keeps the manager it has in NordPass.
 */
function managerText(
  user: DirectoryUser,
  facts: NextCycleFacts,
  deps: { directory: Directory; app: EnterpriseApplication; job: ProvisioningJob },
): UserWhy['manager'] {
  const { directory, app, job } = deps;
  if (!app.settings.mappings.some(isReference)) return null;
  const sent = facts.link?.manager;
  const processed = facts.read && (facts.plan?.kind === 'create' || facts.plan?.kind === 'update');
  if (user.managerId === undefined) {
    if (sent === undefined) return { text: 'No manager in the tenant; none is sent.' };
    return {
      text: processed
        ? `The manager was removed in the tenant: at the next cycle, after the users, it is removed in NordPass (it is member ${sent}).`
        : `The manager was removed in the tenant, but the next cycle does not process this user: NordPass keeps member ${sent} as the manager until it does.`,
    };
  }
  const manager = directory.user(user.managerId) ?? directory.deletedUser(user.managerId);
  const name = manager?.displayName ?? user.managerId;
  const linked = job.links.get(user.managerId);
  const inNordPass = linked?.managed === true;
  if (inNordPass && sent === linked.targetId)
    return { text: `${name}: linked, NordPass member ${sent} is the manager.` };
  if (processed) {
    if (inNordPass)
      return {
        text: `${name}: at the next cycle, after the users, member ${linked.targetId} is set as the manager (PATCH).`,
      };
    const managerFacts = job.nextCycleFacts(user.managerId);
    return {
      text:
        managerFacts.read && managerFacts.plan?.kind === 'create'
          ? `${name}: created in NordPass at the next cycle, then set as this user's manager in the same cycle.`
          : `${name} is the manager in the tenant but not in NordPass: the reference stays unresolved at the next cycle.`,
    };
  }
  return {
    text: `${name} is the manager in the tenant${inNordPass ? ` and member ${linked.targetId} in NordPass` : ', not in NordPass'}, but the next cycle does not process this user: a manager who comes into scope after the user is linked only when the user changes or the job is restarted (Microsoft's known issue).`,
  };
}

function scopeOf(user: DirectoryUser | undefined, app: EnterpriseApplication): UserWhy['scope'] {
  if (!user) return { inScope: false, through: [], text: 'Deleted permanently from the tenant: no longer in scope.' };
  const { through, all, nestedIn } = app.scopeOf(user);
  const listed = through.map(principal);
  // Assigned (or Sync all), but the scoping filters keep the user out: "the user is out of scope".
  if ((all || through.length > 0) && app.filteredOut(user))
    return {
      inScope: false,
      through: listed,
      text: `Not in scope: the user is ${all ? 'in Sync all' : 'assigned'} but passes none of the scoping filters (${app.settings.scopingFilters.map(describeFilter).join('; or ')}).`,
    };
  if (all) return { inScope: true, through: listed, text: 'In scope: the app syncs all users and groups.' };
  if (through.length > 0) {
    const how = through.map((a) =>
      a.principalType === 'User' ? 'assigned directly' : `a member of the assigned group ${a.principalDisplayName}`,
    );
    return { inScope: true, through: listed, text: `In scope: ${how.join(', and ')}.` };
  }
  const nested = nestedIn.length
    ? ` The user is in a group nested in ${nestedIn.map((a) => a.principalDisplayName).join(', ')}, which is assigned, but nested groups are not expanded: only direct members are in scope.`
    : '';
  return {
    inScope: false,
    through: [],
    text: `Not in scope: NotEffectivelyEntitled: The user is not assigned to the application.${nested}`,
  };
}

/** A filter in words: its title, or its clauses (`department EQUALS Sales and jobTitle IS NOT NULL`). */
const describeFilter = (f: ScopingFilter) =>
  f.title ??
  f.clauses.map((c) => `${c.attribute} ${c.operator}${c.value === undefined ? '' : ` ${c.value}`}`).join(' and ');

const principal = (a: AppRoleAssignment) => ({
  principalType: a.principalType,
  principalId: a.principalId,
  principalDisplayName: a.principalDisplayName,
});

function jobText(facts: NextCycleFacts): UserWhy['job'] {
  const { status } = facts;
  const next = status.nextCycleAt === null ? null : formatInstant(status.nextCycleAt);
  const text = {
    NotConfigured: 'Provisioning is not configured: no cycle runs until the credentials are saved and the job started.',
    NotRun: next ? `The job starts with an initial cycle at ${next}.` : 'The job has not been started: press Start.',
    Paused: 'The job is stopped: nothing is provisioned until Start.',
    Active: next ? `The next cycle runs at ${next}.` : 'No cycle is scheduled.',
    Quarantine: `The job is in quarantine (${status.quarantine?.reason}): ${next ? `the next attempt is at ${next}` : 'no cycle is scheduled'}.`,
  }[status.code];
  return { status: status.code, nextCycleAt: next, text };
}

/** Why the IsSoftDeleted flag is true for the user: the words the scoping step shows. */
function softDeletedBecause(plan: Plan, app: EnterpriseApplication): string {
  if (!plan.scope.inScope)
    return plan.user && app.filteredOut(plan.user)
      ? 'the user no longer passes the scoping filters'
      : 'the user is no longer assigned to the application';
  if (plan.scope.softDeleted) return 'the user was deleted in the tenant (in Deleted users)';
  return 'sign-in is blocked for the user (accountEnabled false)';
}

function nextCycleText(facts: NextCycleFacts, upn: string, app: EnterpriseApplication): UserWhy['nextCycle'] {
  const { plan, link } = facts;
  const willRun = facts.status.code !== 'NotConfigured' && facts.status.code !== 'Paused';
  const when = willRun ? 'At the next cycle' : 'When the job runs';
  if (!plan && !link)
    return {
      action: 'None',
      text: `Nothing: NotEffectivelyEntitled: The user is not assigned to the application. Nothing is sent to ${app.displayName}.`,
    };
  if (!facts.read)
    return {
      action: 'None',
      text: `Nothing: nothing about User '${upn}' changed since the last cycle, and incremental cycles read only changes.${link ? ` The user stays linked to NordPass member ${link.targetId}.` : ''}`,
    };
  if (!plan) {
    if (!link?.active)
      return {
        action: 'None',
        text: `Nothing: the user is already disabled in ${app.displayName} (active false was sent before).${link?.managed ? '' : ' Entra no longer manages the user, so no delete is sent either.'}`,
      };
    if (app.settings.skipOutOfScopeDeletions)
      return {
        action: 'None',
        text: `Nothing: the user left scope, but "Skip out of scope deletions" is on, so the user is not disabled in ${app.displayName}.`,
      };
    return { action: 'None', text: 'Nothing: the target action for this change is turned off in the mappings.' };
  }
  const staged = facts.staged && (plan.kind === 'disable' || plan.kind === 'delete');
  switch (plan.kind) {
    case 'create':
      return {
        action: 'Create',
        text: `${when}, User '${upn}' is looked up in ${app.displayName} by userName: linked when found, created otherwise (POST /Users). NordPass then invites them: a Pending member until they accept.`,
      };
    case 'update':
      return {
        action: 'Update',
        text: `${when}, User '${upn}' is compared with NordPass member ${link?.targetId} and changed attributes are sent (PATCH).`,
      };
    case 'disable':
      return {
        action: staged ? 'StagedDelete' : 'Disable',
        text: `${when}, IsSoftDeleted is true because ${softDeletedBecause(plan, app)}: active false is sent to ${app.displayName} (PATCH), which suspends member ${link?.targetId}.${plan.leavingScope ? ' After that Entra no longer manages the user: deleting them later sends no DELETE.' : ''}${staged ? ' It waits for "Allow deletes".' : ''}`,
      };
    case 'delete':
      return {
        action: staged ? 'StagedDelete' : 'Delete',
        text: `${when}, the user is gone from the tenant for good, so DELETE is sent for member ${link?.targetId}.${staged ? ' It waits for "Allow deletes".' : ''}`,
      };
    case 'skipDisabled':
      return {
        action: 'Skip',
        text: `Skipped: the user is in scope but ${softDeletedBecause(plan, app)}, and provisioning a user that is disabled in Microsoft Entra ID isn't supported: no member is created.`,
      };
    case 'forget':
      return {
        action: 'None',
        text: `Nothing is sent: the user was deleted permanently, but ${link?.managed ? 'the Delete target action is off' : 'Entra stopped managing the user when they left scope'}; the link to member ${link?.targetId} is dropped.`,
      };
  }
}
