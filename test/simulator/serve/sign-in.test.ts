/** The console's way in: a one-time sign-in link, a session cookie, and a CSRF token on every change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../simulator/serve/server.ts';
import { newUser } from '../../helpers/graph.ts';

const ADMIN = 'sign-in-admin-token';
let s: RunningServer;
beforeAll(async () => {
  s = await startServer({ host: '127.0.0.1', port: 0, adminToken: ADMIN, scimToken: 'sign-in-scim', seed: 'in' });
});
afterAll(async () => {
  await s.close();
});

/** Signs in with a link: the two cookies, as a browser would keep them. */
async function signIn(link: string): Promise<{ cookie: string; csrf: string; setCookies: string[] }> {
  const res = await fetch(link, { redirect: 'manual' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/');
  const setCookies = res.headers.getSetCookie();
  const value = (name: string) => setCookies.find((c) => c.startsWith(`${name}=`))!.split(';')[0]!;
  return {
    cookie: `${value('scimsim_session')}; ${value('scimsim_csrf')}`,
    csrf: value('scimsim_csrf').split('=')[1]!,
    setCookies,
  };
}

const withCookie = (path: string, cookie: string, init: RequestInit = {}) =>
  fetch(`${s.origin}${path}`, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });

describe('sign-in link', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and a CSRF cookie, and works once', async () => {
    expect(s.signInLink).toMatch(new RegExp(`^${s.origin}/_sim/sign-in\\?secret=[\\w-]{43}$`));
    const { setCookies } = await signIn(s.signInLink);
    const session = setCookies.find((c) => c.startsWith('scimsim_session='))!;
    expect(session).toMatch(/; Path=\/; SameSite=Strict; HttpOnly$/);
    const csrf = setCookies.find((c) => c.startsWith('scimsim_csrf='))!;
    expect(csrf).toMatch(/; Path=\/; SameSite=Strict$/);
    const again = await fetch(s.signInLink, { redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: { code: 'signInRefused' } });
    expect((await fetch(`${s.origin}/_sim/sign-in?secret=made-up`, { redirect: 'manual' })).status).toBe(403);
    expect((await fetch(`${s.origin}/_sim/sign-in`, { redirect: 'manual' })).status).toBe(403);
  });

  it('the session reads every admin face; a change needs the CSRF token, in each face its own error shape', async () => {
    const link = await fetch(`${s.origin}/_sim/sign-in-links`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(link.status).toBe(201);
    const { cookie, csrf } = await signIn(((await link.json()) as { link: string }).link);

    for (const path of ['/_sim/clock', '/admin/members', '/azure/v1.0/users'])
      expect((await withCookie(path, cookie)).status, path).toBe(200);

    const advance = {
      method: 'POST',
      body: JSON.stringify({ by: '1h' }),
      headers: { 'Content-Type': 'application/json' },
    };
    const refusedSim = await withCookie('/_sim/clock/advance', cookie, advance);
    expect(refusedSim.status).toBe(403);
    expect(await refusedSim.json()).toMatchObject({ error: { code: 'forbidden' } });
    const refusedAdmin = await withCookie('/admin/provisioning/credentials', cookie, { method: 'POST' });
    expect(refusedAdmin.status).toBe(403);
    expect(await refusedAdmin.json()).toMatchObject({ error: { code: 'forbidden' } });
    const user = {
      method: 'POST',
      body: JSON.stringify(newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' })),
      headers: { 'Content-Type': 'application/json' },
    };
    const refusedGraph = await withCookie('/azure/v1.0/users', cookie, user);
    expect(refusedGraph.status).toBe(403);
    expect(await refusedGraph.json()).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    const wrong = { ...advance, headers: { ...advance.headers, 'X-CSRF-Token': 'not-it' } };
    expect((await withCookie('/_sim/clock/advance', cookie, wrong)).status).toBe(403);
    // Nothing changed.
    expect(s.clock.nowIso()).toBe(((await (await withCookie('/_sim/clock', cookie)).json()) as { now: string }).now);
    expect([...s.azure.directory.users()]).toEqual([]);

    const right = { ...advance, headers: { ...advance.headers, 'X-CSRF-Token': csrf } };
    expect((await withCookie('/_sim/clock/advance', cookie, right)).status).toBe(200);
    const created = await withCookie('/azure/v1.0/users', cookie, {
      ...user,
      headers: { ...user.headers, 'X-CSRF-Token': csrf },
    });
    expect(created.status).toBe(201);
  });

  it('an unknown session is a 401; the bearer token still works, and the SCIM face takes neither', async () => {
    const unknown = 'scimsim_session=forged; scimsim_csrf=forged';
    const res = await withCookie('/_sim/clock', unknown);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/sign in with a new link/);
    expect((await withCookie('/azure/v1.0/users', unknown)).status).toBe(401);
    expect((await withCookie('/admin/members', unknown)).status).toBe(401);
    expect((await fetch(`${s.origin}/_sim/clock`, { headers: { Authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    const { cookie } = await signIn(
      (
        (await (
          await fetch(`${s.origin}/_sim/sign-in-links`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${ADMIN}` },
          })
        ).json()) as { link: string }
      ).link,
    );
    expect((await withCookie('/scim/v2/Users', cookie)).status).toBe(401);
  });
});
