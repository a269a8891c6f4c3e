/**
 * Item 4: a mass purge. The largest tenant (from item 2) is unassigned at once: the next cycle disables every
 * member (soft delete), and 30 days later NordPass purges them all.
 */
import { seconds, thousands, timed } from '../lib/measure.ts';
import { largestWorld } from './provisioning.ts';
import { below, judged, type BenchItem } from '../table.ts';
import { SOFT_DELETED_STATUSES } from '../../simulator/nordpass/member-states.ts';

const TARGET = below(1);

const item: BenchItem = {
  name: 'Mass purge 30 days after a mass soft delete vs creating them (wall time)',
  target: `${TARGET.text} (cheaper than creating)`,
  async run(ctx) {
    const world = await largestWorld(ctx);
    ctx.forget('world:largest'); // nothing after this item needs it: let the heap go
    const { azure, nordpass, clock, size } = world;
    ctx.log(`  unassigning ${thousands(size)} users, then 30 days`);
    azure.app.unassign(world.groupId);
    const softDeleteMs = await timed(() => clock.advance('40m'));
    let softDeleted = 0;
    for (const status of SOFT_DELETED_STATUSES) softDeleted += nordpass.members.countByStatus(status);
    if (softDeleted !== size) throw new Error(`the disable cycle soft-deleted ${softDeleted} of ${size} members`);
    const purgeMs = await timed(() => clock.advance('30d1m'));
    const purged = nordpass.members.countByStatus('deleted');
    if (purged !== size) throw new Error(`${purged} of ${size} members were purged`);
    return judged(
      purgeMs / 1000,
      world.provisionMs / 1000,
      's',
      TARGET,
      `${thousands(size)} members: created by the initial cycle in ${seconds(world.provisionMs)}; the disable cycle (PATCH active=False each, invitation emails on the way) took ${seconds(softDeleteMs)}; advancing 30 days past the deadline, with ${thousands(size)} purges, took ${seconds(purgeMs)}.`,
    );
  },
};

export default [item];
