/**
 * `GET /_sim/why/users/:user` and `GET /_sim/why/members/:member`: what Entra will do at the next cycle with a
 * tenant user or a NordPass member, and why, in the words of the provisioning logs (mock-azure/provisioning/why.ts).
 * A member's answer adds the NordPass side: its state, and what happens to it next and when. And
 * `GET /_sim/job/waiting`: who is in escrow and whose deletion is staged. Read only.
 */
import { Hono } from 'hono';
import { whyUser } from '../../mock-azure/provisioning/why.ts';
import type { Member } from '../nordpass/model.ts';
import { formatDuration, formatInstant } from '../time.ts';
import type { World } from '../world.ts';
import type { ServedSession } from './session.ts';
import { SimError } from './sim-errors.ts';

export function whyRoutes(session: ServedSession): Hono {
  const routes = new Hono();

  // A user by object id or userPrincipalName (case-insensitive), live, in Deleted users, or gone but still linked.
  routes.get('/why/users/:user', (c) => {
    const { azure } = session.world;
    const key = c.req.param('user');
    const id = userIdFor(session.world, key);
    const why = id && whyUser(id, azure);
    if (!why) throw new SimError(404, 'notFound', `no tenant user ${key}`);
    return c.json(why);
  });

  // A member by id or userName (the live one first, as the Admin Panel finds them).
  routes.get('/why/members/:member', (c) => {
    const { world } = session;
    const key = c.req.param('member');
    const store = world.nordpass.store;
    const member = store.memberById(key) ?? store.liveMemberByUserName(key);
    if (!member) throw new SimError(404, 'notFound', `no NordPass member ${key}`);
    let linkedUserId: string | undefined;
    for (const [userId, link] of world.azure.job.links)
      if (link.targetId === member.id) {
        linkedUserId = userId;
        break;
      }
    const entra = linkedUserId ? whyUser(linkedUserId, world.azure) : undefined;
    return c.json({
      member: { id: member.id, userName: member.userName, status: member.status, role: member.role },
      nordpass: memberText(member, world.clock.now()),
      entra: entra ?? null,
      ...(entra
        ? {}
        : {
            text: `No tenant user is linked to this member: Entra provisioning does not manage it (it was made in the Admin Panel or by a SCIM client other than Entra, or its user was never matched). Entra sends it nothing.`,
          }),
    });
  });

  // What waits in the job: users in escrow (with when they are retried) and deletions staged for "Allow deletes".
  routes.get('/job/waiting', (c) => {
    const { directory, job } = session.world.azure;
    const name = (id: string) =>
      directory.user(id)?.userPrincipalName ??
      directory.deletedUser(id)?.userPrincipalName ??
      job.links.get(id)?.userPrincipalName ??
      id;
    const escrows = [...job.escrows.entries()];
    return c.json({
      escrows: escrows.slice(0, WAITING_LIMIT).map((e) => ({
        userId: e.userId,
        userPrincipalName: name(e.userId),
        errorCode: e.errorCode,
        reason: e.reason,
        attempts: e.attempts,
        firstFailedAt: formatInstant(e.firstFailedAt),
        nextAttemptAt: formatInstant(e.nextAttemptAt),
      })),
      escrowCount: escrows.length,
      stagedDeletes: job.stagedDeletes
        .slice(0, WAITING_LIMIT)
        .map((userId) => ({ userId, userPrincipalName: name(userId) })),
      stagedDeleteCount: job.stagedDeletes.length,
    });
  });

  return routes;
}

/** At most this many of each are listed (the counts say how many there are). */
const WAITING_LIMIT = 100;

function userIdFor(world: World, key: string): string | undefined {
  const { directory, job } = world.azure;
  if (directory.user(key) || directory.deletedUser(key) || job.links.has(key)) return key;
  const found = directory.userByUpn(key);
  if (found) return found.id;
  // Deleted permanently: only the link still knows the name.
  const lower = key.toLowerCase();
  for (const [id, link] of job.links) if (link.userPrincipalName.toLowerCase() === lower) return id;
  return undefined;
}

/** The member's state and what happens to it next, with the instants (and time left) of the model's timers. */
function memberText(member: Member, now: number): { text: string; purgeAt?: string; timeLeft?: string } {
  const at = (ms: number | undefined) => (ms === undefined ? 'an unknown time' : formatInstant(ms));
  switch (member.status) {
    case 'pending':
      return {
        text:
          member.invitationDueAt !== undefined
            ? `Pending: the invitation email goes out at ${at(member.invitationDueAt)}. The member becomes Active when they accept it.`
            : `Pending: invited at ${at(member.invitedAt)}. The member becomes Active when they accept the invitation.`,
      };
    case 'active':
      return { text: `Active: accepted the invitation at ${at(member.acceptedAt)}.` };
    case 'suspended':
    case 'forbidden': {
      const left = member.purgeAt !== undefined ? Math.max(0, member.purgeAt - now) : undefined;
      const what =
        member.status === 'suspended'
          ? `Suspended at ${at(member.softDeletedAt)} (was ${member.statusBeforeSoftDelete ?? 'active'})`
          : `Forbidden to accept the invitation since ${at(member.softDeletedAt)} (deleted while Pending)`;
      return {
        text: `${what}. Deleted for good at ${at(member.purgeAt)}${left !== undefined ? ` (in ${formatDuration(left)})` : ''} unless restored before then, in the Admin Panel or by Entra sending active true.`,
        ...(member.purgeAt !== undefined ? { purgeAt: formatInstant(member.purgeAt) } : {}),
        ...(left !== undefined ? { timeLeft: formatDuration(left) } : {}),
      };
    }
    case 'deleted':
      return {
        text: `Deleted at ${at(member.deletedAt)}: this is final; the user can only be provisioned again as a new member.`,
      };
  }
}
