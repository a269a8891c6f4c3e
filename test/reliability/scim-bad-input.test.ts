/**
 * Bad input over SCIM (issue #6), table-driven. Every error case checks the exact status, an RFC 7644 error
 * body with exactly the right scimType (or none), the media type, that the store is byte-for-byte unchanged,
 * and that the service still answers as before. Valid-but-odd inputs check the success and what was stored.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  ERROR_SCHEMA,
  PATCH_SCHEMA,
  SCIM_TOKEN,
  USER_SCHEMA,
  harness,
  type Harness,
} from '../helpers/nordpass.ts';
import { nested, streamed } from '../helpers/bad-input.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'http://127.0.0.1:8080/scim/v2';

interface Ctx {
  h: Harness;
  /** taken@example.com, active, with a work email. */
  id: string;
}

type Body = string | Uint8Array | ReadableStream<Uint8Array>;

/** A raw SCIM request: the body is sent exactly as given; Content-Type defaults to application/scim+json when there is a body. */
function send(
  h: Harness,
  method: string,
  path: string,
  init: { body?: Body; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== null && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization'))
    headers.Authorization = `Bearer ${init.token ?? SCIM_TOKEN}`;
  if (init.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
    headers['Content-Type'] = 'application/scim+json';
  return h.np.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers,
      ...(init.body !== undefined ? ({ body: init.body, duplex: 'half' } as RequestInit) : {}),
    }),
  );
}

const json = (v: unknown) => JSON.stringify(v);
const post = (h: Harness, body: unknown) =>
  send(h, 'POST', '/Users', { body: typeof body === 'string' ? body : json(body) });
const user = (extra: Record<string, unknown>) => ({ schemas: [USER_SCHEMA], userName: 'new@example.com', ...extra });
const patch = (h: Harness, id: string, ops: unknown) =>
  send(h, 'PATCH', `/Users/${id}`, { body: json({ schemas: [PATCH_SCHEMA], Operations: ops }) });
const op = (h: Harness, id: string, o: Record<string, unknown>) => patch(h, id, [o]);
const filter = (h: Harness, text: string) => send(h, 'GET', `/Users?filter=${encodeURIComponent(text)}`);

interface ErrorCase {
  name: string;
  request: (c: Ctx) => Promise<Response>;
  status: number;
  /** The exact scimType; undefined means the body must have none. */
  scimType?: string;
  allow?: string;
  /** Runs before the store is snapshotted. */
  setup?: (c: Ctx) => Promise<void>;
}

const ERROR_CASES: ErrorCase[] = [
  // Malformed and truncated JSON
  {
    name: 'truncated after a key',
    request: ({ h }) => post(h, '{"userName": '),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'truncated before the closing brace',
    request: ({ h }) => post(h, json(user({})).slice(0, -1)),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'truncated mid-string',
    request: ({ h }) => post(h, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ne'),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'single-quoted JSON',
    request: ({ h }) => post(h, "{'userName': 'a@example.com'}"),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'trailing comma',
    request: ({ h }) => post(h, '{"userName": "a@example.com",}'),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'two JSON documents',
    request: ({ h }) => post(h, `${json(user({}))}${json(user({}))}`),
    status: 400,
    scimType: 'invalidSyntax',
  },
  { name: 'bare word', request: ({ h }) => post(h, 'nul'), status: 400, scimType: 'invalidSyntax' },
  {
    name: 'body is a JSON string',
    request: ({ h }) => post(h, '"new@example.com"'),
    status: 400,
    scimType: 'invalidSyntax',
  },
  { name: 'body is null', request: ({ h }) => post(h, 'null'), status: 400, scimType: 'invalidSyntax' },
  { name: 'body is a number', request: ({ h }) => post(h, '42'), status: 400, scimType: 'invalidSyntax' },
  { name: 'body is an array', request: ({ h }) => post(h, '[]'), status: 400, scimType: 'invalidSyntax' },
  { name: 'empty body', request: ({ h }) => post(h, ''), status: 400, scimType: 'invalidSyntax' },
  { name: 'whitespace-only body', request: ({ h }) => post(h, ' \n\t '), status: 400, scimType: 'invalidSyntax' },
  {
    name: 'invalid UTF-8',
    request: ({ h }) => send(h, 'POST', '/Users', { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH truncated',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace"',
      }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PUT malformed',
    request: ({ h, id }) => send(h, 'PUT', `/Users/${id}`, { body: '{userName: x}' }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: '.search malformed',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: '{"filter": ' }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: '.search body is an array',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: '[]' }),
    status: 400,
    scimType: 'invalidSyntax',
  },

  // Wrong JSON types, attribute by attribute
  {
    name: 'schemas is a string',
    request: ({ h }) => post(h, user({ schemas: USER_SCHEMA })),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'schemas holds a number',
    request: ({ h }) => post(h, user({ schemas: [42] })),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'schemas missing',
    request: ({ h }) => post(h, { userName: 'new@example.com' }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'userName a number',
    request: ({ h }) => post(h, user({ userName: 42 })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName a boolean',
    request: ({ h }) => post(h, user({ userName: true })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName an array',
    request: ({ h }) => post(h, user({ userName: ['a@example.com'] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName an object',
    request: ({ h }) => post(h, user({ userName: { value: 'a@example.com' } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName null',
    request: ({ h }) => post(h, user({ userName: null })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName empty',
    request: ({ h }) => post(h, user({ userName: '' })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'userName blank',
    request: ({ h }) => post(h, user({ userName: ' \t ' })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'active "maybe"',
    request: ({ h }) => post(h, user({ active: 'maybe' })),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'active 1', request: ({ h }) => post(h, user({ active: 1 })), status: 400, scimType: 'invalidValue' },
  {
    name: 'active an object',
    request: ({ h }) => post(h, user({ active: { value: true } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'displayName a number',
    request: ({ h }) => post(h, user({ displayName: 42 })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'externalId a number',
    request: ({ h }) => post(h, user({ externalId: 42 })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'title an array',
    request: ({ h }) => post(h, user({ title: ['Dr'] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'locale a boolean',
    request: ({ h }) => post(h, user({ locale: false })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'name a string',
    request: ({ h }) => post(h, user({ name: 'Ada Lovelace' })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'name.givenName a number',
    request: ({ h }) => post(h, user({ name: { givenName: 5 } })),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'emails a number', request: ({ h }) => post(h, user({ emails: 42 })), status: 400, scimType: 'invalidValue' },
  {
    name: 'emails[].value a number',
    request: ({ h }) => post(h, user({ emails: [{ value: 42, type: 'work' }] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'emails[].primary "yes"',
    request: ({ h }) => post(h, user({ emails: [{ value: 'a@example.com', primary: 'yes' }] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'phoneNumbers[].value an object',
    request: ({ h }) => post(h, user({ phoneNumbers: [{ value: {} }] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'addresses[].formatted a number',
    request: ({ h }) => post(h, user({ addresses: [{ formatted: 1 }] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'enterprise extension a string',
    request: ({ h }) => post(h, user({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: 'Sales' })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'enterprise employeeNumber a number',
    request: ({ h }) => post(h, user({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { employeeNumber: 5 } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'enterprise manager a number',
    request: ({ h }) => post(h, user({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { manager: 5 } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PUT without userName',
    request: ({ h, id }) =>
      send(h, 'PUT', `/Users/${id}`, { body: json({ schemas: [USER_SCHEMA], displayName: 'x' }) }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PUT active "perhaps"',
    request: ({ h, id }) =>
      send(h, 'PUT', `/Users/${id}`, {
        body: json({ schemas: [USER_SCHEMA], userName: 'taken@example.com', active: 'perhaps' }),
      }),
    status: 400,
    scimType: 'invalidValue',
  },

  // Missing userName, unknown schemas
  {
    name: 'missing userName',
    request: ({ h }) => post(h, { schemas: [USER_SCHEMA], active: true }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'unknown schema URN beside the core one',
    request: ({ h }) => post(h, user({ schemas: [USER_SCHEMA, 'urn:example:nope'] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'only an unknown schema',
    request: ({ h }) => post(h, user({ schemas: ['urn:example:nope'] })),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'empty schemas', request: ({ h }) => post(h, user({ schemas: [] })), status: 400, scimType: 'invalidValue' },
  {
    name: 'Group schema on a User',
    request: ({ h }) => post(h, user({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH with an unknown message schema',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: json({ schemas: ['urn:example:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      }),
    status: 400,
    scimType: 'invalidSyntax',
  },

  // Filters: syntax, operators, strings, nesting, length, types
  {
    name: 'filter missing its value',
    request: ({ h }) => filter(h, 'userName eq'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unknown operator',
    request: ({ h }) => filter(h, 'userName like "a"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unterminated string',
    request: ({ h }) => filter(h, 'userName eq "abc'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter invalid escape',
    request: ({ h }) => filter(h, 'userName eq "a\\qb"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter raw control character in a string',
    request: ({ h }) => filter(h, 'userName eq "a\u0001b"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter 1,000 nested parentheses',
    request: ({ h }) => filter(h, `${'('.repeat(1000)}userName eq "a"${')'.repeat(1000)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter 1,000 nested not()',
    request: ({ h }) => filter(h, `${'not ('.repeat(1000)}userName eq "a"${')'.repeat(1000)}`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter of 100 KB',
    request: ({ h }) => filter(h, `userName eq "${'a'.repeat(100_000)}"`),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unbalanced (',
    request: ({ h }) => filter(h, '(userName eq "a"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unbalanced )',
    request: ({ h }) => filter(h, 'userName eq "a")'),
    status: 400,
    scimType: 'invalidFilter',
  },
  { name: 'filter empty parentheses', request: ({ h }) => filter(h, '()'), status: 400, scimType: 'invalidFilter' },
  {
    name: 'filter dangling and',
    request: ({ h }) => filter(h, 'userName eq "a" and'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unknown logical operator',
    request: ({ h }) => filter(h, 'userName eq "a" xor userName eq "b"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter not without parentheses',
    request: ({ h }) => filter(h, 'not userName eq "a"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter unterminated value filter',
    request: ({ h }) => filter(h, 'emails[type eq "work"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter nested value filters',
    request: ({ h }) => filter(h, 'emails[emails[value eq "a"] pr]'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter three-part attribute path',
    request: ({ h }) => filter(h, 'name.givenName.x eq "a"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter attribute that is a number',
    request: ({ h }) => filter(h, '123 eq "a"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter boolean ordered',
    request: ({ h }) => filter(h, 'active gt true'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter boolean compared with a word',
    request: ({ h }) => filter(h, 'active eq "maybe"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter dateTime compared with a non-date',
    request: ({ h }) => filter(h, 'meta.created gt "soon"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter ordering against null',
    request: ({ h }) => filter(h, 'userName gt null'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter complex attribute without a sub-attribute',
    request: ({ h }) => filter(h, 'name eq "Ada"'),
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: '.search filter of the wrong type',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: json({ filter: 42 }) }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: '.search filter unterminated',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: json({ filter: 'userName eq "x' }) }),
    status: 400,
    scimType: 'invalidFilter',
  },

  // PATCH: ops, paths, value filters, value types
  {
    name: 'PATCH unknown op',
    request: ({ h, id }) => op(h, id, { op: 'merge', path: 'active', value: false }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH op missing',
    request: ({ h, id }) => op(h, id, { path: 'active', value: false }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH op a number',
    request: ({ h, id }) => op(h, id, { op: 1, path: 'active', value: false }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH Operations not an array',
    request: ({ h, id }) => patch(h, id, { op: 'replace', path: 'active', value: false }),
    status: 400,
    scimType: 'invalidSyntax',
  },
  { name: 'PATCH Operations empty', request: ({ h, id }) => patch(h, id, []), status: 400, scimType: 'invalidSyntax' },
  {
    name: 'PATCH an operation that is a string',
    request: ({ h, id }) => patch(h, id, ['replace active false']),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH 1,001 operations',
    request: ({ h, id }) =>
      patch(
        h,
        id,
        Array.from({ length: 1001 }, () => ({ op: 'replace', path: 'displayName', value: 'x' })),
      ),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH a later operation fails: nothing applied',
    request: ({ h, id }) =>
      patch(h, id, [
        { op: 'replace', path: 'displayName', value: 'changed' },
        { op: 'replace', path: 'active', value: 'perhaps' },
      ]),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH path syntax error',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'emails[type eq', value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path a number',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 7, value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path with three parts',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'name.givenName.first', value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH unknown attribute',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'favouriteColour', value: 'blue' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH unknown sub-attribute',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'name.nickname', value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH value filter on a single-valued attribute',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'userName[value eq "a"]', value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH unknown schema prefix',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'urn:example:nope:department', value: 'x' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH remove by a value filter that matches nothing',
    request: ({ h, id }) => op(h, id, { op: 'remove', path: 'emails[type eq "home"]' }),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH remove on an absent multi-value by filter',
    request: ({ h, id }) => op(h, id, { op: 'remove', path: 'phoneNumbers[type eq "work"]' }),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH replace a whole element that matches nothing',
    request: ({ h, id }) =>
      op(h, id, { op: 'replace', path: 'emails[value eq "nobody@example.com"]', value: { value: 'x@example.com' } }),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH remove without a path',
    request: ({ h, id }) => op(h, id, { op: 'remove' }),
    status: 400,
    scimType: 'noTarget',
  },
  {
    name: 'PATCH path-less replace with a non-object',
    request: ({ h, id }) => op(h, id, { op: 'replace', value: 'x' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH active "perhaps"',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'active', value: 'perhaps' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH displayName a number',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'displayName', value: 42 }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH emails a number',
    request: ({ h, id }) => op(h, id, { op: 'add', path: 'emails', value: 42 }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH name a string',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'name', value: 'Ada' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH userName an array',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'userName', value: ['a@example.com'] }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH remove the required userName',
    request: ({ h, id }) => op(h, id, { op: 'remove', path: 'userName' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH replace userName with null',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'userName', value: null }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH a readOnly attribute (id)',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'id', value: 'mine' }),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH a readOnly attribute (meta.created)',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH a readOnly attribute (groups)',
    request: ({ h, id }) => op(h, id, { op: 'add', path: 'groups', value: [{ value: 'g1' }] }),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH the schemas attribute',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'schemas', value: [USER_SCHEMA] }),
    status: 400,
    scimType: 'mutability',
  },

  // __proto__, constructor, prototype as keys and path segments
  {
    name: 'PATCH path __proto__',
    request: ({ h, id }) => op(h, id, { op: 'add', path: '__proto__', value: { polluted: 'yes' } }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path __proto__.polluted',
    request: ({ h, id }) => op(h, id, { op: 'add', path: '__proto__.polluted', value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path constructor.prototype',
    request: ({ h, id }) => op(h, id, { op: 'add', path: 'constructor.prototype', value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path prototype',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'prototype', value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path name.__proto__',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'name.__proto__', value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path in an extension: …:User:__proto__',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: `${ENTERPRISE}:__proto__`, value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH value-filter attribute __proto__',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'emails[__proto__ eq "x"].value', value: 'yes' }),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'PATCH path-less value with __proto__',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"}}}]}`,
      }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH path-less value with constructor',
    request: ({ h, id }) => op(h, id, { op: 'add', value: { constructor: { prototype: { polluted: 'yes' } } } }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH complex value with __proto__',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"replace","path":"name","value":{"__proto__":{"polluted":"yes"}}}]}`,
      }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST with a __proto__ key',
    request: ({ h }) =>
      post(h, `{"schemas":["${USER_SCHEMA}"],"userName":"new@example.com","__proto__":{"polluted":"yes"}}`),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST with a constructor key',
    request: ({ h }) => post(h, user({ constructor: { prototype: { polluted: 'yes' } } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST with prototype inside name',
    request: ({ h }) => post(h, user({ name: { prototype: 'x' } })),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST with __proto__ inside the extension',
    request: ({ h }) =>
      post(
        h,
        `{"schemas":["${USER_SCHEMA}","${ENTERPRISE}"],"userName":"new@example.com","${ENTERPRISE}":{"__proto__":{"polluted":"yes"}}}`,
      ),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'attributes=__proto__ on GET',
    request: ({ h, id }) => send(h, 'GET', `/Users/${id}?attributes=__proto__.polluted`),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'excludedAttributes=__proto__ on a list',
    request: ({ h }) => send(h, 'GET', '/Users?excludedAttributes=__proto__'),
    status: 400,
    scimType: 'invalidPath',
  },
  {
    name: 'attributes=constructor.prototype (unknown: ignored)',
    request: ({ h, id }) => send(h, 'GET', `/Users/${id}?attributes=constructor.prototype`),
    status: 200,
  },

  // Size and depth
  {
    name: 'body over the limit (Content-Length)',
    request: ({ h }) => post(h, user({ displayName: 'x'.repeat(1_100_000) })),
    status: 413,
  },
  {
    name: 'body over the limit (streamed, no Content-Length)',
    request: ({ h }) => send(h, 'POST', '/Users', { body: streamed(2_000_000) }),
    status: 413,
  },
  {
    name: 'PATCH body over the limit',
    request: ({ h, id }) => op(h, id, { op: 'replace', path: 'displayName', value: 'x'.repeat(1_100_000) }),
    status: 413,
  },
  {
    name: 'JSON arrays nested 10,000 deep',
    request: ({ h }) => post(h, '['.repeat(10_000) + ']'.repeat(10_000)),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'JSON objects nested 100 deep',
    request: ({ h }) => post(h, nested(100)),
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH value nested 100 deep',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"replace","path":"name","value":${nested(100)}}]}`,
      }),
    status: 400,
    scimType: 'invalidSyntax',
  },

  // Content-Type
  {
    name: 'text/plain',
    request: ({ h }) => send(h, 'POST', '/Users', { body: json(user({})), headers: { 'Content-Type': 'text/plain' } }),
    status: 415,
  },
  {
    name: 'missing Content-Type',
    request: ({ h }) => send(h, 'POST', '/Users', { body: json(user({})), headers: { 'Content-Type': '' } }),
    status: 415,
  },
  {
    name: 'application/xml',
    request: ({ h }) =>
      send(h, 'POST', '/Users', { body: json(user({})), headers: { 'Content-Type': 'application/xml' } }),
    status: 415,
  },
  {
    name: 'form-encoded',
    request: ({ h }) =>
      send(h, 'POST', '/Users', {
        body: 'userName=new%40example.com',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    status: 415,
  },
  {
    name: 'PATCH as text/plain',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: json({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] }),
        headers: { 'Content-Type': 'text/plain' },
      }),
    status: 415,
  },
  {
    name: 'PUT without Content-Type',
    request: ({ h, id }) =>
      send(h, 'PUT', `/Users/${id}`, {
        body: json({ schemas: [USER_SCHEMA], userName: 'taken@example.com' }),
        headers: { 'Content-Type': '' },
      }),
    status: 415,
  },

  // startIndex and count that are not integers; repeated parameters
  {
    name: 'startIndex non-numeric',
    request: ({ h }) => send(h, 'GET', '/Users?startIndex=abc'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'startIndex a fraction',
    request: ({ h }) => send(h, 'GET', '/Users?startIndex=1.5'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'startIndex hexadecimal',
    request: ({ h }) => send(h, 'GET', '/Users?startIndex=0x10'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'count non-numeric',
    request: ({ h }) => send(h, 'GET', '/Users?count=ten'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'count in exponent form',
    request: ({ h }) => send(h, 'GET', '/Users?count=1e3'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: '.search count a string',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: json({ count: '10' }) }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: '.search startIndex a fraction',
    request: ({ h }) => send(h, 'POST', '/Users/.search', { body: json({ startIndex: 1.5 }) }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'repeated filter',
    request: ({ h }) => send(h, 'GET', '/Users?filter=userName%20eq%20%22a%22&filter=userName%20eq%20%22b%22'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'repeated startIndex',
    request: ({ h }) => send(h, 'GET', '/Users?startIndex=1&startIndex=2'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'repeated count, different case',
    request: ({ h }) => send(h, 'GET', '/Users?count=1&Count=2'),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'repeated attributes',
    request: ({ h, id }) => send(h, 'GET', `/Users/${id}?attributes=userName&attributes=emails`),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'malformed attributes= on a write changes nothing',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}?attributes=${encodeURIComponent('emails[type eq')}`, {
        body: json({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }),
      }),
    status: 400,
    scimType: 'invalidPath',
  },

  // Unsupported methods: 405 with Allow
  { name: 'DELETE /Users', request: ({ h }) => send(h, 'DELETE', '/Users'), status: 405, allow: 'GET, POST' },
  {
    name: 'PUT /Users',
    request: ({ h }) => send(h, 'PUT', '/Users', { body: json(user({})) }),
    status: 405,
    allow: 'GET, POST',
  },
  {
    name: 'PATCH /Users',
    request: ({ h }) => send(h, 'PATCH', '/Users', { body: json({ schemas: [PATCH_SCHEMA], Operations: [] }) }),
    status: 405,
    allow: 'GET, POST',
  },
  {
    name: 'POST /Users/{id}',
    request: ({ h, id }) => send(h, 'POST', `/Users/${id}`, { body: json(user({})) }),
    status: 405,
    allow: 'GET, PUT, PATCH, DELETE',
  },
  { name: 'GET /Users/.search', request: ({ h }) => send(h, 'GET', '/Users/.search'), status: 405, allow: 'POST' },
  {
    name: 'DELETE /Users/.search',
    request: ({ h }) => send(h, 'DELETE', '/Users/.search'),
    status: 405,
    allow: 'POST',
  },
  {
    name: 'DELETE /ServiceProviderConfig',
    request: ({ h }) => send(h, 'DELETE', '/ServiceProviderConfig'),
    status: 405,
    allow: 'GET',
  },
  { name: 'POST /Schemas', request: ({ h }) => send(h, 'POST', '/Schemas', { body: '{}' }), status: 405, allow: 'GET' },
  {
    name: 'PUT /ResourceTypes/User',
    request: ({ h }) => send(h, 'PUT', '/ResourceTypes/User', { body: '{}' }),
    status: 405,
    allow: 'GET',
  },
  { name: 'OPTIONS /Users', request: ({ h }) => send(h, 'OPTIONS', '/Users'), status: 405, allow: 'GET, POST' },

  // Tokens: missing, malformed, wrong, rotated, in the query string
  { name: 'no Authorization', request: ({ h }) => send(h, 'GET', '/Users', { token: null }), status: 401 },
  {
    name: 'Bearer without a token',
    request: ({ h }) => send(h, 'GET', '/Users', { headers: { Authorization: 'Bearer' } }),
    status: 401,
  },
  {
    name: 'Bearer with only spaces',
    request: ({ h }) => send(h, 'GET', '/Users', { headers: { Authorization: 'Bearer    ' } }),
    status: 401,
  },
  {
    name: 'Basic scheme',
    request: ({ h }) =>
      send(h, 'GET', '/Users', {
        headers: { Authorization: `Basic ${Buffer.from(`x:${SCIM_TOKEN}`).toString('base64')}` },
      }),
    status: 401,
  },
  {
    name: 'token without a scheme',
    request: ({ h }) => send(h, 'GET', '/Users', { headers: { Authorization: SCIM_TOKEN } }),
    status: 401,
  },
  {
    name: 'token with trailing words',
    request: ({ h }) => send(h, 'GET', '/Users', { headers: { Authorization: `Bearer ${SCIM_TOKEN} extra` } }),
    status: 401,
  },
  {
    name: 'wrong token',
    request: ({ h }) => send(h, 'GET', '/Users', { token: 'wrong-token-0123456789' }),
    status: 401,
  },
  {
    name: 'token in another case',
    request: ({ h }) => send(h, 'GET', '/Users', { token: SCIM_TOKEN.toUpperCase() }),
    status: 401,
  },
  {
    name: 'token missing its last character',
    request: ({ h }) => send(h, 'GET', '/Users', { token: SCIM_TOKEN.slice(0, -1) }),
    status: 401,
  },
  {
    name: 'token with an extra character',
    request: ({ h }) => send(h, 'GET', '/Users', { token: `${SCIM_TOKEN}x` }),
    status: 401,
  },
  { name: 'a 100 KB token', request: ({ h }) => send(h, 'GET', '/Users', { token: 'a'.repeat(100_000) }), status: 401 },
  {
    name: 'the admin token on SCIM',
    request: ({ h }) => send(h, 'GET', '/Users', { token: ADMIN_TOKEN }),
    status: 401,
  },
  {
    name: 'token in the query string',
    request: ({ h }) => send(h, 'GET', `/Users?access_token=${SCIM_TOKEN}`, { token: null }),
    status: 401,
  },
  { name: 'a rotated token, at once', setup: rotate, request: ({ h }) => send(h, 'GET', '/Users'), status: 401 },
  { name: 'a rotated token on a write', setup: rotate, request: ({ h }) => post(h, user({})), status: 401 },
  {
    name: 'no token on a bad body (auth first)',
    request: ({ h }) => send(h, 'POST', '/Users', { token: null, body: '{"userName": ' }),
    status: 401,
  },

  // Other refusals
  {
    name: 'unknown id',
    request: ({ h }) => send(h, 'GET', '/Users/00000000-0000-0000-0000-000000000000'),
    status: 404,
  },
  { name: 'DELETE unknown id', request: ({ h }) => send(h, 'DELETE', '/Users/nope'), status: 404 },
  { name: 'unknown endpoint', request: ({ h }) => send(h, 'GET', '/Widgets'), status: 404 },
  {
    name: 'duplicate userName in another case',
    request: ({ h }) => post(h, user({ userName: 'TAKEN@Example.COM' })),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: 'stale If-Match',
    request: ({ h, id }) =>
      send(h, 'PATCH', `/Users/${id}`, {
        body: json({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] }),
        headers: { 'If-Match': 'W/"999"' },
      }),
    status: 412,
  },
  { name: 'Groups while group provisioning is off', request: ({ h }) => send(h, 'GET', '/Groups'), status: 501 },
];

async function rotate({ h }: Ctx): Promise<void> {
  const res = await h.admin('POST', '/provisioning/credentials');
  expect(res.status).toBe(200);
}

async function fixture(): Promise<Ctx> {
  const h = harness();
  const taken = await h.createUser('taken@example.com', {
    emails: [{ value: 'taken@example.com', type: 'work', primary: true }],
    name: { givenName: 'Taken' },
  });
  await h.createUser('other@example.com');
  return { h, id: taken.id as string };
}

/** Everything a client or the store could see, for byte-for-byte comparison. */
async function snapshot(c: Ctx): Promise<{ store: string; list: string; timers: number }> {
  const list = await (await send(c.h, 'GET', '/Users?count=100')).text();
  return { store: JSON.stringify(c.h.np.store.data), list, timers: c.h.clock.pending };
}

describe(`SCIM bad input (${ERROR_CASES.length} cases)`, () => {
  it('has at least 80 cases', () => {
    expect(ERROR_CASES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(ERROR_CASES.map((c) => c.name)).size).toBe(ERROR_CASES.length);
  });

  it.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ctx = await fixture();
    if (c.setup) await c.setup(ctx);
    // The token for the rest of the test: after a rotation, the fixture's token is the refused one.
    const reader = c.setup === rotate ? await newToken(ctx) : SCIM_TOKEN;
    const before = await snapshotWith(ctx, reader);
    const res = await c.request(ctx);
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    if (c.status >= 400) {
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(
        c.scimType ? ['detail', 'schemas', 'scimType', 'status'] : ['detail', 'schemas', 'status'],
      );
      expect(body.schemas).toEqual([ERROR_SCHEMA]);
      expect(body.status).toBe(String(c.status));
      expect(body.scimType).toBe(c.scimType);
      expect(typeof body.detail).toBe('string');
      expect(body.detail).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
      expect(body.detail).not.toContain(SCIM_TOKEN);
      if (c.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    if (c.allow) expect(res.headers.get('allow')).toBe(c.allow);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // Unchanged, and still serving the same answers.
    expect(await snapshotWith(ctx, reader)).toEqual(before);
  });
});

async function newToken({ h }: Ctx): Promise<string> {
  const res = await h.admin('POST', '/provisioning/credentials');
  return ((await res.json()) as { secretToken: string }).secretToken;
}

async function snapshotWith(c: Ctx, token: string) {
  if (token === SCIM_TOKEN) return snapshot(c);
  const list = await (await send(c.h, 'GET', '/Users?count=100', { token })).text();
  expect(JSON.parse(list).totalResults).toBe(2);
  return { store: JSON.stringify(c.h.np.store.data), list, timers: c.h.clock.pending };
}

interface OddCase {
  name: string;
  userName: string;
  /** The filter text that finds it (default: userName eq "<JSON-escaped userName>"). */
  filter?: string;
}

const ODD_USERNAMES: OddCase[] = [
  { name: 'double quotes', userName: 'o"brien@example.com' },
  { name: 'a backslash', userName: 'back\\slash@example.com' },
  { name: 'quote and backslash together', userName: '\\"tricky\\"@example.com' },
  { name: 'an apostrophe', userName: "o'neil@example.com" },
  { name: 'accented Latin', userName: 'zoë.müller@exämple.com' },
  { name: 'CJK', userName: '山田太郎@example.jp' },
  { name: 'right-to-left script', userName: 'مريم@example.com' },
  { name: 'an emoji (astral plane)', userName: '😀.smile@example.com' },
  { name: 'decomposed (NFD) accents', userName: 'Zoe\u0308@example.com' },
  { name: 'plus, ampersand, hash, percent', userName: 'a+b&c#d%e@example.com' },
  { name: 'spaces inside', userName: 'Ada Lovelace' },
  { name: 'a 1,000-character userName', userName: `${'l'.repeat(990)}@example.com` },
];

describe('valid but odd userNames are stored exactly and found again', () => {
  it.each(ODD_USERNAMES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { h } = await fixture();
    const res = await post(h, user({ userName: c.userName }));
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown>;
    expect(created.userName).toBe(c.userName);
    const stored = h.np.store.memberById(created.id as string)!;
    expect(stored.userName).toBe(c.userName);
    expect(stored.attributes.userName).toBe(c.userName);
    expect(((await (await send(h, 'GET', `/Users/${created.id}`)).json()) as Record<string, unknown>).userName).toBe(
      c.userName,
    );
    const found = (await (await filter(h, c.filter ?? `userName eq ${JSON.stringify(c.userName)}`)).json()) as {
      totalResults: number;
      Resources: Array<{ id: string }>;
    };
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]!.id).toBe(created.id);
    // Unique ignoring case, also outside ASCII.
    const again = await post(h, user({ userName: c.userName.toUpperCase() }));
    expect(again.status).toBe(409);
  });

  it('composed and decomposed spellings are different userNames (no normalisation)', async () => {
    const { h } = await fixture();
    expect((await post(h, user({ userName: 'zoe\u0308@example.com' }))).status).toBe(201);
    expect((await post(h, user({ userName: 'zo\u00eb@example.com' }))).status).toBe(201);
  });
});

describe('odd but valid paging and headers', () => {
  const page = async (h: Harness, query: string) => {
    const res = await send(h, 'GET', `/Users?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as {
      totalResults: number;
      startIndex: number;
      itemsPerPage: number;
      Resources: unknown[];
    };
  };

  it.each([
    ['startIndex=0 reads as 1', 'startIndex=0', { startIndex: 1, itemsPerPage: 2 }],
    ['negative startIndex reads as 1', 'startIndex=-5', { startIndex: 1, itemsPerPage: 2 }],
    [
      'huge startIndex is an empty page',
      `startIndex=${'9'.repeat(40)}`,
      { startIndex: Number.MAX_SAFE_INTEGER, itemsPerPage: 0 },
    ],
    ['count=0 gives only the total', 'count=0', { startIndex: 1, itemsPerPage: 0 }],
    ['negative count reads as 0', 'count=-1', { startIndex: 1, itemsPerPage: 0 }],
    ['huge count is capped', `count=${'9'.repeat(40)}`, { startIndex: 1, itemsPerPage: 2 }],
    ['empty startIndex and count are absent', 'startIndex=&count=', { startIndex: 1, itemsPerPage: 2 }],
    ['parameter names in any case', 'STARTINDEX=2&COUNT=1', { startIndex: 2, itemsPerPage: 1 }],
  ] as const)('%s', async (_name, query, expected) => {
    const { h } = await fixture();
    const body = await page(h, query);
    expect(body).toMatchObject({ totalResults: 2, ...expected });
    expect(body.Resources ?? []).toHaveLength(expected.itemsPerPage);
  });

  it('count above the advertised maxResults returns at most maxResults', async () => {
    const h = harness({ maxResults: 3 });
    for (let i = 0; i < 5; i++) await h.createUser(`u${i}@example.com`);
    const spc = (await (await send(h, 'GET', '/ServiceProviderConfig')).json()) as { filter: { maxResults: number } };
    expect(spc.filter.maxResults).toBe(3);
    const body = await page(h, 'count=1000');
    expect(body).toMatchObject({ totalResults: 5, itemsPerPage: 3 });
  });

  it('unknown attributes in a filter match nothing (a documented choice), and change nothing', async () => {
    const ctx = await fixture();
    const before = await snapshot(ctx);
    const res = await filter(ctx.h, 'favouriteColour eq "blue" or urn:example:ext:2.0:User:x pr');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalResults: number }).totalResults).toBe(0);
    expect(await snapshot(ctx)).toEqual(before);
  });

  it('"bearer" in lower case and Content-Type with parameters are accepted', async () => {
    const { h } = await fixture();
    expect((await send(h, 'GET', '/Users', { headers: { Authorization: `bearer ${SCIM_TOKEN}` } })).status).toBe(200);
    const res = await send(h, 'POST', '/Users', {
      body: json(user({})),
      headers: { 'Content-Type': 'Application/SCIM+JSON; charset=UTF-8' },
    });
    expect(res.status).toBe(201);
  });

  it('a body exactly at the size limit is read; one byte more is 413', async () => {
    const h = harness({ maxBodyBytes: 2_000 });
    const base = json(user({ displayName: '' }));
    const exact = json(user({ displayName: 'x'.repeat(2_000 - base.length) }));
    expect(Buffer.byteLength(exact)).toBe(2_000);
    expect((await post(h, exact)).status).toBe(201);
    const over = json(user({ displayName: 'x'.repeat(2_001 - base.length) }));
    expect(Buffer.byteLength(over)).toBe(2_001);
    expect((await post(h, over)).status).toBe(413);
  });
});
