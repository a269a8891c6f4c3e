/** Every error status the SCIM face gives: an RFC 7644 body, the right scimType, and nothing changed. */
import { describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, PATCH_SCHEMA, SCIM_TOKEN, USER_SCHEMA, harness, type Harness } from '../../helpers/nordpass.ts';

interface Case {
  name: string;
  request: (h: Harness, id: string) => Promise<Response>;
  status: number;
  scimType?: string;
  detail?: RegExp;
}

const patchOps = (h: Harness, id: string, ops: unknown) =>
  h.scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: ops });

const CASES: Case[] = [
  {
    name: 'missing Authorization',
    request: (h) => h.scim('GET', '/Users', undefined, { token: null }),
    status: 401,
    detail: /Authorization/,
  },
  { name: 'wrong token', request: (h) => h.scim('GET', '/Users', undefined, { token: 'nope-nope-nope' }), status: 401 },
  {
    name: 'Basic instead of Bearer',
    request: (h) =>
      h.scim('GET', '/Users', undefined, { token: null, headers: { Authorization: `Basic ${SCIM_TOKEN}` } }),
    status: 401,
  },
  {
    name: 'token in the query string',
    request: (h) => h.scim('GET', `/Users?access_token=${SCIM_TOKEN}`, undefined, { token: null }),
    status: 401,
  },
  { name: 'unknown id', request: (h) => h.scim('GET', '/Users/00919288221112222'), status: 404 },
  {
    name: 'PATCH unknown id',
    request: (h) => patchOps(h, 'nope', [{ op: 'replace', path: 'active', value: false }]),
    status: 404,
  },
  { name: 'unknown endpoint', request: (h) => h.scim('GET', '/Widgets'), status: 404 },
  {
    name: 'duplicate userName, other case',
    request: (h) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'TAKEN@example.com' }),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: 'PUT to a taken userName',
    request: (h, id) => h.scim('PUT', `/Users/${id}`, { schemas: [USER_SCHEMA], userName: 'other@example.com' }),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: 'PATCH to a taken userName',
    request: (h, id) => patchOps(h, id, [{ op: 'Replace', path: 'userName', value: 'Other@Example.com' }]),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: 'malformed JSON',
    request: (h) => h.scim('POST', '/Users', undefined, { rawBody: '{"userName": ' }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'empty body',
    request: (h) => h.scim('POST', '/Users', undefined, { rawBody: '' }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'body is an array',
    request: (h) => h.scim('POST', '/Users', [1, 2]),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'missing userName',
    request: (h) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA], active: true }),
    status: 400,
    scimType: 'invalidValue',
    detail: /userName/,
  },
  {
    name: 'userName of the wrong type',
    request: (h) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 42 }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'active not boolean-like',
    request: (h) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'z@example.com', active: 'maybe' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'unknown schema URN',
    request: (h) => h.scim('POST', '/Users', { schemas: [USER_SCHEMA, 'urn:example:nope'], userName: 'z@example.com' }),
    status: 400,
  },
  {
    name: 'bad filter syntax',
    request: (h) => h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'unknown filter operator',
    request: (h) => h.scim('GET', `/Users?filter=${encodeURIComponent('userName like "a"')}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'unterminated string in filter',
    request: (h) => h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "abc')}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: '1,000 nested parentheses',
    request: (h) =>
      h.scim('GET', `/Users?filter=${encodeURIComponent(`${'('.repeat(1000)}userName eq "a"${')'.repeat(1000)}`)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'a 100 KB filter',
    request: (h) => h.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${'a'.repeat(100_000)}"`)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'PATCH without PatchOp schema',
    request: (h, id) =>
      h.scim('PATCH', `/Users/${id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] }),
    status: 400,
  },
  {
    name: 'PATCH unknown op',
    request: (h, id) => patchOps(h, id, [{ op: 'merge', path: 'active', value: false }]),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH bad path',
    request: (h, id) => patchOps(h, id, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH unknown attribute',
    request: (h, id) => patchOps(h, id, [{ op: 'replace', path: 'favouriteColour', value: 'blue' }]),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH remove without path',
    request: (h, id) => patchOps(h, id, [{ op: 'remove' }]),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH wrong value type',
    request: (h, id) => patchOps(h, id, [{ op: 'replace', path: 'active', value: 'perhaps' }]),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH removes required userName',
    request: (h, id) => patchOps(h, id, [{ op: 'remove', path: 'userName' }]),
    status: 400,
  },
  {
    name: 'PATCH a read-only attribute',
    request: (h, id) => patchOps(h, id, [{ op: 'replace', path: 'id', value: 'mine' }]),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH __proto__',
    request: (h, id) => patchOps(h, id, [{ op: 'add', path: '__proto__.polluted', value: 'yes' }]),
    status: 400,
  },
  {
    name: 'non-numeric startIndex',
    request: (h) => h.scim('GET', '/Users?startIndex=abc'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'repeated filter parameter',
    request: (h) => h.scim('GET', '/Users?filter=userName%20eq%20%22a%22&filter=userName%20eq%20%22b%22'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'body over the size limit',
    request: (h) =>
      h.scim('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName: 'big@example.com',
        displayName: 'x'.repeat(1_100_000),
      }),
    status: 413,
  },
  {
    name: 'text/plain body',
    request: (h) => h.scim('POST', '/Users', undefined, { rawBody: '{}', headers: { 'Content-Type': 'text/plain' } }),
    status: 415,
  },
  {
    name: 'no Content-Type',
    request: (h) => h.scim('POST', '/Users', undefined, { rawBody: '{}', headers: { 'Content-Type': '' } }),
    status: 415,
  },
  {
    name: 'JSON nested 10,000 deep',
    request: (h) => h.scim('POST', '/Users', undefined, { rawBody: '['.repeat(10_000) + ']'.repeat(10_000) }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  { name: 'DELETE on the collection', request: (h) => h.scim('DELETE', '/Users'), status: 405 },
  {
    name: 'POST on a resource',
    request: (h, id) => h.scim('POST', `/Users/${id}`, { schemas: [USER_SCHEMA], userName: 'q@example.com' }),
    status: 405,
  },
  {
    name: 'stale If-Match',
    request: (h, id) =>
      h.scim(
        'PATCH',
        `/Users/${id}`,
        { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
        { headers: { 'If-Match': 'W/"99"' } },
      ),
    status: 412,
  },
  {
    name: 'Groups while group provisioning is off',
    request: (h) => h.scim('GET', '/Groups'),
    status: 501,
    detail: /group provisioning/,
  },
];

describe('SCIM errors', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const h = harness();
    const user = await h.createUser('taken@example.com');
    await h.createUser('other@example.com');
    const before = JSON.stringify(h.np.store.data);
    const res = await c.request(h, user.id);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const body = await res.json();
    expect(body.schemas).toEqual([ERROR_SCHEMA]);
    expect(body.status).toBe(String(c.status));
    expect(typeof body.detail).toBe('string');
    expect(body.detail).not.toMatch(/\n\s+at /);
    if (c.scimType) expect(body.scimType).toBe(c.scimType);
    if (c.detail) expect(body.detail).toMatch(c.detail);
    expect(JSON.stringify(h.np.store.data)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // still serving
    expect((await h.scim('GET', `/Users/${user.id}`)).status).toBe(200);
  });

  it('405 names the allowed methods', async () => {
    const h = harness();
    const res = await h.scim('DELETE', '/Users');
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('401 carries WWW-Authenticate', async () => {
    const h = harness();
    const res = await h.scim('GET', '/Users', undefined, { token: null });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('an unexpected failure is a 500 that shows no stack trace', async () => {
    const h = harness();
    const user = await h.createUser('boom@example.com');
    h.np.members.onChange(() => {
      throw new Error('disk on fire at /secret/path.ts:12');
    });
    const res = await h.patch(user.id, [{ op: 'replace', path: 'displayName', value: 'x' }]);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({ schemas: [ERROR_SCHEMA], status: '500', detail: 'internal server error' });
  });
});
