/**
 * One scenario's world: the simulated world (simulator/world.ts) with its own clock, seed, NordPass and Entra
 * tenant, isolated from every other run, plus what the scenario names and what the portal's page holds.
 */
import { parseDuration } from '../time.ts';
import type { NordPassOptions } from '../nordpass/app.ts';
import { createWorld, type ScimRoute, type World as SimulatedWorld } from '../world.ts';
import { inProcessTarget } from './in-process-target.ts';
import { APP_SETUPS, type AppSetup } from '../../mock-azure/app/setups.ts';
import {
  type AttributeMapping,
  editedMappings,
  MAPPING_PRESETS,
  provisioningUpn,
} from '../../mock-azure/app/mappings.ts';
import { formatExpression, parseExpression } from '../../mock-azure/app/expressions/parse.ts';
import type { ScenarioMapping } from './schema.ts';
import { DEFAULT_MAX_VIRTUAL_TIME, type Scenario } from './load.ts';
import type { MemberView, ScenarioTarget, UserAttributes } from './target.ts';

/**
 * What a scenario's steps and checks work with, wherever the world is: what the scenario names and what Entra's
 * page holds, kept by the runner, and the target the steps act on (in this process, or a served world's faces).
 */
export interface ScenarioState {
  /** What the steps act on and the checks read. */
  target: ScenarioTarget;
  /** Tenant users and groups by the names the scenario gave them. */
  users: Map<string, string>;
  groups: Map<string, string>;
  /** The current user principal name of each named user (it outlives the directory user). */
  upns: Map<string, string>;
  /** What Entra's provisioning page holds before Save. */
  entered: { tenantUrl?: string; secretToken?: string };
  /** The last Get Credentials. */
  issued?: { tenantUrl: string; secretToken: string };
  lastTestConnection?: { ok: boolean; errorCode?: string; message?: string };
  /** Add `?aadOptscim062020` to the Tenant URL typed into Entra. */
  aadOptscim062020: boolean;
  /** With --http, the SCIM app is elsewhere: its credentials, and no NordPass state to look into. */
  httpTarget?: { tenantUrl: string; secretToken: string };
  /** With --http: steps and checks that look inside NordPass fail (--strict) instead of being skipped. */
  strict: boolean;
  /** The aadOptscim062020 copy of `--dialects both`: checks of request bodies (default-dialect words) are skipped. */
  dialectCopy: boolean;
  /** The domain of the user principal names the scenario makes (tenant.domain, default contoso.com). */
  domain: string;
  /** limits.maxVirtualTime as an instant: untilIdle must not run past it (the loader can only check advance steps). */
  virtualTimeLimit: { at: number; text: string };
}

/** One scenario's world in this process: the simulated world and the scenario's state, its target the world. */
export interface World extends SimulatedWorld, ScenarioState {}

export interface WorldOptions {
  /** Drive a SCIM server over real HTTP instead of the in-process NordPass (`--http URL`). */
  httpTarget?: { tenantUrl: string; secretToken: string };
  /** With httpTarget: what needs NordPass's inside fails rather than being skipped (`--strict`). */
  strict?: boolean;
  /** Serve mode: how NordPass is kept and reached (its store, tokens, secrets, the Admin Panel's listener). */
  nordpass?: Omit<NordPassOptions, 'clock' | 'random' | 'settings'>;
  scim?: ScimRoute;
  /** Variants for the run (`--variant`, `--variants all`); the scenario's own `variants:` pin wins. */
  variants?: Partial<Record<string, string>>;
}

/** The variants a scenario runs under: the run's, then the older `nordpass.ownerProtection`, then its own pins. */
export function scenarioVariants(scenario: Scenario, run: Partial<Record<string, string>> = {}) {
  const owner = scenario.nordpass?.ownerProtection;
  return {
    ...run,
    ...(owner === undefined ? {} : { scimOnOwner: owner ? 'refused' : 'applied' }),
    ...scenario.variants,
  };
}

/**
 * How NordPass was set up in Entra: `provisioning.app`, or its older spelling `mappings` (nordpass: the gallery app;
 * nonGallery: that setup's attributes with group provisioning off, as it meant before `app`). The loader refuses both.
 */
function appSetupOf(p: NonNullable<Scenario['provisioning']>): { app: AppSetup; groupProvisioning?: boolean } {
  if (p.app) return { app: p.app };
  if (p.mappings === 'nonGallery') return { app: 'nonGallery', groupProvisioning: false };
  return { app: 'nordpassGallery' };
}

/** The setup's mappings with the scenario's own over them: one of the same target replaced, a new one added. */
function mappingsOf(p: NonNullable<Scenario['provisioning']>): AttributeMapping[] {
  const preset = MAPPING_PRESETS[APP_SETUPS[appSetupOf(p).app].mappings];
  return editedMappings(preset, (p.attributeMappings ?? []).map(mappingOf));
}

/** A mapping as the scenario writes it (its expression as text), and the engine's, each from the other. */
export function mappingOf(m: ScenarioMapping): AttributeMapping {
  return {
    target: m.target,
    ...(m.source !== undefined ? { source: m.source as AttributeMapping['source'] } : {}),
    ...(m.constant !== undefined ? { constant: m.constant } : {}),
    ...(m.expression !== undefined ? { expression: parseExpression(m.expression) } : {}),
    ...(m.default !== undefined ? { defaultValue: m.default } : {}),
    ...(m.apply === 'creation' ? { apply: 'creation' as const } : {}),
    ...(m.matching !== undefined ? { matchingPrecedence: m.matching } : {}),
  };
}

/** Undefined for the one a scenario cannot write: `active` from IsSoftDeleted, which every setup has. */
export function scenarioMappingOf(m: AttributeMapping): ScenarioMapping | undefined {
  if (m.source === 'IsSoftDeleted') return undefined;
  return {
    target: m.target,
    ...(m.source !== undefined ? { source: m.source } : {}),
    ...(m.constant !== undefined ? { constant: m.constant } : {}),
    ...(m.expression !== undefined ? { expression: formatExpression(m.expression) } : {}),
    ...(m.defaultValue !== undefined ? { default: m.defaultValue } : {}),
    ...(m.apply === 'creation' ? { apply: 'creation' as const } : {}),
    ...(m.matchingPrecedence !== undefined ? { matching: m.matchingPrecedence } : {}),
  };
}

/** NordPass's settings from a scenario's `nordpass:` (ownerProtection is a variant now, read by scenarioVariants). */
export function nordpassSettingsOf(scenario: Pick<Scenario, 'nordpass'>) {
  const { ownerProtection: _variant, ...settings } = scenario.nordpass ?? {};
  return settings;
}

export function buildWorld(scenario: Scenario, options: WorldOptions = {}): World {
  const p = scenario.provisioning ?? {};
  const simulated = createWorld({
    start: scenario.start,
    seed: scenario.seed,
    scim: options.scim ?? (options.httpTarget ? 'http' : 'in-process'),
    variants: scenarioVariants(scenario, options.variants),
    nordpass: { adminToken: 'scenario-admin-token', ...options.nordpass, settings: nordpassSettingsOf(scenario) },
    azure: {
      provisioning: {
        ...appSetupOf(p),
        ...(p.scope ? { scope: p.scope } : {}),
        ...(p.targetActions ? { targetActions: p.targetActions } : {}),
        ...(p.skipOutOfScopeDeletions !== undefined ? { skipOutOfScopeDeletions: p.skipOutOfScopeDeletions } : {}),
        ...(p.deletionThreshold !== undefined ? { deletionThreshold: p.deletionThreshold } : {}),
        ...(p.groupProvisioning !== undefined ? { groupProvisioning: p.groupProvisioning } : {}),
        ...(p.scopingFilters ? { scopingFilters: p.scopingFilters } : {}),
        ...(p.attributeMappings ? { mappings: mappingsOf(p) } : {}),
      },
      ...(p.logRetention ? { logRetention: p.logRetention } : {}),
      engine: {
        ...(p.unavailableCyclesBeforeQuarantine
          ? { unavailableCyclesBeforeQuarantine: p.unavailableCyclesBeforeQuarantine }
          : {}),
        ...(p.probeIdleCycles !== undefined ? { probeIdleCycles: p.probeIdleCycles } : {}),
        ...(p.cycleDuration ? { cycleDuration: p.cycleDuration } : {}),
        ...(p.escrowThresholds ? { escrowThresholds: p.escrowThresholds } : {}),
      },
    },
  });
  const world: World = { ...simulated, ...scenarioState(scenario, inProcessTarget(simulated), options) };
  populateTenant(scenario, world);
  return world;
}

/** A scenario's state at its start, before any step: nothing named yet, nothing typed into Entra's page. */
export function scenarioState(
  scenario: Scenario,
  target: ScenarioTarget,
  options: Pick<WorldOptions, 'httpTarget' | 'strict'> = {},
): ScenarioState {
  const limit = scenario.limits?.maxVirtualTime ?? DEFAULT_MAX_VIRTUAL_TIME;
  return {
    target,
    users: new Map(),
    groups: new Map(),
    upns: new Map(),
    entered: options.httpTarget ? { ...options.httpTarget } : {},
    ...(options.httpTarget ? { httpTarget: options.httpTarget } : {}),
    aadOptscim062020: scenario.provisioning?.aadOptscim062020 === true,
    domain: scenario.tenant?.domain ?? 'contoso.com',
    virtualTimeLimit: { at: Date.parse(scenario.start) + parseDuration(limit), text: String(limit) },
    strict: options.strict === true,
    dialectCopy: scenario.dialectCopy === true,
  };
}

function populateTenant(scenario: Scenario, world: World): void {
  const { directory } = world.azure;
  const tenant = scenario.tenant ?? {};
  // Generated users come first, then the named ones: a served run makes the named ones over Graph after the reset
  // has generated the rest (serve/run-served.ts), and the same order gives the same ids.
  const generate = typeof tenant.generate === 'number' ? { count: tenant.generate } : tenant.generate;
  if (generate && generate.count > 0) {
    const generated = directory.generateUsers(generate.count, { domain: world.domain });
    if (generate.group) {
      const group = directory.addGroup({ displayName: generate.group });
      world.groups.set(generate.group, group.id);
      for (const u of generated) directory.addMember(group.id, u.id);
    }
  }
  for (const [name, user] of Object.entries(tenant.users ?? {})) {
    const { manager: _, ...attributes } = user ?? {};
    addNamedUser(world, name, attributes);
  }
  for (const [name, user] of Object.entries(tenant.users ?? {}))
    if (user?.manager) directory.setManager(idOf(world, name), idOf(world, user.manager));
  const groups = Object.entries(tenant.groups ?? {});
  for (const [name, g] of groups) addNamedGroup(world, name, { displayName: g.displayName ?? name });
  for (const [name, g] of groups) {
    for (const member of g.members ?? []) directory.addMember(world.groups.get(name)!, idOf(world, member));
  }
}

/** A tenant user the scenario calls `name`: name@domain, display name and mail nickname `name`, unless given. */
export function namedUserAttributes(state: ScenarioState, name: string, attributes: UserAttributes) {
  return { userPrincipalName: `${name}@${state.domain}`, displayName: name, mailNickname: name, ...attributes };
}

function addNamedUser(world: World, name: string, attributes: UserAttributes): void {
  const user = world.azure.directory.addUser(namedUserAttributes(world, name, attributes));
  world.users.set(name, user.id);
  world.upns.set(name, user.userPrincipalName);
}

function addNamedGroup(world: World, name: string, attributes: { displayName?: string; description?: string }) {
  const group = world.azure.directory.addGroup({ displayName: name, ...attributes });
  world.groups.set(name, group.id);
}

/** The directory id of a user or group name (names were checked when the file was loaded). */
export function idOf(world: ScenarioState, name: string): string {
  const id = world.users.get(name) ?? world.groups.get(name);
  if (!id) throw new Error(`unknown name ${name}`);
  return id;
}

/**
 * The userName a named user has in NordPass with the default mappings: their UPN, a guest's as provisioning reads
 * it (alias@theirdomain, mappings.ts provisioningUpn).
 */
export function userNameOf(state: Pick<ScenarioState, 'upns'>, name: string): string | undefined {
  const upn = state.upns.get(name);
  return upn === undefined ? undefined : provisioningUpn(upn);
}

/** The NordPass member for a tenant user: the latest one whose userName is the user's (userNameOf). */
export async function memberOf(state: ScenarioState, name: string): Promise<MemberView | undefined> {
  const userName = userNameOf(state, name);
  return userName === undefined ? undefined : state.target.memberByUserName(userName);
}
