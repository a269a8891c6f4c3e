/** The Admin Panel's Members list: states, a userName search, pages, the total and the counts each tab shows. */
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { createNordPass } from '../../../simulator/nordpass/app.ts';
import { Random } from '../../../simulator/random.ts';

const clock = new Clock('2026-01-05T09:00:00Z');
const np = createNordPass({
  clock,
  random: new Random('admin-members'),
  scimToken: 'scim',
  adminToken: 'admin',
});
const ORIGIN = 'http://127.0.0.1:8080';
async function call(method: string, path: string, token = 'admin', body?: unknown) {
  const res = await np.fetch(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

describe('GET /admin/members', () => {
  it('pages the members of some states, searches userNames, and counts every state', async () => {
    for (let i = 0; i < 12; i++)
      await call('POST', '/scim/v2/Users', 'scim', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `user${String(i).padStart(2, '0')}@contoso.com`,
      });
    const all = (await call('GET', '/admin/members')).body;
    expect(all.members).toHaveLength(12);
    expect(all.total).toBe(12);
    expect(all.counts).toEqual({ pending: 12, active: 0, suspended: 0, forbidden: 0, deleted: 0 });
    // Two soft deletes (active false) while pending: forbidden.
    for (const m of all.members.slice(0, 2))
      await call('PATCH', `/scim/v2/Users/${m.id}`, 'scim', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });

    const page = (await call('GET', '/admin/members?status=pending&top=4&skip=4')).body;
    expect(page.members.map((m: any) => m.userName)).toEqual([
      'user06@contoso.com',
      'user07@contoso.com',
      'user08@contoso.com',
      'user09@contoso.com',
    ]);
    expect(page.total).toBe(10);
    expect(page.counts).toMatchObject({ pending: 10, forbidden: 2 });
    const tab = (await call('GET', '/admin/members?status=suspended,forbidden')).body;
    expect(tab.members.map((m: any) => m.status)).toEqual(['forbidden', 'forbidden']);
    const found = (await call('GET', '/admin/members?search=USER1&top=25')).body;
    expect(found.members.map((m: any) => m.userName)).toEqual(['user10@contoso.com', 'user11@contoso.com']);
    expect(found.total).toBe(2);
  });

  it('refuses a state, top or skip it cannot use, in the Admin Panel error shape', async () => {
    for (const query of ['status=sleeping', 'status=active,', 'top=0', 'top=1001', 'top=x', 'skip=-1']) {
      const r = await call('GET', `/admin/members?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.code, query).toMatch(/^invalid/);
    }
  });

  it('lists the newest invitations with top, and says how many there are', async () => {
    await clock.advance('1d');
    const all = (await call('GET', '/admin/outbox')).body;
    expect(all.total).toBe(10);
    const newest = (await call('GET', '/admin/outbox?top=2')).body;
    expect(newest.total).toBe(all.total);
    expect(newest.emails).toEqual(all.emails.slice(-2));
  });
});
