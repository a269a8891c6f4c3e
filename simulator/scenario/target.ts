/**
 * What a scenario's steps act on and its checks read: the Entra tenant (directory, app, provisioning job), NordPass
 * (the Admin Panel's actions and what it shows), the clock and faults. A step says what to do in the scenario's
 * words; a target does it. Two targets exist: the world in this process (in-process-target.ts, the models called
 * directly), and a served world reached over its public faces only (serve/served-target.ts: Graph, the Admin
 * Panel, `/_sim`, SCIM), which is how `scimsim run --served` runs every step over sockets.
 */
import type { DirectoryUser } from '../../mock-azure/directory/directory.ts';
import type { LogQuery } from '../../mock-azure/provisioning/logs.ts';
import type { ExchangeQuery } from '../../mock-azure/scim-client/exchanges.ts';
import type { MemberStatus } from '../nordpass/member-states.ts';
import type { MemberEvent, MemberRole } from '../nordpass/model.ts';
import type { AdminRole } from '../nordpass/members.ts';
import type { FaultSpec } from './faults.ts';
import type { ScopingFilter } from '../../mock-azure/app/scoping.ts';
import type { AttributeMapping } from '../../mock-azure/app/mappings.ts';

/**
 * The Admin Panel said no (a lifecycle rule, an Owner rule): what `expect: refused` checks for. Anything else
 * thrown (a broken connection, a 500) is not a refusal and fails the step as an error.
 */
export class Refused extends Error {
  override name = 'Refused';
}

/** User attributes a scenario sets (tenant.users, createUser, editUser). */
export type UserAttributes = Partial<Pick<DirectoryUser, UserField>>;
type UserField =
  | 'userPrincipalName'
  | 'displayName'
  | 'givenName'
  | 'surname'
  | 'mail'
  | 'mailNickname'
  | 'jobTitle'
  | 'department'
  | 'employeeId'
  | 'accountEnabled';

/** A NordPass member as a check reads it: its state and its events (instants in virtual milliseconds). */
export interface MemberView {
  id: string;
  userName: string;
  status: MemberStatus;
  /** User, Admin or Owner, as the Admin Panel shows it. */
  role: MemberRole;
  history: ReadonlyArray<Pick<MemberEvent, 'type' | 'at'>>;
}

/** Where a tenant user is: in Users, in Deleted users, or gone for good. */
export type DirectoryPlace = 'active' | 'deleted' | 'permanentlyDeleted';

export interface TestConnectionResult {
  ok: boolean;
  errorCode?: string;
  message?: string;
}

export interface ScenarioTarget {
  // The clock.
  now(): Promise<number>;
  advance(duration: string | number): Promise<void>;
  advanceTo(instant: string): Promise<void>;
  /** When the next timer other than a provisioning cycle is due (what `untilIdle` waits for), if any. */
  nextTimerBesidesCycles(): Promise<number | undefined>;

  // Entra: the directory.
  addUser(
    attributes: UserAttributes & { userPrincipalName: string },
  ): Promise<{ id: string; userPrincipalName: string }>;
  /** Changes a user; answers the user principal name it has after the change. */
  updateUser(id: string, set: UserAttributes): Promise<{ userPrincipalName: string }>;
  deleteUser(id: string): Promise<void>;
  restoreUser(id: string): Promise<void>;
  deleteUserPermanently(id: string): Promise<void>;
  blockSignIn(id: string): Promise<void>;
  unblockSignIn(id: string): Promise<void>;
  /** Sets the user's manager, or removes it (undefined). */
  setManager(userId: string, managerId: string | undefined): Promise<void>;
  addGroup(attributes: { displayName: string; description?: string | undefined }): Promise<{ id: string }>;
  updateGroup(id: string, set: { displayName?: string | undefined; description?: string | undefined }): Promise<void>;
  deleteGroup(id: string): Promise<void>;
  addMember(groupId: string, memberId: string): Promise<void>;
  removeMember(groupId: string, memberId: string): Promise<void>;
  directoryPlace(id: string): Promise<DirectoryPlace>;
  recycleBinCount(): Promise<number>;

  // Entra: the enterprise app and its provisioning job.
  /** Assigns with an app role (its value or display name; Default Access when undefined). */
  assign(principalId: string, role: string | undefined): Promise<void>;
  /** Removes the principal's assignments: all, or the one with the role. */
  unassign(principalId: string, role: string | undefined): Promise<void>;
  /**
   * Provisioning > Settings, and Mappings > Provision Microsoft Entra ID Groups. The group switch lives in the job's
   * schema, so it makes the provisioning job when there is none (as a Graph script POSTs one to PUT its schema).
   */
  configure(settings: {
    scope?: 'assigned' | 'all' | undefined;
    skipOutOfScopeDeletions?: boolean | undefined;
    groupProvisioning?: boolean | undefined;
    scopingFilters?: ScopingFilter[] | undefined;
  }): Promise<void>;
  /**
   * The Attribute Mapping page: mappings set (replacing the one of their target, or added) and targets deleted, in one
   * save; a target to delete that is not mapped is refused and nothing changes. Makes the job when there is none.
   */
  editMappings(change: { set: AttributeMapping[]; remove: string[] }): Promise<void>;
  testConnection(tenantUrl: string, secretToken: string): Promise<TestConnectionResult>;
  /** Save: refused (throws) when Test Connection fails, as the portal's Save is. */
  saveCredentials(tenantUrl: string, secretToken: string): Promise<void>;
  /** `wait`: the cycle runs at the clock's next move (Graph's start), else before this returns (the portal's). */
  start(options: { wait: boolean }): Promise<void>;
  stop(): Promise<void>;
  /** Deletes the provisioning job; the next save makes a new one. */
  deleteJob(): Promise<void>;
  restart(options: { full?: boolean; wait: boolean }): Promise<void>;
  allowDeletes(options: { wait: boolean }): Promise<void>;
  provisionOnDemand(userId: string): Promise<void>;
  jobStatus(): Promise<{ code: string; quarantineReason: string | null; escrows: number }>;
  /** How many provisioning log entries match. */
  logCount(query: LogQuery): Promise<number>;
  /** The newest `n` log entries (of one source object, when given), oldest first, as `Action/status[/code]`. */
  latestLogs(sourceId: string | undefined, n: number): Promise<string[]>;
  /** How many of the engine's exchanges with the SCIM app match; `exchangesTotal` how many there were in all. */
  exchangeCount(query: ExchangeQuery): Promise<number>;
  exchangesTotal(): Promise<number>;

  // NordPass.
  getCredentials(): Promise<{ tenantUrl: string; secretToken: string }>;
  /** The member for a user name: the live one, else the newest (deleted) one. */
  memberByUserName(userName: string): Promise<MemberView | undefined>;
  memberCount(status: MemberStatus): Promise<number>;
  /** Invitations sent (to one address, when given). */
  outboxCount(to: string | undefined): Promise<number>;
  acceptInvitation(memberId: string): Promise<void>;
  /** Admin Panel actions on a member, by an Owner or an Admin (`as`); a refusal throws with the Admin Panel's words. */
  restoreMember(memberId: string, as: AdminRole): Promise<void>;
  suspendMember(memberId: string, as: AdminRole): Promise<void>;
  activateMember(memberId: string, as: AdminRole): Promise<void>;
  deleteMember(memberId: string, as: AdminRole): Promise<void>;
  setRole(memberId: string, role: MemberRole, as: AdminRole): Promise<void>;
  /** Where this NordPass's SCIM service is, and the token it started with (before any Get Credentials). */
  scimEndpoint(): { tenantUrl: string; initialToken: string | undefined };
  /** Sends a SCIM request to this NordPass. */
  scimFetch(request: Request): Promise<Response>;

  // Faults on the way from Entra to the SCIM app.
  injectFault(spec: FaultSpec): Promise<void>;
  clearFault(id: string | undefined): Promise<void>;
}
