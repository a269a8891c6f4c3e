/**
 * Attribute mappings: which directory attribute feeds which SCIM attribute. NordPass's gallery app maps three
 * (research/nordpass.md); the non-gallery "create your own application" template maps the full set.
 */
import type { DirectoryUser } from '../directory/directory.ts';

export interface AttributeMapping {
  /** A directory user attribute, or `IsSoftDeleted` for `active`. */
  source: keyof DirectoryUser | 'IsSoftDeleted';
  /** The SCIM target path. */
  target: string;
  /** Matching attributes are queried (in precedence order) before a create. */
  matchingPrecedence?: number;
  /** "Apply this mapping": always, or only during creation. */
  apply?: 'always' | 'creation';
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The NordPass gallery app's defaults: userName (matching), active, externalId. */
export const NORDPASS_MAPPINGS: AttributeMapping[] = [
  { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
  { source: 'IsSoftDeleted', target: 'active' },
  { source: 'mailNickname', target: 'externalId' },
];

/** The non-gallery SCIM template (research/entra.md §3.3), for the "full set" option. */
export const NON_GALLERY_MAPPINGS: AttributeMapping[] = [
  { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
  { source: 'IsSoftDeleted', target: 'active' },
  { source: 'displayName', target: 'displayName' },
  { source: 'jobTitle', target: 'title' },
  { source: 'mail', target: 'emails[type eq "work"].value' },
  { source: 'mailNickname', target: 'externalId' },
  { source: 'givenName', target: 'name.givenName' },
  { source: 'surname', target: 'name.familyName' },
  { source: 'telephoneNumber', target: 'phoneNumbers[type eq "work"].value' },
  { source: 'mobilePhone', target: 'phoneNumbers[type eq "mobile"].value' },
  { source: 'department', target: `${ENTERPRISE}:department` },
  { source: 'employeeId', target: `${ENTERPRISE}:employeeNumber` },
];

/** The directory attributes a mapping can read: those the presets map (and `IsSoftDeleted`, for `active`). */
export const SOURCE_ATTRIBUTES: ReadonlySet<AttributeMapping['source']> = new Set(
  [...NORDPASS_MAPPINGS, ...NON_GALLERY_MAPPINGS].map((m) => m.source),
);

export type MappingPreset = 'nordpass' | 'nonGallery';

export const MAPPING_PRESETS: Record<MappingPreset, AttributeMapping[]> = {
  nordpass: NORDPASS_MAPPINGS,
  nonGallery: NON_GALLERY_MAPPINGS,
};

/** The matching mappings, first in precedence first. */
export function matchingMappings(mappings: readonly AttributeMapping[]): AttributeMapping[] {
  return mappings
    .filter((m) => m.matchingPrecedence !== undefined)
    .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!);
}

/**
 * The target values a user should have, `active` excluded (it comes from scope). Null and empty source values
 * are left out: Entra does not provision nulls, nor clear values (research/entra.md §3.3, §4).
 */
export function desiredValues(
  user: DirectoryUser,
  mappings: readonly AttributeMapping[],
  phase: 'create' | 'update',
): Map<string, string> {
  const values = new Map<string, string>();
  for (const m of mappings) {
    if (m.source === 'IsSoftDeleted') continue;
    if (phase === 'update' && m.apply === 'creation') continue;
    const value = user[m.source];
    if (value === undefined || value === null || value === '') continue;
    values.set(m.target, String(value));
  }
  return values;
}
