/** A world whose Entra side is reached through the Graph routes, mounted where `scimsim serve` mounts them. */
import { Hono } from 'hono';
import { graphRoutes } from '../../mock-azure/graph/index.ts';
import { world } from './world.ts';

export const ADMIN = 'graph-admin-token-0123';
export const BASE = 'http://127.0.0.1:8080/azure/v1.0';
/** Graph's "Default Access" app role. */
export const DEFAULT_ROLE = '00000000-0000-0000-0000-000000000000';

export type Body = Record<string, any>;

export interface CallInit {
  /** Another token, or null for none (default: the admin token). */
  token?: string | null;
  /** A raw body instead of JSON of `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

export function graphWorld(options: Parameters<typeof world>[0] = {}) {
  const w = world(options);
  const root = new Hono();
  root.route('/azure/v1.0', graphRoutes({ azure: w.azure, adminToken: ADMIN, clock: w.clock }));
  const call = async (method: string, path: string, body?: unknown, init: CallInit = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? ADMIN}`;
    const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const res = await root.request(path.startsWith('http') ? path : `${BASE}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const sp = w.azure.app.servicePrincipalId;
  const assign = (principalId: string) =>
    call('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, {
      principalId,
      resourceId: sp,
      appRoleId: DEFAULT_ROLE,
    });
  return { ...w, root, call, sp, assign };
}

/**
 * A POST /users body with what Graph requires (accountEnabled, mailNickname from the UPN, a passwordProfile)
 * around the fields a test is about; a field given wins.
 */
export function newUser(fields: Record<string, unknown>): Record<string, unknown> {
  const upn = fields.userPrincipalName;
  const alias = typeof upn === 'string' && upn.split('@')[0] ? upn.split('@')[0] : 'user';
  return {
    accountEnabled: true,
    mailNickname: alias,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'Test-Passw0rd!' },
    ...fields,
  };
}

/** Graph calls to a served world (startServer) with its admin token: the status and the parsed body. */
export function servedGraph(origin: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
    const res = await fetch(`${origin}/azure/v1.0${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}
