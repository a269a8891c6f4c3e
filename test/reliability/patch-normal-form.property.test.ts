/**
 * Property-based (fast-check): a PATCH result is already in the form normalizeResource gives a stored user.
 * The /Users PATCH route relies on it: it stores applyPatch's result after checking only the required userName,
 * instead of normalising the whole resource a second time. Random users (as stored after a POST) get random
 * sequences of operations in every dialect the route accepts: paths with and without value filters, sub-attributes,
 * the enterprise extension by URN, path-less values with dotted and URN keys, Entra's "False" strings, nulls,
 * empty strings and objects. Whenever applyPatch accepts the operations, normalising its result must change
 * nothing that is stored (same keys, same values, same order) and must refuse only what assertRequiredName refuses.
 *
 * SCIMSIM_PROPERTY_RUNS sets the number of runs (npm test: 1,000; npm run test:long: 100,000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../simulator/nordpass/scim/errors.ts';
import { applyPatch, PATCH_OP_SCHEMA } from '../../simulator/nordpass/scim/patch.ts';
import { storedAttributes } from '../../simulator/nordpass/scim/render.ts';
import { assertRequiredName, normalizeResource } from '../../simulator/nordpass/scim/resource.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../simulator/nordpass/scim/schemas.ts';

const RUNS = Number(process.env.SCIMSIM_PROPERTY_RUNS ?? 1_000);
const EXT = ENTERPRISE_USER_SCHEMA;

const text = fc.constantFrom('a', 'Ada', 'ada@contoso.com', 'Sales', ' ', 'x y', 'ÄÖ');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const email = fc.record(
  { value: text, type: maybe(fc.constantFrom('work', 'home', 'other')), primary: maybe(fc.boolean()) },
  { requiredKeys: ['value'] },
);

/** A POST body as Entra, Okta or the Microsoft collection sends one; normalised, it is what NordPass stores. */
const userBody = fc.record(
  {
    userName: fc.constantFrom('ada@contoso.com', 'bob@contoso.com'),
    externalId: maybe(text),
    displayName: maybe(text),
    title: maybe(text),
    active: maybe(fc.constantFrom(true, false, 'True', 'False')),
    name: maybe(fc.record({ givenName: maybe(text), familyName: maybe(text), formatted: maybe(text) })),
    emails: maybe(fc.array(email, { maxLength: 3 })),
    phoneNumbers: maybe(
      fc.array(
        fc.record({ value: text, type: maybe(fc.constantFrom('work', 'mobile')) }, { requiredKeys: ['value'] }),
        { maxLength: 2 },
      ),
    ),
    roles: maybe(fc.constant([])),
    [EXT]: maybe(
      fc.record({ department: maybe(text), employeeNumber: maybe(text), manager: maybe(fc.record({ value: text })) }),
    ),
  },
  { requiredKeys: ['userName'] },
);

const stringValue = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom(null, '') });
const nameValue = fc.record({ givenName: maybe(text), familyName: maybe(fc.constantFrom(null, 'Smith')) });
/** Paths with values of their type (most operations), so that applyPatch accepts most sequences. */
const typed = [
  ...[
    'userName',
    'displayName',
    'title',
    'externalId',
    'nickName',
    'preferredLanguage',
    'name.givenName',
    'name.familyName',
    'emails.value',
    'emails[type eq "work"].value',
    'emails[type eq "work" and primary eq true].value',
    'phoneNumbers[type eq "mobile"].value',
    'addresses[type eq "work"].locality',
    `${EXT}:department`,
    `${EXT}:manager.value`,
    'DisplayName',
    'NAME.GIVENNAME',
  ].map((path) => fc.record({ path: fc.constant(path), value: stringValue })),
  fc.record({ path: fc.constant('active'), value: fc.constantFrom(true, false, 'True', 'False', 'false') }),
  fc.record({ path: fc.constant('name'), value: nameValue }),
  fc.record({
    path: fc.constantFrom('emails', 'emails[type eq "home"]', 'emails[value eq "a"]'),
    value: fc.oneof(email, fc.array(email, { maxLength: 2 })),
  }),
  fc.record({ path: fc.constant('phoneNumbers'), value: fc.array(fc.record({ value: text }), { maxLength: 2 }) }),
  fc.record({
    path: fc.constant('roles'),
    value: fc.oneof(fc.constant([]), fc.array(fc.record({ value: text }), { maxLength: 2 })),
  }),
  fc.record({
    path: fc.constant(`${EXT}:manager`),
    value: fc.oneof(fc.record({ value: text }), text, fc.constant('')),
  }),
  fc.record({ path: fc.constant(EXT), value: fc.record({ department: maybe(text), employeeNumber: maybe(text) }) }),
];
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.constantFrom(null, '', true, 'False'),
  email,
  fc.array(email, { maxLength: 2 }),
  nameValue,
);
const withPath = fc
  .tuple(
    fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove'),
    fc.oneof(
      { weight: 6, arbitrary: fc.oneof(...typed) },
      {
        weight: 1,
        arbitrary: fc.record({ path: fc.constantFrom('userName', 'name', 'emails', 'active', EXT), value: anyValue }),
      },
    ),
  )
  .map(([op, { path, value }]) => ({ op, path, value }));
const pathless = fc.record({
  op: fc.constantFrom('add', 'replace', 'Replace'),
  value: fc.dictionary(
    fc.constantFrom(
      'displayName',
      'name.givenName',
      'emails[type eq "work"].value',
      `${EXT}:department`,
      'title',
      'userName',
    ),
    stringValue,
    { maxKeys: 3 },
  ),
});
const operations = fc.array(fc.oneof({ weight: 3, arbitrary: withPath }, { weight: 1, arbitrary: pathless }), {
  minLength: 1,
  maxLength: 5,
});

/** A stored member as the route renders it before patching. */
function rendered(body: Record<string, unknown>): Record<string, unknown> | undefined {
  let stored: Record<string, unknown>;
  try {
    stored = normalizeResource({ schemas: [USER_SCHEMA, EXT], ...body }, 'User');
  } catch (error) {
    if (error instanceof ScimError) return undefined; // a body the POST would refuse: not a stored member
    throw error;
  }
  const { schemas, active, ...attributes } = stored;
  return {
    schemas,
    id: 'u-1',
    ...attributes,
    active: active !== false,
    meta: { resourceType: 'User', version: 'W/"1"' },
  };
}

const refusal = (f: () => unknown): ScimError | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
};

describe('a PATCH result needs no second normalisation', () => {
  it(`normalising applyPatch's result changes nothing stored, and refuses only a missing userName (${RUNS} runs)`, () => {
    let checked = 0;
    let refusedName = 0;
    fc.assert(
      fc.property(userBody, operations, (body, ops) => {
        const user = rendered(body);
        if (!user) return;
        let patched: Record<string, unknown>;
        try {
          patched = applyPatch(user, { schemas: [PATCH_OP_SCHEMA], Operations: ops }, 'User').resource;
        } catch (error) {
          if (error instanceof ScimError) return; // refused before anything is stored
          throw error;
        }
        checked++;
        let normalized: Record<string, unknown> | undefined;
        const normalizeRefusal = refusal(() => (normalized = normalizeResource(patched, 'User')));
        const nameRefusal = refusal(() => assertRequiredName(patched, 'User'));
        expect(nameRefusal?.detail).toBe(normalizeRefusal?.detail);
        if (normalizeRefusal) {
          refusedName++;
          return;
        }
        expect(JSON.stringify(storedAttributes(patched))).toBe(JSON.stringify(storedAttributes(normalized!)));
        expect(patched.active).toBe(normalized!.active);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach both outcomes, or the property says little.
    expect(checked).toBeGreaterThan(RUNS / 4);
    expect(refusedName).toBeGreaterThan(0);
  });
});
