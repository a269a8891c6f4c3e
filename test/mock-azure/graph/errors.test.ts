/** The Graph face's errors (Graph's error body, codes and statuses) and its OData options ($filter, $top, $select). */
import { describe, expect, it } from 'vitest';
import { graphRoutes } from '../../../mock-azure/graph/index.ts';
import { ADMIN, BASE, graphWorld, type Body, newUser } from '../../helpers/graph.ts';
import { world } from '../../helpers/world.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = '0b7a3f4e-1111-4222-8333-944445555666';

/** Asserts Graph's error shape and returns the error object. */
function graphError(res: { status: number; body: Body; headers: Headers }, status: number, code: string): Body {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.innerError['request-id']).toMatch(GUID);
  expect(res.body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
  return res.body.error;
}

describe('Graph errors', () => {
  it('401 InvalidAuthenticationToken without a token or with a wrong one; the date is virtual time', async () => {
    const g = graphWorld();
    await g.clock.advance('1h30m');
    const none = await g.call('GET', '/users', undefined, { token: null });
    expect(graphError(none, 401, 'InvalidAuthenticationToken').message).toBe('Access token is empty.');
    expect(none.body.error.innerError.date).toBe('2026-01-05T10:30:00');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    graphError(await g.call('GET', '/users', undefined, { token: `${ADMIN}x` }), 401, 'InvalidAuthenticationToken');
    graphError(
      await g.call('GET', '/users', undefined, { token: ADMIN.slice(0, -1) }),
      401,
      'InvalidAuthenticationToken',
    );
    // A wrong token changes nothing.
    await g.call('POST', '/users', newUser({ userPrincipalName: 'x@contoso.com', displayName: 'X' }), {
      token: 'nope',
    });
    expect(g.azure.directory.userCount()).toBe(0);
  });

  it('echoes client-request-id, as Graph does', async () => {
    const g = graphWorld();
    const res = await g.call('GET', `/users/${MISSING}`, undefined, { headers: { 'client-request-id': 'abc-123' } });
    expect(graphError(res, 404, 'Request_ResourceNotFound').innerError['client-request-id']).toBe('abc-123');
    expect(res.headers.get('client-request-id')).toBe('abc-123');
  });

  it('404 Request_ResourceNotFound for unknown users, groups, members, deleted items, service principals, jobs, assignments', async () => {
    const g = graphWorld();
    g.azure.job.create(); // the app's job, as POST .../jobs makes it
    const job = `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}`;
    const group = (await g.call('POST', '/groups', { displayName: 'G' })).body;
    const paths: Array<[string, string, unknown?]> = [
      ['GET', `/users/${MISSING}`],
      ['GET', '/users/nobody@contoso.com'],
      ['PATCH', `/users/${MISSING}`, { displayName: 'X' }],
      ['DELETE', `/users/${MISSING}`],
      ['GET', `/groups/${MISSING}`],
      ['GET', `/groups/${MISSING}/members`],
      [
        'POST',
        `/groups/${group.id}/members/$ref`,
        { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${MISSING}` },
      ],
      ['DELETE', `/groups/${group.id}/members/${MISSING}/$ref`],
      ['GET', `/directory/deletedItems/${MISSING}`],
      ['POST', `/directory/deletedItems/${MISSING}/restore`],
      ['DELETE', `/directory/deletedItems/${MISSING}`],
      ['GET', `/servicePrincipals/${MISSING}`],
      ['GET', `/servicePrincipals/${MISSING}/synchronization/jobs`],
      ['GET', `/servicePrincipals/${g.sp}/synchronization/jobs/scim.0000`],
      ['POST', `/servicePrincipals/${g.sp}/synchronization/jobs/scim.0000/start`],
      ['DELETE', `/servicePrincipals/${g.sp}/appRoleAssignedTo/${MISSING}`],
      [
        'POST',
        `/servicePrincipals/${g.sp}/appRoleAssignedTo`,
        { principalId: MISSING, resourceId: g.sp, appRoleId: '00000000-0000-0000-0000-000000000000' },
      ],
    ];
    for (const [method, path, body] of paths) {
      const error = graphError(await g.call(method, path, body), 404, 'Request_ResourceNotFound');
      expect(error.message, `${method} ${path}`).toMatch(/does not exist/);
    }
    expect((await g.call('GET', job)).status).toBe(200);
  });

  it('400 for a segment it does not serve, as Graph answers one; 405 with Allow for a wrong method', async () => {
    const g = graphWorld();
    const unknown = await g.call('GET', '/me/drive');
    expect(graphError(unknown, 400, 'BadRequest').message).toMatch(/^Resource not found for the segment 'drive'\./);
    const wrong = await g.call('PUT', '/users');
    graphError(wrong, 405, 'Request_BadRequest');
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect((await g.call('GET', `/servicePrincipals/${g.sp}/synchronization/secrets`)).headers.get('allow')).toBe(
      'PUT',
    );
  });

  it('400 for malformed JSON, an empty or non-object body, unknown properties and wrong types', async () => {
    const g = graphWorld();
    g.azure.job.create(); // the app's job, as POST .../jobs makes it
    expect(
      graphError(
        await g.call('POST', '/users', undefined, { raw: '{"userPrincipalName": ' }),
        400,
        'Request_BadRequest',
      ).message,
    ).toMatch(/valid JSON/);
    graphError(await g.call('POST', '/users'), 400, 'Request_BadRequest');
    graphError(await g.call('POST', '/users', [1, 2]), 400, 'Request_BadRequest');
    graphError(await g.call('POST', '/users', newUser({ displayName: 'No UPN' })), 400, 'Request_BadRequest');
    expect(
      graphError(
        await g.call(
          'POST',
          '/users',
          newUser({
            userPrincipalName: 'x@contoso.com',
            displayName: 'X',
            favouriteColour: 'blue',
          }),
        ),
        400,
        'Request_BadRequest',
      ).message,
    ).toMatch(/favouriteColour/);
    graphError(
      await g.call(
        'POST',
        '/users',
        newUser({ userPrincipalName: 'x@contoso.com', displayName: 'X', accountEnabled: 'yes' }),
      ),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', '/users', newUser({ userPrincipalName: 'not-an-upn', displayName: 'X' })),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', '/groups', { displayName: 'M365', groupTypes: ['Unified'] }),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, { principalId: MISSING }),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/validateCredentials`, {
        credentials: [{ key: 'BaseAddress', value: 'http://x' }],
      }),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}/restart`, {
        criteria: { resetScope: 'Everything' },
      }),
      400,
      'Request_BadRequest',
    );
    graphError(
      await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}/start`),
      400,
      'Request_BadRequest',
    );
    expect(g.azure.directory.userCount()).toBe(0);
  });

  it('POST /users without what Graph requires is 400 in its words, and nothing is made', async () => {
    const g = graphWorld();
    const full = newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' });
    for (const key of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName']) {
      for (const value of [undefined, null, '']) {
        const body = { ...full, [key]: value };
        if (value === undefined) delete body[key];
        const error = graphError(await g.call('POST', '/users', body), 400, 'Request_BadRequest');
        expect(error.message).toBe(`Property ${key} value is required but is empty or missing.`);
      }
    }
    for (const passwordProfile of [undefined, null, {}, { password: '' }, { password: 5 }, 'secret']) {
      const body: Record<string, unknown> = { ...full, passwordProfile };
      if (passwordProfile === undefined) delete body.passwordProfile;
      const error = graphError(await g.call('POST', '/users', body), 400, 'Request_BadRequest');
      expect(error.message).toBe('A password must be specified to create a new user.');
    }
    expect([...g.azure.directory.users()]).toEqual([]);
    expect((await g.call('POST', '/users', full)).status).toBe(201);
  });

  it('a taken userPrincipalName is 400 with an ObjectConflict detail, as Graph answers it; duplicate member and assignment are 400', async () => {
    const g = graphWorld();
    const ada = (await g.call('POST', '/users', newUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' })))
      .body;
    const dup = await g.call('POST', '/users', newUser({ userPrincipalName: 'ADA@contoso.com', displayName: 'Ada 2' }));
    expect(graphError(dup, 400, 'Request_BadRequest').details).toEqual([
      expect.objectContaining({ code: 'ObjectConflict', target: 'userPrincipalName' }),
    ]);
    const group = (await g.call('POST', '/groups', { displayName: 'G' })).body;
    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${ada.id}` };
    expect((await g.call('POST', `/groups/${group.id}/members/$ref`, ref)).status).toBe(204);
    expect(
      graphError(await g.call('POST', `/groups/${group.id}/members/$ref`, ref), 400, 'Request_BadRequest').message,
    ).toMatch(/already exist/);
    const assignment = { principalId: ada.id, resourceId: g.sp, appRoleId: '00000000-0000-0000-0000-000000000000' };
    expect((await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, assignment)).status).toBe(201);
    expect(
      graphError(
        await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, assignment),
        400,
        'Request_BadRequest',
      ).message,
    ).toMatch(/already exists/);
    graphError(
      await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, { ...assignment, appRoleId: MISSING }),
      400,
      'Request_BadRequest',
    );
    // A user in Deleted users cannot be patched or added to a group.
    await g.call('DELETE', `/users/${ada.id}`);
    graphError(await g.call('PATCH', `/users/${ada.id}`, { displayName: 'X' }), 404, 'Request_ResourceNotFound');
  });

  it('validateCredentials reports an unreachable app as CredentialValidationUnavailable', async () => {
    const g = graphWorld();
    g.azure.job.create(); // the app's job, as POST .../jobs makes it
    const { tenantUrl, secretToken } = await g.credentials();
    g.azure.faults.inject({ id: 'down', effect: { unavailable: true } });
    const res = await g.call(
      'POST',
      `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}/validateCredentials`,
      {
        credentials: [
          { key: 'BaseAddress', value: tenantUrl },
          { key: 'SecretToken', value: secretToken },
        ],
      },
    );
    graphError(res, 400, 'CredentialValidationUnavailable');
    g.azure.faults.clear();
    expect(
      (
        await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}/validateCredentials`, {
          credentials: [
            { key: 'baseaddress', value: tenantUrl },
            { key: 'secrettoken', value: secretToken },
          ],
        })
      ).status,
    ).toBe(204);
  });
});

describe('OData options', () => {
  async function people(g: ReturnType<typeof graphWorld>) {
    for (const [upn, name] of [
      ['ada@contoso.com', 'Ada Lovelace'],
      ['alan@contoso.com', 'Alan Turing'],
      ['grace@contoso.com', 'Grace Hopper'],
      ['ken@contoso.com', 'Ken Thompson'],
      ['barbara@contoso.com', 'Barbara Liskov'],
    ]) {
      expect((await g.call('POST', '/users', newUser({ userPrincipalName: upn, displayName: name }))).status).toBe(201);
    }
  }
  const names = (res: { body: Body }) => res.body.value.map((u: Body) => u.displayName);
  const filter = (text: string) => `/users?$filter=${encodeURIComponent(text)}`;

  it('$filter: userPrincipalName eq, displayName eq, startsWith, and/or/not, in, accountEnabled', async () => {
    const g = graphWorld();
    await people(g);
    expect(names(await g.call('GET', filter("userPrincipalName eq 'GRACE@contoso.com'")))).toEqual(['Grace Hopper']);
    expect(names(await g.call('GET', filter("displayName eq 'Alan Turing'")))).toEqual(['Alan Turing']);
    expect(names(await g.call('GET', filter("startsWith(displayName,'a')")))).toEqual(['Ada Lovelace', 'Alan Turing']);
    // `not` is an advanced query: the ConsistencyLevel header and $count=true (queries.test.ts has the rules).
    expect(
      names(
        await g.call(
          'GET',
          `${filter("startswith(displayName, 'A') and not (displayName eq 'Ada Lovelace')")}&$count=true`,
          undefined,
          { headers: { ConsistencyLevel: 'eventual' } },
        ),
      ),
    ).toEqual(['Alan Turing']);
    expect(
      names(
        await g.call(
          'GET',
          filter("displayName eq 'Ken Thompson' or userPrincipalName in ('ada@contoso.com', 'x@y.z')"),
        ),
      ),
    ).toEqual(['Ada Lovelace', 'Ken Thompson']);
    expect(names(await g.call('GET', filter("displayName eq 'O''Brien'")))).toEqual([]);
    await g.call('PATCH', '/users/ken@contoso.com', { accountEnabled: false });
    expect(names(await g.call('GET', filter('accountEnabled eq false')))).toEqual(['Ken Thompson']);
    // The $ is optional in v1.0, and + reads as a space.
    expect(names(await g.call('GET', "/users?filter=displayName+eq+'Ada+Lovelace'"))).toEqual(['Ada Lovelace']);
    const bad = await g.call('GET', filter("displayName eq 'x"));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BadRequest');
    const unknown = await g.call('GET', filter("shoeSize eq '42'"));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('Request_UnsupportedQuery');
  });

  it('$top pages with @odata.nextLink until the last page', async () => {
    const g = graphWorld();
    await people(g);
    const first = await g.call('GET', '/users?$top=2');
    expect(first.body['@odata.context']).toBe(`${BASE}/$metadata#users`);
    expect(names(first)).toEqual(['Ada Lovelace', 'Alan Turing']);
    const second = await g.call('GET', first.body['@odata.nextLink']);
    expect(names(second)).toEqual(['Grace Hopper', 'Ken Thompson']);
    const last = await g.call('GET', second.body['@odata.nextLink']);
    expect(names(last)).toEqual(['Barbara Liskov']);
    expect(last.body).not.toHaveProperty('@odata.nextLink');
    for (const top of ['0', '1000', 'ten']) {
      const res = await g.call('GET', `/users?$top=${top}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/between 1 and 999/);
    }
    expect((await g.call('GET', '/users?$skiptoken=abc')).status).toBe(400);
  });

  it('$select picks properties; an unknown one is 400; the default shape leaves out accountEnabled as Graph does', async () => {
    const g = graphWorld();
    await people(g);
    const plain = (await g.call('GET', '/users/ada@contoso.com')).body;
    expect(Object.keys(plain)).toEqual([
      '@odata.context',
      'id',
      'businessPhones',
      'displayName',
      'givenName',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
    ]);
    const list = await g.call(
      'GET',
      `/users?$select=userPrincipalName,accountEnabled,createdDateTime&$filter=${encodeURIComponent("startsWith(userPrincipalName,'ada')")}`,
    );
    expect(list.body['@odata.context']).toBe(
      `${BASE}/$metadata#users(userPrincipalName,accountEnabled,createdDateTime)`,
    );
    expect(list.body.value).toEqual([
      { userPrincipalName: 'ada@contoso.com', accountEnabled: true, createdDateTime: '2026-01-05T09:00:00.000Z' },
    ]);
    const bad = await g.call('GET', '/users?$select=shoeSize');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/shoeSize/);
  });

  it('audit logs: provisioningStatusInfo/status eq failure, activityDateTime ranges, $top', async () => {
    const g = graphWorld();
    const ids: string[] = [];
    for (const upn of ['ada@contoso.com', 'bob@contoso.com', 'cy@contoso.com']) {
      const user = (await g.call('POST', '/users', newUser({ userPrincipalName: upn, displayName: upn }))).body;
      await g.call('POST', `/servicePrincipals/${g.sp}/appRoleAssignedTo`, {
        principalId: user.id,
        resourceId: g.sp,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      });
      ids.push(user.id);
    }
    const { tenantUrl, secretToken } = await g.credentials();
    await g.call('PUT', `/servicePrincipals/${g.sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: tenantUrl },
        { key: 'SecretToken', value: secretToken },
      ],
    });
    // NordPass refuses the second create with a 500.
    g.azure.faults.inject({
      id: 'flaky',
      match: { method: 'POST', path: '/Users$' },
      effect: { status: 500 },
      count: 1,
    });
    await g.call('POST', `/servicePrincipals/${g.sp}/synchronization/jobs/${g.azure.job.id}/start`);
    await g.clock.advance('40m');
    const logs = (f: string, extra = '') =>
      g.call('GET', `/auditLogs/provisioning?$filter=${encodeURIComponent(f)}${extra}`);
    const failures = (await logs("provisioningStatusInfo/status eq 'failure'")).body.value;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      provisioningAction: 'create',
      sourceIdentity: { id: ids[0] },
      provisioningStatusInfo: { errorInformation: { errorCode: expect.any(String) } },
    });
    expect(failures[0].provisioningStatusInfo.errorInformation.reason).toMatch(/retried 0 times/);
    // The retry 40 minutes later succeeded; it is the newest Create.
    const creates = (await logs("provisioningAction eq 'create' and provisioningStatusInfo/status eq 'success'")).body
      .value;
    expect(creates.map((e: Body) => e.sourceIdentity.id)).toEqual([ids[0], ids[2], ids[1]]);
    expect(creates[0].activityDateTime).toBe('2026-01-05T09:40:00.000Z');
    expect((await logs('activityDateTime ge 2026-01-05T09:30:00Z')).body.value).toHaveLength(1);
    const page = await g.call('GET', '/auditLogs/provisioning?$top=1');
    expect(page.body.value).toHaveLength(1);
    expect(page.body['@odata.nextLink']).toMatch(/\$skiptoken=o1/);
  });
});

describe('mounting', () => {
  it('works at any prefix, and matches path segments case-insensitively as Graph does', async () => {
    const w = world();
    const app = graphRoutes({ azure: w.azure, adminToken: ADMIN, clock: w.clock });
    const headers = { Authorization: `Bearer ${ADMIN}` };
    const res = await app.request(`/ServicePrincipals/${w.azure.app.servicePrincipalId}`, { headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body['@odata.context']).toBe('http://localhost/$metadata#servicePrincipals/$entity');
    expect(body.displayName).toBe('NordPass');
    const root = (await (await app.request('/', { headers })).json()) as Body;
    expect(root.value.map((s: Body) => s.name)).toContain('auditLogs');
  });
});
