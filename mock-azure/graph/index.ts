/**
 * The mock Entra tenant in Microsoft Graph v1.0's own routes, shapes and errors, so a person, a script or a
 * Graph SDK client whose base URL is `http://host:port/azure/v1.0` can drive the seed guide end to end.
 * Mounted by the server at `/azure/v1.0`; every request needs `Authorization: Bearer <admin token>`.
 */
import { randomUUID } from 'node:crypto';
import { readJson } from '../../simulator/json-body.ts';
import { Hono } from 'hono';
import { auditLogRoutes } from './audit-logs.ts';
import { runBatch } from './batch.ts';
import { checkAdmin } from './auth.ts';
import { deltaRoutes } from './delta.ts';
import { GraphError, badRequest, renderGraphError, unsupportedQuery } from './errors.ts';
import { groupRoutes } from './groups.ts';
import { json, methodNotAllowed, Router, split, type GraphDeps, type GraphRequest, type GraphState } from './http.ts';
import { onDemandRoutes } from './on-demand.ts';
import { servicePrincipalRoutes } from './service-principals.ts';
import { synchronizationRoutes } from './synchronization.ts';
import { userRoutes } from './users.ts';
import { publicUrl } from './public-url.ts';

export type { GraphDeps } from './http.ts';
export { GraphError } from './errors.ts';

/** The entity sets this face serves, for the service document at the root (GET /azure/v1.0). */
const ENTITY_SETS = ['users', 'groups', 'servicePrincipals', 'directory', 'auditLogs'];

/**
 * The renderer to register where this face is mounted, for errors thrown before its routes run (the catch-all
 * below renders its own the same way).
 */
export function graphErrorRenderer(clock: { now(): number }) {
  return (error: Error, c: { req: { header(name: string): string | undefined } }): Response =>
    renderGraphError(error, clock.now(), randomUUID(), c.req.header('client-request-id'));
}

/** Graph v1.0 routes over one Azure tenant (users, groups, the NordPass service principal, its job, its logs). */
export function graphRoutes(deps: GraphDeps): Hono {
  const router = new Router([
    // /users/delta before /users/{id}: the first route that matches answers.
    ...deltaRoutes(),
    ...userRoutes(),
    ...groupRoutes(),
    ...servicePrincipalRoutes(),
    ...synchronizationRoutes(),
    ...onDemandRoutes(),
    ...auditLogRoutes(),
  ]);
  const state: GraphState = { groupMailNicknames: new Map() };
  const graph = new Hono();

  /** One Graph request: `path` is what follows the mount (`/users/...`), `url` the request as the client addressed it. */
  const handle = async (raw: Request, url: URL, mount: string, path: string): Promise<Response> => {
    // fidelity: request ids are random, not drawn from the simulation's seed: they identify HTTP calls,
    // never simulated objects, so they cannot change a run's outcome.
    const requestId = randomUUID();
    const clientRequestId = raw.headers.get('client-request-id') ?? undefined;
    let response: Response;
    try {
      checkAdmin(raw, deps.adminToken, deps.gate);
      const segments = split(path);
      const req = graphRequest(raw, url, `${url.origin}${mount}`, deps, state);
      if (segments.length === 1 && segments[0] === '$batch' && req.method === 'POST') {
        // Each request of the batch takes its own turn; the batch itself takes none.
        response = await runBatch(req, (inner, innerPath) => handle(inner, new URL(inner.url), mount, innerPath));
      } else if (req.method === 'GET' || req.method === 'HEAD' || !deps.inTurn) {
        response = await dispatch(router, req, segments);
        if (req.method !== 'GET' && req.method !== 'HEAD') await deps.afterChange?.();
      } else {
        response = await deps.inTurn(async () => {
          const answer = await dispatch(router, req, segments);
          await deps.afterChange?.();
          return answer;
        });
      }
    } catch (error) {
      return renderGraphError(error, deps.clock.now(), requestId, clientRequestId);
    }
    response.headers.set('request-id', requestId);
    response.headers.set('client-request-id', clientRequestId ?? requestId);
    return response;
  };

  // routePath is '<mount>/*'; what follows the mount is the Graph path (`/users/...`).
  graph.all('*', (c) => {
    const mount = c.req.routePath.replace(/\/?\*$/, '');
    return handle(c.req.raw, publicUrl(c.req.raw), mount, c.req.path.slice(mount.length));
  });

  return graph;
}

// fidelity: Graph supports $expand and a few more options on some collections; this face does not, and says so
// rather than answering as if the option had been applied. $count, $orderby and $search are served on the directory
// collections (users, groups: directory-query.ts) and refused everywhere else.
const UNSUPPORTED_OPTIONS = ['expand', 'format', 'apply', 'compute'];
const DIRECTORY_OPTIONS = ['orderby', 'search', 'count'];

const refused = (name: string, where: string) =>
  unsupportedQuery(
    `The query option '$${name}' is not supported by this simulator ${where} (it serves $filter, $select, $top and $skiptoken, and on /users and /groups $count, $orderby and $search).`,
  );

async function dispatch(router: Router, req: GraphRequest, segments: string[]): Promise<Response> {
  for (const name of UNSUPPORTED_OPTIONS) if (req.url.searchParams.has(`$${name}`)) throw refused(name, 'anywhere');
  if (segments.length === 0) {
    if (req.method !== 'GET') throw methodNotAllowed(['GET']);
    return json({
      '@odata.context': `${req.base}/$metadata`,
      value: ENTITY_SETS.map((name) => ({ name, kind: 'EntitySet', url: name })),
    });
  }
  const found = router.match(req.method, segments);
  if (!found) {
    // As Graph answers a segment it does not know: 400 BadRequest, "Resource not found for the segment '...'".
    throw new GraphError(
      400,
      'BadRequest',
      `Resource not found for the segment '${segments.at(-1)}'. This simulator serves the Graph v1.0 routes of the NordPass provisioning flow only.`,
    );
  }
  if ('allow' in found) throw methodNotAllowed(found.allow);
  if (!found.route.directoryQueries)
    for (const name of DIRECTORY_OPTIONS) if (req.url.searchParams.has(`$${name}`)) throw refused(name, 'here');
  req.params = found.params;
  return found.route.handler(req);
}

function graphRequest(raw: Request, url: URL, base: string, deps: GraphDeps, state: GraphState): GraphRequest {
  let body: Promise<unknown> | undefined;
  return {
    method: raw.method.toUpperCase(),
    url,
    params: {},
    base,
    option: (name) => url.searchParams.get(`$${name}`) ?? url.searchParams.get(name) ?? undefined,
    header: (name) => raw.headers.get(name) ?? undefined,
    json: () =>
      (body ??= readJson(raw).then((read) => {
        if (read.ok) return read.value;
        throw badRequest(
          `Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format (${read.problem}).`,
        );
      })),
    deps,
    state,
  };
}
