/**
 * The member states and the events that move members between them: one list each, read by the model, the
 * scenario format, the Admin Panel, the run record and the reports (colours, legend, lanes). No imports, so
 * anything may read it.
 */

/** pending -> active; a soft delete makes an active member suspended and a pending one forbidden; deleted is final. */
export const MEMBER_STATUSES = ['pending', 'active', 'suspended', 'forbidden', 'deleted'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** The soft-deleted states: restorable until the purge deadline. */
export const SOFT_DELETED_STATUSES: readonly MemberStatus[] = ['suspended', 'forbidden'];

export const MEMBER_EVENT_TYPES = [
  'created',
  'invitationSent',
  'invitationAccepted',
  // No longer recorded (a refused acceptance changes nothing); kept so data files written before still read.
  'invitationRefused',
  'updated',
  'suspended',
  'forbidden',
  'restored',
  'purged',
  'deleted',
  'roleChanged',
] as const;
export type MemberEventType = (typeof MEMBER_EVENT_TYPES)[number];

export const isMemberStatus = (value: unknown): value is MemberStatus =>
  (MEMBER_STATUSES as readonly unknown[]).includes(value);
const SOFT_DELETED = new Set<MemberStatus | null>(SOFT_DELETED_STATUSES);
export const isSoftDeletedStatus = (status: MemberStatus | null): boolean => SOFT_DELETED.has(status);
