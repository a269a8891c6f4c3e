/**
 * The heap item's process: only the world's code loaded (not every bench item's: the scenario runner, the check and
 * the console added 8 MB to the bench process, which is no part of a world), one world of `size` users provisioned,
 * then the heap after gc printed as JSON with the heap before the world.
 */
import { heapUsedMb } from './measure.ts';
import { provisionedWorld } from './world.ts';

const size = Number(process.argv[2]);
if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`a size of users is needed, got ${process.argv[2]}`);
const emptyHeapMb = heapUsedMb();
const world = await provisionedWorld(size);
const heapMb = heapUsedMb();
process.stdout.write(`${JSON.stringify({ size: world.size, heapMb, emptyHeapMb })}\n`);
