/**
 * A provisioning world in process, as scenario runs build it: one clock, NordPass's app, and a mock Entra tenant
 * whose engine calls the app's own fetch. `size` generated users are assigned through one group.
 */
import { Clock } from '../../simulator/clock.ts';
import { createNordPass, type NordPass } from '../../simulator/nordpass/app.ts';
import { Random } from '../../simulator/random.ts';
import { createAzure, type Azure } from '../../mock-azure/tenant.ts';
import { ADMIN_TOKEN, START } from './scim-request.ts';
import { timed } from './measure.ts';

export interface ProvisionedWorld {
  clock: Clock;
  nordpass: NordPass;
  azure: Azure;
  groupId: string;
  size: number;
  /** Wall time of the initial cycle (Start), ms. */
  provisionMs: number;
  /** SCIM requests the initial cycle sent. */
  requests: number;
}

/** Generates `size` users in one assigned group, saves the credentials, and times the initial cycle. */
export async function provisionedWorld(size: number): Promise<ProvisionedWorld> {
  const clock = new Clock(START);
  const random = new Random(`bench-${size}`);
  const nordpass = createNordPass({ clock, random: random.fork('nordpass'), adminToken: ADMIN_TOKEN });
  // No accidental-deletions threshold: the mass purge item disables every user in one cycle.
  const azure = createAzure({
    clock,
    random: random.fork('azure'),
    transport: nordpass.fetch,
    provisioning: { deletionThreshold: null },
  });
  const { directory, app, job } = azure;
  const group = directory.addGroup({ displayName: 'NordPass users' });
  for (const user of directory.generateUsers(size)) directory.addMember(group.id, user.id);
  app.assign(group.id);

  const response = await nordpass.fetch(
    new Request('http://127.0.0.1:8080/admin/provisioning/credentials', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    }),
  );
  const { tenantUrl, secretToken } = (await response.json()) as { tenantUrl: string; secretToken: string };
  await job.saveCredentials(tenantUrl, secretToken);

  const before = azure.exchanges.total;
  const provisionMs = await timed(() => job.start());
  const created = job.cycles.at(-1)?.countExported ?? 0;
  if (created !== size) throw new Error(`the initial cycle created ${created} of ${size} users`);
  return { clock, nordpass, azure, groupId: group.id, size, provisionMs, requests: azure.exchanges.total - before };
}
