/**
 * Group provisioning, for apps that support it (NordPass Enterprise; off for NordPass as in the seed guide).
 * Each assigned group is created (or matched by displayName) with no members, then kept in step with PATCH
 * Add/Remove of its provisioned direct members; a group that leaves scope is deleted (research/entra.md §8, §12).
 */
import type { Random } from '../../simulator/random.ts';
import type { EnterpriseApplication } from '../app/application.ts';
import type { Directory } from '../directory/directory.ts';
import type { LogRecord } from './logs.ts';
import type { Link } from './plan.ts';
import { ScimCallError, type ScimClient } from '../scim-client/client.ts';

export interface GroupLink {
  targetId: string;
  displayName: string;
  /** Target ids of the members last sent. */
  members: Set<string>;
}

export interface GroupSyncContext {
  client: ScimClient;
  directory: Directory;
  app: EnterpriseApplication;
  userLinks: Map<string, Link>;
  groupLinks: Map<string, GroupLink>;
  random: Random;
  now: () => number;
  jobId: string;
  cycleId: string;
  exchangesTotal: () => number;
  /** Provision on demand: only this group is brought in step (no other is looked at, none deleted). */
  only?: string;
}

/** Brings every assigned group in step; returns one log record per group that needed work. */
export async function syncGroups(ctx: GroupSyncContext): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const assigned = ctx.app
    .assignments()
    .filter((a) => a.principalType === 'Group' && (ctx.only === undefined || a.principalId === ctx.only));
  const inScope = new Set(assigned.map((a) => a.principalId));
  for (const a of assigned) {
    const group = ctx.directory.group(a.principalId);
    if (!group) continue;
    const desired = new Set<string>();
    for (const id of group.memberIds) {
      const link = ctx.userLinks.get(id);
      if (link?.active) desired.add(link.targetId);
    }
    const record = await step(ctx, group.id, group.displayName, async (r) => {
      let link = ctx.groupLinks.get(group.id);
      if (!link) {
        const found = await ctx.client.findGroups(group.displayName);
        if (found.length > 1)
          throw new ScimCallError(
            'DuplicateTargetEntries',
            `${found.length} groups named ${group.displayName} in the app; one is expected.`,
          );
        const targetId =
          found.length === 1 ? String(found[0]!.id) : await ctx.client.createGroup(group.displayName, group.id);
        link = { targetId, displayName: group.displayName, members: new Set() };
        ctx.groupLinks.set(group.id, link);
        r.action = 'Create';
        r.matching = found.length === 1 ? 'adopted' : 'created';
      }
      r.targetId = link.targetId;
      const add = [...desired].filter((id) => !link!.members.has(id));
      const remove = [...link.members].filter((id) => !desired.has(id));
      const ops = ctx.client.memberOperations(add, remove);
      if (link.displayName !== group.displayName)
        ops.unshift({
          op: ctx.client.dialect === 'entra' ? 'Replace' : 'replace',
          path: 'displayName',
          value: group.displayName,
        });
      if (ops.length === 0) return r.action === 'Create';
      await ctx.client.patchGroup(link.targetId, ops);
      link.members = desired;
      link.displayName = group.displayName;
      if (r.action !== 'Create') r.action = 'Update';
      r.modified = [
        ...add.map((id) => ({ displayName: 'members', oldValue: null, newValue: id })),
        ...remove.map((id) => ({ displayName: 'members', oldValue: id, newValue: null })),
      ];
      return true;
    });
    if (record) records.push(record);
  }
  for (const [groupId, link] of ctx.only === undefined ? [...ctx.groupLinks] : []) {
    if (inScope.has(groupId)) continue;
    const record = await step(ctx, groupId, link.displayName, async (r) => {
      r.action = 'Delete';
      r.targetId = link.targetId;
      await ctx.client.deleteGroup(link.targetId);
      ctx.groupLinks.delete(groupId);
      return true;
    });
    if (record) records.push(record);
  }
  return records;
}

/** Runs one group's work; a record comes back when something was sent (or failed). */
async function step(
  ctx: GroupSyncContext,
  groupId: string,
  name: string,
  work: (r: LogRecord) => Promise<boolean>,
): Promise<LogRecord | undefined> {
  const first = ctx.exchangesTotal() + 1;
  const record: LogRecord = {
    id: ctx.random.uuid(),
    at: ctx.now(),
    cycleId: ctx.cycleId,
    changeId: ctx.random.uuid(),
    jobId: ctx.jobId,
    objectType: 'Group',
    action: 'Other',
    status: 'success',
    initiatedBy: ctx.only === undefined ? 'system' : 'onDemand',
    source: { id: groupId, userPrincipalName: name, displayName: name },
    matching: 'linked',
    scope: { inScope: true, softDeleted: false, accountEnabled: true },
    exchanges: [],
  };
  let did: boolean;
  try {
    did = await work(record);
  } catch (error) {
    if (!(error instanceof ScimCallError)) throw error;
    Object.assign(record, { status: 'failure', errorCode: error.code, reason: error.message });
    did = true;
  }
  if (!did) return undefined;
  for (let i = first; i <= ctx.exchangesTotal(); i++) record.exchanges.push(i);
  return record;
}
