/**
 * A provisioning world in process, built as scenario runs build theirs (simulator/world.ts): one clock, NordPass's
 * app, and a mock Entra tenant whose engine calls the app's own fetch. `size` generated users are assigned through one group.
 */
import type { Azure } from '../../mock-azure/tenant.ts';
import type { Clock } from '../../simulator/clock.ts';
import type { NordPass } from '../../simulator/nordpass/app.ts';
import { createWorld } from '../../simulator/world.ts';
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
  // No accidental-deletions threshold: the mass purge item disables every user in one cycle.
  const world = createWorld({
    start: START,
    seed: `bench-${size}`,
    nordpass: { adminToken: ADMIN_TOKEN },
    azure: { provisioning: { deletionThreshold: null } },
  });
  const { clock, nordpass, azure } = world;
  const { directory, app, job } = azure;
  const group = directory.addGroup({ displayName: 'NordPass users' });
  for (const user of directory.generateUsers(size)) directory.addMember(group.id, user.id);
  app.assign(group.id);

  const { tenantUrl, secretToken } = await world.getCredentials();
  await job.saveCredentials(tenantUrl, secretToken);

  const before = azure.exchanges.total;
  const provisionMs = await timed(() => job.start());
  const created = job.cycles.at(-1)?.countExported ?? 0;
  if (created !== size) throw new Error(`the initial cycle created ${created} of ${size} users`);
  return { clock, nordpass, azure, groupId: group.id, size, provisionMs, requests: azure.exchanges.total - before };
}
