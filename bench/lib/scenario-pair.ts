/**
 * Two forms of one scenario timed against each other in this process: each run to the end alternately `runs` times
 * (after one small warm-up run of each), the medians compared. Alternating keeps the noise of a shared machine on
 * both sides.
 */
import type { Scenario } from '../../simulator/scenario/load.ts';
import { runScenario } from '../../simulator/scenario/run.ts';
import type { BenchContext } from '../table.ts';
import { timed } from './measure.ts';

export interface ScenarioPair {
  /** The scenario of `users` users in the baseline's form (false) or the figure's (true). */
  scenario(users: number, figure: boolean): Scenario;
  /** How each form is named in the log and in errors. */
  names: [baseline: string, figure: string];
}

/** Wall times (ms) of each form's runs, and their medians. */
export async function timePair(
  ctx: BenchContext,
  pair: ScenarioPair,
  users: number,
  runs: number,
): Promise<{ baseline: number[]; figure: number[]; medians: [number, number] }> {
  const wallMs = async (n: number, figure: boolean) => {
    // Read before the clock starts: the run is timed, not the reading of the file.
    const loaded = pair.scenario(n, figure);
    let failure: string | undefined;
    const ms = await timed(async () => {
      const result = await runScenario(loaded);
      if (!result.passed) failure = result.failure?.message;
    });
    if (failure !== undefined) throw new Error(`the ${pair.names[figure ? 1 : 0]} run failed: ${failure}`);
    return ms;
  };
  await wallMs(200, false); // warm up both paths before measuring
  await wallMs(200, true);
  const baseline: number[] = [];
  const figure: number[] = [];
  for (let i = 0; i < runs; i++) {
    ctx.log(`  ${users} users, ${pair.names[0]} then ${pair.names[1]} (run ${i + 1} of ${runs})`);
    baseline.push(await wallMs(users, false));
    figure.push(await wallMs(users, true));
  }
  return { baseline, figure, medians: [median(baseline), median(figure)] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
