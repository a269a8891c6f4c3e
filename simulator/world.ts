/**
 * One simulated world: a virtual clock, a seeded random source, the NordPass service, and an Entra tenant whose
 * provisioning engine reaches that service over SCIM. Scenario runs, `scimsim serve`, the benchmarks and the
 * tests all build theirs here, so the wiring (which random stream each side draws from, how SCIM requests
 * travel, how Get Credentials is asked for) is written once.
 *
 * Keep this module free of the scenario loader and its schema libraries: the benchmarks import it, and the
 * 100,000-member heap item counts everything loaded (importing the loader once cost 5 MB and failed it).
 */
import { createAzure, type Azure, type AzureOptions } from '../mock-azure/tenant.ts';
import { httpTransport, type Transport } from '../mock-azure/scim-client/transport.ts';
import { Clock } from './clock.ts';
import { createNordPass, type NordPass, type NordPassOptions } from './nordpass/app.ts';
import { Random } from './random.ts';
import { VariantChoices } from './variants.ts';

/**
 * How the engine's SCIM requests travel:
 * - `in-process`: every request is answered by this world's NordPass, whatever its URL; no socket is opened
 *   (scenario runs, tests, benchmarks).
 * - `http`: every request goes over real HTTP (`scimsim run --http URL`: the SCIM app is elsewhere).
 * - `own-origin`: requests to this NordPass's own origin are answered in process, any other Tenant URL over
 *   HTTP (`scimsim serve`, where an admin may point the engine at another server).
 * - `self-http`: every request goes over real HTTP to this NordPass's own origin, whatever Tenant URL was typed
 *   (`scimsim run --served`: a closed world whose engine traffic crosses a socket).
 */
export type ScimRoute = 'in-process' | 'http' | 'own-origin' | 'self-http';

export interface WorldOptions {
  /** The virtual start instant. */
  start: string | number;
  /** Decides every id and generated name: the same seed gives the same world. */
  seed: string | number;
  nordpass?: Omit<NordPassOptions, 'clock' | 'random'>;
  azure?: Omit<AzureOptions, 'clock' | 'random' | 'transport'>;
  /** Default `in-process`. */
  scim?: ScimRoute;
  /** Unsettled behaviours to follow instead of the defaults (simulator/variants.ts), both sides. */
  variants?: Partial<Record<string, string>>;
}

export interface World {
  clock: Clock;
  random: Random;
  nordpass: NordPass;
  azure: Azure;
  /** The variants both sides follow, and which of them this world has consulted. */
  variants: VariantChoices;
  /** NordPass Admin Panel > Settings > User provisioning > Get Credentials, through the Admin face (a new token). */
  getCredentials(): Promise<{ tenantUrl: string; secretToken: string }>;
  /** Where clients reach NordPass; with `own-origin`, the requests the engine answers in process. */
  setOrigin(origin: string): void;
  /** The next id of a kind in this world (`fault1`, `fault2`, ...): counters belong to the world, not the module. */
  nextId(kind: string): string;
  /**
   * Puts another NordPass (on this world's clock) where this one was: the engine's requests and Get Credentials
   * reach it from now on. Serve mode rebuilds a restarted world's Entra side against a NordPass of its own, then
   * hands it the NordPass from the data file. The caller also sets `nordpass` on its own copies of the world.
   */
  useNordPass(next: NordPass): void;
}

export function createWorld(options: WorldOptions): World {
  const clock = new Clock(options.start);
  const random = new Random(options.seed);
  const variants = new VariantChoices(options.variants);
  let nordpass = createNordPass({ clock, random: random.fork('nordpass'), variants, ...options.nordpass });
  let ownOrigin = new URL(nordpass.tenantUrl()).origin;
  const transport = scimTransport(
    options.scim ?? 'in-process',
    () => nordpass,
    () => ownOrigin,
  );
  const azure = createAzure({ clock, random: random.fork('azure'), transport, variants, ...options.azure });
  const counters = new Map<string, number>();
  const world: World = {
    clock,
    random,
    nordpass,
    azure,
    variants,
    getCredentials: async () => {
      const response = await nordpass.fetch(
        new Request(`${ownOrigin}/admin/provisioning/credentials`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${nordpass.adminToken}` },
        }),
      );
      if (!response.ok) throw new Error(`Get Credentials failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { tenantUrl: string; secretToken: string };
    },
    setOrigin: (origin) => {
      nordpass.setOrigin(origin);
      ownOrigin = new URL(nordpass.tenantUrl()).origin;
    },
    nextId: (kind) => {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return `${kind}${n}`;
    },
    useNordPass: (next) => {
      nordpass = next;
      world.nordpass = next;
      ownOrigin = new URL(next.tenantUrl()).origin;
    },
  };
  return world;
}

function scimTransport(route: ScimRoute, nordpass: () => NordPass, ownOrigin: () => string): Transport {
  if (route === 'in-process') return (request) => nordpass().fetch(request);
  const overHttp = httpTransport();
  if (route === 'http') return overHttp;
  if (route === 'self-http')
    return (request) => {
      const url = new URL(request.url);
      return overHttp(new Request(`${ownOrigin()}${url.pathname}${url.search}`, request));
    };
  return (request) => (new URL(request.url).origin === ownOrigin() ? nordpass().fetch(request) : overHttp(request));
}
