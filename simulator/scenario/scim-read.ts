/**
 * What anyone can see over SCIM: a named user looked up with the GET an IdP sends first
 * (`GET /Users?filter=userName eq "<UPN>"`), from the NordPass in this process or, with --http, from the SCIM app
 * the engine talks to. The `scim:` expectation reads it; nothing here looks inside NordPass.
 */
import type { ScenarioState } from './world.ts';

export interface ScimRead {
  /** The user as the list answered it, when found. */
  user?: Record<string, unknown>;
  /** Why it could not be read (the answer was not a list, no credentials yet). */
  problem?: string;
}

export async function readScimUser(world: ScenarioState, userName: string): Promise<ScimRead> {
  const endpoint = world.httpTarget ? undefined : world.target.scimEndpoint();
  const target = world.httpTarget ?? {
    tenantUrl: endpoint!.tenantUrl,
    secretToken: world.issued?.secretToken ?? endpoint!.initialToken,
  };
  if (!target.secretToken) return { problem: 'no Secret Token to read SCIM with (Get Credentials first)' };
  const quoted = userName.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const url = `${target.tenantUrl.replace(/\/+$/, '').replace(/\?.*$/, '')}/Users?filter=${encodeURIComponent(`userName eq "${quoted}"`)}`;
  const request = new Request(url, {
    headers: { Authorization: `Bearer ${target.secretToken}`, Accept: 'application/scim+json' },
  });
  let response: Response;
  try {
    response = world.httpTarget ? await fetch(request) : await world.target.scimFetch(request);
  } catch (error) {
    return { problem: `GET ${url}: ${(error as Error).message}` };
  }
  const text = await response.text();
  let body: { Resources?: Array<Record<string, unknown>>; totalResults?: number } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status !== 200 || !body || typeof body.totalResults !== 'number')
    return { problem: `GET /Users?filter=userName eq "${userName}" answered ${response.status}, not a ListResponse` };
  return body.totalResults > 0 && body.Resources?.[0] ? { user: body.Resources[0] } : {};
}

/**
 * A value by SCIM path, as the expectation names it: `displayName`, `name.familyName`,
 * `emails[type eq "work"].value`, an extension attribute by its URN (`urn:…:User:department`). Names in any case.
 */
export function valueAt(resource: Record<string, unknown>, path: string): unknown {
  const urn = /^(urn:.+):([^:]+)$/i.exec(path);
  if (urn) return field(field(resource, urn[1]!), urn[2]!);
  let value: unknown = resource;
  for (const part of path.split(/\.(?![^[]*\])/)) {
    const filtered = /^([^[]+)\[(\w+) eq "([^"]*)"\]$/.exec(part);
    if (filtered) {
      const list = field(value, filtered[1]!);
      value = Array.isArray(list)
        ? list.find((item) => String(field(item, filtered[2]!)).toLowerCase() === filtered[3]!.toLowerCase())
        : undefined;
    } else value = field(value, part);
  }
  return value;
}

function field(value: unknown, name: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}
