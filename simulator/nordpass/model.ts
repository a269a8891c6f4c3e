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

/** A data file (or its journal) that cannot be used; the server refuses to start rather than overwrite it. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

const STATUSES = new Set(['pending', 'active', 'suspended', 'forbidden', 'deleted']);
const OPTIONAL_TIMES = ['invitationDueAt', 'invitedAt', 'acceptedAt', 'softDeletedAt', 'purgeAt', 'deletedAt'] as const;

/** What is wrong with one stored member, if anything: a restart must not schedule a purge from a broken record. */
export function memberProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object') return 'not an object';
  const r = m as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.userName !== 'string') return 'id and userName must be strings';
  if (!STATUSES.has(r.status as string)) return `unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.createdAt !== 'number' || typeof r.updatedAt !== 'number' || typeof r.version !== 'number')
    return 'createdAt, updatedAt and version must be numbers';
  for (const key of OPTIONAL_TIMES)
    if (r[key] !== undefined && typeof r[key] !== 'number') return `${key} must be a number`;
  if (!Array.isArray(r.history)) return 'history must be a list';
  if (!r.attributes || typeof r.attributes !== 'object') return 'attributes must be an object';
  return undefined;
}
