/** Both sides on one clock, in process (simulator/world.ts), with the shortcuts the engine's contract tests use. */
import type { Azure, AzureOptions } from '../../mock-azure/tenant.ts';
import type { Clock } from '../../simulator/clock.ts';
import type { NordPass } from '../../simulator/nordpass/app.ts';
import type { NordPassSettingsInput } from '../../simulator/nordpass/config.ts';
import { createWorld } from '../../simulator/world.ts';

export interface World {
  clock: Clock;
  np: NordPass;
  azure: Azure;
  /** Get Credentials in the NordPass Admin Panel. */
  credentials: () => Promise<{ tenantUrl: string; secretToken: string }>;
  /** Save credentials and start provisioning. */
  connect: () => Promise<void>;
  memberStatus: (userName: string) => string | undefined;
  member: (userName: string) => ReturnType<NordPass['members']['find']>;
}

export function world(
  options: {
    nordpass?: NordPassSettingsInput;
    azure?: Partial<Omit<AzureOptions, 'clock' | 'random' | 'transport'>>;
    seed?: string;
    /** Variants both sides follow (simulator/variants.ts). */
    variants?: Partial<Record<string, string>>;
  } = {},
): World {
  const simulated = createWorld({
    start: '2026-01-05T09:00:00Z',
    seed: options.seed ?? 'world',
    nordpass: { ...(options.nordpass ? { settings: options.nordpass } : {}), adminToken: 'admin-token-123456' },
    ...(options.azure ? { azure: options.azure } : {}),
    ...(options.variants ? { variants: options.variants } : {}),
  });
  const { clock, nordpass: np, azure } = simulated;
  const credentials = simulated.getCredentials;
  const member = (userName: string) => {
    const all = np.store.allMembers().filter((m) => m.userName.toLowerCase() === userName.toLowerCase());
    return all.at(-1);
  };
  return {
    clock,
    np,
    azure,
    credentials,
    connect: async () => {
      const { tenantUrl, secretToken } = await credentials();
      await azure.job.saveCredentials(tenantUrl, secretToken);
      await azure.job.start();
    },
    memberStatus: (userName) => member(userName)?.status,
    member,
  };
}
