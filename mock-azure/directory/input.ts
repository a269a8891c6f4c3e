/** Checking what callers hand the directory, and building its frozen records. */
import { DirectoryError, type DirectoryUser } from './types.ts';

export const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'mail',
  'givenName',
  'surname',
  'displayName',
  'mailNickname',
  'jobTitle',
  'department',
  'employeeId',
  'telephoneNumber',
  'mobilePhone',
  'accountEnabled',
  'createdDateTime',
  'deletedDateTime',
  // The user's manager, a reference set by setManager (Graph: PUT /users/{id}/manager/$ref), never edited as text.
  'managerId',
] as const;
export const EDITABLE_STRINGS = new Set<string>([
  'userPrincipalName',
  'mail',
  'givenName',
  'surname',
  'displayName',
  'mailNickname',
  'jobTitle',
  'department',
  'employeeId',
  'telephoneNumber',
  'mobilePhone',
]);
export const REQUIRED_STRINGS = ['userPrincipalName', 'displayName', 'mailNickname'] as const;
export const READ_ONLY = new Set(['id', 'createdDateTime', 'deletedDateTime']);

export function checkUpn(value: unknown, field = 'userPrincipalName'): string {
  if (typeof value !== 'string' || value === '') throw new DirectoryError('invalid', `${field} is required`);
  const at = value.indexOf('@');
  if (/\s/.test(value) || at <= 0 || at !== value.lastIndexOf('@') || at === value.length - 1) {
    const shown = field === 'domain' ? value.slice(value.indexOf('@') + 1) : value;
    throw new DirectoryError(
      'invalid',
      field === 'domain'
        ? `domain "${shown}" must be a domain name such as contoso.com (no "@", no spaces)`
        : `userPrincipalName "${value}" must look like alias@domain: one "@" with text on both sides and no spaces`,
    );
  }
  return value;
}

export function checkUserFields(fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'accountEnabled') {
      if (value !== undefined && typeof value !== 'boolean')
        throw new DirectoryError('invalid', 'accountEnabled must be true or false');
    } else if (!EDITABLE_STRINGS.has(key)) {
      throw new DirectoryError('invalid', `unknown user attribute "${key}"`);
    } else if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new DirectoryError('invalid', `${key} must be a non-empty string`);
    }
  }
}

export function checkGroupFields(fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'securityEnabled' || key === 'mailEnabled') {
      if (value !== undefined && typeof value !== 'boolean')
        throw new DirectoryError('invalid', `${key} must be true or false`);
    } else if (key === 'displayName' || key === 'description') {
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
        throw new DirectoryError('invalid', `${key} must be a non-empty string`);
      }
    } else if (key !== 'id') {
      throw new DirectoryError('invalid', `unknown group attribute "${key}"`);
    }
  }
}

// One fixed property order for every record: identical shapes keep V8's objects small and fast, and
// dropping undefined keeps `toEqual` and JSON free of empty keys.
export function freezeUser(source: Partial<Record<(typeof USER_FIELDS)[number], unknown>>): DirectoryUser {
  const user: Record<string, unknown> = {};
  for (const key of USER_FIELDS) if (source[key] !== undefined) user[key] = source[key];
  return Object.freeze(user) as unknown as DirectoryUser;
}

/** "adele.vance" -> "Adele Vance": what an admin would type when only the UPN is given. */
export function displayNameFromAlias(alias: string): string {
  const words = alias.split(/[._-]+/).filter((word) => word !== '');
  return words.length === 0 ? alias : words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(' ');
}
