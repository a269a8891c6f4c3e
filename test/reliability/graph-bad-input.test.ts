/**
 * Bad input over the Graph face (`/azure/v1.0`), table-driven, in the manner of scim-bad-input.test.ts. Each
 * error case runs against its own populated served world (test/helpers/faces.ts) and checks the exact status,
 * Graph's error body `{"error":{"code","message","innerError"}}` with exactly the expected `code`, a JSON media
 * type, that nothing observable changed (`snapshot()` equal before and after), and that the server still serves
 * the same answers (over a fresh connection). Valid-but-odd inputs check the success and what was stored.
 *
 * Decisions this file takes from the code (mock-azure/graph/*.ts) where the contract leaves a choice:
 * - Content-Type: the face has no 415; a body it cannot read as JSON is 400 `Request_BadRequest` (Graph's "Unable
 *   to read JSON request payload. Please ensure Content-Type header is set ..."), so `text/plain` is a 400 too.
 * - `$filter` syntax errors are 400 `BadRequest` and an unknown property 400 `Request_UnsupportedQuery`
 *   (filter.ts); `$select` of an unknown property 400 `BadRequest` (odata.ts); `$top` and `$skiptoken` 400
 *   `Request_BadRequest` (odata.ts). An impossible instant in `$filter` is an invalid clause: 400 `BadRequest`.
 * - An id that is not a GUID in the path is 404 `Request_ResourceNotFound` (the code looks ids up, and
 *   /users/{key} also takes a userPrincipalName, so "not a GUID" is "names nothing").
 * - An `@odata.id` naming a well-formed GUID that is no object is 404 `Request_ResourceNotFound` (groups.ts
 *   throws notFound for it, as Graph does); one that is not a URL, not a GUID or not decodable is 400.
 * - A taken assignment is 400 `Request_BadRequest` (README "Fidelity": what Graph answers, not 409).
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { ADMIN, type FacesWorld, facesWorld } from '../helpers/faces.ts';
import { newUser } from '../helpers/graph.ts';
import { BODY_LIMIT, nested, streamed } from '../helpers/bad-input.ts';

const G = '/azure/v1.0';
/** How long a request may take before the case reports it as hung (below vitest's 30 s). */
const ANSWER_WITHIN_MS = 15_000;

const json = (v: unknown) => JSON.stringify(v);
const q = (text: string) => encodeURIComponent(text);
/** Valid JSON (the value) followed by whitespace, so the body is over the limit while the value is accepted. */
const padded = (v: unknown) => `${json(v)}${' '.repeat(BODY_LIMIT)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const UNKNOWN = '00000000-0000-4000-8000-00000000beef';

// Paths into the populated world.
const user = (w: FacesWorld, id = w.ids.bob) => `${G}/users/${id}`;
const grp = (w: FacesWorld) => `${G}/groups/${w.ids.group}`;
const members = (w: FacesWorld) => `${grp(w)}/members/$ref`;
const sp = (w: FacesWorld) => `${G}/servicePrincipals/${w.ids.servicePrincipal}`;
const assignments = (w: FacesWorld) => `${sp(w)}/appRoleAssignedTo`;
const secrets = (w: FacesWorld) => `${sp(w)}/synchronization/secrets`;
const job = (w: FacesWorld, id = w.ids.job) => `${sp(w)}/synchronization/jobs/${id}`;
const logs = (filter: string) => `${G}/auditLogs/provisioning?$filter=${q(filter)}`;

/** A JSON body (any value), or a raw one when given a string. */
const send = (w: FacesWorld, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  w.send(method, path, {
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : json(body) }),
    ...(headers ? { headers } : {}),
  });

interface ErrorCase {
  name: string;
  request: (w: FacesWorld) => Promise<Response>;
  status: number;
  /** The exact `error.code`. */
  code: string;
  allow?: string;
  /** What the message must say (for example the property it refuses). */
  message?: RegExp;
  /** Runs before the world is snapshotted. */
  setup?: (w: FacesWorld) => Promise<void>;
}

async function ok(p: Promise<Response>): Promise<void> {
  const res = await p;
  const text = await res.text();
  if (!res.ok) throw new Error(`setup failed: ${res.status} ${text}`);
}

const ERROR_CASES: ErrorCase[] = [
  // 1. Body size: one limit (1,048,576 bytes) for every face, by Content-Length and while reading a chunked body.
  {
    name: 'POST /users over the limit (Content-Length)',
    request: (w) =>
      send(w, 'POST', `${G}/users`, padded(newUser({ userPrincipalName: 'big@contoso.com', displayName: 'Big' }))),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'POST /users over the limit (streamed)',
    request: (w) => w.send('POST', `${G}/users`, newUser({ body: streamed(2_000_000) })),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'PATCH /users/{id} over the limit (Content-Length)',
    request: (w) => send(w, 'PATCH', user(w), padded({ displayName: 'Big' })),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'PATCH /users/{id} over the limit (streamed)',
    request: (w) => w.send('PATCH', user(w), { body: streamed(2_000_000) }),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'POST /groups over the limit (Content-Length)',
    request: (w) => send(w, 'POST', `${G}/groups`, padded({ displayName: 'Big' })),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'POST /groups over the limit (streamed)',
    request: (w) => w.send('POST', `${G}/groups`, { body: streamed(2_000_000) }),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'POST members/$ref over the limit (Content-Length)',
    request: (w) => send(w, 'POST', members(w), padded(ref(w.ids.bob))),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'POST members/$ref over the limit (streamed)',
    request: (w) => w.send('POST', members(w), { body: streamed(2_000_000) }),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'PUT synchronization/secrets over the limit (Content-Length)',
    request: (w) => send(w, 'PUT', secrets(w), padded({ value: [{ key: 'SyncAll', value: 'True' }] })),
    status: 413,
    code: 'RequestEntityTooLarge',
  },
  {
    name: 'PUT synchronization/secrets over the limit (streamed)',
    request: (w) => w.send('PUT', secrets(w), { body: streamed(2_000_000) }),
    status: 413,
    code: 'RequestEntityTooLarge',
  },

  // 2. Field limits (Graph's own: displayName 256, mailNickname 64), userPrincipalName's form, JSON types, and
  //    properties the type does not have.
  {
    name: 'user displayName of 257 characters',
    request: (w) =>
      send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'long@contoso.com', displayName: 'x'.repeat(257) })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user displayName of 257 characters',
    request: (w) => send(w, 'PATCH', user(w), { displayName: 'x'.repeat(257) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName without @',
    request: (w) => send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'carol', displayName: 'Carol' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName empty',
    request: (w) => send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: '', displayName: 'Carol' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName with a space',
    request: (w) =>
      send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'carol smith@contoso.com', displayName: 'C' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName with the domain missing',
    request: (w) => send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'carol@', displayName: 'Carol' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName with the alias missing',
    request: (w) => send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: '@contoso.com', displayName: 'Carol' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'userPrincipalName with two @',
    request: (w) =>
      send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'ca@rol@contoso.com', displayName: 'C' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH userPrincipalName without @',
    request: (w) => send(w, 'PATCH', user(w), { userPrincipalName: 'bob' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'user mailNickname of 65 characters',
    request: (w) =>
      send(
        w,
        'POST',
        `${G}/users`,
        newUser({
          userPrincipalName: 'nick@contoso.com',
          displayName: 'Nick',
          mailNickname: 'm'.repeat(65),
        }),
      ),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user mailNickname of 65 characters',
    request: (w) => send(w, 'PATCH', user(w), { mailNickname: 'm'.repeat(65) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'group displayName of 257 characters',
    request: (w) => send(w, 'POST', `${G}/groups`, { displayName: 'g'.repeat(257) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH group displayName of 257 characters',
    request: (w) => send(w, 'PATCH', grp(w), { displayName: 'g'.repeat(257) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'group mailNickname of 65 characters',
    request: (w) => send(w, 'POST', `${G}/groups`, { displayName: 'Nick', mailNickname: 'm'.repeat(65) }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'user displayName a number',
    request: (w) => send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: 'carol@contoso.com', displayName: 5 })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user displayName a number',
    request: (w) => send(w, 'PATCH', user(w), { displayName: 5 }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'user accountEnabled "yes"',
    request: (w) =>
      send(
        w,
        'POST',
        `${G}/users`,
        newUser({
          userPrincipalName: 'carol@contoso.com',
          displayName: 'C',
          accountEnabled: 'yes',
        }),
      ),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user accountEnabled "false"',
    request: (w) => send(w, 'PATCH', user(w), { accountEnabled: 'false' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'user userPrincipalName an array',
    request: (w) =>
      send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: ['carol@contoso.com'], displayName: 'C' })),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user givenName an array',
    request: (w) => send(w, 'PATCH', user(w), { givenName: ['Bob'] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user jobTitle an object',
    request: (w) => send(w, 'PATCH', user(w), { jobTitle: { value: 'Engineer' } }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH user businessPhones a string',
    request: (w) => send(w, 'PATCH', user(w), { businessPhones: '+1 555 0100' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'group displayName a number',
    request: (w) => send(w, 'POST', `${G}/groups`, { displayName: 5 }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'group mailEnabled "yes"',
    request: (w) => send(w, 'POST', `${G}/groups`, { displayName: 'G', mailEnabled: 'yes' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH group description an array',
    request: (w) => send(w, 'PATCH', grp(w), { description: ['x'] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'user with an unknown property',
    request: (w) =>
      send(
        w,
        'POST',
        `${G}/users`,
        newUser({ userPrincipalName: 'carol@contoso.com', displayName: 'C', favouriteColour: 1 }),
      ),
    status: 400,
    code: 'Request_BadRequest',
    message: /'favouriteColour'/,
  },
  {
    name: 'PATCH user with an unknown property',
    request: (w) => send(w, 'PATCH', user(w), { displayName: 'Bobby', favouriteColour: 'blue' }),
    status: 400,
    code: 'Request_BadRequest',
    message: /'favouriteColour'/,
  },
  {
    name: 'user with a __proto__ property',
    request: (w) =>
      send(
        w,
        'POST',
        `${G}/users`,
        '{"accountEnabled":true,"mailNickname":"carol","passwordProfile":{"password":"Test-Passw0rd!"},"userPrincipalName":"carol@contoso.com","displayName":"C","__proto__":{"polluted":1}}',
      ),
    status: 400,
    code: 'Request_BadRequest',
    message: /'__proto__'/,
  },
  {
    name: 'group with an unknown property',
    request: (w) => send(w, 'POST', `${G}/groups`, { displayName: 'G', favouriteColour: 'blue' }),
    status: 400,
    code: 'Request_BadRequest',
    message: /'favouriteColour'/,
  },
  {
    name: 'PATCH group with an unknown property',
    request: (w) => send(w, 'PATCH', grp(w), { displayName: 'Sales 2', favouriteColour: 'blue' }),
    status: 400,
    code: 'Request_BadRequest',
    message: /'favouriteColour'/,
  },

  // 3. Malformed references: @odata.id (400 unless it is a well-formed GUID naming nothing: 404), and paths
  //    with bad percent-encoding (400, never 500).
  {
    name: '@odata.id that is not a URL',
    request: (w) => send(w, 'POST', members(w), { '@odata.id': 'not a url' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id with bad percent-encoding',
    request: (w) =>
      send(w, 'POST', members(w), { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/%E0%A4%A' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id naming a non-GUID',
    request: (w) => send(w, 'POST', members(w), ref('abc')),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id that ends without an id',
    request: (w) => send(w, 'POST', members(w), { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id naming an unknown object',
    request: (w) => send(w, 'POST', members(w), ref(UNKNOWN)),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: '@odata.id missing',
    request: (w) => send(w, 'POST', members(w), {}),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id empty',
    request: (w) => send(w, 'POST', members(w), { '@odata.id': '' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '@odata.id a number',
    request: (w) => send(w, 'POST', members(w), { '@odata.id': 5 }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'GET /users/%E0%A4%A',
    request: (w) => send(w, 'GET', `${G}/users/%E0%A4%A`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'GET /users/%ZZ',
    request: (w) => send(w, 'GET', `${G}/users/%ZZ`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH /users/%ZZ',
    request: (w) => send(w, 'PATCH', `${G}/users/%ZZ`, { displayName: 'x' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'DELETE /groups/%E0%A4%A',
    request: (w) => send(w, 'DELETE', `${G}/groups/%E0%A4%A`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'DELETE members/%ZZ/$ref',
    request: (w) => send(w, 'DELETE', `${grp(w)}/members/%ZZ/$ref`),
    status: 400,
    code: 'Request_BadRequest',
  },

  // 4. Bodies: not JSON, not an object, empty where one is needed, the wrong media type, too deep, not UTF-8.
  {
    name: 'body not JSON',
    request: (w) => send(w, 'POST', `${G}/users`, 'userPrincipalName=carol@contoso.com'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body truncated',
    request: (w) => send(w, 'POST', `${G}/users`, '{"userPrincipalName": "carol@contoso.com", "displayName": '),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body with a trailing comma',
    request: (w) => send(w, 'POST', `${G}/users`, '{"userPrincipalName": "carol@contoso.com", "displayName": "C",}'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body is a JSON array',
    request: (w) => send(w, 'POST', `${G}/users`, '[]'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body is a JSON string',
    request: (w) => send(w, 'POST', `${G}/users`, '"carol@contoso.com"'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body is null',
    request: (w) => send(w, 'POST', `${G}/users`, 'null'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body is a number',
    request: (w) => send(w, 'POST', `${G}/users`, '42'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'POST /users empty body',
    request: (w) => send(w, 'POST', `${G}/users`, ''),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH /users empty body',
    request: (w) => send(w, 'PATCH', user(w), ''),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'POST /groups body is an array',
    request: (w) => send(w, 'POST', `${G}/groups`, [{ displayName: 'G' }]),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'members/$ref with no body',
    request: (w) => w.send('POST', members(w)),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'secrets body is null',
    request: (w) => send(w, 'PUT', secrets(w), 'null'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'restart body is an array',
    request: (w) => send(w, 'POST', `${job(w)}/restart`, '[]'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'restart body not JSON',
    request: (w) => send(w, 'POST', `${job(w)}/restart`, 'Full'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'POST /users as text/plain',
    request: (w) =>
      send(w, 'POST', `${G}/users`, json(newUser({ userPrincipalName: 'carol@contoso.com', displayName: 'C' })), {
        'Content-Type': 'text/plain',
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH /users as text/plain',
    request: (w) => send(w, 'PATCH', user(w), json({ displayName: 'Bobby' }), { 'Content-Type': 'text/plain' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'PATCH /users as a form',
    request: (w) =>
      send(w, 'PATCH', user(w), 'displayName=Bobby', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body nested 10,000 levels',
    request: (w) => send(w, 'POST', `${G}/users`, nested(10_000)),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'arrays nested 10,000 levels',
    request: (w) => send(w, 'PATCH', user(w), `${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '10,000 levels inside a property the face ignores',
    request: (w) =>
      send(
        w,
        'POST',
        `${G}/users`,
        `{"userPrincipalName":"deep@contoso.com","displayName":"Deep","passwordProfile":${nested(10_000)}}`,
      ),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'body not UTF-8',
    request: (w) =>
      w.send('PATCH', user(w), {
        body: new Uint8Array([...Buffer.from('{"displayName":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
      }),
    status: 400,
    code: 'Request_BadRequest',
  },

  // 5. OData query options (filter.ts, odata.ts): syntax BadRequest, unknown property Request_UnsupportedQuery,
  //    paging Request_BadRequest, unknown $select BadRequest.
  {
    name: '$filter missing its value',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q('displayName eq')}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$filter with an unclosed string',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q("displayName eq 'Ada")}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$filter without an operator',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q("displayName 'Ada'")}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$filter with an unclosed parenthesis',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q("(displayName eq 'Ada'")}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$filter with an unquoted string',
    request: (w) => send(w, 'GET', `${G}/groups?$filter=${q('displayName eq Sales')}`),
    status: 400,
    code: 'BadRequest',
  },
  { name: '$filter empty', request: (w) => send(w, 'GET', `${G}/users?$filter=`), status: 400, code: 'BadRequest' },
  {
    name: '$filter of 10,000 characters',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q(`displayName eq '${'a'.repeat(9_983)}'`)}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$filter on an unknown user property',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q("favouriteColour eq 'blue'")}`),
    status: 400,
    code: 'Request_UnsupportedQuery',
  },
  {
    name: '$filter on an unknown provisioning log property',
    request: (w) => send(w, 'GET', logs("colour eq 'blue'")),
    status: 400,
    code: 'Request_UnsupportedQuery',
  },
  {
    name: '$filter with an unknown function',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q("contains(displayName,'a')")}`),
    status: 400,
    code: 'Request_UnsupportedQuery',
  },
  { name: '$top=0', request: (w) => send(w, 'GET', `${G}/users?$top=0`), status: 400, code: 'Request_BadRequest' },
  { name: '$top=-1', request: (w) => send(w, 'GET', `${G}/users?$top=-1`), status: 400, code: 'Request_BadRequest' },
  { name: '$top=abc', request: (w) => send(w, 'GET', `${G}/users?$top=abc`), status: 400, code: 'Request_BadRequest' },
  { name: '$top=1.5', request: (w) => send(w, 'GET', `${G}/groups?$top=1.5`), status: 400, code: 'Request_BadRequest' },
  {
    name: '$top=1000000',
    request: (w) => send(w, 'GET', `${G}/users?$top=1000000`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '$top=1000 on the provisioning logs',
    request: (w) => send(w, 'GET', `${G}/auditLogs/provisioning?$top=1000`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '$skiptoken garbage',
    request: (w) => send(w, 'GET', `${G}/users?$skiptoken=garbage`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '$skiptoken garbage on the provisioning logs',
    request: (w) => send(w, 'GET', `${G}/auditLogs/provisioning?$skiptoken=o-1`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: '$select of an unknown user property',
    request: (w) => send(w, 'GET', `${G}/users?$select=displayName,favouriteColour`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$select of an unknown property on one user',
    request: (w) => send(w, 'GET', `${user(w)}?$select=favouriteColour`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$select of an unknown service principal property',
    request: (w) => send(w, 'GET', `${sp(w)}?$select=nope`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: '$orderby unsupported',
    request: (w) => send(w, 'GET', `${G}/users?$orderby=jobTitle`),
    status: 400,
    code: 'Request_UnsupportedQuery',
  },

  // 6. Ids and actions: unknown (404), refused twice, and bodies the actions cannot use.
  {
    name: 'GET an unknown user GUID',
    request: (w) => send(w, 'GET', user(w, UNKNOWN)),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'GET a user by a non-GUID that names nothing',
    request: (w) => send(w, 'GET', user(w, 'nope')),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'PATCH an unknown user',
    request: (w) => send(w, 'PATCH', user(w, UNKNOWN), { displayName: 'x' }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'DELETE a user twice',
    setup: (w) => ok(send(w, 'DELETE', user(w))),
    request: (w) => send(w, 'DELETE', user(w)),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'GET a group by a non-GUID',
    request: (w) => send(w, 'GET', `${G}/groups/nope`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'DELETE an unknown group',
    request: (w) => send(w, 'DELETE', `${G}/groups/${UNKNOWN}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'restore a user that is not deleted',
    request: (w) => send(w, 'POST', `${G}/directory/deletedItems/${w.ids.bob}/restore`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'delete permanently a user that is not deleted',
    request: (w) => send(w, 'DELETE', `${G}/directory/deletedItems/${w.ids.bob}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'GET an unknown deleted item',
    request: (w) => send(w, 'GET', `${G}/directory/deletedItems/${UNKNOWN}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'add the same member twice',
    setup: (w) => ok(send(w, 'POST', members(w), ref(w.ids.bob))),
    request: (w) => send(w, 'POST', members(w), ref(w.ids.bob)),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'remove a member that is not one',
    request: (w) => send(w, 'DELETE', `${grp(w)}/members/${w.ids.bob}/$ref`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'assign the same principal twice',
    request: (w) => send(w, 'POST', assignments(w), { principalId: w.ids.ada, resourceId: w.ids.servicePrincipal }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'assign with a resourceId that is not the service principal',
    request: (w) => send(w, 'POST', assignments(w), { principalId: w.ids.bob, resourceId: w.ids.group }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'assign with no resourceId',
    request: (w) => send(w, 'POST', assignments(w), { principalId: w.ids.bob }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'assign with an unknown appRoleId',
    request: (w) =>
      send(w, 'POST', assignments(w), {
        principalId: w.ids.bob,
        resourceId: w.ids.servicePrincipal,
        appRoleId: UNKNOWN,
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'assign a principalId that is a number',
    request: (w) => send(w, 'POST', assignments(w), { principalId: 5, resourceId: w.ids.servicePrincipal }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'assign an unknown principal',
    request: (w) => send(w, 'POST', assignments(w), { principalId: UNKNOWN, resourceId: w.ids.servicePrincipal }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'assign on an unknown service principal',
    request: (w) =>
      send(w, 'POST', `${G}/servicePrincipals/${UNKNOWN}/appRoleAssignedTo`, {
        principalId: w.ids.bob,
        resourceId: UNKNOWN,
      }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'unassign an unknown assignment',
    request: (w) => send(w, 'DELETE', `${assignments(w)}/${UNKNOWN}`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'provisionOnDemand with an empty object',
    request: (w) => send(w, 'POST', `${job(w)}/provisionOnDemand`, {}),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'provisionOnDemand body not JSON',
    request: (w) => send(w, 'POST', `${job(w)}/provisionOnDemand`, '{"parameters": [{"subjects": '),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'provisionOnDemand with no subjects',
    request: (w) => send(w, 'POST', `${job(w)}/provisionOnDemand`, { parameters: [{ subjects: [], ruleId: 'r' }] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'provisionOnDemand of a Device',
    request: (w) =>
      send(w, 'POST', `${job(w)}/provisionOnDemand`, {
        parameters: [{ subjects: [{ objectId: w.ids.bob, objectTypeName: 'Device' }], ruleId: 'r' }],
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'provisionOnDemand of an unknown user',
    request: (w) =>
      send(w, 'POST', `${job(w)}/provisionOnDemand`, {
        parameters: [{ subjects: [{ objectId: UNKNOWN, objectTypeName: 'User' }], ruleId: 'r' }],
      }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'provisionOnDemand on an unknown job',
    request: (w) =>
      send(w, 'POST', `${job(w, 'scim.nope.0000')}/provisionOnDemand`, {
        parameters: [{ subjects: [{ objectId: w.ids.bob, objectTypeName: 'User' }], ruleId: 'r' }],
      }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'GET an unknown job',
    request: (w) => send(w, 'GET', job(w, 'scim.nope.0000')),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'start an unknown job',
    request: (w) => send(w, 'POST', `${job(w, 'scim.nope.0000')}/start`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'pause an unknown job',
    request: (w) => send(w, 'POST', `${job(w, 'scim.nope.0000')}/pause`),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'restart an unknown job',
    request: (w) => send(w, 'POST', `${job(w, 'scim.nope.0000')}/restart`, { criteria: { resetScope: 'Full' } }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'restart with an unknown resetScope',
    request: (w) => send(w, 'POST', `${job(w)}/restart`, { criteria: { resetScope: 'Watermark, Everything' } }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'validateCredentials on an unknown job',
    request: (w) => send(w, 'POST', `${job(w, 'scim.nope.0000')}/validateCredentials`, { useSavedCredentials: true }),
    status: 404,
    code: 'Request_ResourceNotFound',
  },
  {
    name: 'validateCredentials with no body',
    request: (w) => w.send('POST', `${sp(w)}/synchronization/jobs/validateCredentials`),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'validateCredentials with a garbage body',
    request: (w) => send(w, 'POST', `${sp(w)}/synchronization/jobs/validateCredentials`, 'garbage'),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'validateCredentials with credentials not an array',
    request: (w) =>
      send(w, 'POST', `${sp(w)}/synchronization/jobs/validateCredentials`, { credentials: { BaseAddress: 'x' } }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'validateCredentials without a SecretToken',
    request: (w) =>
      send(w, 'POST', `${job(w)}/validateCredentials`, {
        credentials: [{ key: 'BaseAddress', value: `${w.s.origin}/scim/v2` }],
      }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'secrets with SyncAll "maybe"',
    request: (w) => send(w, 'PUT', secrets(w), { value: [{ key: 'SyncAll', value: 'maybe' }] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'secrets with an unknown key',
    request: (w) => send(w, 'PUT', secrets(w), { value: [{ key: 'FavouriteColour', value: 'blue' }] }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'secrets value not an array',
    request: (w) => send(w, 'PUT', secrets(w), { value: { SyncAll: 'True' } }),
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'secrets with a value that is a boolean',
    request: (w) => send(w, 'PUT', secrets(w), { value: [{ key: 'SyncAll', value: true }] }),
    status: 400,
    code: 'Request_BadRequest',
  },

  // 7. Instants: an impossible date-time in $filter (the only date-times the face reads) is a 400, never moved to
  //    another day (JavaScript's Date.parse reads 2026-02-30 as 2026-03-02).
  {
    name: 'activityDateTime 2026-02-30T00:00:00Z',
    request: (w) => send(w, 'GET', logs('activityDateTime ge 2026-02-30T00:00:00Z')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'activityDateTime 2026-04-31 (a date)',
    request: (w) => send(w, 'GET', logs('activityDateTime lt 2026-04-31')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'activityDateTime T24:30:00',
    request: (w) => send(w, 'GET', logs('activityDateTime ge 2026-03-01T24:30:00Z')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'activityDateTime T23:60:00',
    request: (w) => send(w, 'GET', logs('activityDateTime ge 2026-03-01T23:60:00Z')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'activityDateTime 2026-02-29 (not a leap year)',
    request: (w) => send(w, 'GET', logs('activityDateTime ge 2026-02-29T00:00:00Z')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'activityDateTime month 13',
    request: (w) => send(w, 'GET', logs('activityDateTime lt 2026-13-01T00:00:00Z')),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: "activityDateTime '2026-02-30T00:00:00Z' quoted",
    request: (w) => send(w, 'GET', logs("activityDateTime ge '2026-02-30T00:00:00Z'")),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'users createdDateTime 2026-02-30',
    request: (w) => send(w, 'GET', `${G}/users?$filter=${q('createdDateTime ge 2026-02-30T00:00:00Z')}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'groups createdDateTime 2026-04-31',
    request: (w) => send(w, 'GET', `${G}/groups?$filter=${q('createdDateTime le 2026-04-31T12:00:00Z')}`),
    status: 400,
    code: 'BadRequest',
  },
  {
    name: 'deleted users deletedDateTime 2026-02-30',
    request: (w) =>
      send(w, 'GET', `${G}/directory/deletedItems/microsoft.graph.user?$filter=${q('deletedDateTime ge 2026-02-30')}`),
    status: 400,
    code: 'BadRequest',
  },

  // 8. Auth: Graph's 401 InvalidAuthenticationToken with a Bearer challenge, checked before anything else.
  {
    name: 'no Authorization',
    request: (w) => w.send('GET', `${G}/users`, newUser({ token: null })),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'wrong token',
    request: (w) => w.send('GET', `${G}/users`, newUser({ token: 'wrong-token-0123456789' })),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'Bearer without a token',
    request: (w) => w.send('GET', `${G}/users`, newUser({ headers: { Authorization: 'Bearer' } })),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'Basic scheme',
    request: (w) =>
      w.send(
        'GET',
        `${G}/users`,
        newUser({
          headers: { Authorization: `Basic ${Buffer.from(`x:${ADMIN}`).toString('base64')}` },
        }),
      ),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'the SCIM token on Graph',
    request: (w) => w.send('GET', `${G}/users`, newUser({ token: w.scimToken })),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'token in the query string',
    request: (w) => w.send('GET', `${G}/users?access_token=${ADMIN}`, { token: null }),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'no token on a valid write',
    request: (w) =>
      w.send(
        'POST',
        `${G}/users`,
        newUser({
          token: null,
          body: json(newUser({ userPrincipalName: 'carol@contoso.com', displayName: 'Carol' })),
        }),
      ),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'no token on a bad body (auth first)',
    request: (w) => w.send('POST', `${G}/users`, { token: null, body: '{"userPrincipalName": ' }),
    status: 401,
    code: 'InvalidAuthenticationToken',
  },

  // Other refusals: a method the path does not take, a route the face does not serve.
  {
    name: 'PUT /users',
    request: (w) => send(w, 'PUT', `${G}/users`, newUser({})),
    status: 405,
    code: 'Request_BadRequest',
    allow: 'GET, POST',
  },
  { name: 'unknown route', request: (w) => send(w, 'GET', `${G}/widgets`), status: 400, code: 'BadRequest' },
];

/** A promise that rejects, naming the wait, when no answer comes in time (a hang fails the case, it does not time it out). */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A GET over a new connection (no keep-alive pool), for "still serving": what the last request did to its socket is not this one's concern. */
function fresh(w: FacesWorld, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${w.s.origin}${path}`,
      { agent: false, headers: { Authorization: `Bearer ${ADMIN}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as JSON, or undefined when it is none (a 204, a text page). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The parts of a snapshot that differ (names only, so a failure says what changed without a megabyte diff). */
function changedParts(before: string, after: string): string[] {
  const [a, b] = [JSON.parse(before) as Record<string, unknown>, JSON.parse(after) as Record<string, unknown>];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => json(a[k]) !== json(b[k]));
}

/** The reason a fetch failed (undici puts it in `cause`). */
async function answer(p: Promise<Response>): Promise<Response> {
  try {
    return await p;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    throw new Error(`the request failed: ${String(error)}${cause ? ` (${String(cause)})` : ''}`);
  }
}

describe(`Graph bad input (${ERROR_CASES.length} cases)`, () => {
  it('has at least 60 cases, each named once', () => {
    expect(ERROR_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ERROR_CASES.map((c) => c.name)).size).toBe(ERROR_CASES.length);
  });

  it.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const w = await facesWorld();
    try {
      if (c.setup) await c.setup(w);
      const before = w.snapshot();
      const listBefore = await within(fresh(w, `${G}/users`), 'GET /users before');
      expect(listBefore.status).toBe(200);

      const res = await within(answer(c.request(w)), c.name);
      const text = await within(res.text(), `${c.name} (body)`);
      const body = parseJson(text);
      const error = (isObject(body) && isObject(body.error) ? body.error : {}) as Record<string, unknown>;
      // One line that says what came back when it is not what the case expects.
      expect
        .soft(`${res.status} ${String(error.code)}`, `the answer was: ${text.slice(0, 300)}`)
        .toBe(`${c.status} ${c.code}`);
      if (res.status >= 400) {
        // Graph's error shape, whatever the status.
        expect.soft(res.headers.get('content-type'), 'a JSON media type').toMatch(/^application\/json\b/i);
        expect.soft(isObject(body) ? Object.keys(body) : body, 'one top-level member, error').toEqual(['error']);
        expect.soft(typeof error.code, 'code is a string').toBe('string');
        expect.soft(typeof error.message, 'message is a string').toBe('string');
        const extra = Object.keys(error).filter((k) => !['code', 'message', 'innerError', 'details'].includes(k));
        expect.soft(extra, 'members of error besides code, message, innerError, details').toEqual([]);
        const inner = (isObject(error.innerError) ? error.innerError : {}) as Record<string, unknown>;
        expect.soft(inner.date, 'innerError.date').toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
        expect.soft(typeof inner['request-id'], 'innerError.request-id').toBe('string');
        const message = String(error.message);
        expect.soft(message, 'no internals').not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        expect.soft(message, 'no admin token').not.toContain(ADMIN);
        expect.soft(message, 'no SCIM token').not.toContain(w.scimToken);
        if (c.message) expect.soft(message).toMatch(c.message);
      }
      if (c.status === 401) expect.soft(res.headers.get('www-authenticate'), 'a challenge').toMatch(/^Bearer /);
      if (c.allow) expect.soft(res.headers.get('allow')).toBe(c.allow);
      expect.soft(({} as Record<string, unknown>).polluted).toBeUndefined();

      // Nothing observable changed, and the server still answers as before.
      expect.soft(changedParts(before, w.snapshot()), 'parts of the world that changed').toEqual([]);
      expect(await within(fresh(w, `${G}/users`), 'GET /users after')).toEqual(listBefore);
    } finally {
      await w.close();
    }
  });
});

describe('after a 413, the same (keep-alive) client goes on', () => {
  // A client such as a Graph SDK reuses its connections: a refused oversize body must not leave it a socket the
  // server then drops (the 413 says keep-alive).
  it.each([
    ['declared with Content-Length', () => padded({ userPrincipalName: 'big@contoso.com', displayName: 'Big' })],
    ['streamed without one', () => streamed(2_000_000)],
  ] as const)('%s', async (_name, body) => {
    const w = await facesWorld();
    try {
      const refused = await within(
        answer(w.send('POST', `${G}/users`, newUser({ body: body() }))),
        'the oversize POST',
      );
      await refused.text();
      expect(refused.status).toBe(413);
      for (const path of ['/users', '/groups', '/users', '/servicePrincipals']) {
        const res = await within(answer(w.send('GET', `${G}${path}`)), `GET ${path}`);
        await res.text();
        expect(res.status, `GET ${path}`).toBe(200);
      }
    } finally {
      await w.close();
    }
  });
});

describe('valid but odd input succeeds and is stored as sent', () => {
  const created = async (res: Response) => {
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(201);
    return JSON.parse(text) as Record<string, unknown>;
  };

  it('a user displayName of exactly 256 characters, and a mailNickname of exactly 64', async () => {
    const w = await facesWorld();
    try {
      const displayName = `${'d'.repeat(250)}Zoë😀`.padEnd(256, 'x');
      expect(displayName).toHaveLength(256);
      const body = await created(
        await send(
          w,
          'POST',
          `${G}/users`,
          newUser({
            userPrincipalName: 'edge@contoso.com',
            displayName,
            mailNickname: 'n'.repeat(64),
          }),
        ),
      );
      expect(body.displayName).toBe(displayName);
      const stored = w.s.azure.directory.user(body.id as string)!;
      expect(stored.displayName).toBe(displayName);
      expect(stored.mailNickname).toBe('n'.repeat(64));
      // PATCH to another 256 is taken too.
      const res = await send(w, 'PATCH', user(w), { displayName: 'b'.repeat(256) });
      expect(res.status).toBe(204);
      expect(w.s.azure.directory.user(w.ids.bob)!.displayName).toBe('b'.repeat(256));
    } finally {
      await w.close();
    }
  });

  it('a group displayName of exactly 256 characters', async () => {
    const w = await facesWorld();
    try {
      const body = await created(await send(w, 'POST', `${G}/groups`, { displayName: 'g'.repeat(256) }));
      expect(w.s.azure.directory.group(body.id as string)!.displayName).toBe('g'.repeat(256));
    } finally {
      await w.close();
    }
  });

  it('a userPrincipalName with an apostrophe, a plus and a percent sign is found by path and by $filter', async () => {
    const w = await facesWorld();
    try {
      const upn = "o'neil+a%41@contoso.com";
      const body = await created(
        await send(w, 'POST', `${G}/users`, newUser({ userPrincipalName: upn, displayName: 'O' })),
      );
      expect(w.s.azure.directory.user(body.id as string)!.userPrincipalName).toBe(upn);
      const byPath = await send(w, 'GET', `${G}/users/${encodeURIComponent(upn)}`);
      expect(byPath.status).toBe(200);
      expect(((await byPath.json()) as { id: string }).id).toBe(body.id);
      const byFilter = await send(
        w,
        'GET',
        `${G}/users?$filter=${q(`userPrincipalName eq '${upn.replace("'", "''")}'`)}`,
      );
      expect(((await byFilter.json()) as { value: Array<{ id: string }> }).value.map((u) => u.id)).toEqual([body.id]);
      // The UPN in the path in another case names the same user, as in Graph.
      const upper = await send(w, 'GET', `${G}/users/ADA%40CONTOSO.COM`);
      expect(((await upper.json()) as { id: string }).id).toBe(w.ids.ada);
    } finally {
      await w.close();
    }
  });

  it('non-ASCII text is stored exactly (CJK, right-to-left, emoji, decomposed accents)', async () => {
    const w = await facesWorld();
    try {
      const displayName = '山田 مريم 😀 Zoe\u0308';
      const res = await send(w, 'PATCH', user(w), { displayName, jobTitle: 'Ingénieure' });
      expect(res.status).toBe(204);
      const stored = w.s.azure.directory.user(w.ids.bob)!;
      expect(stored.displayName).toBe(displayName);
      expect(stored.jobTitle).toBe('Ingénieure');
      const got = (await (await send(w, 'GET', user(w))).json()) as Record<string, unknown>;
      expect(got.displayName).toBe(displayName);
    } finally {
      await w.close();
    }
  });

  it('Content-Type with parameters and in another case is JSON', async () => {
    const w = await facesWorld();
    try {
      const body = await created(
        await send(
          w,
          'POST',
          `${G}/users`,
          json(newUser({ userPrincipalName: 'carol@contoso.com', displayName: 'Carol' })),
          {
            'Content-Type': 'Application/JSON; charset=UTF-8',
          },
        ),
      );
      expect(w.s.azure.directory.user(body.id as string)!.userPrincipalName).toBe('carol@contoso.com');
    } finally {
      await w.close();
    }
  });

  it('null clears an attribute, and properties the face ignores are accepted and not stored', async () => {
    const w = await facesWorld();
    try {
      expect((await send(w, 'PATCH', user(w), { givenName: 'Bob', jobTitle: 'Engineer' })).status).toBe(204);
      expect((await send(w, 'PATCH', user(w), { givenName: null })).status).toBe(204);
      const stored = w.s.azure.directory.user(w.ids.bob)!;
      expect(stored.givenName).toBeUndefined();
      expect(stored.jobTitle).toBe('Engineer');
      const body = await created(
        await send(
          w,
          'POST',
          `${G}/users`,
          newUser({
            userPrincipalName: 'pw@contoso.com',
            displayName: 'Pw',
            accountEnabled: true,
            passwordProfile: { password: 'xWwvJ]6NMw+bWH-d', forceChangePasswordNextSignIn: true },
            usageLocation: 'GB',
          }),
        ),
      );
      const kept = w.s.azure.directory.user(body.id as string)! as unknown as Record<string, unknown>;
      expect(kept.passwordProfile).toBeUndefined();
      expect(kept.usageLocation).toBeUndefined();
      expect(kept.accountEnabled).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('a body of exactly 1,048,576 bytes is read; one byte more is 413', async () => {
    const w = await facesWorld();
    try {
      const value = json(newUser({ userPrincipalName: 'edge@contoso.com', displayName: 'Edge' }));
      const exact = value + ' '.repeat(BODY_LIMIT - value.length);
      expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT);
      const body = await created(await send(w, 'POST', `${G}/users`, exact));
      expect(w.s.azure.directory.user(body.id as string)!.displayName).toBe('Edge');
      const other = json(newUser({ userPrincipalName: 'over@contoso.com', displayName: 'Over' }));
      const over = other + ' '.repeat(BODY_LIMIT + 1 - other.length);
      const before = w.snapshot();
      const res = await send(w, 'POST', `${G}/users`, over);
      expect(res.status).toBe(413);
      await res.text();
      expect(changedParts(before, w.snapshot())).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('@odata.id in key form, in upper case and with a trailing slash names the member', async () => {
    const w = await facesWorld();
    try {
      const { directory } = w.s.azure;
      const keyed = `https://graph.microsoft.com/v1.0/directoryObjects('${w.ids.bob}')`;
      expect((await send(w, 'POST', members(w), { '@odata.id': keyed })).status).toBe(204);
      expect(directory.group(w.ids.group)!.memberIds).toContain(w.ids.bob);
      const slashed = `${ref(w.ids.ada)['@odata.id']}/`;
      expect((await send(w, 'POST', members(w), { '@odata.id': slashed })).status).toBe(204);
      expect([...directory.group(w.ids.group)!.memberIds].sort()).toEqual([w.ids.ada, w.ids.bob].sort());
    } finally {
      await w.close();
    }
  });

  it('an assignment whose resourceId is the service principal id in upper case', async () => {
    const w = await facesWorld();
    try {
      const body = await created(
        await send(w, 'POST', assignments(w), {
          principalId: w.ids.bob,
          resourceId: w.ids.servicePrincipal.toUpperCase(),
          appRoleId: '00000000-0000-0000-0000-000000000000',
        }),
      );
      expect(body.principalId).toBe(w.ids.bob);
      expect(w.s.azure.app.isAssigned(w.ids.bob)).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('paging at the edges: $top=1 and its nextLink, $top=999, options without $ and in any case', async () => {
    const w = await facesWorld();
    try {
      const first = (await (await send(w, 'GET', `${G}/users?$top=1`)).json()) as {
        value: Array<{ id: string }>;
        '@odata.nextLink': string;
      };
      expect(first.value.map((u) => u.id)).toEqual([w.ids.ada]);
      const next = new URL(first['@odata.nextLink']);
      const second = (await (await send(w, 'GET', `${next.pathname}${next.search}`)).json()) as {
        value: Array<{ id: string }>;
        '@odata.nextLink'?: string;
      };
      expect(second.value.map((u) => u.id)).toEqual([w.ids.bob]);
      expect(second['@odata.nextLink']).toBeUndefined();
      const all = (await (await send(w, 'GET', `${G}/users?$top=999`)).json()) as { value: unknown[] };
      expect(all.value).toHaveLength(2);
      const plain = (await (await send(w, 'GET', `${G}/users?top=1&select=DISPLAYNAME`)).json()) as {
        value: Array<Record<string, unknown>>;
      };
      expect(plain.value).toEqual([{ displayName: 'Ada' }]);
    } finally {
      await w.close();
    }
  });

  it('real instants filter as instants: a leap day, an offset, a date alone', async () => {
    const w = await facesWorld();
    try {
      const ids = async (filter: string) => {
        const res = await send(w, 'GET', logs(filter));
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBe(200);
        return (JSON.parse(text) as { value: Array<{ id: string }> }).value.map((e) => e.id).sort();
      };
      const all = w.s.azure.logs.all();
      expect(all.length).toBeGreaterThan(0);
      expect(await ids('activityDateTime ge 2024-02-29T00:00:00Z')).toHaveLength(all.length);
      expect(await ids('activityDateTime ge 2024-02-29')).toHaveLength(all.length);
      // 09:00 at +01:00 is 08:00Z, the start: every entry is at or after it, none before.
      expect(await ids('activityDateTime lt 2026-03-02T09:00:00+01:00')).toEqual([]);
      expect(await ids('activityDateTime ge 2026-03-02T09:00:00+01:00')).toHaveLength(all.length);
    } finally {
      await w.close();
    }
  });
});
