/**
 * The gallery's Logic-App validation's direct tests (research/validator.md §3, tests 16-25): requests sent straight
 * to the endpoint, each checked with the GET that follows it. LA-OVR gives what each sends and its pass criteria;
 * the exact PATCH bodies sit deeper in the Logic App (INFERRED, research/validator.md): here they are Entra's, in
 * the profile's dialect, and each test judges the end state with a GET, not one body shape.
 */
import { type Answer, type CheckContext, NotApplicable } from './context.ts';
import { madeUser } from './user-tests.ts';
import type { CheckTest } from './test.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * The single-valued string attributes Entra's non-gallery template maps (userName, the matching attribute, and
 * externalId, the anchor, left out; research/entra.md §3.3): what "eligible attributes" means here.
 */
const ELIGIBLE = ['displayName', 'title', 'name.givenName', 'name.familyName', `${ENTERPRISE}:department`] as const;
type Eligible = (typeof ELIGIBLE)[number];

/** The eligible attributes the endpoint's /Schemas lists as writable (all of them when /Schemas says nothing usable). */
async function writableAttributes(ctx: CheckContext): Promise<Eligible[]> {
  const answer = await ctx.send('GET', '/Schemas');
  const schemas: Array<{ id?: string; attributes?: SchemaAttribute[] }> | undefined = answer.body?.Resources;
  if (answer.status !== 200 || !Array.isArray(schemas)) return [...ELIGIBLE];
  const find = (schema: string, path: string) => {
    let attributes = schemas.find((s) => s.id === schema)?.attributes;
    let found: SchemaAttribute | undefined;
    for (const part of path.split('.')) {
      found = attributes?.find((a) => a.name?.toLowerCase() === part.toLowerCase());
      attributes = found?.subAttributes;
    }
    return found;
  };
  return ELIGIBLE.filter((path) => {
    const [schema, name] = path.startsWith(ENTERPRISE)
      ? [ENTERPRISE, path.slice(ENTERPRISE.length + 1)]
      : [CORE_USER, path];
    const attribute = find(schema, name);
    return (
      attribute !== undefined &&
      !attribute.multiValued &&
      attribute.mutability !== 'readOnly' &&
      attribute.mutability !== 'immutable'
    );
  });
}

interface SchemaAttribute {
  name?: string;
  multiValued?: boolean;
  mutability?: string;
  subAttributes?: SchemaAttribute[];
}

/** A value by one of the eligible paths (names in any case, the enterprise attributes under their URN). */
function valueAt(resource: Record<string, unknown> | undefined, path: Eligible): unknown {
  const field = (value: unknown, name: string) => {
    if (!value || typeof value !== 'object') return undefined;
    const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : (value as Record<string, unknown>)[key];
  };
  if (path.startsWith(ENTERPRISE)) return field(field(resource, ENTERPRISE), path.slice(ENTERPRISE.length + 1));
  return path.split('.').reduce<unknown>((value, part) => field(value, part), resource);
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

async function getResource(ctx: CheckContext, resource: 'Users' | 'Groups', id: string, what: string) {
  const got: Answer = await ctx.send('GET', `/${resource}/${encodeURIComponent(id)}`);
  ctx.expectStatus(got, [200], what);
  return got.body as Record<string, unknown> | undefined;
}

/** Pages of 5 from startIndex 1 over at least 11 resources (made when there are fewer), as tests 23 and 24 do. */
async function paginate(ctx: CheckContext, resource: 'Users' | 'Groups', make: () => Promise<unknown>) {
  const first = ctx.expectList(await ctx.send('GET', `/${resource}?startIndex=1&count=1`), `the count of ${resource}`);
  for (let n = first.totalResults; n < 11; n++) await make();
  for (const startIndex of [1, 6]) {
    const answer = await ctx.send('GET', `/${resource}?startIndex=${startIndex}&count=5`);
    const page = ctx.expectList(answer, `page at startIndex ${startIndex}`);
    ctx.expect(
      page.Resources.length > 0 && page.Resources.length <= 5,
      `page at ${startIndex}: 1 to 5 resources for count=5, got ${page.Resources.length}`,
    );
    ctx.expect(
      answer.body.startIndex === startIndex,
      `page at ${startIndex}: startIndex ${startIndex} echoed, got ${JSON.stringify(answer.body.startIndex)}`,
    );
  }
}

export const DIRECT_TESTS: CheckTest[] = [
  {
    id: 'direct-user-create',
    name: 'SCIM_User_Create_Test',
    source: 'Logic-App validation',
    required: true,
    sentence: '"HTTP 200 or 201; response contains non-empty id; returned userName matches sent userName".',
    requests: ['POST /Users'],
    async run(ctx) {
      const userName = ctx.userName();
      const created = await ctx.createUser(userName);
      ctx.expectStatus(created, [200, 201], 'POST /Users');
      ctx.expect(typeof created.body?.id === 'string' && created.body.id !== '', 'a non-empty id');
      ctx.expect(
        created.body?.userName === userName,
        `userName ${userName} returned, got ${JSON.stringify(created.body?.userName)}`,
      );
    },
  },
  {
    id: 'direct-user-update',
    name: 'SCIM_User_Update_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      'A PATCH of "single-valued, string/integer/datetime/boolean" attributes (no groups, roles, id, schemas, meta or active): "PATCH 200/204; then GET 200; all values match with zero mismatches" (passes as "no updatable attributes" when none are eligible).',
    requests: [
      'GET /Schemas',
      'POST /Users',
      'PATCH /Users/{id} (each eligible attribute replaced)',
      'GET /Users/{id}',
    ],
    async run(ctx) {
      const attributes = await writableAttributes(ctx);
      if (attributes.length === 0) return;
      const { id } = await madeUser(ctx);
      const values = Object.fromEntries(attributes.map((path, i) => [path, `Check ${ctx.prefix.slice(-8)} ${i}`]));
      const patched = await ctx.patch(
        'Users',
        id,
        attributes.map((path) => ({ op: ctx.op('replace'), path, value: values[path] })),
      );
      ctx.expectStatus(patched, [200, 204], 'the PATCH');
      const user = await getResource(ctx, 'Users', id, 'GET /Users/{id}');
      const wrong = attributes.filter((path) => valueAt(user, path) !== values[path]);
      ctx.expect(
        wrong.length === 0,
        `every value as sent; differ: ${wrong.map((p) => `${p} ${JSON.stringify(valueAt(user, p) ?? null)}`).join(', ')}`,
      );
    },
  },
  {
    id: 'direct-null-update',
    name: 'SCIM_Null_Update_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      '"Phase 1 PATCH returns 200/204 and all target attributes are null/empty in verification GET; Phase 2 PATCH returns 200/204 and attributes remain null/empty".',
    requests: [
      'GET /Schemas',
      'POST /Users (with the optional attributes set)',
      'PATCH each to ""',
      'GET /Users/{id}',
      'PATCH each to null',
      'GET /Users/{id}',
    ],
    async run(ctx) {
      // displayName is left: Entra always has one to send; the others are optional in the directory.
      const attributes = (await writableAttributes(ctx)).filter((path) => path !== 'displayName');
      if (attributes.length === 0) return;
      const userName = ctx.userName();
      const created = await ctx.createUser(userName, {
        title: 'Check title',
        [ENTERPRISE]: { department: 'Check department' },
      });
      ctx.expectStatus(created, [201], 'POST /Users');
      const id = created.body.id as string;
      for (const [phase, value] of [
        [1, ''],
        [2, null],
      ] as const) {
        const patched = await ctx.patch(
          'Users',
          id,
          attributes.map((path) => ({ op: ctx.op('replace'), path, value })),
        );
        ctx.expectStatus(patched, [200, 204], `phase ${phase}: the PATCH with ${JSON.stringify(value)} values`);
        const user = await getResource(ctx, 'Users', id, `phase ${phase}: GET /Users/{id}`);
        const left = attributes.filter((path) => !isEmpty(valueAt(user, path)));
        ctx.expect(
          left.length === 0,
          `phase ${phase}: every attribute null or empty; still set: ${left.map((p) => `${p} ${JSON.stringify(valueAt(user, p))}`).join(', ')}`,
        );
      }
    },
  },
  {
    id: 'paging',
    name: 'SCIM_User_Pagination_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      '"At least 2 pages traversed; all pages return HTTP 200; response startIndex matches expected value" with count 5 (RFC 7644 §3.4.2.4).',
    requests: ['POST /Users (until 11 exist)', 'GET /Users?startIndex=1&count=5', 'GET /Users?startIndex=6&count=5'],
    async run(ctx) {
      await paginate(ctx, 'Users', () => madeUser(ctx));
    },
  },
  {
    id: 'direct-group-create',
    name: 'SCIM_Group_Create_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence: '"200 or 201; non-empty id; displayName round-trips".',
    requests: ['POST /Groups'],
    async run(ctx) {
      const displayName = ctx.groupName();
      const created = await ctx.createGroup(displayName);
      ctx.expectStatus(created, [200, 201], 'POST /Groups');
      ctx.expect(typeof created.body?.id === 'string' && created.body.id !== '', 'a non-empty id');
      ctx.expect(
        created.body?.displayName === displayName,
        `displayName ${displayName} returned, got ${JSON.stringify(created.body?.displayName)}`,
      );
    },
  },
  {
    id: 'direct-group-update',
    name: 'SCIM_Group_Update_Test',
    source: 'Logic-App validation',
    required: true,
    groups: true,
    sentence:
      'A PATCH of the group\'s "single-valued, non-reference" attributes (no id, members, schemas or meta): "PATCH 200/204; GET 200/204; all values match".',
    requests: ['POST /Groups', 'PATCH displayName', 'GET /Groups/{id}'],
    async run(ctx) {
      const created = await ctx.createGroup();
      ctx.expectStatus(created, [201], 'POST /Groups');
      const id = created.body.id as string;
      const renamed = ctx.groupName();
      const patched = await ctx.patch('Groups', id, [{ op: ctx.op('replace'), path: 'displayName', value: renamed }]);
      ctx.expectStatus(patched, [200, 204], 'the PATCH');
      const group = await getResource(ctx, 'Groups', id, 'GET /Groups/{id}');
      ctx.expect(
        group?.displayName === renamed,
        `displayName ${renamed}, got ${JSON.stringify(group?.displayName ?? null)}`,
      );
    },
  },
  {
    id: 'direct-group-paging',
    name: 'SCIM_Group_Pagination_Test',
    source: 'Logic-App validation',
    required: false,
    groups: true,
    sentence:
      'As SCIM_User_Pagination_Test on /Groups: "At least 2 pages traversed; all pages return HTTP 200; response startIndex matches expected value".',
    requests: ['POST /Groups (until 11 exist)', 'GET /Groups?startIndex=1&count=5', 'GET /Groups?startIndex=6&count=5'],
    async run(ctx) {
      await paginate(ctx, 'Groups', async () => ctx.expectStatus(await ctx.createGroup(), [201], 'POST /Groups'));
    },
  },
  {
    id: 'direct-manager',
    name: 'SCIM_Update_Manager_Test',
    source: 'Logic-App validation',
    required: true,
    sentence:
      'Set (Add), change (Replace) and remove ("Replace with empty") the manager: "Each PATCH returns 200/204; GET after each operation confirms manager value matches expected" (skipped when manager is not a target attribute).',
    requests: [
      'GET /Schemas',
      'POST /Users (three)',
      'PATCH manager (add, replace, replace with empty)',
      'GET /Users/{id} after each',
    ],
    async run(ctx) {
      const answer = await ctx.send('GET', '/Schemas');
      const enterprise = (answer.body?.Resources ?? []).find((s: { id?: string }) => s.id === ENTERPRISE);
      const listed = enterprise?.attributes?.some((a: SchemaAttribute) => a.name?.toLowerCase() === 'manager');
      if (answer.status === 200 && !listed)
        throw new NotApplicable("the endpoint's /Schemas lists no enterprise manager (Microsoft skips this test then)");
      const first = await madeUser(ctx);
      const second = await madeUser(ctx);
      const { id } = await madeUser(ctx);
      const path = `${ENTERPRISE}:manager`;
      const managerOf = async () => {
        const user = await getResource(ctx, 'Users', id, 'GET /Users/{id}');
        const extension = user?.[ENTERPRISE] as { manager?: { value?: string } | string } | undefined;
        const manager = extension?.manager;
        return typeof manager === 'string' ? manager : manager?.value;
      };
      const phases: Array<[string, 'add' | 'replace', unknown, string | undefined]> = [
        ['set', 'add', ctx.entraDefault ? first.id : { value: first.id }, first.id],
        ['change', 'replace', ctx.entraDefault ? second.id : { value: second.id }, second.id],
        ['remove', 'replace', ctx.entraDefault ? '' : { value: '' }, undefined],
      ];
      for (const [phase, op, value, expected] of phases) {
        const patched = await ctx.patch('Users', id, [{ op: ctx.op(op), path, value }]);
        ctx.expectStatus(patched, [200, 204], `${phase}: the PATCH`);
        const actual = await managerOf();
        ctx.expect(
          expected === undefined ? isEmpty(actual) : actual === expected,
          `${phase}: the manager is ${expected ?? 'empty'}, got ${JSON.stringify(actual ?? null)}`,
        );
      }
    },
  },
  {
    id: 'direct-token-endpoint',
    name: 'Validate_Credentials_Test',
    source: 'Logic-App validation',
    required: false,
    sentence:
      "An OAuth 2.0 client-credentials request to the ISV's token endpoint, then a SCIM call with that token (skipped when there is no token endpoint).",
    requests: [],
    async run() {
      throw new NotApplicable(
        'scimsim check calls with the static bearer token given (--token); it has no token endpoint to try',
      );
    },
  },
  {
    id: 'direct-federated-identity',
    name: 'Federated_Identity_Test',
    source: 'Logic-App validation',
    required: false,
    sentence: "An Entra token exchanged through a federated flow for the ISV's token (skipped when not configured).",
    requests: [],
    async run() {
      throw new NotApplicable(
        'scimsim check calls with the static bearer token given (--token); federated credentials are not modelled',
      );
    },
  },
];
