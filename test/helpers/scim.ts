/** Shared by the SCIM module tests: catching a ScimError, and reading the real IdP request fixtures. */
import { readFileSync } from 'node:fs';
import { ScimError } from '../../simulator/nordpass/scim/errors.ts';

/** The ScimError `fn` throws; fails the test when it throws nothing or something else. */
export function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

export interface IdpFixture {
  request: Record<string, any>;
  response: Record<string, any>;
  method: string;
  path: string;
  statusCode: number;
}

/** A fixture of test/fixtures/elimity-idp-fixtures, e.g. `azuread/update_user.json`. */
export function idpFixture(name: string): IdpFixture {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/elimity-idp-fixtures/${name}`, import.meta.url), 'utf8'),
  ) as IdpFixture;
}
