/** One body limit for every face: over it, 413 in the face's own error shape, before anything is read or changed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FacesWorld, facesWorld } from '../../helpers/faces.ts';
import { newUser } from '../../helpers/graph.ts';
import { BODY_LIMIT, streamed } from '../../helpers/bad-input.ts';

let w: FacesWorld;
beforeAll(async () => {
  w = await facesWorld('body-limit');
}, 30_000);
afterAll(async () => {
  await w?.close();
});

const big = (bytes: number) => JSON.stringify({ displayName: 'x'.repeat(bytes) });

describe('a body over the limit', () => {
  const cases: Array<[string, string, string, (b: unknown) => void]> = [
    ['SCIM', 'POST', '/scim/v2/Users', (b: any) => expect(b.status).toBe('413')],
    ['Graph', 'POST', '/azure/v1.0/users', (b: any) => expect(b.error.code).toBe('RequestEntityTooLarge')],
    ['Admin Panel', 'PUT', '/admin/members/x/role', (b: any) => expect(b.error.code).toBe('tooLarge')],
    ['/_sim', 'POST', '/_sim/faults', (b: any) => expect(b.error.code).toBe('tooLarge')],
  ];
  for (const [face, method, path, shape] of cases) {
    for (const how of ['declared', 'streamed'] as const)
      it(`${face}: ${how} -> 413 in its own shape, nothing changed`, async () => {
        const before = w.snapshot();
        const body = how === 'declared' ? big(BODY_LIMIT + 10) : streamed(BODY_LIMIT + 64 * 1024);
        const headers: Record<string, string> = path.startsWith('/scim')
          ? { Authorization: `Bearer ${w.scimToken}`, 'Content-Type': 'application/scim+json' }
          : {};
        const r = await w.send(method, path, { body, headers });
        expect(r.status).toBe(413);
        shape(await r.json());
        expect(w.snapshot()).toBe(before);
        expect((await w.send('GET', '/_sim/clock')).status).toBe(200);
      });
  }

  it('a streamed body under the limit reaches the route whole', async () => {
    const r = await w.send('POST', '/azure/v1.0/users', {
      body: new Blob([JSON.stringify(newUser({ userPrincipalName: 'cy@contoso.com', displayName: 'Cy' }))]).stream(),
    });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { displayName: string }).displayName).toBe('Cy');
  });
});
