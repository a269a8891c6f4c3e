/** JSON batching: POST /$batch runs each request as it would run alone, in order, with dependsOn and 424. */
import { describe, expect, it } from 'vitest';
import { type Body, graphWorld, newUser } from '../../helpers/graph.ts';

describe('POST /$batch', () => {
  it('answers each request with its id, status, headers and body; a failed dependency is 424 and does not run', async () => {
    const g = graphWorld();
    const res = await g.call('POST', '/$batch', {
      requests: [
        {
          id: '1',
          method: 'POST',
          url: '/users',
          body: newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' }),
          headers: { 'Content-Type': 'application/json' },
        },
        {
          id: '2',
          method: 'GET',
          url: "/users?$filter=userPrincipalName eq 'ada@contoso.com'&$select=displayName",
          dependsOn: ['1'],
        },
        { id: '3', method: 'GET', url: '/users/00000000-0000-0000-0000-000000000000' },
        { id: '4', method: 'DELETE', url: '/users/ada@contoso.com', dependsOn: ['3'] },
        { id: '5', method: 'GET', url: 'users/$count', headers: { ConsistencyLevel: 'eventual' } },
      ],
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.responses.map((r: Body) => [r.id, r]));
    expect(res.body.responses.map((r: Body) => [r.id, r.status])).toEqual([
      ['1', 201],
      ['2', 200],
      ['3', 404],
      ['4', 424],
      ['5', 200],
    ]);
    expect(byId['1'].body).toMatchObject({ userPrincipalName: 'ada@contoso.com' });
    expect(byId['1'].headers['Content-Type']).toMatch(/application\/json/);
    expect(byId['2'].body.value).toEqual([{ displayName: 'Ada' }]);
    expect(byId['3'].body.error.code).toBe('Request_ResourceNotFound');
    expect(byId['4'].body.error.code).toBe('FailedDependency');
    // The DELETE never ran.
    expect(g.azure.directory.userByUpn('ada@contoso.com')).toBeDefined();
    expect(byId['5'].body).toBe('1');
  });

  it('refuses a malformed batch whole, changing nothing', async () => {
    const g = graphWorld();
    const user = (n: number) => ({ id: String(n), method: 'GET', url: '/users' });
    for (const [body, message] of [
      [{}, /"requests" must be a non-empty array/],
      [{ requests: [] }, /non-empty array/],
      [{ requests: Array.from({ length: 21 }, (_, i) => user(i)) }, /at most 20 requests/],
      [{ requests: [user(1), user(1)] }, /used twice/],
      [{ requests: [{ id: '1', method: 'TRACE', url: '/users' }] }, /method must be one of/],
      [{ requests: [{ id: '1', method: 'GET', url: 'https://evil.example/users' }] }, /relative to the version root/],
      [
        { requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['2'] }, user(2)] },
        /ids of requests before it/,
      ],
      [{ requests: [{ id: '1', method: 'POST', url: '/$batch', body: {} }] }, /cannot hold another batch/],
      [{ requests: [{ id: '1', method: 'GET', url: '/users', body: {} }] }, /a GET has no body/],
    ] as const) {
      const res = await g.call('POST', '/$batch', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect([...g.azure.directory.users()]).toEqual([]);
    expect((await g.call('POST', '/$batch', { requests: [user(1)] }, { token: 'wrong' })).status).toBe(401);
  });
});
