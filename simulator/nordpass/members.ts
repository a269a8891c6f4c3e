/**
 * The member lifecycle, as the seed guide tells it: created -> pending (invitation email within minutes)
 * -> active once the invitee registers; a soft delete suspends an active member and forbids a pending one,
 * and the purge deletes either at exactly soft delete + 30 days unless restored first. No HTTP here.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import type { Random } from '../random.ts';
import { formatInstant } from '../time.ts';
import type { NordPassSettings } from './config.ts';
import type { Actor, Member, MemberEvent, MemberEventType, MemberRole, MemberStatus } from './model.ts';
import { isLive, isSoftDeleted } from './model.ts';
import type { NordPassStore } from './store.ts';
import { VariantChoices } from '../variants.ts';

/** Every way the lifecycle refuses a request; each face maps each to a status (admin-errors.ts, scim/errors.ts). */
export const LIFECYCLE_ERROR_CODES = [
  'notFound',
  'conflict',
  'forbidden',
  'invalidTransition',
  'seatLimit',
  'ownerNotDemoted',
  'soleOwner',
  'ownersOnly',
  'notRestorable',
  'alreadyDeleted',
  'deleted',
] as const;
export type LifecycleErrorCode = (typeof LIFECYCLE_ERROR_CODES)[number];

/**
 * Who acts in the Admin Panel: an Owner or an Admin of the organization. The person is not one of the simulated
 * members (it is whoever signed in to the Admin Panel); their role decides what they may do to Owners.
 */
export type AdminRole = 'owner' | 'admin';
export const ADMIN_ROLES: readonly AdminRole[] = ['owner', 'admin'];

/** A request the lifecycle refuses; the SCIM and Admin faces turn it into their own error shapes. */
export class LifecycleError extends Error {
  override name = 'LifecycleError';
  constructor(
    readonly code: LifecycleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Called after every change, e.g. to persist and to feed run reports. */
export type ChangeListener = (member: Member, event: MemberEventType) => void;

export class Members {
  readonly #purges = new Map<string, TimerHandle>();
  readonly #invitations = new Map<string, TimerHandle>();
  readonly #listeners: ChangeListener[] = [];

  constructor(
    private readonly store: NordPassStore,
    private readonly clock: Clock,
    private readonly settings: NordPassSettings,
    private readonly random: Random,
    private readonly variants: VariantChoices = new VariantChoices(),
  ) {
    // Timers live only in memory: re-arm the ones a persisted store still owes (restart with --data).
    for (const member of store.allMembers()) {
      if (member.purgeAt !== undefined && isSoftDeleted(member)) this.#schedulePurge(member);
      if (member.invitationDueAt !== undefined && member.status === 'pending') this.#scheduleInvitation(member);
    }
  }

  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  get(id: string): Member {
    const member = this.store.memberById(id);
    if (!member || !isLive(member)) throw new LifecycleError('notFound', `no member with id ${id}`);
    return member;
  }

  /** Any member, deleted ones included (the Admin Panel lists deleted members with their history). */
  find(id: string): Member | undefined {
    return this.store.memberById(id);
  }

  /** A new pending member; the invitation email is sent after the configured delay. */
  create(userName: string, attributes: Record<string, unknown>, by: Actor): Member {
    this.#assertUserNameFree(userName);
    const now = this.clock.now();
    const member: Member = {
      id: this.random.uuid(),
      userName,
      status: 'pending',
      role: 'user',
      createdAt: now,
      updatedAt: now,
      version: 1,
      invitationDueAt: now + this.settings.invitationDelayMs,
      attributes,
      history: [{ at: now, type: 'created', by, to: 'pending' }],
    };
    this.store.addMember(member);
    this.#scheduleInvitation(member);
    this.#emit(member, 'created');
    return member;
  }

  /** Replaces a member's SCIM attributes (userName included); uniqueness holds across live members. */
  updateAttributes(member: Member, userName: string, attributes: Record<string, unknown>, by: Actor): void {
    if (userName.toLowerCase() !== member.userName.toLowerCase()) this.#assertUserNameFree(userName);
    const previous = member.userName;
    member.userName = userName;
    member.attributes = attributes;
    if (previous !== userName) this.store.reindex(member, previous);
    this.#record(member, 'updated', by, previous !== userName ? `userName ${previous} -> ${userName}` : undefined);
  }

  /** Throws what a change would be refused for, before any part of it is made (a request changes all or nothing). */
  assertCanChange(member: Member, change: { userName: string; softDelete: boolean }, by: Actor): void {
    if (change.userName.toLowerCase() !== member.userName.toLowerCase()) this.#assertUserNameFree(change.userName);
    if (change.softDelete) this.#assertNotProtectedOwner(member, by, 'suspended');
  }

  /** The invitee completes registration: pending -> active. A forbidden member may not. */
  acceptInvitation(id: string): Member {
    const member = this.get(id);
    // A refused acceptance changes nothing, not even the member's history or version (issue #15).
    if (member.status === 'forbidden') {
      throw new LifecycleError(
        'forbidden',
        `member ${member.userName} is forbidden to accept the invitation (removed before accepting)`,
      );
    }
    if (member.status !== 'pending') {
      throw new LifecycleError('invalidTransition', `member ${member.userName} is ${member.status}, not pending`);
    }
    if (member.invitedAt === undefined) {
      const due =
        member.invitationDueAt === undefined ? '' : ` (it goes out at ${formatInstant(member.invitationDueAt)})`;
      throw new LifecycleError(
        'invalidTransition',
        `${member.userName} has not been sent the invitation email yet${due}`,
      );
    }
    const seats = this.settings.seatLimit;
    if (seats !== undefined && this.store.counts.active >= seats) {
      throw new LifecycleError(
        'seatLimit',
        `all ${seats} seats are taken: ${member.userName} stays pending and cannot join`,
      );
    }
    this.#transition(member, 'active', 'invitationAccepted', 'invitee');
    member.acceptedAt = this.clock.now();
    delete member.invitationDueAt;
    this.#cancel(this.#invitations, member.id);
    return member;
  }

  /**
   * Soft delete: active -> suspended, pending -> forbidden, purge at exactly now + window. A member already
   * soft-deleted keeps its deadline: a second Disable must not buy it another 30 days.
   */
  softDelete(member: Member, by: Actor): void {
    if (isSoftDeleted(member)) return;
    this.#assertNotProtectedOwner(member, by, 'suspended');
    this.#softDelete(member, by, true);
  }

  /** Active -> suspended or pending -> forbidden, restorable; with `purge`, purged at exactly now + the window. */
  #softDelete(member: Member, by: Actor, purge: boolean): void {
    const now = this.clock.now();
    const previous = member.status as 'pending' | 'active';
    member.statusBeforeSoftDelete = previous;
    member.softDeletedAt = now;
    const next = previous === 'active' ? 'suspended' : 'forbidden';
    if (!purge) {
      this.#transition(member, next, next, by, 'suspended in the Admin Panel: no purge');
      return;
    }
    member.purgeAt = now + this.settings.softDeleteWindowMs;
    this.#transition(member, next, next, by, `purge due ${formatInstant(member.purgeAt)}`, {
      purgeAt: member.purgeAt,
      windowMs: this.settings.softDeleteWindowMs,
    });
    this.#schedulePurge(member);
  }

  /**
   * Admin Panel > Suspend: an active member loses access to NordPass. An Owner must be demoted first. Whether the
   * 30-day purge starts, as for a suspension by provisioning, is not public. variant: manualSuspendPurge.
   */
  suspend(member: Member): void {
    this.#assertAdminMayRemove(member, 'suspended');
    if (member.status !== 'active')
      throw new LifecycleError(
        'invalidTransition',
        `${member.userName} is ${member.status}; only an active member can be suspended${member.status === 'pending' ? ' (a pending member can be deleted)' : ''}`,
      );
    this.#softDelete(member, 'admin', this.variants.get('manualSuspendPurge') === 'startsPurge');
  }

  /** Admin Panel > Suspended > Activate: a suspended member (by an admin or by provisioning) is active again. */
  activate(member: Member): void {
    if (member.status !== 'suspended')
      throw new LifecycleError(
        'invalidTransition',
        `${member.userName} is ${member.status}; only a suspended member can be activated${member.status === 'forbidden' ? ' (restore a member forbidden to accept the invitation)' : ''}`,
      );
    this.restore(member, 'admin');
  }

  /** Whether the member's last suspension was an admin's in the Admin Panel (not provisioning's). */
  suspendedByAdmin(member: Member): boolean {
    if (member.status !== 'suspended') return false;
    for (let i = member.history.length - 1; i >= 0; i--)
      if (member.history[i]!.type === 'suspended') return member.history[i]!.by === 'admin';
    return false;
  }

  /** Restore inside the window: back to the state before the soft delete, purge cancelled. */
  restore(member: Member, by: Actor): void {
    // The Admin Panel offers Restore only to soft-deleted members; SCIM's active=true on any other is a no-op.
    if (by === 'admin' && !isSoftDeleted(member))
      throw new LifecycleError(
        'notRestorable',
        member.status === 'deleted'
          ? `${member.userName} is deleted; a deleted member can never be restored`
          : `${member.userName} is ${member.status}; only suspended or forbidden members can be restored`,
      );
    if (!isSoftDeleted(member)) return;
    // Provisioning re-enabling a member an admin suspended: NordPass's answer is not public.
    // variant: reenableAfterAdminSuspend (simulator/variants.ts): staysSuspended answers as usual and changes nothing.
    if (
      by === 'scim' &&
      this.suspendedByAdmin(member) &&
      this.variants.get('reenableAfterAdminSuspend') === 'staysSuspended'
    )
      return;
    const back = member.statusBeforeSoftDelete ?? 'active';
    this.#cancel(this.#purges, member.id);
    delete member.softDeletedAt;
    delete member.purgeAt;
    delete member.statusBeforeSoftDelete;
    this.#transition(member, back, 'restored', by);
  }

  /** Deletes at once (SCIM DELETE, Admin Panel delete): the member is gone over SCIM and its email is free. */
  delete(member: Member, by: Actor): void {
    if (member.status === 'deleted')
      throw new LifecycleError('alreadyDeleted', `${member.userName} is already deleted`);
    this.#assertNotProtectedOwner(member, by, 'deleted');
    if (by === 'admin') this.#assertAdminMayRemove(member, 'deleted');
    this.#finish(member, 'deleted', by);
  }

  /**
   * Make Owner / Admin / User. In the Admin Panel only an Owner grants or revokes Owner rights, and the sole Owner
   * cannot be demoted (support.nordpass.com 360012759657, 16157287471505).
   */
  setRole(member: Member, role: MemberRole, by: Actor, as: AdminRole = 'owner'): void {
    if (member.status === 'deleted') throw new LifecycleError('deleted', `${member.userName} is deleted`);
    if (member.role === role) return;
    if (by === 'admin' && (member.role === 'owner' || role === 'owner') && as !== 'owner')
      throw new LifecycleError(
        'ownersOnly',
        `only an Owner can ${role === 'owner' ? 'make' : 'demote'} an Owner; ${member.userName} stays ${member.role}`,
      );
    if (by === 'admin' && member.role === 'owner' && this.#owners() === 1)
      throw new LifecycleError(
        'soleOwner',
        `${member.userName} is the organization's only Owner and cannot be demoted; make another member Owner first`,
      );
    const previous = member.role;
    member.role = role;
    this.#record(member, 'roleChanged', by, `${previous} -> ${role}`);
  }

  /**
   * The roles a SCIM client sent (`roles`, changed by this request) as a member role. variant: scimRole
   * (simulator/variants.ts): ignored by default; `mapped` makes a User or an Admin, never an Owner, and never changes
   * an Owner. Asked only when there are roles, so a run that sends none does not depend on it.
   */
  applyScimRoles(member: Member, roles: unknown): void {
    if (!Array.isArray(roles) || roles.length === 0) return;
    if (this.variants.get('scimRole') !== 'mapped' || member.role === 'owner') return;
    const role = memberRoleOf(roles);
    if (role === undefined || role === member.role) return;
    const previous = member.role;
    member.role = role;
    this.#record(member, 'roleChanged', 'scim', `${previous} -> ${role}`);
  }

  /** Cancels every purge and invitation this lifecycle has scheduled (a NordPass that is being replaced). */
  cancelTimers(): void {
    for (const timer of this.#purges.values()) timer.cancel();
    for (const timer of this.#invitations.values()) timer.cancel();
    this.#purges.clear();
    this.#invitations.clear();
  }

  /** How many members are in a state (kept by the store as members move). */
  countByStatus(status: MemberStatus): number {
    return this.store.counts[status];
  }

  #finish(member: Member, type: 'deleted' | 'purged', by: Actor): void {
    this.#cancel(this.#purges, member.id);
    this.#cancel(this.#invitations, member.id);
    delete member.invitationDueAt;
    member.deletedAt = this.clock.now();
    this.#transition(member, 'deleted', type, by);
    this.store.reindex(member, member.userName);
  }

  // One task each for every member's purge and invitation, the member handed in as the timer's argument: a
  // closure per timer cost ~100 bytes more, 10 MB for the invitations of 100,000 members.
  readonly #purge = (member: Member) => {
    this.#purges.delete(member.id);
    if (isSoftDeleted(member)) this.#finish(member, 'purged', 'system');
  };

  readonly #sendInvitation = (member: Member) => {
    this.#invitations.delete(member.id);
    delete member.invitationDueAt;
    this.store.changed(member); // the one change that records no event when the member is not pending
    // A member soft-deleted before the email went out never gets it.
    if (member.status !== 'pending') return;
    const now = this.clock.now();
    member.invitedAt = now;
    this.store.data.outbox.push({
      id: this.random.uuid(),
      to: member.userName,
      kind: 'invitation',
      subject: 'You have been invited to join your organization on NordPass',
      memberId: member.id,
      sentAt: now,
    });
    this.#record(member, 'invitationSent', 'system');
  };

  #schedulePurge(member: Member): void {
    this.#purges.set(member.id, this.clock.schedule(member.purgeAt!, this.#purge, purgeLabel, member));
  }

  #scheduleInvitation(member: Member): void {
    this.#invitations.set(
      member.id,
      this.clock.schedule(member.invitationDueAt!, this.#sendInvitation, invitationLabel, member),
    );
  }

  #assertUserNameFree(userName: string): void {
    const holder = this.store.liveMemberByUserName(userName);
    if (holder)
      throw new LifecycleError(
        'conflict',
        `a member with userName ${holder.userName} already exists (id ${holder.id})`,
      );
  }

  /** The Admin Panel removes no Owner: "If the member ... is an Owner, they need to be demoted first" (360012807237). */
  #assertAdminMayRemove(member: Member, outcome: 'suspended' | 'deleted'): void {
    if (member.role === 'owner')
      throw new LifecycleError(
        'ownerNotDemoted',
        `${member.userName} is an Owner and cannot be ${outcome}; demote them first (Make Admin or Make User)`,
      );
  }

  /** The organization's Owners: its members with the Owner role who are not deleted. */
  #owners(): number {
    let n = 0;
    for (const m of this.store.allMembers()) if (m.role === 'owner' && m.status !== 'deleted') n++;
    return n;
  }

  #assertNotProtectedOwner(member: Member, by: Actor, outcome: string): void {
    // variant: scimOnOwner (simulator/variants.ts).
    if (by === 'scim' && member.role === 'owner' && this.variants.get('scimOnOwner') === 'refused') {
      throw new LifecycleError(
        'forbidden',
        `${member.userName} is the organization's Owner and cannot be ${outcome} by provisioning; demote the Owner in the Admin Panel first`,
      );
    }
  }

  #transition(
    member: Member,
    to: MemberStatus,
    type: MemberEventType,
    by: Actor,
    detail?: string,
    window?: { purgeAt: number; windowMs: number },
  ): void {
    const from = member.status;
    member.status = to;
    this.store.statusMoved(from, to);
    this.#record(member, type, by, detail, from, to, window);
  }

  #record(
    member: Member,
    type: MemberEventType,
    by: Actor,
    detail?: string,
    from?: MemberStatus,
    to?: MemberStatus,
    window?: { purgeAt: number; windowMs: number },
  ): void {
    const at = this.clock.now();
    member.updatedAt = at;
    member.version++;
    // Built field by field: spreading the optional fields in measured about three times slower, on every change.
    const event: MemberEvent = { at, type, by };
    if (from) {
      event.from = from;
      event.to = to;
    }
    if (detail) event.detail = detail;
    if (window) {
      event.purgeAt = window.purgeAt;
      event.windowMs = window.windowMs;
    }
    member.history.push(event);
    this.store.changed(member);
    this.#emit(member, type);
  }

  #cancel(timers: Map<string, TimerHandle>, id: string): void {
    timers.get(id)?.cancel();
    timers.delete(id);
  }

  #emit(member: Member, type: MemberEventType): void {
    for (const listener of this.#listeners) listener(member, type);
  }
}

/**
 * The member role a `roles` list names, under scimRole `mapped`: of the elements whose value is User or Admin (any
 * case), the primary one, else Admin when any is Admin, else User. Other values (Owner, Entra's stringified JSON)
 * name nothing.
 */
function memberRoleOf(roles: unknown[]): 'user' | 'admin' | undefined {
  const named = roles.flatMap((r) => {
    const value = typeof r === 'object' && r !== null ? (r as { value?: unknown }).value : undefined;
    const lower = typeof value === 'string' ? value.toLowerCase() : '';
    return lower === 'user' || lower === 'admin'
      ? [{ role: lower as 'user' | 'admin', primary: (r as { primary?: unknown }).primary === true }]
      : [];
  });
  return (
    named.find((n) => n.primary)?.role ??
    (named.some((n) => n.role === 'admin') ? 'admin' : named.length > 0 ? 'user' : undefined)
  );
}

// Timer labels, made only when asked for (one function for every member's timer).
const purgeLabel = (member: Member) => `purge ${member.userName}`;
const invitationLabel = (member: Member) => `invitation ${member.userName}`;
