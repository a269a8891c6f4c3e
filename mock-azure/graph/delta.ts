/**
 * `GET /users/delta` (Graph's delta query, "Get incremental changes for users"), read from the directory's change
 * feed: the first round lists every user, page by page (`Prefer: odata.maxpagesize=N`), and its last page carries an
 * `@odata.deltaLink`; calling that link lists the users changed since, a user in Deleted users or gone for good as
 * `{"id", "@removed": {"reason": "changed" | "deleted"}}`, and a new deltaLink. Tokens are opaque to a client: here
 * they hold the change feed's position.
 */
import type { Directory } from '../directory/directory.ts';
import { badRequest, unsupportedQuery } from './errors.ts';
import { json, route, type GraphRequest, type Route } from './http.ts';
import { context, project, selectOption } from './odata.ts';
import { defaultUser, fullUser, USER_PROPERTIES } from './render.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;
const USER_CHANGES = new Set(['userCreated', 'userUpdated', 'userSoftDeleted', 'userRestored', 'userHardDeleted']);

/** `Prefer: odata.maxpagesize=N`, the page size a delta query takes (it has no `$top`). */
function pageSize(req: GraphRequest): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(req.header('prefer') ?? '');
  return m ? Math.min(MAX_PAGE, Math.max(1, Number(m[1]))) : DEFAULT_PAGE;
}

export function deltaRoutes(): Route[] {
  return [
    route('GET', '/users/delta', (req) => {
      for (const option of ['top', 'filter', 'orderby', 'search', 'count', 'skip'])
        if (req.option(option) !== undefined)
          throw unsupportedQuery(
            `The query option '$${option}' is not supported with delta queries (use $select, and Prefer: odata.maxpagesize for the page size).`,
          );
      const { directory } = req.deps.azure;
      const select = selectOption(req, USER_PROPERTIES, 'microsoft.graph.user');
      const shown = (full: Record<string, unknown>) => (select ? project(full, select) : defaultUser(full));
      const token = req.option('deltatoken');
      const skip = req.option('skiptoken');
      const link = (name: string, value: string) =>
        `${req.base}/users/delta?${select ? `$select=${select.join(',')}&` : ''}${name}=${value}`;
      const fragment = select ? `users(${select.join(',')})` : 'users';
      if (token !== undefined) {
        const since = position(token, /^d(\d+)$/, directory);
        return json({
          '@odata.context': context(req, `${fragment}/delta`),
          value: changedSince(directory, since).map((c) => ('removed' in c ? c.removed : shown(fullUser(c.user)))),
          '@odata.deltaLink': link('$deltatoken', `d${directory.seq}`),
        });
      }
      // The first round: every live user, in pages; its position in the feed is fixed when the round begins.
      const [at, offset] = skip === undefined ? [directory.seq, 0] : (round(skip, directory) as [number, number]);
      const size = pageSize(req);
      // The page and whether one more user follows it, without copying the directory for each page.
      const page: Array<Record<string, unknown>> = [];
      let seen = 0;
      let more = false;
      for (const user of directory.users()) {
        if (seen++ < offset) continue;
        if (page.length === size) {
          more = true;
          break;
        }
        page.push(shown(fullUser(user)));
      }
      const body: Record<string, unknown> = { '@odata.context': context(req, `${fragment}/delta`), value: page };
      if (more) body['@odata.nextLink'] = link('$skiptoken', `r${at}.${offset + size}`);
      // Changes made while the round was read come in the next call.
      else body['@odata.deltaLink'] = link('$deltatoken', `d${at}`);
      return json(body);
    }),
  ];
}

function position(token: string, shape: RegExp, directory: Directory): number {
  const m = shape.exec(token);
  const seq = m ? Number(m[1]) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq > directory.seq)
    throw badRequest(`The delta token '${token}' is not one this service issued; follow @odata.deltaLink as given.`);
  return seq;
}

function round(token: string, directory: Directory): [number, number] {
  const m = /^r(\d+)\.(\d+)$/.exec(token);
  if (!m || Number(m[1]) > directory.seq)
    throw badRequest(`The $skiptoken '${token}' is not one this service issued; follow @odata.nextLink as given.`);
  return [Number(m[1]), Number(m[2])];
}

type Changed =
  | { user: NonNullable<ReturnType<Directory['user']>> }
  | { removed: { id: string; '@removed': { reason: 'changed' | 'deleted' } } };

/** Each user changed after `seq`, once, as it is now: live, in Deleted users ("changed": it can come back) or gone. */
function changedSince(directory: Directory, seq: number): Changed[] {
  const ids = new Set<string>();
  for (const change of directory.changesSince(seq)) if (USER_CHANGES.has(change.kind)) ids.add(change.objectId);
  return [...ids].map((id) => {
    const user = directory.user(id);
    if (user) return { user };
    const reason = directory.deletedUser(id) ? 'changed' : 'deleted';
    return { removed: { id, '@removed': { reason } } };
  });
}
