/** The data NordPass keeps: members with their history, the outbox, groups and credentials (plain JSON, persisted as is). */

export type MemberStatus = 'pending' | 'active' | 'suspended' | 'forbidden' | 'deleted';
export type MemberRole = 'user' | 'admin' | 'owner';
/** Who caused a change: the IdP over SCIM, an admin in the Admin Panel, the invitee, or NordPass's own timers. */
export type Actor = 'scim' | 'admin' | 'invitee' | 'system';

export type MemberEventType =
  | 'created'
  | 'invitationSent'
  | 'invitationAccepted'
  | 'invitationRefused'
  | 'updated'
  | 'suspended'
  | 'forbidden'
  | 'restored'
  | 'purged'
  | 'deleted'
  | 'roleChanged';

export interface MemberEvent {
  /** Virtual time, epoch ms. */
  at: number;
  type: MemberEventType;
  by: Actor;
  from?: MemberStatus;
  to?: MemberStatus;
  detail?: string;
}

export interface Member {
  id: string;
  userName: string;
  status: MemberStatus;
  role: MemberRole;
  createdAt: number;
  updatedAt: number;
  /** Bumped on every change; the SCIM ETag is W/"version". */
  version: number;
  /** When the invitation email falls due (pending members whose email has not gone out). */
  invitationDueAt?: number;
  invitedAt?: number;
  acceptedAt?: number;
  softDeletedAt?: number;
  /** softDeletedAt + the window: the purge fires at exactly this instant. */
  purgeAt?: number;
  /** The state a restore returns to. */
  statusBeforeSoftDelete?: 'pending' | 'active';
  deletedAt?: number;
  /** SCIM attributes other than id, meta and active (userName included, as sent). */
  attributes: Record<string, unknown>;
  history: MemberEvent[];
}

export interface Email {
  id: string;
  to: string;
  kind: 'invitation';
  subject: string;
  memberId: string;
  sentAt: number;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  createdAt: number;
  updatedAt: number;
  version: number;
  /** SCIM attributes other than id and meta (displayName, externalId, members as [{value}]). */
  attributes: Record<string, unknown>;
}

export interface NordPassData {
  /** Format version of this file. */
  format: 1;
  /** The virtual time when this state was last written, so a restart resumes the clock. */
  clockNow: number;
  /** sha256 of the current SCIM secret token (the token itself is never stored). */
  scimTokenSha256?: string;
  members: Member[];
  outbox: Email[];
  groups: GroupRecord[];
}

export const emptyData = (clockNow: number): NordPassData => ({
  format: 1,
  clockNow,
  members: [],
  outbox: [],
  groups: [],
});

/** A live member occupies its userName; a deleted one frees it. */
export const isLive = (m: Member) => m.status !== 'deleted';
export const isSoftDeleted = (m: Member) => m.status === 'suspended' || m.status === 'forbidden';
