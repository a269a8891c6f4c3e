/** The data NordPass keeps: members with their history, the outbox, groups and credentials (plain JSON, persisted as is). */

import { isMemberStatus, isSoftDeletedStatus, type MemberEventType, type MemberStatus } from './member-states.ts';

export type { MemberEventType, MemberStatus } from './member-states.ts';
export type MemberRole = 'user' | 'admin' | 'owner';
/** Who caused a change: the IdP over SCIM, an admin in the Admin Panel, the invitee, or NordPass's own timers. */
export type Actor = 'scim' | 'admin' | 'invitee' | 'system';

export interface MemberEvent {
  /** Virtual time, epoch ms. */
  at: number;
  type: MemberEventType;
  by: Actor;
  /** On events that change the state (see memberEventStates for every event's from and to). */
  from?: MemberStatus;
  to?: MemberStatus;
  detail?: string;
  /** On a soft delete (suspended, forbidden): when the purge falls due, and the window it was given. */
  purgeAt?: number;
  windowMs?: number;
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

export interface SavedWorld {
  header: Record<string, unknown>;
  steps: SavedStep[];
}

export interface SavedStep {
  name: string;
  args: unknown;
  /** Virtual time, epoch ms. */
  at: number;
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
  /** The world's seed, so a restart without --seed keeps it. */
  seed?: string | number;
  /** Where NordPass's random sources stand, by seed: a restart draws the next ids, not the first ones again. */
  random?: Record<string, [number, number, number, number]>;
  /**
   * Serve mode: the scenario header the world was built from and every step done to it since (the record), from
   * which a restart rebuilds the mock Entra. Opaque here: the serve layer writes and reads it.
   */
  world?: SavedWorld;
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
export const isSoftDeleted = (m: Member) => isSoftDeletedStatus(m.status);

/** A data file (or its journal) that cannot be used; the server refuses to start rather than overwrite it. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/**
 * A change that could not be written to the data file (a full disk, an I/O error): every face answers 503 in its
 * own shape, and no 2xx goes out for it. It stays in memory and goes to disk with the next write that succeeds.
 */
export class DataWriteFailed extends Error {
  override name = 'DataWriteFailed';
  constructor(cause: unknown) {
    super(
      `the change could not be written to the data file (${(cause as Error)?.message ?? String(cause)}); try again once the disk has room`,
    );
  }
}

const OPTIONAL_TIMES = ['invitationDueAt', 'invitedAt', 'acceptedAt', 'softDeletedAt', 'purgeAt', 'deletedAt'] as const;

/** What is wrong with one stored member, if anything: a restart must not schedule a purge from a broken record. */
export function memberProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object') return 'not an object';
  const r = m as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.userName !== 'string') return 'id and userName must be strings';
  if (!isMemberStatus(r.status)) return `unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.createdAt !== 'number' || typeof r.updatedAt !== 'number' || typeof r.version !== 'number')
    return 'createdAt, updatedAt and version must be numbers';
  for (const key of OPTIONAL_TIMES)
    if (r[key] !== undefined && typeof r[key] !== 'number') return `${key} must be a number`;
  if (!Array.isArray(r.history)) return 'history must be a list';
  if (!r.attributes || typeof r.attributes !== 'object') return 'attributes must be an object';
  return undefined;
}

/**
 * Each event's state before and after it, for every event in a history: an event that changes no state (an
 * invitation sent, an update) leaves the member where it was. The first event, `created`, has no state before it.
 */
export function memberEventStates(
  history: readonly MemberEvent[],
): Array<{ from: MemberStatus | null; to: MemberStatus }> {
  const out: Array<{ from: MemberStatus | null; to: MemberStatus }> = [];
  let state: MemberStatus | null = null;
  for (const event of history) {
    const from: MemberStatus | null = event.from ?? state;
    const to: MemberStatus = event.to ?? from ?? 'pending';
    out.push({ from, to });
    state = to;
  }
  return out;
}
