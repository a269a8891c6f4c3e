/** The baselines' bare Hono routes: what any JSON API does for a request, and nothing a SCIM service adds. */
import { Hono } from 'hono';

/** A user resource of the size and shape NordPass's SCIM answers with. */
const RESOURCE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '6f1c2c8e-3b1a-4c8e-9a63-2f0d6d1b7a54',
  userName: 'adele.vance@contoso.com',
  externalId: 'adele.vance',
  active: true,
  meta: {
    resourceType: 'User',
    created: '2026-01-05T09:00:00.000Z',
    lastModified: '2026-01-05T09:00:00.000Z',
    version: 'W/"1"',
    location: 'http://127.0.0.1:8080/scim/v2/Users/6f1c2c8e-3b1a-4c8e-9a63-2f0d6d1b7a54',
  },
};

/**
 * POST and PATCH parse the JSON body and return it; GET /Users returns a one-resource ListResponse that
 * echoes the filter, any other GET the resource.
 */
export function bareApp(): Hono {
  const app = new Hono();
  app.post('*', async (c) => c.json(await c.req.json(), 201));
  app.patch('*', async (c) => c.json(await c.req.json()));
  app.get('/scim/v2/Users', (c) =>
    c.json({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
      Resources: [{ ...RESOURCE, userName: c.req.query('filter') ?? RESOURCE.userName }],
    }),
  );
  app.get('*', (c) => c.json(RESOURCE));
  return app;
}
