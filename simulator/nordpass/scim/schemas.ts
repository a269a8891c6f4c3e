/**
 * RFC 7643 schema definitions as data, in the §7 / §8.7.1 representation that `GET /Schemas` returns,
 * plus the case-insensitive attribute lookup that filter, patch, projection and normalisation share.
 */

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export type ResourceType = 'User' | 'Group';

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeDef[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

type AttrOptions = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

// The RFC's defaults (§7: required false, caseExact false, readWrite, returned default, uniqueness none),
// so each definition below only states where it differs.
function attr(name: string, type: AttributeType, description: string, options: AttrOptions = {}): AttributeDef {
  const def: AttributeDef = {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
  // A reference type always names what it points at; RFC examples list it on every reference.
  if (type === 'reference' && !def.referenceTypes) def.referenceTypes = ['external'];
  return def;
}

const complex = (name: string, description: string, subAttributes: AttributeDef[], options: AttrOptions = {}) =>
  attr(name, 'complex', description, { subAttributes, ...options });

/** The value/display/type/primary shape RFC 7643 §2.4 gives most multi-valued attributes. */
function multiValue(
  name: string,
  description: string,
  types: string[],
  valueType: AttributeType = 'string',
): AttributeDef {
  return complex(
    name,
    description,
    [
      attr('value', valueType, `The value of the ${name} entry.`),
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      attr(
        'type',
        'string',
        'A label indicating the function of the entry.',
        types.length ? { canonicalValues: types } : {},
      ),
      attr('primary', 'boolean', 'Whether this is the primary or preferred entry; at most one may be true.'),
    ],
    { multiValued: true },
  );
}

/** Attributes every resource carries (RFC 7643 §3.1); not part of any schema's attribute list in /Schemas. */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'Identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  attr('schemas', 'reference', 'The schema URIs the resource conforms to.', {
    multiValued: true,
    caseExact: true,
    returned: 'always',
    referenceTypes: ['uri'],
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attr('resourceType', 'string', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attr('version', 'string', 'The version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User, used to authenticate.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The components of the user's real name.", [
      attr('formatted', 'string', 'The full name, formatted for display.'),
      attr('familyName', 'string', 'The family name (last name).'),
      attr('givenName', 'string', 'The given name (first name).'),
      attr('middleName', 'string', 'The middle name(s).'),
      attr('honorificPrefix', 'string', 'The honorific prefix(es), e.g. "Ms.".'),
      attr('honorificSuffix', 'string', 'The honorific suffix(es), e.g. "III".'),
    ]),
    attr('displayName', 'string', 'The name of the User, suitable for display.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A URI pointing to the user's online profile."),
    attr('title', 'string', 'The user\'s title, such as "Vice President".'),
    attr('userType', 'string', 'The relationship between the organization and the user.'),
    attr('preferredLanguage', 'string', "The user's preferred written or spoken language."),
    attr('locale', 'string', "The user's default location for localization."),
    attr('timezone', 'string', "The user's time zone in IANA format."),
    attr('active', 'boolean', "The user's administrative status."),
    attr('password', 'string', "The user's cleartext password; never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValue('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValue('phoneNumbers', 'Phone numbers for the user.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValue('ims', 'Instant messaging addresses for the user.', [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValue('photos', 'URLs of photos of the user.', ['photo', 'thumbnail'], 'reference'),
    complex(
      'addresses',
      'Physical mailing addresses for this user.',
      [
        attr('formatted', 'string', 'The full mailing address, formatted for display.'),
        attr('streetAddress', 'string', 'The full street address component.'),
        attr('locality', 'string', 'The city or locality component.'),
        attr('region', 'string', 'The state or region component.'),
        attr('postalCode', 'string', 'The zip code or postal code component.'),
        attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        attr('type', 'string', 'A label indicating the function of the address.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('primary', 'boolean', 'Whether this is the primary address.'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'The groups the user belongs to, maintained by the service provider.',
      [
        attr('value', 'string', 'The identifier of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', {
          mutability: 'readOnly',
          caseExact: true,
          referenceTypes: ['User', 'Group'],
        }),
        attr('display', 'string', 'A human-readable name for the group.', { mutability: 'readOnly' }),
        attr('type', 'string', 'Direct or indirect membership.', {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValue('entitlements', 'A list of entitlements for the user.', []),
    multiValue('roles', 'A list of roles for the user.', []),
    multiValue('x509Certificates', 'A list of certificates issued to the user.', [], 'binary'),
  ],
};

const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person.'),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    complex('manager', "The user's manager.", [
      attr('value', 'string', 'The id of the SCIM resource representing the manager.'),
      attr('$ref', 'reference', 'The URI of the manager resource.', { caseExact: true, referenceTypes: ['User'] }),
      attr('displayName', 'string', "The manager's displayName.", { mutability: 'readOnly' }),
    ]),
  ],
};

const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // fidelity: RFC 7643 §8.7.1 marks displayName optional; the server requires it, so discovery says so.
    attr('displayName', 'string', 'A human-readable name for the Group.', { required: true }),
    complex(
      'members',
      'A list of members of the Group.',
      [
        // fidelity: RFC 7643 §8.7.1 leaves members.value optional; a member without an id means nothing here.
        attr('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable', required: true }),
        attr('$ref', 'reference', 'The URI of the member resource.', {
          caseExact: true,
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attr('display', 'string', 'A human-readable name for the member.'),
        attr('type', 'string', 'The type of the member.', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
      { multiValued: true },
    ),
  ],
};

export const SCHEMAS: Record<string, SchemaDef> = {
  [USER_SCHEMA]: userSchema,
  [ENTERPRISE_USER_SCHEMA]: enterpriseUserSchema,
  [GROUP_SCHEMA]: groupSchema,
};

const RESOURCE_SCHEMAS: Record<ResourceType, { core: SchemaDef; extensions: SchemaDef[] }> = {
  User: { core: userSchema, extensions: [enterpriseUserSchema] },
  Group: { core: groupSchema, extensions: [] },
};

/** The core schema of a resource type and the extensions it may carry (the /ResourceTypes view). */
export function schemasFor(type: ResourceType): { core: SchemaDef; extensions: SchemaDef[] } {
  return RESOURCE_SCHEMAS[type];
}

// Lookups run several times per attribute of every request: by lower-cased name in Maps built once, where a
// scan lower-casing each candidate was a third of a PATCH's own work. Maps, not plain objects: `constructor` must miss.
const SCHEMAS_BY_URN = new Map(Object.values(SCHEMAS).map((s) => [s.id.toLowerCase(), s]));
const EXTENSIONS_BY_URN: Record<ResourceType, Map<string, SchemaDef>> = {
  User: new Map(RESOURCE_SCHEMAS.User.extensions.map((s) => [s.id.toLowerCase(), s])),
  Group: new Map(RESOURCE_SCHEMAS.Group.extensions.map((s) => [s.id.toLowerCase(), s])),
};
// Keyed by the definition list itself: the schema data is built once above and never changed.
const ATTRIBUTES_BY_NAME = new WeakMap<readonly AttributeDef[], Map<string, AttributeDef>>();
const EXTENSION_ATTRIBUTES = new WeakMap<SchemaDef, AttributeDef>();

/** A known schema by its URN, compared case-insensitively (URNs are case-insensitive per RFC 8141). */
export function findSchema(urn: string): SchemaDef | undefined {
  return SCHEMAS_BY_URN.get(urn.toLowerCase());
}

/** An extension of this resource type, by URN; extensions live under their URN key in the resource. */
export function findExtension(type: ResourceType, urn: string): SchemaDef | undefined {
  return EXTENSIONS_BY_URN[type].get(urn.toLowerCase());
}

/** Case-insensitive find in a list of definitions (the first of a name wins, as a scan would find it). */
export function findAttribute(defs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (!defs) return undefined;
  let byName = ATTRIBUTES_BY_NAME.get(defs);
  if (!byName) {
    byName = new Map();
    for (const d of defs) if (!byName.has(d.name.toLowerCase())) byName.set(d.name.toLowerCase(), d);
    ATTRIBUTES_BY_NAME.set(defs, byName);
  }
  return byName.get(name.toLowerCase());
}

/** An extension schema seen as one complex attribute of the resource, keyed by its URN (one object per extension). */
export function extensionAsAttribute(ext: SchemaDef): AttributeDef {
  let def = EXTENSION_ATTRIBUTES.get(ext);
  if (!def) {
    def = attr(ext.id, 'complex', ext.description, { subAttributes: ext.attributes });
    EXTENSION_ATTRIBUTES.set(ext, def);
  }
  return def;
}

/**
 * The definition a path names, or undefined. Names are case-insensitive; a schema-qualified path resolves in
 * that schema; a bare extension URN resolves to the extension as a complex attribute.
 * fidelity: a bare name that is not core (e.g. `manager`, as in an older Entra sample) falls back to the
 * extensions, which RFC 7644 §3.10 does not promise.
 */
export function lookupAttribute(
  type: ResourceType,
  path: { schema?: string; attribute: string; subAttribute?: string },
): AttributeDef | undefined {
  const top = lookupTop(type, path.schema, path.attribute);
  if (!top || path.subAttribute === undefined) return top;
  return findAttribute(top.subAttributes, path.subAttribute);
}

/**
 * The extension whose object holds the attribute `def` that `path` names, or undefined when it sits on the
 * resource itself (core attributes, and an extension URN naming its own container).
 */
export function holdingExtension(
  type: ResourceType,
  path: { schema?: string; attribute: string },
  def: AttributeDef,
): SchemaDef | undefined {
  const owner = owningSchema(type, path);
  return owner && !findExtension(type, def.name) ? findExtension(type, owner) : undefined;
}

/** The schema an attribute lives in: the core URN or an extension URN (where its value is stored). */
export function owningSchema(type: ResourceType, path: { schema?: string; attribute: string }): string | undefined {
  const { core, extensions } = schemasFor(type);
  if (path.schema !== undefined) {
    const s = findSchema(path.schema);
    if (!s) return undefined;
    if (s === core) return core.id;
    return extensions.includes(s) ? s.id : undefined;
  }
  if (findExtension(type, path.attribute)) return undefined; // the container itself
  if (findAttribute(COMMON_ATTRIBUTES, path.attribute) || findAttribute(core.attributes, path.attribute))
    return core.id;
  return extensions.find((e) => findAttribute(e.attributes, path.attribute))?.id;
}

function lookupTop(type: ResourceType, schema: string | undefined, name: string): AttributeDef | undefined {
  const { core, extensions } = schemasFor(type);
  if (schema !== undefined) {
    const s = findSchema(schema);
    if (s === core) return findAttribute(COMMON_ATTRIBUTES, name) ?? findAttribute(core.attributes, name);
    if (s && extensions.includes(s)) return findAttribute(s.attributes, name);
    return undefined;
  }
  const ext = findExtension(type, name);
  if (ext) return extensionAsAttribute(ext);
  return (
    findAttribute(COMMON_ATTRIBUTES, name) ??
    findAttribute(core.attributes, name) ??
    extensions.map((e) => findAttribute(e.attributes, name)).find((d) => d !== undefined)
  );
}
