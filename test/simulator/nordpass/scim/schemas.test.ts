import { describe, expect, it } from 'vitest';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  lookupAttribute,
  SCHEMAS,
  schemasFor,
  USER_SCHEMA,
  type AttributeDef,
} from '../../../../simulator/nordpass/scim/schemas.ts';

const names = (defs: AttributeDef[] | undefined) => (defs ?? []).map((d) => d.name);

describe('SCHEMAS (the /Schemas representation)', () => {
  it('holds the core User, the enterprise extension and Group under their URNs', () => {
    expect(Object.keys(SCHEMAS).sort()).toEqual([ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA].sort());
    expect(USER_SCHEMA).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(ENTERPRISE_USER_SCHEMA).toBe('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(GROUP_SCHEMA).toBe('urn:ietf:params:scim:schemas:core:2.0:Group');
    for (const [urn, schema] of Object.entries(SCHEMAS)) expect(schema.id).toBe(urn);
  });

  it('lists every RFC 7643 §4.1 User attribute', () => {
    expect(names(SCHEMAS[USER_SCHEMA]!.attributes)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
    expect(names(SCHEMAS[ENTERPRISE_USER_SCHEMA]!.attributes)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
    expect(names(SCHEMAS[GROUP_SCHEMA]!.attributes)).toEqual(['displayName', 'members']);
  });

  it('gives every attribute, recursively, all RFC 7643 §7 characteristics', () => {
    const check = (def: AttributeDef) => {
      expect(typeof def.description).toBe('string');
      expect(typeof def.multiValued).toBe('boolean');
      expect(typeof def.required).toBe('boolean');
      expect(typeof def.caseExact).toBe('boolean');
      expect(['readOnly', 'readWrite', 'immutable', 'writeOnly']).toContain(def.mutability);
      expect(['always', 'never', 'default', 'request']).toContain(def.returned);
      expect(['none', 'server', 'global']).toContain(def.uniqueness);
      if (def.type === 'complex') expect(def.subAttributes?.length).toBeGreaterThan(0);
      else expect(def.subAttributes).toBeUndefined();
      if (def.type === 'reference') expect(def.referenceTypes?.length).toBeGreaterThan(0);
      def.subAttributes?.forEach(check);
    };
    for (const schema of Object.values(SCHEMAS)) schema.attributes.forEach(check);
    COMMON_ATTRIBUTES.forEach(check);
    expect(JSON.parse(JSON.stringify(SCHEMAS))).toEqual(SCHEMAS); // plain JSON, ready to serve
  });

  it('marks the characteristics the server relies on', () => {
    const user = (p: Parameters<typeof lookupAttribute>[1]) => lookupAttribute('User', p)!;
    expect(user({ attribute: 'userName' })).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' });
    expect(user({ attribute: 'id' })).toMatchObject({ caseExact: true, mutability: 'readOnly', returned: 'always' });
    expect(user({ attribute: 'externalId' })).toMatchObject({ caseExact: true, mutability: 'readWrite' });
    expect(user({ attribute: 'groups' })).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(user({ attribute: 'password' })).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(user({ attribute: 'active' }).type).toBe('boolean');
    expect(user({ attribute: 'meta', subAttribute: 'created' }).type).toBe('dateTime');
    expect(user({ attribute: 'emails', subAttribute: 'type' }).canonicalValues).toEqual(['work', 'home', 'other']);
    expect(lookupAttribute('Group', { attribute: 'displayName' })!.required).toBe(true);
    expect(lookupAttribute('Group', { attribute: 'members', subAttribute: '$ref' })!.referenceTypes).toEqual([
      'User',
      'Group',
    ]);
  });
});

describe('schemasFor', () => {
  it('pairs each resource type with its core schema and extensions', () => {
    expect(schemasFor('User').core.id).toBe(USER_SCHEMA);
    expect(schemasFor('User').extensions.map((s) => s.id)).toEqual([ENTERPRISE_USER_SCHEMA]);
    expect(schemasFor('Group').core.id).toBe(GROUP_SCHEMA);
    expect(schemasFor('Group').extensions).toEqual([]);
  });
});

describe('lookupAttribute', () => {
  it.each<['User' | 'Group', Parameters<typeof lookupAttribute>[1], string | undefined]>([
    ['User', { attribute: 'USERNAME' }, 'userName'],
    ['User', { attribute: 'name', subAttribute: 'FAMILYNAME' }, 'familyName'],
    ['User', { attribute: 'emails', subAttribute: 'Primary' }, 'primary'],
    ['User', { schema: USER_SCHEMA, attribute: 'userName' }, 'userName'],
    ['User', { schema: USER_SCHEMA.toUpperCase(), attribute: 'id' }, 'id'],
    ['User', { schema: ENTERPRISE_USER_SCHEMA, attribute: 'Department' }, 'department'],
    ['User', { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: 'value' }, 'value'],
    ['User', { attribute: ENTERPRISE_USER_SCHEMA }, ENTERPRISE_USER_SCHEMA],
    ['User', { attribute: 'manager' }, 'manager'], // lenient bare extension name
    ['User', { schema: ENTERPRISE_USER_SCHEMA, attribute: 'userName' }, undefined],
    ['User', { schema: GROUP_SCHEMA, attribute: 'displayName' }, undefined],
    ['User', { schema: 'urn:example:x', attribute: 'userName' }, undefined],
    ['User', { attribute: 'members' }, undefined],
    ['User', { attribute: 'name', subAttribute: 'nope' }, undefined],
    ['User', { attribute: 'constructor' }, undefined],
    ['User', { attribute: '__proto__' }, undefined],
    ['User', { attribute: 'name', subAttribute: 'constructor' }, undefined],
    ['Group', { attribute: 'members', subAttribute: 'VALUE' }, 'value'],
    ['Group', { attribute: 'externalId' }, 'externalId'],
    ['Group', { attribute: 'userName' }, undefined],
    ['Group', { attribute: ENTERPRISE_USER_SCHEMA }, undefined],
  ])('%s %j -> %s', (type, path, expected) => {
    expect(lookupAttribute(type, path)?.name).toBe(expected);
  });

  it('presents an extension as a complex attribute over its attributes', () => {
    const ext = lookupAttribute('User', { attribute: ENTERPRISE_USER_SCHEMA })!;
    expect(ext.type).toBe('complex');
    expect(names(ext.subAttributes)).toContain('employeeNumber');
  });
});
