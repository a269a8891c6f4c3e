/** Discovery (RFC 7644 §4): what the service supports. Groups appear only while group provisioning is on. */
import { Hono, type Context } from 'hono';
import type { ScimDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { scimJson } from './http.ts';
import { listResponse } from './render.ts';
import { schemasFor, type ResourceType, type SchemaDef } from './schemas.ts';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function discoveryRoutes(deps: ScimDeps): Hono {
  const routes = new Hono();
  const types = (): ResourceType[] => (deps.settings.groupProvisioning ? ['User', 'Group'] : ['User']);
  const schemas = (): SchemaDef[] => {
    const out: SchemaDef[] = [];
    for (const type of types()) {
      const { core, extensions } = schemasFor(type);
      out.push(core, ...extensions);
    }
    return out;
  };
  const location = (path: string) => `${deps.baseUrl()}${path}`;

  const serviceProviderConfig = (c: Context) =>
    scimJson(c, {
      schemas: [SPC_SCHEMA],
      documentationUri: 'https://github.com/scimsim/scimsim#readme',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: deps.settings.maxResults },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description:
            'The Secret Token from the NordPass Admin Panel (Get Credentials), as Authorization: Bearer <token>',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: location('/ServiceProviderConfig') },
    });

  routes.get('/ServiceProviderConfig', serviceProviderConfig);
  // Microsoft's reference collection asks for this older, non-standard name.
  routes.get('/serviceConfiguration', serviceProviderConfig);

  const renderSchema = (s: SchemaDef) => ({
    schemas: [SCHEMA_SCHEMA],
    ...s,
    meta: { resourceType: 'Schema', location: location(`/Schemas/${s.id}`) },
  });
  routes.get('/Schemas', (c) => {
    const all = schemas().map(renderSchema);
    return scimJson(c, listResponse(all, all.length, 1));
  });
  routes.get('/Schemas/:id', (c) => {
    const id = c.req.param('id').toLowerCase();
    const found = schemas().find((s) => s.id.toLowerCase() === id);
    if (!found) throw notFound(`no schema ${c.req.param('id')}`);
    return scimJson(c, renderSchema(found));
  });

  const renderType = (type: ResourceType) => {
    const { core, extensions } = schemasFor(type);
    return {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: type,
      name: type,
      endpoint: `/${type}s`,
      description: type === 'User' ? 'A NordPass organization member' : 'A NordPass group',
      schema: core.id,
      schemaExtensions: extensions.map((e) => ({ schema: e.id, required: false })),
      meta: { resourceType: 'ResourceType', location: location(`/ResourceTypes/${type}`) },
    };
  };
  routes.get('/ResourceTypes', (c) => {
    const all = types().map(renderType);
    return scimJson(c, listResponse(all, all.length, 1));
  });
  routes.get('/ResourceTypes/:id', (c) => {
    const type = types().find((t) => t.toLowerCase() === c.req.param('id').toLowerCase());
    if (!type) throw notFound(`no resource type ${c.req.param('id')}`);
    return scimJson(c, renderType(type));
  });
  return routes;
}
