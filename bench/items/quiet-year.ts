/** Item 3: a quiet year. Provision a tenant, then let a year of incremental cycles run with nothing changing. */
import { seconds, thousands, timed } from '../lib/measure.ts';
import { provisionedWorld } from '../lib/world.ts';
import { below, judged, type BenchItem } from '../table.ts';

const TARGET = below(0.1);
const CYCLES_PER_DAY = 36; // one every 40 minutes

const item: BenchItem = {
  name: 'Quiet year of incremental cycles vs provisioning (wall time)',
  target: `${TARGET.text} (10% of provisioning)`,
  async run(ctx) {
    // Quick: a fifth of the users and a fifth of the year, so cycles per user stay the same.
    const size = ctx.quick ? 2_000 : 10_000;
    const days = (365 * size) / 10_000;
    ctx.log(`  provisioning ${thousands(size)} users, then ${days} quiet days`);
    const world = await provisionedWorld(size);
    const cyclesBefore = world.azure.job.cycles.length;
    const requestsBefore = world.azure.exchanges.total;
    const yearMs = await timed(() => world.clock.advance(`${days}d`));
    const cycles = world.azure.job.cycles.length - cyclesBefore;
    const requests = world.azure.exchanges.total - requestsBefore;
    if (cycles !== days * CYCLES_PER_DAY) throw new Error(`expected ${days * CYCLES_PER_DAY} cycles, ran ${cycles}`);
    return judged(
      yearMs / 1000,
      world.provisionMs / 1000,
      's',
      TARGET,
      `${thousands(size)} users provisioned in ${seconds(world.provisionMs)}, then ${days} days: ${thousands(cycles)} incremental cycles sending ${thousands(requests)} requests (${((yearMs * 1000) / cycles).toFixed(0)} µs a cycle).`,
    );
  },
};

export default [item];
