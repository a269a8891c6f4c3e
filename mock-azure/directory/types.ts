/** The directory's records, change feed entries, errors and settings: shared by the model, its Graph face and the engine. */

export interface DirectoryUser {
  /** Object id, a GUID. */
  id: string;
  /** Unique case-insensitively among live and deleted users. */
  userPrincipalName: string;
  mail?: string;
  givenName?: string;
  surname?: string;
  displayName: string;
  mailNickname: string;
  jobTitle?: string;
  department?: string;
  employeeId?: string;
  telephoneNumber?: string;
  mobilePhone?: string;
  accountEnabled: boolean;
  /** Epoch ms, virtual. */
  createdDateTime: number;
  /** Set while the user is in Deleted users (the recycle bin). */
  deletedDateTime?: number;
  /** The id of the user's manager (Graph's `manager` reference), when one is set. */
  managerId?: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description?: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  createdDateTime: number;
  /** Direct members, user ids and group ids, in the order they were added. */
  memberIds: string[];
}

export type DirectoryChangeKind =
  | 'userCreated'
  | 'userUpdated'
  | 'userSoftDeleted'
  | 'userRestored'
  | 'userHardDeleted'
  | 'groupCreated'
  | 'groupUpdated'
  | 'groupDeleted'
  | 'memberAdded'
  | 'memberRemoved';

export interface DirectoryChange {
  seq: number;
  at: number;
  kind: DirectoryChangeKind;
  /** The user or group changed; for member changes, the member. */
  objectId: string;
  /** For member changes: the group. */
  groupId?: string;
}

export type DirectoryErrorCode = 'notFound' | 'conflict' | 'invalid';

/** A request the directory refuses; Graph faces map the code to 404 / 409 / 400. */
export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DirectorySettings {
  /** How long a deleted user stays restorable before permanent deletion starts. */
  recycleBinWindowMs: number;
}

export type UserChanges = Partial<Omit<DirectoryUser, 'id' | 'createdDateTime' | 'deletedDateTime'>>;
export type GroupChanges = Partial<
  Pick<DirectoryGroup, 'displayName' | 'description' | 'securityEnabled' | 'mailEnabled'>
>;

const DAY_MS = 86_400_000;
export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = { recycleBinWindowMs: 30 * DAY_MS };
export const MAX_GENERATED_USERS = 1_000_000;
