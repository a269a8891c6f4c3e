/** Both sides on one clock, in process: NordPass's app and a mock Entra tenant whose engine calls NordPass's fetch. */
import { Clock } from '../../simulator/clock.ts';
import { createNordPass, type NordPass } from '../../simulator/nordpass/app.ts';
import type { NordPassSettingsInput } from '../../simulator/nordpass/config.ts';
import { Random } from '../../simulator/random.ts';
import { createAzure, type Azure, type AzureOptions } from '../../mock-azure/tenant.ts';

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
  } = {},
): World {
  const clock = new Clock('2026-01-05T09:00:00Z');
  const random = new Random(options.seed ?? 'world');
  const np = createNordPass({
    clock,
    random: random.fork('nordpass'),
    ...(options.nordpass ? { settings: options.nordpass } : {}),
    adminToken: 'admin-token-123456',
  });
  const azure = createAzure({ clock, random: random.fork('azure'), transport: np.fetch, ...options.azure });
  const credentials = async () => {
    const res = await np.fetch(
      new Request('http://127.0.0.1:8080/admin/provisioning/credentials', {
        method: 'POST',
        headers: { Authorization: 'Bearer admin-token-123456' },
      }),
    );
    return (await res.json()) as { tenantUrl: string; secretToken: string };
  };
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
