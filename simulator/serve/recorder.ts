/**
 * Everything done to a served world through its faces, as scenario steps at their virtual instants, and the
 * scenario they make: `scimsim run` replays the export to the same states. Graph and Admin Panel actions arrive
 * in their own words (AzureAction, AdminAction) and are put in the scenario's: tenant objects by the names the
 * scenario knows them by, new ones named here. What no step can say (an object the scenario has no name for) is
 * listed as skipped, never silently dropped.
 */
import { stringify } from 'yaml';
import type { AzureAction } from '../../mock-azure/graph/actions.ts';
import { DEFAULT_ACCESS_ROLE_ID } from '../../mock-azure/app/app-roles.ts';
import type { AdminAction } from '../nordpass/admin.ts';
import { STEPS, type StepArgs, type StepName } from '../scenario/schema.ts';
import type { Scenario } from '../scenario/load.ts';
import { memberByUserName } from '../scenario/in-process-target.ts';
import { scenarioMappingOf, userNameOf, type World } from '../scenario/world.ts';
import { formatInstant } from '../time.ts';

export interface RecordedStep {
  name: StepName;
  /** null for a step that takes no argument. */
  args: unknown;
  /** Virtual time the step was taken, epoch ms. */
  at: number;
  /**
   * The Secret Token a `getCredentials` issued: kept with the data (Entra keeps the token it was given) so a
   * restart rebuilds the same Entra; never shown by /_sim/record and never exported.
   */
  secret?: string;
}

export interface SkippedAction {
  at: number;
  action: string;
  reason: string;
}

/** The user attributes a `createUser` or `editUser` step can carry (the scenario format's UserAttributes). */
const USER_FIELDS = [
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'jobTitle',
  'department',
  'employeeId',
  'accountEnabled',
] as const;

export class Recorder {
  readonly steps: RecordedStep[];
  readonly skipped: SkippedAction[] = [];
  #lastAt: number;
  /** While a scenario's own step runs, what it does through the faces is that step, not another. */
  #muted = 0;

  /**
   * `steps`: a record to go on from (a restarted world's); kept, not copied (a data file may hold it).
   * `onStep`: told each step as it is added (the event stream).
   */
  constructor(
    start: number,
    steps: RecordedStep[] = [],
    private readonly onStep?: (step: RecordedStep) => void,
  ) {
    this.steps = steps;
    this.#lastAt = steps.at(-1)?.at ?? start;
  }

  /** Runs `work` without recording what it does through the faces (the caller records it as one step). */
  async muted<T>(work: () => Promise<T>): Promise<T> {
    this.#muted++;
    try {
      return await work();
    } finally {
      this.#muted--;
    }
  }

  /** A step at the world's present instant; when time moved since the last step, an `advanceTo` goes first. */
  add(world: World, name: StepName, args: unknown = null, secret?: string): void {
    if (this.#muted > 0) return;
    const now = world.clock.now();
    if (now > this.#lastAt && name !== 'advance' && name !== 'advanceTo')
      this.#push({ name: 'advanceTo', args: formatInstant(now), at: now });
    this.#push(secret === undefined ? { name, args, at: now } : { name, args, at: now, secret });
    this.#lastAt = now;
  }

  #push(step: RecordedStep): void {
    this.steps.push(step);
    this.onStep?.(step);
  }

  /** A Graph client's change, as the steps that make it (or a note of why none can). */
  fromAzure(world: World, action: AzureAction): void {
    if (this.#muted > 0) return;
    const steps = this.#stepsFor(world, action);
    if (typeof steps === 'string') this.skipped.push({ at: world.clock.now(), action: action.kind, reason: steps });
    else for (const [name, args] of steps) this.add(world, name, args);
  }

  /** An Admin Panel change (or an invitee's), as the step that makes it. */
  fromAdmin(world: World, action: AdminAction): void {
    if (this.#muted > 0) return;
    if (action.kind === 'getCredentials') {
      // As the step does: the credentials shown are what Entra's page then holds.
      world.issued = { tenantUrl: action.tenantUrl, secretToken: action.secretToken };
      world.entered = { ...world.issued };
      this.add(world, 'getCredentials', null, action.secretToken);
      return;
    }
    const member = world.nordpass.members.find(action.memberId);
    const name = member ? nameByUserName(world, member.userName) : undefined;
    if (name === undefined) {
      this.skipped.push({
        at: world.clock.now(),
        action: action.kind,
        reason: `member ${member?.userName ?? action.memberId} is no tenant user the scenario names`,
      });
    } else if (action.kind === 'setRole')
      this.add(world, 'setRole', { user: name, role: action.role, ...(action.as ? { as: action.as } : {}) });
    else if (action.kind === 'acceptInvitation') this.add(world, action.kind, name);
    else this.add(world, action.kind, action.as ? { user: name, as: action.as } : name);
  }

  /** The steps for a Graph change, naming new objects as it goes; a text when no step can say it. */
  #stepsFor(world: World, action: AzureAction): Array<[StepName, unknown]> | string {
    const { directory } = world.azure;
    const userName = (id: string) => nameOf(world.users, id);
    const anyName = (id: string) => nameOf(world.users, id) ?? nameOf(world.groups, id);
    const byName = (name: string | undefined, step: StepName): Array<[StepName, unknown]> | string =>
      name === undefined ? 'the object has no name in the scenario' : [[step, name]];
    switch (action.kind) {
      case 'createUser': {
        const user = directory.user(action.userId);
        if (!user) return 'the new user is gone';
        const name = freeName(world, user.mailNickname || user.userPrincipalName.split('@')[0]!);
        world.users.set(name, user.id);
        world.upns.set(name, user.userPrincipalName);
        return [['createUser', { name, ...userFields(user as unknown as Record<string, unknown>) }]];
      }
      case 'editUser': {
        const name = userName(action.userId);
        if (name === undefined) return 'the user has no name in the scenario';
        const user = directory.user(action.userId);
        if (user) world.upns.set(name, user.userPrincipalName);
        const set = userFields(action.changes as Record<string, unknown>);
        const keys = Object.keys(set);
        if (keys.length === 1 && keys[0] === 'accountEnabled')
          return [[set.accountEnabled ? 'unblockSignIn' : 'blockSignIn', name]];
        if (keys.length === 0) return 'no attribute a scenario can set was changed';
        return [['editUser', { user: name, set }]];
      }
      case 'deleteUser':
      case 'restoreUser':
      case 'deletePermanently':
      case 'provisionOnDemand':
        return byName(userName(action.userId), action.kind);
      case 'createGroup': {
        const group = directory.group(action.groupId);
        if (!group) return 'the new group is gone';
        const name = freeName(world, group.displayName);
        world.groups.set(name, group.id);
        const description = group.description ? { description: group.description } : {};
        return [['createGroup', { name, displayName: group.displayName, ...description }]];
      }
      case 'editGroup': {
        const name = nameOf(world.groups, action.groupId);
        if (name === undefined) return 'the group has no name in the scenario';
        const set: StepArgs['editGroup']['set'] = {};
        if (action.changes.displayName !== undefined) set.displayName = action.changes.displayName;
        if (action.changes.description !== undefined) set.description = action.changes.description;
        if (Object.keys(set).length === 0) return 'no attribute a scenario can set was changed';
        return [['editGroup', { group: name, set }]];
      }
      case 'deleteGroup':
        return byName(nameOf(world.groups, action.groupId), 'deleteGroup');
      case 'addToGroup':
      case 'removeFromGroup': {
        const group = nameOf(world.groups, action.groupId);
        const member = anyName(action.memberId);
        if (group === undefined || member === undefined) return 'the group or the member has no name';
        return [[action.kind, { group, members: member }]];
      }
      case 'setManager': {
        const user = userName(action.userId);
        if (user === undefined) return 'the user has no name in the scenario';
        if (action.managerId === undefined) return [['removeManager', user]];
        const manager = userName(action.managerId);
        if (manager === undefined) return 'the manager has no name in the scenario';
        return [['setManager', { user, manager }]];
      }
      case 'assign':
      case 'unassign': {
        const name = anyName(action.principalId);
        const role = world.azure.app.appRole(action.appRoleId);
        // A role, or one of several assignments removed, needs the role said; otherwise the name is enough.
        const others = world.azure.app.assignments().some((a) => a.principalId === action.principalId);
        const plain = action.appRoleId === DEFAULT_ACCESS_ROLE_ID && (action.kind === 'assign' || !others);
        if (name === undefined || plain || !role) return byName(name, action.kind);
        return [[action.kind, { principals: name, role: role.value ?? role.displayName }]];
      }
      case 'saveCredentials':
        return [...this.#enter(world, action.tenantUrl, action.secretToken), ['save', null]];
      case 'testConnection':
        return [...this.#enter(world, action.tenantUrl, action.secretToken), ['testConnection', null]];
      case 'configureProvisioning': {
        const { kind: _, ...settings } = action;
        return [['configureProvisioning', settings]];
      }
      // A start that left its cycle to the clock is replayed as one (`wait`), so the replay runs it at the same move.
      case 'start':
        return [['start', action.wait ? { wait: true } : null]];
      case 'stop':
        return [['stop', null]];
      // A scenario's save makes the job when there is none, so making it is not a step of its own.
      case 'createJob':
        return [];
      case 'deleteJob':
        return [['deleteJob', null]];
      // The group switch, the scoping filters and the mappings are steps.
      case 'setSchema': {
        const steps: Array<[StepName, unknown]> = [];
        if (action.mappings) {
          const set = action.mappings.set.map(scenarioMappingOf);
          if (set.some((m) => m === undefined))
            return "the job's active mapping (from IsSoftDeleted) was changed over Graph; no scenario step says that";
          if (set.length > 0) steps.push(['setAttributeMappings', set]);
          if (action.mappings.removed.length > 0) steps.push(['deleteAttributeMappings', action.mappings.removed]);
        }
        if (action.groupProvisioning !== undefined)
          steps.push(['configureProvisioning', { groupProvisioning: action.groupProvisioning }]);
        if (action.scopingFilters !== undefined) steps.push(['setScopingFilters', action.scopingFilters]);
        return steps;
      }
      case 'restart': {
        const wait = action.wait ? { wait: true } : {};
        if (action.forceDeletes) return [['allowDeletes', action.wait ? wait : null]];
        const args = { ...(action.full ? { full: true } : {}), ...wait };
        return [['restart', Object.keys(args).length ? args : null]];
      }
    }
  }

  /**
   * What Entra's page holds before Save or Test Connection, as an `enterCredentials` step when it differs. The
   * token last issued by Get Credentials is written as "the issued one" (no secret in the file); another token
   * typed in (a wrong one, on purpose) is written as typed.
   */
  #enter(world: World, tenantUrl: string, secretToken: string): Array<[StepName, unknown]> {
    if (world.entered.tenantUrl === tenantUrl && world.entered.secretToken === secretToken) return [];
    world.entered = { tenantUrl, secretToken };
    const args: StepArgs['enterCredentials'] = {};
    if (tenantUrl !== world.issued?.tenantUrl) args.tenantUrl = tenantUrl;
    if (secretToken !== world.issued?.secretToken) args.secretToken = secretToken;
    return [['enterCredentials', args]];
  }
}

/**
 * The scenario a served world's record makes: its header, every step, and an `expect` step with the states at
 * the moment of export (every named user's NordPass state, the directory, the job), so a replay checks itself.
 */
export function exportScenario(
  header: Omit<Scenario, 'steps' | 'file' | 'userNames' | 'groupNames'>,
  recorder: Recorder,
  world: World,
): string {
  const steps: unknown[] = recorder.steps.map((s) => (s.args === null ? s.name : { [s.name]: s.args }));
  const now = world.clock.now();
  const last = recorder.steps.at(-1)?.at ?? Date.parse(header.start);
  if (now > last) steps.push({ advanceTo: formatInstant(now) });
  steps.push({ expect: statesNow(world) });
  const { name, description, seed, start, nordpass, tenant, provisioning, variants, limits } = header;
  const doc = {
    name,
    ...(description ? { description } : {}),
    seed,
    start,
    ...(nordpass && Object.keys(nordpass).length ? { nordpass } : {}),
    ...(tenant && Object.keys(tenant).length ? { tenant } : {}),
    ...(provisioning && Object.keys(provisioning).length ? { provisioning } : {}),
    // The world's unsettled behaviours go with it: the replay follows the same alternatives.
    ...(variants && Object.keys(variants).length ? { variants } : {}),
    ...(limits ? { limits } : {}),
    steps,
  };
  const skipped = recorder.skipped.map((s) => `#   ${formatInstant(s.at)} ${s.action}: ${s.reason}`);
  const comment = [
    '# Recorded in a served scimsim world and exported; `npx scimsim run <this file>` replays it.',
    ...(skipped.length ? ['# Not in the steps (no step can say them):', ...skipped] : []),
  ];
  return `${comment.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The states a replay must reach: each named user's NordPass state, the directory, the job's status. */
export function statesNow(world: World): StepArgs['expect'] {
  const members: Record<string, string> = {};
  const active: string[] = [];
  const deleted: string[] = [];
  const gone: string[] = [];
  const { directory } = world.azure;
  for (const [name, id] of world.users) {
    const upn = userNameOf(world, name);
    members[name] = world.httpTarget || !upn ? 'none' : (memberByUserName(world.nordpass, upn)?.status ?? 'none');
    if (directory.user(id)) active.push(name);
    else if (directory.deletedUser(id)) deleted.push(name);
    else gone.push(name);
  }
  const expect: StepArgs['expect'] = {
    ...(world.users.size ? { members: members as StepArgs['expect']['members'] } : {}),
    directory: {
      ...(active.length ? { active } : {}),
      ...(deleted.length ? { deleted } : {}),
      ...(gone.length ? { permanentlyDeleted: gone } : {}),
      recycleBin: [...directory.deletedUsers()].length,
    },
    job: { status: world.azure.job.status().code },
  };
  return STEPS.expect.parse(expect);
}

function userFields(source: Record<string, unknown>): StepArgs['editUser']['set'] {
  const out: Record<string, unknown> = {};
  for (const key of USER_FIELDS) {
    const value = source[key];
    if (value === undefined || value === null || value === '') continue;
    out[key] = value;
  }
  return out as StepArgs['editUser']['set'];
}

function nameOf(names: Map<string, string>, id: string): string | undefined {
  for (const [name, value] of names) if (value === id) return name;
  return undefined;
}

function nameByUserName(world: World, userName: string): string | undefined {
  const wanted = userName.toLowerCase();
  for (const name of world.upns.keys()) if (userNameOf(world, name)?.toLowerCase() === wanted) return name;
  return undefined;
}

/** A scenario name from a mail nickname or display name: the format's letters, digits, dots and dashes, unused. */
function freeName(world: World, from: string): string {
  let base = from.replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z]+/, '');
  if (base === '') base = 'object';
  let name = base;
  for (let n = 2; world.users.has(name) || world.groups.has(name); n++) name = `${base}-${n}`;
  return name;
}
