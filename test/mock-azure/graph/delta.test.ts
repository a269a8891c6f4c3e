/** GET /users/delta: a first round of every user in pages, then what changed since, from the directory's change feed. */
import { describe, expect, it } from 'vitest';
import { type Body, graphWorld, newUser } from '../../helpers/graph.ts';

const path = (link: string) => {
  const url = new URL(link);
  return `${url.pathname.replace('/azure/v1.0', '')}${url.search}`;
};

describe('GET /users/delta', () => {
  it('lists every user in pages, then only what changed, with removed users marked', async () => {
    const g = graphWorld();
    const ids: Record<string, string> = {};
    for (const name of ['ada', 'bob', 'cy'])
      ids[name] = (
        await g.call('POST', '/users', newUser({ userPrincipalName: `${name}@contoso.com`, displayName: name }))
      ).body.id;
    const pages: Body[] = [];
    let next: string | undefined = '/users/delta?$select=displayName,userPrincipalName';
    while (next) {
      const page = await g.call('GET', next, undefined, { headers: { Prefer: 'odata.maxpagesize=2' } });
      expect(page.status).toBe(200);
      pages.push(page.body);
      next = page.body['@odata.nextLink'] ? path(page.body['@odata.nextLink']) : undefined;
    }
    expect(pages.map((p) => p.value.length)).toEqual([2, 1]);
    expect(pages.flatMap((p) => p.value.map((u: Body) => u.displayName))).toEqual(['ada', 'bob', 'cy']);
    expect(pages[0]!['@odata.deltaLink']).toBeUndefined();
    const deltaLink = pages[1]!['@odata.deltaLink'] as string;
    expect(deltaLink).toMatch(/\/users\/delta\?\$select=displayName,userPrincipalName&\$deltatoken=/);

    // Nothing changed: nothing listed.
    const quiet = await g.call('GET', path(deltaLink));
    expect(quiet.body.value).toEqual([]);
    // A rename, a soft delete, a permanent delete, a new user.
    await g.call('PATCH', `/users/${ids.ada}`, { displayName: 'Ada Lovelace' });
    await g.call('DELETE', `/users/${ids.bob}`);
    await g.call('DELETE', `/users/${ids.cy}`);
    await g.call('DELETE', `/directory/deletedItems/${ids.cy}`);
    await g.call('POST', '/users', newUser({ userPrincipalName: 'dee@contoso.com', displayName: 'dee' }));
    const changed = await g.call('GET', path(deltaLink));
    expect(changed.body.value).toEqual([
      { displayName: 'Ada Lovelace', userPrincipalName: 'ada@contoso.com' },
      { id: ids.bob, '@removed': { reason: 'changed' } },
      { id: ids.cy, '@removed': { reason: 'deleted' } },
      { displayName: 'dee', userPrincipalName: 'dee@contoso.com' },
    ]);
    // The new link starts after these.
    expect((await g.call('GET', path(changed.body['@odata.deltaLink']))).body.value).toEqual([]);
  });

  it('refuses options a delta query does not take, and tokens it did not issue', async () => {
    const g = graphWorld();
    for (const q of ['$top=5', "$filter=displayName eq 'x'", '$orderby=displayName'])
      expect((await g.call('GET', `/users/delta?${q}`)).body.error.code).toBe('Request_UnsupportedQuery');
    for (const q of ['$deltatoken=nope', '$deltatoken=d999999', '$skiptoken=r0.x'])
      expect((await g.call('GET', `/users/delta?${q}`)).status).toBe(400);
  });
});
