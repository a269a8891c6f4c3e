/** The SCIM 2.0 face of NordPass, mounted at /scim/v2: auth, routes, 405s and error rendering. */
import { Hono, type Context } from 'hono';
import type { Credentials } from '../credentials.ts';
import { bearerToken } from '../credentials.ts';
import type { ScimDeps } from './deps.ts';
import { discoveryRoutes } from './discovery.ts';
import { ScimError, toScimError } from './errors.ts';
import { groupsRoutes } from './groups.ts';
import { scimJson } from './http.ts';
import { usersRoutes } from './users.ts';

/** Canonical names of the resource segment; clients (the Microsoft collection) send `users`, Entra sends `Users`. */
export const SCIM_SEGMENTS = [
  'Users',
  'Groups',
  'ServiceProviderConfig',
  'serviceConfiguration',
  'Schemas',
  'ResourceTypes',
];

const ALLOWED: Array<[string, string]> = [
  ['/Users', 'GET, POST'],
  ['/Users/:id', 'GET, PUT, PATCH, DELETE'],
  ['/Groups', 'GET, POST'],
  ['/Groups/:id', 'GET, PUT, PATCH, DELETE'],
  ['/ServiceProviderConfig', 'GET'],
  ['/serviceConfiguration', 'GET'],
  ['/Schemas', 'GET'],
  ['/Schemas/:id', 'GET'],
  ['/ResourceTypes', 'GET'],
  ['/ResourceTypes/:id', 'GET'],
];

export function scimRoutes(deps: ScimDeps, credentials: Credentials): Hono {
  const scim = new Hono();

  scim.use('*', async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !credentials.verify(token)) {
      const detail =
        token === undefined
          ? 'missing or malformed Authorization header: send Authorization: Bearer <Secret Token>'
          : 'the bearer token is not valid (it may have been regenerated in the Admin Panel)';
      throw new ScimError(401, undefined, detail, { 'WWW-Authenticate': 'Bearer realm="NordPass SCIM"' });
    }
    await next();
  });

  scim.route('/Users', usersRoutes(deps));
  scim.route('/Groups', groupsRoutes(deps));
  scim.route('/', discoveryRoutes(deps));
  for (const [path, allow] of ALLOWED) {
    scim.all(path, (c) => {
      throw new ScimError(405, undefined, `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`, {
        Allow: allow,
      });
    });
  }
  // A sub-app's notFound is not used once mounted, so the catch-all is a route.
  scim.all('*', (c) => {
    throw new ScimError(404, undefined, `no SCIM endpoint at ${c.req.path}`);
  });
  return scim;
}

/** Every failure as an RFC 7644 error body; an unexpected one is a 500 that shows no internals. */
export function renderScimError(error: Error, c: Context): Response {
  const scimError = toScimError(error);
  if (scimError.status >= 500 && !(error instanceof ScimError)) console.error('scimsim: internal error:', error);
  return scimJson(c, scimError.toBody(), scimError.status, scimError.headers);
}
