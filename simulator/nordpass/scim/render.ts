/** Turning stored members and groups into SCIM resources, and SCIM resources back into stored attributes. */
import { formatInstant } from '../../time.ts';
import type { GroupRecord, Member } from '../model.ts';
import { isSoftDeleted } from '../model.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schemas.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The member as SCIM shows it: soft-deleted members are still returned, with active false. */
export function renderUser(member: Member, baseUrl: string): Record<string, unknown> {
  const schemas = member.attributes[ENTERPRISE_USER_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA];
  const user: Record<string, unknown> = { schemas, id: member.id };
  copyAttributes(member.attributes, user);
  user.active = !isSoftDeleted(member);
  user.meta = {
    resourceType: 'User',
    created: formatInstant(member.createdAt),
    lastModified: formatInstant(member.updatedAt),
    version: etag(member.version),
    location: `${baseUrl}/Users/${member.id}`,
  };
  return user;
}

// Every answer renders its members: a loop copies in a third of the time of a spread inside an object literal.
// Stored attributes never hold "__proto__" (normalisation refuses it); it is skipped so an assignment cannot reach a prototype.
function copyAttributes(from: Record<string, unknown>, to: Record<string, unknown>): void {
  for (const key in from) if (key !== '__proto__' && Object.hasOwn(from, key)) to[key] = from[key];
}

export function renderGroup(group: GroupRecord, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...group.attributes,
    meta: {
      resourceType: 'Group',
      created: formatInstant(group.createdAt),
      lastModified: formatInstant(group.updatedAt),
      version: etag(group.version),
      location: `${baseUrl}/Groups/${group.id}`,
    },
  };
}

export const etag = (version: number) => `W/"${version}"`;

/** The attributes to store from a normalised resource: everything but what the server owns. */
export function storedAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const key in resource) {
    if (
      key !== 'schemas' &&
      key !== 'id' &&
      key !== 'meta' &&
      key !== 'active' &&
      key !== '__proto__' &&
      Object.hasOwn(resource, key)
    ) {
      stored[key] = resource[key];
    }
  }
  return stored;
}

export function listResponse(resources: unknown[], totalResults: number, startIndex: number): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
