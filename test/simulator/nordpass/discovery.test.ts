/** Discovery (RFC 7644 §4): /ServiceProviderConfig, /Schemas, /ResourceTypes over HTTP. */
import { describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, harness } from '../../helpers/nordpass.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BASE = 'http://127.0.0.1:8080/scim/v2';

async function ok(res: Response): Promise<any> {
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  return res.json();
}

describe('/ServiceProviderConfig', () => {
  it.each(['/ServiceProviderConfig', '/serviceConfiguration', '/serviceproviderconfig'])(
    '%s says what is supported',
    async (path) => {
      const h = harness({ maxResults: 250 });
      const spc = await ok(await h.scim('GET', path));
      expect(spc.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      expect(spc.patch).toEqual({ supported: true });
      expect(spc.filter).toEqual({ supported: true, maxResults: 250 });
      expect(spc.bulk.supported).toBe(false);
      expect(spc.sort.supported).toBe(false);
      expect(spc.changePassword.supported).toBe(false);
      expect(spc.etag.supported).toBe(true);
      expect(spc.authenticationSchemes).toHaveLength(1);
      expect(spc.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', primary: true });
      expect(typeof spc.authenticationSchemes[0].name).toBe('string');
      expect(spc.meta).toEqual({ resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` });
    },
  );

  it('the advertised maxResults is the page limit that lists apply', async () => {
    const h = harness({ maxResults: 2 });
    for (const name of ['a', 'b', 'c']) await h.createUser(`${name}@example.com`);
    const spc = await ok(await h.scim('GET', '/ServiceProviderConfig'));
    const list = await ok(await h.scim('GET', '/Users?count=1000'));
    expect(list.itemsPerPage).toBe(spc.filter.maxResults);
    expect(list.totalResults).toBe(3);
  });

  it('meta.location follows the origin the server is reached at', async () => {
    const h = harness();
    h.np.setOrigin('http://localhost:9999/');
    const spc = await ok(await h.scim('GET', '/ServiceProviderConfig'));
    expect(spc.meta.location).toBe('http://localhost:9999/scim/v2/ServiceProviderConfig');
  });
});

describe('/Schemas', () => {
  it('lists User and EnterpriseUser, each with meta.location', async () => {
    const h = harness();
    const body = await ok(await h.scim('GET', '/Schemas'));
    expect(body.schemas).toEqual([LIST_SCHEMA]);
    expect(body).toMatchObject({ totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(body.Resources.map((s: any) => s.id)).toEqual([USER, ENTERPRISE]);
    for (const schema of body.Resources) {
      expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(schema.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${schema.id}` });
      expect(Array.isArray(schema.attributes)).toBe(true);
    }
    const user = body.Resources[0];
    expect(user.name).toBe('User');
    const userName = user.attributes.find((a: any) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, uniqueness: 'server', caseExact: false });
    const password = user.attributes.find((a: any) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    const enterprise = body.Resources[1];
    expect(enterprise.attributes.map((a: any) => a.name)).toEqual(
      expect.arrayContaining(['employeeNumber', 'department', 'manager']),
    );
  });

  it('GET /Schemas/{urn} returns one schema, the URN matched ignoring case', async () => {
    const h = harness();
    const list = await ok(await h.scim('GET', '/Schemas'));
    for (const urn of [USER, ENTERPRISE]) {
      const one = await ok(await h.scim('GET', `/Schemas/${urn}`));
      expect(one).toEqual(list.Resources.find((s: any) => s.id === urn));
    }
    const upper = await ok(await h.scim('GET', `/Schemas/${ENTERPRISE.toUpperCase()}`));
    expect(upper.id).toBe(ENTERPRISE);
  });

  it.each([
    ['/Schemas/urn:ietf:params:scim:schemas:core:2.0:Nope'],
    ['/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group'],
    ['/ResourceTypes/Widget'],
    ['/ResourceTypes/Group'],
  ])('%s is a 404 SCIM error', async (path) => {
    const h = harness();
    const res = await h.scim('GET', path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const body = await res.json();
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    expect(body.detail).toContain(path.split('/').pop());
  });
});

describe('/ResourceTypes', () => {
  it('lists User with endpoint /Users and the enterprise extension', async () => {
    const h = harness();
    const body = await ok(await h.scim('GET', '/ResourceTypes'));
    expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    const user = body.Resources[0];
    expect(user).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: USER,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
    });
    expect(await ok(await h.scim('GET', '/ResourceTypes/User'))).toEqual(user);
    expect(await ok(await h.scim('GET', '/resourcetypes/user'))).toEqual(user);
  });

  it("every resource type's schemas are served by /Schemas", async () => {
    const h = harness({ groupProvisioning: true });
    const types = await ok(await h.scim('GET', '/ResourceTypes'));
    const schemas = new Set((await ok(await h.scim('GET', '/Schemas'))).Resources.map((s: any) => s.id));
    for (const type of types.Resources) {
      expect(schemas.has(type.schema), type.schema).toBe(true);
      for (const ext of type.schemaExtensions) expect(schemas.has(ext.schema), ext.schema).toBe(true);
    }
  });
});

describe('discovery needs the token too', () => {
  const paths = [
    '/ServiceProviderConfig',
    '/serviceConfiguration',
    '/Schemas',
    `/Schemas/${USER}`,
    '/ResourceTypes',
    '/ResourceTypes/User',
  ];

  it.each(paths)('%s without a token is 401, with a wrong one too', async (path) => {
    const h = harness();
    for (const token of [null, 'wrong-token-wrong-token']) {
      const res = await h.scim('GET', path, undefined, { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await res.json()).schemas).toEqual([ERROR_SCHEMA]);
    }
  });

  it('a rotated token stops working for discovery at once', async () => {
    const h = harness();
    const { secretToken } = await (await h.admin('POST', '/provisioning/credentials')).json();
    expect((await h.scim('GET', '/ServiceProviderConfig')).status).toBe(401);
    expect((await h.scim('GET', '/ServiceProviderConfig', undefined, { token: secretToken })).status).toBe(200);
  });

  it('discovery is read-only: other methods are 405 with Allow: GET', async () => {
    const h = harness();
    for (const [method, path] of [
      ['POST', '/Schemas'],
      ['DELETE', '/ServiceProviderConfig'],
      ['PUT', '/ResourceTypes/User'],
    ] as const) {
      const res = await h.scim(method, path, method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    }
  });
});
