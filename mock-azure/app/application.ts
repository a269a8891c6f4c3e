/**
 * The enterprise application "NordPass": its Users and groups assignments and its provisioning settings.
 * Who is in scope is decided here; the engine asks, per user, and reads the assignment change feed.
 */
import { checkScopingFilters, passesScopingFilters, type ScopingFilter } from './scoping.ts';
import { APP_SETUPS, type AppSetup } from './setups.ts';
import { VariantChoices } from '../../simulator/variants.ts';
import type { Clock } from '../../simulator/clock.ts';
import type { Random } from '../../simulator/random.ts';
import type { Directory, DirectoryUser } from '../directory/directory.ts';
import { sameSetting } from './same-setting.ts';
import { MAPPING_PRESETS, type AttributeMapping, type MappingPreset } from './mappings.ts';
import { type AppRole, DEFAULT_ACCESS_ROLE_ID, findAppRole, NORDPASS_APP_ROLES } from './app-roles.ts';

/** The threshold of "Prevent accidental deletions" when it is on and no other was set (Graph's sample job: 500). */
export const DEFAULT_DELETION_THRESHOLD = 500;

export interface AppRoleAssignment {
  id: string;
  /** The app role it grants (app-roles.ts); Default Access when none was chosen. */
  appRoleId: string;
  principalId: string;
  principalType: 'User' | 'Group';
  principalDisplayName: string;
  createdDateTime: number;
}

export interface ProvisioningSettings {
  /** Admin Credentials: Tenant URL and Secret Token. Undefined until saved. */
  tenantUrl?: string;
  secretToken?: string;
  /** "Sync only assigned users and groups" (default) or "Sync all users and groups". */
  scope: 'assigned' | 'all';
  mappings: AttributeMapping[];
  /** Target object actions (the Create / Update / Delete checkboxes). */
  targetActions: { create: boolean; update: boolean; delete: boolean };
  /** When true, users leaving scope are not disabled. */
  skipOutOfScopeDeletions: boolean;
  /**
   * "Prevent accidental deletions": more disables and deletes than this in one cycle are staged. Null = off;
   * undefined = never set, so the deletionCheckDefault variant decides (read it with `deletionThreshold()`).
   */
  deletionThreshold: number | null | undefined;
  /** Group objects are sent to the app only when group provisioning is on in the mappings (off for NordPass). */
  groupProvisioning: boolean;
  /** Attribute-based rules on top of assignments (scoping.ts); none by default ("don't have any ... configured"). */
  scopingFilters: ScopingFilter[];
}

export interface ProvisioningSettingsInput {
  /** How NordPass was set up in Entra (setups.ts): its mappings and group switch, before the two below. */
  app?: AppSetup;
  scope?: 'assigned' | 'all';
  mappings?: MappingPreset | AttributeMapping[];
  targetActions?: Partial<ProvisioningSettings['targetActions']>;
  skipOutOfScopeDeletions?: boolean;
  deletionThreshold?: number | null;
  groupProvisioning?: boolean;
  scopingFilters?: ScopingFilter[];
}

export class ApplicationError extends Error {
  constructor(
    readonly code: 'notFound' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

/** What changed in the assignments, for the engine's watermark: the user ids whose scope may have moved. */
export interface AssignmentChange {
  seq: number;
  at: number;
  principalId: string;
  principalType: 'User' | 'Group';
  kind: 'assigned' | 'unassigned';
  /** For a group: its direct members at the time of the change. */
  userIds: string[];
}

export class EnterpriseApplication {
  readonly displayName = 'NordPass';
  readonly id: string;
  readonly servicePrincipalId: string;
  /** The Entra tenant the app is in (Graph's appOwnerOrganizationId, and the logs' tenantId). */
  readonly tenantId: string;
  settings: ProvisioningSettings;
  readonly #assignments = new Map<string, AppRoleAssignment>();
  /** A principal's assignments, one per role, oldest first. */
  readonly #byPrincipal = new Map<string, AppRoleAssignment[]>();
  /** The app roles it declares (app-roles.ts). */
  readonly appRoles: readonly AppRole[] = NORDPASS_APP_ROLES;
  readonly #changes: AssignmentChange[] = [];
  #settingsSeq = 0;

  constructor(
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly random: Random,
    settings: ProvisioningSettingsInput = {},
    private readonly variants: VariantChoices = new VariantChoices(),
  ) {
    this.id = random.uuid();
    this.servicePrincipalId = random.uuid();
    // A fork of its own: drawing the tenant's id moves no other id.
    this.tenantId = random.fork('tenant').uuid();
    this.settings = {
      scope: 'assigned',
      mappings: MAPPING_PRESETS.nordpass,
      targetActions: { create: true, update: true, delete: true },
      skipOutOfScopeDeletions: false,
      deletionThreshold: undefined,
      groupProvisioning: false,
      scopingFilters: [],
    };
    this.configure(settings);
  }

  /** Changes provisioning settings (not the credentials: those go through saveCredentials). */
  configure(input: ProvisioningSettingsInput): void {
    // Checked before anything changes: a refused configuration changes nothing.
    if (input.scopingFilters) checkScopingFilters(input.scopingFilters);
    const s = this.settings;
    const before = { mappings: s.mappings, filters: s.scopingFilters };
    if (input.app) {
      s.mappings = MAPPING_PRESETS[APP_SETUPS[input.app].mappings];
      s.groupProvisioning = APP_SETUPS[input.app].groupProvisioning;
    }
    if (input.scope) s.scope = input.scope;
    if (input.mappings)
      s.mappings = typeof input.mappings === 'string' ? MAPPING_PRESETS[input.mappings] : input.mappings;
    if (input.targetActions) s.targetActions = { ...s.targetActions, ...input.targetActions };
    if (input.skipOutOfScopeDeletions !== undefined) s.skipOutOfScopeDeletions = input.skipOutOfScopeDeletions;
    if (input.deletionThreshold !== undefined) s.deletionThreshold = input.deletionThreshold;
    if (input.groupProvisioning !== undefined) s.groupProvisioning = input.groupProvisioning;
    if (input.scopingFilters) s.scopingFilters = structuredClone(input.scopingFilters);
    // "Saving a new scoping filter triggers a new full sync" (define-conditional-rules-for-provisioning-user-accounts),
    // and so does a mapping change (customize-application-attributes): the engine's next cycle is an initial one.
    if (!sameSetting(s.mappings, before.mappings) || !sameSetting(s.scopingFilters, before.filters))
      this.#settingsSeq++;
  }

  /** Counts changes of mappings and scoping filters: the engine starts a new initial cycle when it moves. */
  get settingsSeq(): number {
    return this.#settingsSeq;
  }

  /**
   * The accidental-deletions threshold in force, or undefined when the check is off, as Graph's job and Why? show
   * it: showing it does not make a run depend on the variant (it peeks).
   */
  deletionThreshold(): number | undefined {
    const set = this.settings.deletionThreshold;
    if (set !== undefined) return set ?? undefined;
    return this.variants.peek('deletionCheckDefault') === 'on' ? DEFAULT_DELETION_THRESHOLD : undefined;
  }

  /**
   * The threshold that `deletions` disables and deletes in one cycle go over, or undefined when they may go out.
   * The default's variant is asked only when it could decide: no threshold set, and more deletions than it allows.
   */
  exceededDeletionThreshold(deletions: number): number | undefined {
    const set = this.settings.deletionThreshold;
    const threshold =
      set !== undefined
        ? (set ?? undefined)
        : deletions > DEFAULT_DELETION_THRESHOLD &&
            // variant: deletionCheckDefault (simulator/variants.ts): whether a new job has the check on is not documented.
            this.variants.get('deletionCheckDefault') === 'on'
          ? DEFAULT_DELETION_THRESHOLD
          : undefined;
    return threshold !== undefined && deletions > threshold ? threshold : undefined;
  }

  setCredentials(tenantUrl: string, secretToken: string): void {
    this.settings.tenantUrl = tenantUrl;
    this.settings.secretToken = secretToken;
  }

  /**
   * Users and groups > Add user/group, with a role ("Select a role"; Default Access when none). A principal may hold
   * several roles, an assignment each; the same role twice is a conflict, as in the portal.
   */
  assign(principalId: string, appRoleId: string = DEFAULT_ACCESS_ROLE_ID): AppRoleAssignment {
    const role = this.appRoles.find((r) => r.id === appRoleId);
    if (!role) throw new ApplicationError('invalid', `NordPass declares no app role with id ${appRoleId}`);
    if (this.#byPrincipal.get(principalId)?.some((a) => a.appRoleId === appRoleId))
      throw new ApplicationError(
        'conflict',
        `${principalId} is already assigned to NordPass${appRoleId === DEFAULT_ACCESS_ROLE_ID ? '' : ` with the role ${role.displayName}`}`,
      );
    const user = this.directory.user(principalId);
    const group = user ? undefined : this.directory.group(principalId);
    if (!user && !group)
      throw new ApplicationError('notFound', `no user or group with id ${principalId} in the directory`);
    const assignment: AppRoleAssignment = {
      id: this.random.uuid(),
      appRoleId,
      principalId,
      principalType: user ? 'User' : 'Group',
      principalDisplayName: (user ?? group)!.displayName,
      createdDateTime: this.clock.now(),
    };
    this.#assignments.set(assignment.id, assignment);
    this.#byPrincipal.set(principalId, [...(this.#byPrincipal.get(principalId) ?? []), assignment]);
    this.#record(assignment, 'assigned');
    return assignment;
  }

  /**
   * Users and groups > Remove: one assignment by its id, or a principal's assignments (all of them, or the one with
   * `appRoleId`). Answers what was removed.
   */
  unassign(principalOrAssignmentId: string, appRoleId?: string): AppRoleAssignment[] {
    const one = this.#assignments.get(principalOrAssignmentId);
    const removed = one
      ? [one]
      : (this.#byPrincipal.get(principalOrAssignmentId) ?? []).filter(
          (a) => appRoleId === undefined || a.appRoleId === appRoleId,
        );
    if (removed.length === 0) {
      const role = appRoleId === undefined ? undefined : this.appRoles.find((r) => r.id === appRoleId);
      throw new ApplicationError(
        'notFound',
        `${principalOrAssignmentId} is not assigned to NordPass${role ? ` with the role ${role.displayName}` : ''}`,
      );
    }
    for (const assignment of removed) {
      this.#assignments.delete(assignment.id);
      const left = this.#byPrincipal.get(assignment.principalId)!.filter((a) => a !== assignment);
      if (left.length === 0) this.#byPrincipal.delete(assignment.principalId);
      else this.#byPrincipal.set(assignment.principalId, left);
      this.#record(assignment, 'unassigned');
    }
    return removed;
  }

  /** An app role by id, value or display name (app-roles.ts), or undefined. */
  appRole(nameOrId: string): AppRole | undefined {
    return findAppRole(nameOrId, this.appRoles);
  }

  /**
   * The roles a user holds in the app, as `[appRoleAssignments]` reads them: those of their own assignments and of
   * the assigned groups they are a direct member of, each once, oldest assignment first.
   */
  rolesOf(user: DirectoryUser): AppRole[] {
    const roles: AppRole[] = [];
    for (const a of this.scopeOf(user).through) {
      const role = this.appRoles.find((r) => r.id === a.appRoleId);
      if (role && !roles.includes(role)) roles.push(role);
    }
    return roles;
  }

  assignments(): AppRoleAssignment[] {
    return [...this.#assignments.values()];
  }

  isAssigned(principalId: string): boolean {
    return this.#byPrincipal.has(principalId);
  }

  /**
   * Whether a user is in the app's scope: assigned directly or as a direct member of an assigned group
   * (nested groups are not expanded), or everyone under "Sync all". Deleted and disabled users can still be
   * in scope: IsSoftDeleted handles them.
   */
  inScope(user: DirectoryUser): boolean {
    return this.#assignedOrAll(user) && passesScopingFilters(user, this.settings.scopingFilters);
  }

  #assignedOrAll(user: DirectoryUser): boolean {
    if (this.settings.scope === 'all') return true;
    if (this.#byPrincipal.has(user.id)) return true;
    for (const group of this.directory.groupsOfMember(user.id)) if (this.#byPrincipal.has(group.id)) return true;
    return false;
  }

  /** Whether the scoping filters keep this user out (whatever the assignments say). */
  filteredOut(user: DirectoryUser): boolean {
    return !passesScopingFilters(user, this.settings.scopingFilters);
  }

  /**
   * What puts a user in scope: "Sync all", a direct assignment, or the assigned groups they are a direct member
   * of. Empty when out of scope. `nestedIn` names assigned groups reached only through a nested group, which do
   * not count (Entra does not expand nested groups): "Why?" says so.
   */
  scopeOf(user: DirectoryUser): { through: AppRoleAssignment[]; all: boolean; nestedIn: AppRoleAssignment[] } {
    const through = [...(this.#byPrincipal.get(user.id) ?? [])];
    const nestedIn: AppRoleAssignment[] = [];
    for (const group of this.directory.groupsOfMember(user.id)) {
      through.push(...(this.#byPrincipal.get(group.id) ?? []));
      for (const parent of this.directory.groupsOfMember(group.id))
        for (const nested of this.#byPrincipal.get(parent.id) ?? [])
          if (!nestedIn.includes(nested)) nestedIn.push(nested);
    }
    return { through, all: this.settings.scope === 'all', nestedIn };
  }

  /** The users an initial cycle evaluates: every assigned user and direct member of an assigned group, once, in a stable order. */
  *scopedUserIds(): Generator<string> {
    if (this.settings.scope === 'all') {
      for (const u of this.directory.users()) yield u.id;
      for (const u of this.directory.deletedUsers()) yield u.id;
      return;
    }
    const seen = new Set<string>();
    for (const a of this.#assignments.values()) {
      const ids = a.principalType === 'User' ? [a.principalId] : (this.directory.group(a.principalId)?.memberIds ?? []);
      for (const id of ids) {
        if (seen.has(id) || this.directory.group(id)) continue;
        seen.add(id);
        yield id;
      }
    }
  }

  get changeSeq(): number {
    return this.#changes.length;
  }

  changesSince(seq: number): AssignmentChange[] {
    return this.#changes.slice(seq);
  }

  #record(assignment: AppRoleAssignment, kind: AssignmentChange['kind']): void {
    const userIds =
      assignment.principalType === 'User'
        ? [assignment.principalId]
        : (this.directory.group(assignment.principalId)?.memberIds ?? []).filter((id) => !this.directory.group(id));
    this.#changes.push({
      seq: this.#changes.length + 1,
      at: this.clock.now(),
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      kind,
      userIds,
    });
  }
}
