/** The NordPass Admin Panel as JSON over HTTP (/admin): credentials, members, restore, delete, invitations, outbox. */
import { type Context, Hono } from 'hono';
import { readJson } from '../json-body.ts';
import { formatInstant } from '../time.ts';
import { bearerToken, secretsEqual, type Credentials } from './credentials.ts';
import { AdminError } from './admin-errors.ts';
import { ADMIN_ROLES, type AdminRole, type Members } from './members.ts';
import { isMemberStatus, MEMBER_STATUSES, type MemberStatus } from './member-states.ts';
import { type Member, type MemberRole, memberEventStates } from './model.ts';
import type { NordPassStore } from './store.ts';

export interface AdminDeps {
  members: Members;
  store: NordPassStore;
  credentials: Credentials;
  adminToken: string;
  tenantUrl: () => string;
  /** Told each change an admin (or an invitee) made, after it was made (serve mode records them as steps). */
  onAction?: (action: AdminAction) => void;
  /** Serve mode's console sessions: consulted when a request has no Authorization header. */
  gate?: AdminGate;
  /** Runs a request that may change something in its turn (serve mode: one change at a time). */
  inTurn?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** A request's session cookie: allowed ('session'), refused, or none (undefined: the bearer token decides). */
export type AdminGate = (request: Request) => 'session' | { status: 401 | 403; message: string } | undefined;

/** What was done in the Admin Panel, in its own words; `as` says who acted (an Owner when absent). */
export type AdminAction =
  | { kind: 'getCredentials'; tenantUrl: string; secretToken: string }
  | { kind: 'acceptInvitation'; memberId: string }
  | { kind: 'restoreMember'; memberId: string; as?: AdminRole }
  | { kind: 'suspendMember'; memberId: string; as?: AdminRole }
  | { kind: 'activateMember'; memberId: string; as?: AdminRole }
  | { kind: 'deleteMember'; memberId: string; as?: AdminRole }
  | { kind: 'setRole'; memberId: string; role: MemberRole; as?: AdminRole };

const ROLES: MemberRole[] = ['user', 'admin', 'owner'];

export function adminRoutes(deps: AdminDeps): Hono {
  const { members, store, credentials } = deps;
  const admin = new Hono();

  admin.use('*', async (c, next) => {
    const authorization = c.req.header('authorization');
    const gate = authorization === undefined ? deps.gate?.(c.req.raw) : undefined;
    if (gate !== undefined && gate !== 'session')
      throw new AdminError(gate.status, gate.status === 401 ? 'unauthorized' : 'forbidden', gate.message);
    const token = bearerToken(authorization);
    if (gate === undefined && (token === undefined || !secretsEqual(token, deps.adminToken))) {
      throw new AdminError(401, 'unauthorized', 'send Authorization: Bearer <admin token> (printed by scimsim serve)');
    }
    await next();
  });

  // A change waits for the one before it (serve mode records them in the order they happened).
  if (deps.inTurn) {
    const inTurn = deps.inTurn;
    admin.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : inTurn(next)));
  }

  // Settings > User provisioning > Get Credentials: a new token each time; the previous one stops working at once.
  admin.post('/provisioning/credentials', async (c) => {
    const secretToken = credentials.rotate();
    deps.onAction?.({ kind: 'getCredentials', tenantUrl: deps.tenantUrl(), secretToken });
    await store.commit();
    return c.json({ tenantUrl: deps.tenantUrl(), secretToken });
  });

  // Members, optionally of some states (`status=suspended,forbidden`), with a userName search (`search`, a part
  // of it), a page (`top`, `skip`), the number that match (`total`) and how many are in each state (`counts`,
  // what the tabs show). Without `top`, every match is listed.
  admin.get('/members', (c) => {
    const statuses = c.req.query('status')?.split(',');
    for (const status of statuses ?? [])
      if (!isMemberStatus(status))
        throw new AdminError(400, 'invalidStatus', `status must be one of ${MEMBER_STATUSES.join(', ')}`);
    const top = pageParam(c.req.query('top'), 'top');
    const skip = pageParam(c.req.query('skip'), 'skip') ?? 0;
    const search = c.req.query('search')?.toLowerCase();
    const counts = { ...store.counts };
    const matches = (m: Member) =>
      (!statuses || statuses.includes(m.status)) && (search === undefined || m.userName.toLowerCase().includes(search));
    // With states alone the counts say how many match, so the scan stops once the page is full (and is not made
    // for a page past the end); with a search every member is looked at, to count the matches.
    const counted =
      statuses && search === undefined ? statuses.reduce((n, s) => n + counts[s as MemberStatus], 0) : undefined;
    const list: Member[] = [];
    let seen = 0;
    if (counted === undefined || skip < counted)
      for (const m of store.allMembers()) {
        if (!matches(m)) continue;
        if (seen++ >= skip && (top === undefined || list.length < top)) list.push(m);
        else if (counted !== undefined && top !== undefined && list.length >= top) break;
      }
    return c.json({ members: list.map(summary), total: counted ?? seen, counts });
  });

  admin.get('/members/:id', (c) => c.json(detail(find(deps, c))));

  admin.post('/members/:id/accept-invitation', async (c) => {
    const member = members.acceptInvitation(find(deps, c).id);
    deps.onAction?.({ kind: 'acceptInvitation', memberId: member.id });
    await store.commit();
    return c.json(summary(member));
  });

  /** An action on one member by who acts: made in the model, told, kept, answered with the member. */
  const memberAction =
    (kind: 'restoreMember' | 'suspendMember' | 'activateMember' | 'deleteMember', act: (member: Member) => void) =>
    async (c: Context) => {
      const as = actingRole(c);
      const member = find(deps, c);
      act(member);
      deps.onAction?.({ kind, memberId: member.id, ...asOf(as) });
      await store.commit();
      return c.json(summary(member));
    };

  admin.post(
    '/members/:id/restore',
    memberAction('restoreMember', (m) => members.restore(m, 'admin')),
  );
  // Members > More Options > Suspend, and the Suspended tab's Activate.
  admin.post(
    '/members/:id/suspend',
    memberAction('suspendMember', (m) => members.suspend(m)),
  );
  admin.post(
    '/members/:id/activate',
    memberAction('activateMember', (m) => members.activate(m)),
  );
  admin.delete(
    '/members/:id',
    memberAction('deleteMember', (m) => members.delete(m, 'admin')),
  );

  admin.put('/members/:id/role', async (c) => {
    const as = actingRole(c);
    const read = await readJson(c.req.raw);
    if (!read.ok) throw new AdminError(400, 'invalidRequest', read.problem);
    const body = read.value as { role?: unknown } | undefined;
    const hint = `send {"role": one of ${ROLES.join(', ')}}`;
    if (!body || typeof body !== 'object' || Array.isArray(body) || !ROLES.includes(body.role as MemberRole))
      throw new AdminError(400, 'invalidRole', hint);
    const extra = Object.keys(body).find((key) => key !== 'role');
    if (extra !== undefined) throw new AdminError(400, 'invalidRequest', `unknown field ${extra}: ${hint}`);
    const member = find(deps, c);
    members.setRole(member, body.role as MemberRole, 'admin', as);
    deps.onAction?.({ kind: 'setRole', memberId: member.id, role: body.role as MemberRole, ...asOf(as) });
    await store.commit();
    return c.json(summary(member));
  });

  // Invitations sent, oldest first; `top=N` lists only the newest N (`total` says how many there are).
  admin.get('/outbox', (c) => {
    const top = pageParam(c.req.query('top'), 'top');
    const { outbox } = store.data;
    const emails = top === undefined ? outbox : outbox.slice(-top);
    return c.json({ emails: emails.map((e) => ({ ...e, sentAt: formatInstant(e.sentAt) })), total: outbox.length });
  });

  admin.all('*', (c) => {
    throw new AdminError(404, 'notFound', `no Admin Panel endpoint at ${c.req.method} ${c.req.path}`);
  });
  return admin;
}

/** Who acts: `?as=owner` (the default) or `?as=admin`, the role of the person signed in to the Admin Panel. */
function actingRole(c: Context): AdminRole {
  const as = c.req.query('as') ?? 'owner';
  if (!ADMIN_ROLES.includes(as as AdminRole))
    throw new AdminError(400, 'invalidRequest', `as is who acts in the Admin Panel: ${ADMIN_ROLES.join(' or ')}`);
  return as as AdminRole;
}

/** An action's `as`, said only when it is not the default (an Owner). */
const asOf = (as: AdminRole) => (as === 'owner' ? {} : { as });

function find(deps: AdminDeps, c: Context): Member {
  const member = deps.members.find(c.req.param('id') ?? '');
  if (!member) throw new AdminError(404, 'notFound', `no member with id ${c.req.param('id')}`);
  return member;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : formatInstant(ms));

/** The member as the Admin Panel lists it. */
/** A whole number for paging (`top` 1 to 1,000, `skip` from 0), or undefined when not given. */
function pageParam(text: string | undefined, name: 'top' | 'skip'): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  const ok = /^\d{1,9}$/.test(text) && (name === 'skip' || (n >= 1 && n <= 1000));
  if (!ok)
    throw new AdminError(
      400,
      'invalidRequest',
      `${name} is a whole number${name === 'top' ? ' from 1 to 1000' : ' from 0'}`,
    );
  return n;
}

export function summary(m: Member) {
  return {
    id: m.id,
    userName: m.userName,
    status: m.status,
    role: m.role,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    invitedAt: iso(m.invitedAt),
    acceptedAt: iso(m.acceptedAt),
    softDeletedAt: iso(m.softDeletedAt),
    purgeAt: iso(m.purgeAt),
    deletedAt: iso(m.deletedAt),
  };
}

function detail(m: Member) {
  return {
    ...summary(m),
    attributes: m.attributes,
    history: historyOf(m),
  };
}

/** Every event with its state before and after, instants in ISO 8601. */
function historyOf(m: Member) {
  const states = memberEventStates(m.history);
  return m.history.map((e, i) => ({
    ...e,
    at: formatInstant(e.at),
    ...states[i],
    ...(e.purgeAt === undefined ? {} : { purgeAt: formatInstant(e.purgeAt) }),
  }));
}
