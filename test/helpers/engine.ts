/** Small helpers for the engine's contract tests: a connected world, exchange windows, PATCH bodies. */
import type { Exchange } from '../../mock-azure/scim-client/exchanges.ts';
import type { DirectoryUser } from '../../mock-azure/directory/directory.ts';
import { world, type World } from './world.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export type WorldOptions = Parameters<typeof world>[0];

/**
 * A world with `upns` added to the directory (and assigned unless `assign: false`), not yet connected. These
 * contract tests pin the probe-per-cycle model (the `probeIdleCycles` setting) unless they say otherwise; the
 * default, where an idle cycle sends nothing, has its own tests in test/mock-azure/provisioning/cycles.test.ts.
 */
export function tenantWith(
  upns: string[],
  options: WorldOptions & { assign?: boolean } = {},
): { w: World; users: DirectoryUser[] } {
  const { assign = true, ...rest } = options;
  const engine = { probeIdleCycles: true, ...rest.azure?.engine };
  const w = world({ ...rest, azure: { ...rest.azure, engine } });
  const users = upns.map((upn) =>
    w.azure.directory.addUser({
      userPrincipalName: upn,
      displayName: upn.split('@')[0]!,
      mailNickname: upn.split('@')[0]!,
    }),
  );
  if (assign) for (const u of users) w.azure.app.assign(u.id);
  return { w, users };
}

/** Exchanges sent from now on: call the returned function to read them. */
export function recordFrom(w: World): () => Exchange[] {
  const after = w.azure.exchanges.total;
  return () => w.azure.exchanges.all().filter((e) => e.seq > after);
}

/** The exchanges that are not Test Connection probes (a filter on a random GUID). */
export const work = (list: readonly Exchange[]) => list.filter((e) => !isProbe(e));
export const isProbe = (e: Exchange) =>
  e.method === 'GET' && /^\/Users\?filter=[\w.:[\]"]+\+eq\+"[0-9a-f-]{36}"$/.test(e.path);
export const byMethod = (list: readonly Exchange[], method: string) => list.filter((e) => e.method === method);

/** The Operations of a PATCH exchange. */
export function operations(e: Exchange): Array<{ op: string; path?: string; value?: unknown }> {
  return (JSON.parse(e.requestBody!) as { Operations: Array<{ op: string; path?: string; value?: unknown }> })
    .Operations;
}

/** "Method path" lines, for readable toEqual assertions; target ids become {id}, probe GUIDs {guid}. */
export function lines(list: readonly Exchange[]): string[] {
  return list.map(
    (e) => `${e.method} ${e.path.replace(/"[0-9a-f-]{36}"/, '"{guid}"').replace(/\/Users\/[^?]+$/, '/Users/{id}')}`,
  );
}
