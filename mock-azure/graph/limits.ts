/**
 * Graph's own limits on the properties this face writes: longer values are refused with 400, as Graph does
 * (learn.microsoft.com: user and group resource types; displayName "Maximum length is 256 characters",
 * mailNickname "Maximum length is 64 characters").
 */
import { badRequest } from './errors.ts';

export const MAX_LENGTH: Readonly<Record<string, number>> = { displayName: 256, mailNickname: 64 };

/** Refuses a string property longer than Graph allows, in Graph's words. */
export function checkLength(resource: 'User' | 'Group', key: string, value: unknown): void {
  const max = MAX_LENGTH[key];
  if (max !== undefined && typeof value === 'string' && value.length > max)
    throw badRequest(
      `Invalid value specified for property '${key}' of resource '${resource}': at most ${max} characters.`,
    );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The object id in an `@odata.id` reference: an absolute URL whose last segment is the id (or the key form
 * `directoryObjects('{id}')`). Not a URL, bad percent-encoding, no id, or an id that is not a GUID: 400.
 */
export function idFromReference(ref: unknown): string {
  const hint = 'Send {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}.';
  if (typeof ref !== 'string' || ref.trim() === '') throw badRequest(`The @odata.id is missing. ${hint}`);
  let url: URL;
  try {
    url = new URL(ref.trim());
  } catch {
    throw badRequest(`The @odata.id "${ref}" is not a URL. ${hint}`);
  }
  const last = url.pathname.replace(/\/+$/, '').split('/').at(-1) ?? '';
  const keyed = /\('?([^')]+)'?\)$/.exec(last);
  let id: string;
  try {
    id = decodeURIComponent(keyed ? keyed[1]! : last);
  } catch {
    throw badRequest(`The @odata.id "${ref}" is not a valid URL (bad percent-encoding). ${hint}`);
  }
  if (!GUID.test(id)) throw badRequest(`The @odata.id "${ref}" does not end in an object id (a GUID). ${hint}`);
  return id;
}
