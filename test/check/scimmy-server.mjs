// An independent SCIM 2.0 server for the check test: SCIMMY (scimmyjs/scimmy) with its express routers, users and
// groups kept in memory, on a free loopback port. It prints "listening on <base URL>" and serves until killed.
// Nothing of scimsim is in it: what `scimsim check` finds here is SCIMMY's own behaviour.
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

const TOKEN = process.argv[2] ?? 'scimmy-check-token';
let next = 0;

/** A resource type kept in a Map: create and replace (ingress), read and list (egress), delete (degress). */
function declare(type, store, unique) {
  SCIMMY.Resources.declare(type)
    .ingress((resource, instance) => {
      const key = instance[unique]?.toLowerCase();
      const clash = [...store.values()].find((r) => r[unique]?.toLowerCase() === key && r.id !== resource.id);
      if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} ${instance[unique]} is taken`);
      if (resource.id && !store.has(resource.id)) throw new SCIMMY.Types.Error(404, null, `no ${resource.id}`);
      const id = resource.id ?? String(++next);
      const now = new Date();
      const stored = { ...instance, id, meta: { created: store.get(id)?.meta.created ?? now, lastModified: now } };
      store.set(id, stored);
      return stored;
    })
    .egress((resource) => {
      // SCIMMY leaves filtering to the handler (its Filter type matches), and pages the list itself.
      if (!resource.id) return resource.filter ? resource.filter.match([...store.values()]) : [...store.values()];
      const found = store.get(resource.id);
      if (!found) throw new SCIMMY.Types.Error(404, null, `no ${resource.id}`);
      return found;
    })
    .degress((resource) => {
      if (!store.delete(resource.id)) throw new SCIMMY.Types.Error(404, null, `no ${resource.id}`);
    });
}

// Users with the enterprise extension (the manager Entra sets), as a service for Entra would declare them.
SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
declare(SCIMMY.Resources.User, new Map(), 'userName');
declare(SCIMMY.Resources.Group, new Map(), 'displayName');

const app = express();
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    handler: (request) => {
      if (request.header('Authorization') !== `Bearer ${TOKEN}`) throw new Error('not signed in');
      return 'check';
    },
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/scim/v2\n`);
});
