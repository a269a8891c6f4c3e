/** A simulated NordPass served to plain fetch through msw, at a tenant URL that exists nowhere. */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { createNordPass } from '../../../simulator/nordpass/app.ts';
import { nordpassHandlers } from '../../../simulator/nordpass/msw.ts';
import { Random } from '../../../simulator/random.ts';

const clock = new Clock('2026-01-05T09:00:00Z');
const nordpass = createNordPass({
  clock,
  random: new Random('msw'),
  scimToken: 'msw-token-123456',
  adminToken: 'msw-admin-123456',
});
const server = setupServer(...nordpassHandlers(nordpass, 'https://nordpass.example'));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('nordpassHandlers (msw)', () => {
  it("answers SCIM and the Admin Panel at the tenant URL, with NordPass's rules", async () => {
    const headers = { Authorization: 'Bearer msw-token-123456', 'Content-Type': 'application/scim+json' };
    const created = await fetch('https://nordpass.example/scim/v2/Users', {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.com' }),
    });
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(created.headers.get('location')).toBe(`https://nordpass.example/scim/v2/Users/${user.id}`);
    const dup = await fetch('https://nordpass.example/scim/v2/Users', {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ADA@contoso.com' }),
    });
    expect(dup.status).toBe(409);
    expect((await fetch('https://nordpass.example/scim/v2/Users')).status).toBe(401);
    const members = await (
      await fetch('https://nordpass.example/admin/members', { headers: { Authorization: 'Bearer msw-admin-123456' } })
    ).json();
    expect(members.members.map((m: { userName: string; status: string }) => [m.userName, m.status])).toEqual([
      ['ada@contoso.com', 'pending'],
    ]);
  });
});
