/**
 * What a Graph client did to the tenant, in the portal's words, told to whoever serves the face (serve mode
 * records each as a scenario step). Told only after the change was made: a refused request changed nothing.
 */
import type { ScopingFilter } from '../app/scoping.ts';
import type { AttributeMapping } from '../app/mappings.ts';
import type { GroupChanges, UserChanges } from '../directory/types.ts';

export type AzureAction =
  | { kind: 'createUser'; userId: string }
  | { kind: 'editUser'; userId: string; changes: UserChanges }
  | { kind: 'deleteUser'; userId: string }
  | { kind: 'restoreUser'; userId: string }
  | { kind: 'deletePermanently'; userId: string }
  | { kind: 'createGroup'; groupId: string }
  | { kind: 'editGroup'; groupId: string; changes: GroupChanges }
  | { kind: 'deleteGroup'; groupId: string }
  | { kind: 'addToGroup'; groupId: string; memberId: string }
  // The manager set (managerId) or removed (none).
  | { kind: 'setManager'; userId: string; managerId?: string }
  | { kind: 'removeFromGroup'; groupId: string; memberId: string }
  // The role's id (Default Access: the all-zero id).
  | { kind: 'assign'; principalId: string; appRoleId: string }
  | { kind: 'unassign'; principalId: string; appRoleId: string }
  | { kind: 'saveCredentials'; tenantUrl: string; secretToken: string }
  | { kind: 'configureProvisioning'; scope?: 'assigned' | 'all'; skipOutOfScopeDeletions?: boolean }
  | { kind: 'testConnection'; tenantUrl: string; secretToken: string }
  // `wait`: the cycle waits for the clock, as Graph's start and restart leave it (the console's Start does not wait).
  | { kind: 'start'; wait?: boolean }
  | { kind: 'stop' }
  | { kind: 'restart'; full?: boolean; forceDeletes?: boolean; wait?: boolean }
  | { kind: 'provisionOnDemand'; userId: string }
  // The job made from the template, and deleted (a scenario's save makes the job; deleteJob deletes it).
  | { kind: 'createJob' }
  | { kind: 'deleteJob' }
  /**
   * PUT .../schema: what it changed. Mappings other than the ones the app had cannot be said by a scenario step;
   * the group switch and the scoping filters can.
   */
  | {
      kind: 'setSchema';
      /** The user mappings that changed: set (new, or replacing the one of their target), and targets deleted. */
      mappings?: { set: AttributeMapping[]; removed: string[] };
      groupProvisioning?: boolean;
      scopingFilters?: ScopingFilter[];
    };

export type ActionListener = (action: AzureAction) => void;
