/**
 * One scenario's world: its own clock, seed, NordPass and Entra tenant, isolated from every other run.
 * The only module besides cli.ts that knows both sides (DESIGN.md's dependency rules).
 */
import { Clock } from '../clock.ts';
import { createNordPass, type NordPass } from '../nordpass/app.ts';
import { Random } from '../random.ts';
import { parseDuration } from '../time.ts';
import { httpTransport } from '../../mock-azure/scim-client/transport.ts';
import { createAzure, type Azure } from '../../mock-azure/tenant.ts';
import type { DirectoryUser } from '../../mock-azure/directory/directory.ts';
import { DEFAULT_MAX_VIRTUAL_TIME, type Scenario } from './load.ts';

export interface World {
  clock: Clock;
  nordpass: NordPass;
  azure: Azure;
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
  adminToken: string;
  /** limits.maxVirtualTime as an instant: untilIdle must not run past it (the loader can only check advance steps). */
  virtualTimeLimit: { at: number; text: string };
}

export interface WorldOptions {
  /** Drive a SCIM server over real HTTP instead of the in-process NordPass (`--http URL`). */
  httpTarget?: { tenantUrl: string; secretToken: string };
}

export function buildWorld(scenario: Scenario, options: WorldOptions = {}): World {
  const clock = new Clock(scenario.start);
  const random = new Random(scenario.seed);
  const adminToken = 'scenario-admin-token';
  const nordpass = createNordPass({
    clock,
    random: random.fork('nordpass'),
    settings: scenario.nordpass ?? {},
    adminToken,
  });
  const p = scenario.provisioning ?? {};
  const azure = createAzure({
    clock,
    random: random.fork('azure'),
    transport: options.httpTarget ? httpTransport() : nordpass.fetch,
    provisioning: {
      ...(p.scope ? { scope: p.scope } : {}),
      ...(p.mappings ? { mappings: p.mappings } : {}),
      ...(p.targetActions ? { targetActions: p.targetActions } : {}),
      ...(p.skipOutOfScopeDeletions !== undefined ? { skipOutOfScopeDeletions: p.skipOutOfScopeDeletions } : {}),
      ...(p.deletionThreshold !== undefined ? { deletionThreshold: p.deletionThreshold } : {}),
      groupProvisioning: p.groupProvisioning === true,
    },
    engine: {
      ...(p.unavailableCyclesBeforeQuarantine
        ? { unavailableCyclesBeforeQuarantine: p.unavailableCyclesBeforeQuarantine }
        : {}),
      ...(p.probeIdleCycles !== undefined ? { probeIdleCycles: p.probeIdleCycles } : {}),
      ...(p.escrowThresholds
        ? { escrowThresholds: { evaluateFrom: 5_000, proportion: 0.4, total: 40_000, ...p.escrowThresholds } }
        : {}),
    },
  });
  const limit = scenario.limits?.maxVirtualTime ?? DEFAULT_MAX_VIRTUAL_TIME;
  const virtualTimeLimit = { at: clock.now() + parseDuration(limit), text: String(limit) };
  const world: World = {
    clock,
    nordpass,
    azure,
    users: new Map(),
    groups: new Map(),
    upns: new Map(),
    entered: {},
    adminToken,
    aadOptscim062020: p.aadOptscim062020 === true,
    virtualTimeLimit,
  };
  if (options.httpTarget) {
    world.httpTarget = options.httpTarget;
    world.entered = { ...options.httpTarget };
  }
  populateTenant(scenario, world);
  return world;
}

function populateTenant(scenario: Scenario, world: World): void {
  const { directory } = world.azure;
  const tenant = scenario.tenant ?? {};
  const domain = tenant.domain ?? 'contoso.com';
  for (const [name, attributes] of Object.entries(tenant.users ?? {})) {
    const input = {
      userPrincipalName: `${name}@${domain}`,
      displayName: name,
      mailNickname: name,
      ...(attributes ?? {}),
    } as Partial<DirectoryUser> & { userPrincipalName: string };
    const user = directory.addUser(input);
    world.users.set(name, user.id);
    world.upns.set(name, user.userPrincipalName);
  }
  const generate = typeof tenant.generate === 'number' ? { count: tenant.generate } : tenant.generate;
  if (generate && generate.count > 0) {
    const generated = directory.generateUsers(generate.count, { domain });
    if (generate.group) {
      const group = directory.addGroup({ displayName: generate.group });
      world.groups.set(generate.group, group.id);
      for (const u of generated) directory.addMember(group.id, u.id);
    }
  }
  const groups = Object.entries(tenant.groups ?? {});
  for (const [name, g] of groups) world.groups.set(name, directory.addGroup({ displayName: g.displayName ?? name }).id);
  for (const [name, g] of groups) {
    for (const member of g.members ?? [])
      directory.addMember(world.groups.get(name)!, (world.users.get(member) ?? world.groups.get(member))!);
  }
}

/** The directory id of a user or group name (names were checked when the file was loaded). */
export function idOf(world: World, name: string): string {
  const id = world.users.get(name) ?? world.groups.get(name);
  if (!id) throw new Error(`unknown name ${name}`);
  return id;
}

/** The NordPass member for a tenant user: the latest one whose userName is the user's UPN. */
export function memberOf(world: World, name: string) {
  const upn = world.upns.get(name)?.toLowerCase();
  if (!upn) return undefined;
  const live = world.nordpass.store.liveMemberByUserName(upn);
  if (live) return live;
  let found;
  for (const m of world.nordpass.store.allMembers()) if (m.userName.toLowerCase() === upn) found = m;
  return found;
}
