/**
 * A served world on loopback (startServer, in this process) for the per-face bad-input tests: raw requests to
 * any face, a populated world to aim them at, and a snapshot of everything a client could observe, to show a
 * refused request changed nothing.
 */
import { type RunningServer, startServer } from '../../simulator/serve/server.ts';
import { newUser } from './graph.ts';

export const ADMIN = 'faces-admin-token';
export const START = '2026-03-02T08:00:00Z';

export type RawBody = string | Uint8Array | ReadableStream<Uint8Array>;

export interface FacesWorld {
  s: RunningServer;
  /** Ids of what `populate` made. */
  ids: { ada: string; bob: string; group: string; servicePrincipal: string; job: string; member: string };
  /** The Secret Token Get Credentials issued (the SCIM face's). */
  scimToken: string;
  /**
   * A request sent as given: the admin token unless `token` says otherwise (null: none); Content-Type
   * application/json when there is a body and none is given.
   */
  send(
    method: string,
    path: string,
    init?: { body?: RawBody; headers?: Record<string, string>; token?: string | null },
  ): Promise<Response>;
  /** Everything a client could observe, as one string: equal before and after a refused request. */
  snapshot(): string;
  close(): Promise<void>;
}

export async function facesWorld(seed = 'faces'): Promise<FacesWorld> {
  const s = await startServer({ host: '127.0.0.1', port: 0, adminToken: ADMIN, seed, start: START });
  const send: FacesWorld['send'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
    if (init.token !== null && !has('authorization')) headers.Authorization = `Bearer ${init.token ?? ADMIN}`;
    if (init.body !== undefined && !has('content-type')) headers['Content-Type'] = 'application/json';
    return fetch(`${s.origin}${path}`, {
      method,
      headers,
      ...(init.body !== undefined ? ({ body: init.body, duplex: 'half' } as RequestInit) : {}),
    });
  };
  const json = async (method: string, path: string, body?: unknown) => {
    const r = await send(method, path, body === undefined ? {} : { body: JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  // A world with something in it: two users, a group, an assignment, a provisioned (pending) member.
  const ada = await json(
    'POST',
    '/azure/v1.0/users',
    newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' }),
  );
  const bob = await json(
    'POST',
    '/azure/v1.0/users',
    newUser({ userPrincipalName: 'bob@contoso.com', displayName: 'Bob' }),
  );
  const group = await json('POST', '/azure/v1.0/groups', {
    displayName: 'Sales',
    mailEnabled: false,
    securityEnabled: true,
    mailNickname: 'sales',
  });
  const servicePrincipal = s.azure.app.servicePrincipalId;
  await json('POST', `/azure/v1.0/servicePrincipals/${servicePrincipal}/appRoleAssignedTo`, {
    principalId: ada.id,
    resourceId: servicePrincipal,
  });
  const credentials = await json('POST', '/admin/provisioning/credentials');
  await json('PUT', `/azure/v1.0/servicePrincipals/${servicePrincipal}/synchronization/secrets`, {
    value: [
      { key: 'BaseAddress', value: credentials.tenantUrl },
      { key: 'SecretToken', value: credentials.secretToken },
    ],
  });
  const job = s.azure.job.id;
  await json('POST', `/azure/v1.0/servicePrincipals/${servicePrincipal}/synchronization/jobs/${job}/start`);
  await json('POST', '/_sim/clock/advance', { by: '1h' });
  const member = s.nordpass.store.liveMemberByUserName('ada@contoso.com')!.id;

  const snapshot = () => {
    const { azure, nordpass, clock, session } = s;
    return JSON.stringify({
      now: clock.now(),
      timers: clock.pending,
      nordpass: nordpass.store.data,
      users: [...azure.directory.users()],
      deleted: [...azure.directory.deletedUsers()],
      groups: [...azure.directory.groups()],
      assignments: azure.app.assignments(),
      settings: azure.app.settings,
      job: azure.job.status(),
      links: [...azure.job.links],
      logs: azure.logs.all().length,
      exchanges: azure.exchanges.total,
      faults: azure.faults.active(),
      record: session.recorder.steps,
      skipped: session.recorder.skipped,
      generation: session.summary().generation,
    });
  };
  return {
    s,
    ids: { ada: ada.id, bob: bob.id, group: group.id, servicePrincipal, job, member },
    scimToken: credentials.secretToken,
    send,
    snapshot,
    close: () => s.close(),
  };
}

/** The world's snapshot, or why it could not be taken (a world left in a state it cannot show). */
export function snapshotOf(w: FacesWorld): string {
  try {
    return w.snapshot();
  } catch (error) {
    return JSON.stringify({ snapshot: `could not be taken: ${(error as Error).message}` });
  }
}

/** The parts of two snapshots that differ (top-level keys), so a failure says what moved. */
export function changedParts(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
}

/** A member as SCIM shows it: the status, `meta.version`, `meta.lastModified` and the whole body. */
export async function scimView(w: FacesWorld, memberId: string): Promise<Record<string, unknown>> {
  const response = await w.send('GET', `/scim/v2/Users/${memberId}`, { token: w.scimToken });
  const text = await response.text();
  let meta: { version?: string; lastModified?: string } | undefined;
  try {
    meta = JSON.parse(text).meta;
  } catch {
    meta = undefined;
  }
  return { status: response.status, version: meta?.version, lastModified: meta?.lastModified, body: text };
}

/** An answer read whole: its status, headers and text. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function answer(pending: Promise<Response>): Promise<Answer> {
  const res = await pending;
  return { status: res.status, headers: res.headers, text: await res.text() };
}
