/** Timing and memory helpers shared by the items. */
import { performance } from 'node:perf_hooks';

const MB = 1_000_000;

/** Runs `work` and returns how long it took, in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

/** Heap in use after full garbage collections, in MB (10^6 bytes). Needs node --expose-gc (npm run bench has it). */
export function heapUsedMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('heap figures need node --expose-gc: run `npm run bench`');
  gc();
  gc();
  return process.memoryUsage().heapUsed / MB;
}

/** The process's peak resident set size so far, in MB. */
export function peakRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

/**
 * Calls `request(i)` one after another for about `ms`, and returns requests per second. Sequential on
 * purpose: in process there is no socket to overlap with, so one in flight measures the work itself.
 */
export async function sequentialRate(
  request: (i: number) => Promise<unknown>,
  ms: number,
  start = 0,
): Promise<{ count: number; ms: number }> {
  const began = performance.now();
  let count = 0;
  // Checking the time every 64 requests keeps performance.now() out of the measurement; the cap bounds the loop.
  for (let i = start; count < 50_000_000; i++) {
    await request(i);
    count++;
    if ((count & 63) === 0 && performance.now() - began >= ms) break;
  }
  return { count, ms: performance.now() - began };
}

/**
 * Measures `figure` and `baseline` in alternating rounds, so drift on a shared machine (another process
 * waking up) hits both alike. Returns requests per second for each over all rounds.
 */
export async function alternatingRates(
  rounds: number,
  roundMs: number,
  figure: (i: number) => Promise<unknown>,
  baseline: (i: number) => Promise<unknown>,
): Promise<{ figure: number; baseline: number }> {
  const totals = { figure: { count: 0, ms: 0 }, baseline: { count: 0, ms: 0 } };
  let i = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, request] of [
      ['baseline', baseline],
      ['figure', figure],
    ] as const) {
      const r = await sequentialRate(request, roundMs, i);
      i += r.count;
      totals[name].count += r.count;
      totals[name].ms += r.ms;
    }
  }
  return {
    figure: (totals.figure.count / totals.figure.ms) * 1000,
    baseline: (totals.baseline.count / totals.baseline.ms) * 1000,
  };
}

/** 12,345.6 -> "12,346". */
export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
