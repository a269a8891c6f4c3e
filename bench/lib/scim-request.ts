/** What every SCIM benchmark sends: the virtual start, the token, the headers and Entra's create body. */

// The scenarios' default start (scenario/load.ts), written out: importing the loader would put the scenario
// schema and its libraries on the heap the heap item measures (5 MB).
export const START = '2026-01-05T09:00:00Z';
export const TOKEN = 'bench-scim-token';
export const ADMIN_TOKEN = 'bench-admin-token';
export const SCIM_HEADERS = {
  Authorization: `Bearer ${TOKEN}`,
  Accept: 'application/scim+json',
  'Content-Type': 'application/scim+json',
};

/** The body Entra's engine sends for a new user (mock-azure/provisioning/execute.ts). */
export const createBody = (userName: string) =>
  JSON.stringify({
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    userName,
    externalId: userName.slice(0, userName.indexOf('@')),
    active: true,
    meta: { resourceType: 'User' },
    roles: [],
  });
