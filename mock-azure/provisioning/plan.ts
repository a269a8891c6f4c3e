/**
 * What Entra would do for one user, from state alone (no HTTP): the engine plans a whole cycle first, so
 * the accidental-deletions threshold can count disables and deletes before any is sent.
 */
import type { EnterpriseApplication } from '../app/application.ts';
import type { Directory, DirectoryUser } from '../directory/directory.ts';

/** What the engine remembers of a user it provisioned: the target id and what it last set. */
export interface Link {
  targetId: string;
  /** Kept so a log can still name a user deleted permanently from the directory. */
  userPrincipalName: string;
  /** The `active` value last exported. */
  active: boolean;
  /**
   * False once the user was disabled for leaving scope: "the service doesn't manage the user and a delete
   * request isn't sent when the user is soft-deleted" (research/entra.md §5).
   */
  managed: boolean;
  /** The manager's id in the app last exported for this user (references.ts); undefined: none sent. */
  manager?: string;
}

export type PlanKind = 'create' | 'update' | 'disable' | 'delete' | 'skipDisabled' | 'forget';

export interface Plan {
  kind: PlanKind;
  userId: string;
  /** The directory user (absent for a hard-deleted one). */
  user?: DirectoryUser;
  /** Facts for the log's scoping step. */
  scope: { inScope: boolean; softDeleted: boolean; accountEnabled: boolean };
  /** For disable: the user left scope (unassigned), so it stops being managed afterwards. */
  leavingScope?: boolean;
}

/** Decides the action for one user id, or undefined when there is nothing to do. */
export function planFor(
  userId: string,
  directory: Directory,
  app: EnterpriseApplication,
  links: Map<string, Link>,
): Plan | undefined {
  const settings = app.settings;
  const link = links.get(userId);
  const user = directory.user(userId) ?? directory.deletedUser(userId);
  if (!user) {
    if (!link || !directory.isHardDeleted(userId)) return undefined;
    const scope = { inScope: false, softDeleted: true, accountEnabled: false };
    // Permanently deleted: DELETE only while managed and with the Delete target action ticked.
    if (link.managed && settings.targetActions.delete) return { kind: 'delete', userId, scope };
    return { kind: 'forget', userId, scope };
  }
  const softDeleted = user.deletedDateTime !== undefined;
  const inScope = app.inScope(user);
  const scope = { inScope, softDeleted, accountEnabled: user.accountEnabled };
  const effectivelyActive = inScope && !softDeleted && user.accountEnabled;
  if (!link) {
    if (!inScope) return undefined;
    // "Provisioning a user that is disabled in Microsoft Entra ID isn't supported": never created.
    if (!effectivelyActive) return { kind: 'skipDisabled', userId, user, scope };
    return settings.targetActions.create ? { kind: 'create', userId, user, scope } : undefined;
  }
  if (!effectivelyActive) {
    if (!link.active) return undefined;
    if (!inScope && settings.skipOutOfScopeDeletions) return undefined;
    if (!settings.targetActions.update) return undefined;
    return { kind: 'disable', userId, user, scope, leavingScope: !inScope };
  }
  return settings.targetActions.update ? { kind: 'update', userId, user, scope } : undefined;
}

export const isDeprovisioning = (p: Plan) => p.kind === 'disable' || p.kind === 'delete';
