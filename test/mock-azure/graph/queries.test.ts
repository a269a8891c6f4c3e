/**
 * Graph's queries on directory objects, implemented as Graph does them or refused with the error Graph gives
 * ("Advanced query capabilities on Microsoft Entra ID objects"): $count, /users/$count, $orderby, $search, and the
 * ne / not / endsWith operators that need the advanced parameters (ConsistencyLevel: eventual and $count=true).
 */
import { describe, expect, it } from 'vitest';
import { type Body, graphWorld } from '../../helpers/graph.ts';

const EVENTUAL = { headers: { ConsistencyLevel: 'eventual' } };

function tenant() {
  const g = graphWorld();
  const d = g.azure.directory;
  for (const [upn, displayName, mail] of [
    ['cy@contoso.com', 'Cy Young', 'cy@outlook.com'],
    ['ada@contoso.com', 'Ada Lovelace', 'ada@contoso.com'],
    ['bob@fabrikam.com', 'Bob Byte', 'bob@fabrikam.com'],
    ['ann@contoso.com', 'Ann Lovelace-King', 'ann@outlook.com'],
  ] as const)
    d.addUser({ userPrincipalName: upn, displayName, mail });
  d.addGroup({ displayName: 'Sales EMEA', description: 'Sellers in Europe' });
  d.addGroup({ displayName: 'Engineering' });
  return g;
}

const names = (body: Body) => body.value.map((u: Body) => u.displayName);
const refused = (res: { status: number; body: Body }, status: number, code: string, message: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toMatch(message);
};

describe('advanced queries on users and groups', () => {
  it('$count=true with ConsistencyLevel: eventual answers @odata.count of all that match; without the header it is ignored, as Graph does', async () => {
    const g = tenant();
    const counted = await g.call('GET', '/users?$count=true&$top=2', undefined, EVENTUAL);
    expect(counted.body['@odata.count']).toBe(4);
    expect(counted.body.value).toHaveLength(2);
    expect(counted.body['@odata.nextLink']).toMatch(/\$count=true&\$top=2&\$skiptoken=o2$/);
    const next = new URL(counted.body['@odata.nextLink']);
    const second = await g.call(
      'GET',
      `${next.pathname.replace('/azure/v1.0', '')}${next.search}`,
      undefined,
      EVENTUAL,
    );
    expect(second.body.value).toHaveLength(2);
    expect(second.body['@odata.nextLink']).toBeUndefined();
    const filtered = await g.call('GET', "/users?$count=true&$filter=startsWith(displayName,'a')", undefined, EVENTUAL);
    expect(filtered.body['@odata.count']).toBe(2);
    const ignored = await g.call('GET', '/users?$count=true');
    expect(ignored.status).toBe(200);
    expect(ignored.body['@odata.count']).toBeUndefined();
    refused(await g.call('GET', '/users?$count=maybe', undefined, EVENTUAL), 400, 'Request_BadRequest', /\$count/);
  });

  it('/users/$count and /groups/$count: text, only as an advanced query', async () => {
    const g = tenant();
    const res = await g.root.request('http://127.0.0.1:8080/azure/v1.0/users/$count', {
      headers: { Authorization: 'Bearer graph-admin-token-0123', ConsistencyLevel: 'eventual' },
    });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([200, 'text/plain', '4']);
    const contoso = await g.root.request(
      `http://127.0.0.1:8080/azure/v1.0/users/$count?$filter=${encodeURIComponent("endsWith(userPrincipalName,'@contoso.com')")}&$count=true`,
      { headers: { Authorization: 'Bearer graph-admin-token-0123', ConsistencyLevel: 'eventual' } },
    );
    expect(await contoso.text()).toBe('3');
    refused(await g.call('GET', '/users/$count'), 400, 'Request_BadRequest', /^\$count is not currently supported\.$/);
    const groups = await g.root.request('http://127.0.0.1:8080/azure/v1.0/groups/$count', {
      headers: { Authorization: 'Bearer graph-admin-token-0123', ConsistencyLevel: 'eventual' },
    });
    expect(await groups.text()).toBe('2');
  });

  it('$orderby displayName and userPrincipalName by default; createdDateTime and with $filter only as an advanced query', async () => {
    const g = tenant();
    expect(names((await g.call('GET', '/users?$orderby=displayName')).body)).toEqual([
      'Ada Lovelace',
      'Ann Lovelace-King',
      'Bob Byte',
      'Cy Young',
    ]);
    expect(names((await g.call('GET', '/users?$orderby=userPrincipalName desc')).body)).toEqual([
      'Cy Young',
      'Bob Byte',
      'Ann Lovelace-King',
      'Ada Lovelace',
    ]);
    expect(names((await g.call('GET', '/groups?$orderby=displayName')).body)).toEqual(['Engineering', 'Sales EMEA']);
    refused(
      await g.call('GET', '/users?$orderby=createdDateTime'),
      400,
      'Request_UnsupportedQuery',
      /required parameters/,
    );
    expect((await g.call('GET', '/users?$orderby=createdDateTime&$count=true', undefined, EVENTUAL)).status).toBe(200);
    const both = "/users?$orderby=displayName&$filter=startsWith(displayName,'a')";
    refused(await g.call('GET', both), 400, 'Request_UnsupportedQuery', /^Sorting a filtered query is not supported/);
    expect(names((await g.call('GET', `${both}&$count=true`, undefined, EVENTUAL)).body)).toEqual([
      'Ada Lovelace',
      'Ann Lovelace-King',
    ]);
    refused(await g.call('GET', '/users?$orderby=jobTitle'), 400, 'Request_UnsupportedQuery', /Sorting by 'jobTitle'/);
    refused(await g.call('GET', '/users?$orderby=displayName,mail'), 400, 'Request_UnsupportedQuery', /one property/);
  });

  it('$search needs the header; it matches the starts of words, with AND and OR', async () => {
    const g = tenant();
    const search = (q: string) =>
      g.call('GET', `/users?$search=${encodeURIComponent(q)}&$orderby=displayName`, undefined, EVENTUAL);
    expect(names((await search('"displayName:love"')).body)).toEqual(['Ada Lovelace', 'Ann Lovelace-King']);
    expect(names((await search('"displayName:king"')).body)).toEqual(['Ann Lovelace-King']);
    expect(names((await search('"displayName:ove"')).body)).toEqual([]);
    expect(names((await search('"displayName:love" AND "mail:outlook"')).body)).toEqual(['Ann Lovelace-King']);
    expect(names((await search('"displayName:bob" OR "mail:outlook"')).body)).toEqual([
      'Ann Lovelace-King',
      'Bob Byte',
      'Cy Young',
    ]);
    const groups = await g.call(
      'GET',
      `/groups?$search=${encodeURIComponent('"description:europe"')}`,
      undefined,
      EVENTUAL,
    );
    expect(names(groups.body)).toEqual(['Sales EMEA']);
    refused(
      await g.call('GET', `/users?$search=${encodeURIComponent('"displayName:love"')}`),
      400,
      'Request_UnsupportedQuery',
      /only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'/,
    );
    refused(await search('displayName:love'), 400, 'Request_BadRequest', /Syntax error in \$search/);
    refused(await search('"department:sales"'), 400, 'Request_UnsupportedQuery', /does not support \$search/);
  });

  it('ne, not and endsWith only as an advanced query; endsWith only on mail, otherMails, userPrincipalName, proxyAddresses', async () => {
    const g = tenant();
    for (const filter of [
      "displayName ne 'Cy Young'",
      "not(startsWith(displayName,'a'))",
      "endsWith(mail,'@outlook.com')",
    ]) {
      const q = `/users?$filter=${encodeURIComponent(filter)}`;
      refused(await g.call('GET', q), 400, 'Request_UnsupportedQuery', /required parameters might be missing/);
      refused(await g.call('GET', q, undefined, EVENTUAL), 400, 'Request_UnsupportedQuery', /required parameters/);
      expect((await g.call('GET', `${q}&$count=true`, undefined, EVENTUAL)).status).toBe(200);
    }
    const outlook = await g.call(
      'GET',
      `/users?$count=true&$orderby=displayName&$filter=${encodeURIComponent("endsWith(mail,'@outlook.com')")}`,
      undefined,
      EVENTUAL,
    );
    expect(names(outlook.body)).toEqual(['Ann Lovelace-King', 'Cy Young']);
    expect(outlook.body['@odata.count']).toBe(2);
    refused(
      await g.call(
        'GET',
        `/users?$count=true&$filter=${encodeURIComponent("endsWith(displayName,'g')")}`,
        undefined,
        EVENTUAL,
      ),
      400,
      'Request_UnsupportedQuery',
      /^Unsupported or invalid query filter clause specified for property 'displayName' of resource 'User'\.$/,
    );
  });

  it('elsewhere $count, $orderby and $search are refused, never ignored', async () => {
    const g = tenant();
    for (const q of [
      '/servicePrincipals?$orderby=displayName',
      '/auditLogs/provisioning?$count=true',
      `/servicePrincipals/${g.sp}/appRoleAssignedTo?$search="x"`,
    ])
      refused(
        await g.call('GET', q, undefined, EVENTUAL),
        400,
        'Request_UnsupportedQuery',
        /not supported by this simulator here/,
      );
    refused(await g.call('GET', '/users?$expand=manager'), 400, 'Request_UnsupportedQuery', /anywhere/);
  });
});
