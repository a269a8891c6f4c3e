/** A NordPass on a fresh clock with helpers to call it over HTTP (app.request, no sockets). */
import { Clock } from '../../simulator/clock.ts';
import { createNordPass, type NordPass } from '../../simulator/nordpass/app.ts';
import type { NordPassSettingsInput } from '../../simulator/nordpass/config.ts';
import { Random } from '../../simulator/random.ts';
import { VariantChoices } from '../../simulator/variants.ts';

export const START = '2026-01-01T09:00:00Z';
export const SCIM_TOKEN = 'scim-test-token-0123456789';
export const ADMIN_TOKEN = 'admin-test-token-0123456789';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface Harness {
  np: NordPass;
  clock: Clock;
  scim: (
    method: string,
    path: string,
    body?: unknown,
    init?: { token?: string | null; headers?: Record<string, string>; rawBody?: string },
  ) => Promise<Response>;
  admin: (method: string, path: string, body?: unknown, token?: string) => Promise<Response>;
  createUser: (userName: string, extra?: Record<string, unknown>) => Promise<Record<string, any>>;
  patch: (id: string, operations: unknown[]) => Promise<Response>;
  member: (id: string) => Promise<Record<string, any>>;
}

export function harness(
  settings: NordPassSettingsInput = {},
  seed = 'test',
  variants: Partial<Record<string, string>> = {},
): Harness {
  const clock = new Clock(START);
  const np = createNordPass({
    clock,
    random: new Random(seed),
    settings,
    variants: new VariantChoices(variants),
    scimToken: SCIM_TOKEN,
    adminToken: ADMIN_TOKEN,
  });
  const scim: Harness['scim'] = (method, path, body, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? SCIM_TOKEN}`;
    const hasBody = body !== undefined || init.rawBody !== undefined;
    if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/scim+json';
    return np.fetch(
      new Request(`http://127.0.0.1:8080/scim/v2${path}`, {
        method,
        headers,
        ...(hasBody ? { body: init.rawBody ?? JSON.stringify(body) } : {}),
      }),
    );
  };
  const admin: Harness['admin'] = (method, path, body, token = ADMIN_TOKEN) =>
    np.fetch(
      new Request(`http://127.0.0.1:8080/admin${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  const createUser: Harness['createUser'] = async (userName, extra = {}) => {
    const res = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true, ...extra });
    if (res.status !== 201) throw new Error(`create ${userName}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, any>;
  };
  const patch: Harness['patch'] = (id, operations) =>
    scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: operations });
  const member: Harness['member'] = async (id) =>
    (await (await admin('GET', `/members/${id}`)).json()) as Record<string, any>;
  return { np, clock, scim, admin, createUser, patch, member };
}

/** Asserts nothing about the body beyond it being an RFC 7644 error; returns it for more checks. */
export async function errorBody(
  res: Response,
): Promise<{ schemas: string[]; status: string; scimType?: string; detail: string }> {
  const body = await res.json();
  return body;
}
