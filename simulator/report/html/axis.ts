/** The time axis: a linear scale over virtual time and tick marks at round instants, minutes to years. */
import { clockTime, dayLabel, monthLabel } from './text.ts';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const STEPS_MS = [
  S,
  5 * S,
  10 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
];
const STEPS_MONTHS = [1, 2, 3, 6, 12, 24, 60];
/** 1970-01-05 was a Monday: week ticks fall on Mondays. */
const MONDAY_MS = 4 * D;
const MAX_TICKS = 10;

export interface Tick {
  at: number;
  /** One or two lines; the second names the day (or year) when it changes. */
  lines: string[];
}

export interface Scale {
  t0: number;
  t1: number;
  x0: number;
  x1: number;
  x(t: number): number;
}

export function linearScale(t0: number, t1: number, x0: number, x1: number): Scale {
  const span = Math.max(1, t1 - t0);
  return { t0, t1, x0, x1, x: (t) => x0 + ((Math.min(Math.max(t, t0), t1) - t0) / span) * (x1 - x0) };
}

export function ticks(t0: number, t1: number): Tick[] {
  const span = Math.max(1, t1 - t0);
  const step = STEPS_MS.find((s) => span / s <= MAX_TICKS);
  if (step !== undefined) return fixedTicks(t0, t1, step);
  const months = STEPS_MONTHS.find((n) => span / (n * 30.44 * D) <= MAX_TICKS) ?? 120;
  return monthTicks(t0, t1, months);
}

function fixedTicks(t0: number, t1: number, step: number): Tick[] {
  const origin = step >= 7 * D ? MONDAY_MS : 0;
  const out: Tick[] = [];
  let previous: number | undefined;
  for (let at = Math.ceil((t0 - origin) / step) * step + origin; at <= t1 && out.length <= MAX_TICKS * 2; at += step) {
    const first = previous === undefined;
    if (step < D) {
      const newDay = first || Math.floor(at / D) !== Math.floor(previous! / D);
      out.push({ at, lines: newDay ? [clockTime(at), dayLabel(at, first)] : [clockTime(at)] });
    } else {
      const newYear = first || new Date(at).getUTCFullYear() !== new Date(previous!).getUTCFullYear();
      out.push({ at, lines: newYear ? [dayLabel(at), String(new Date(at).getUTCFullYear())] : [dayLabel(at)] });
    }
    previous = at;
  }
  return out;
}

function monthTicks(t0: number, t1: number, months: number): Tick[] {
  const start = new Date(t0);
  const year = start.getUTCFullYear();
  // The first month boundary at or after t0, rounded up to a multiple of the step (Date.UTC rolls months over).
  const atMonthStart = start.getUTCDate() === 1 && t0 % D === 0;
  let month = Math.ceil((start.getUTCMonth() + (atMonthStart ? 0 : 1)) / months) * months;
  const out: Tick[] = [];
  for (let i = 0; i < MAX_TICKS * 2; i++, month += months) {
    const at = Date.UTC(year, month, 1);
    if (at > t1) break;
    out.push({ at, lines: [monthLabel(at)] });
  }
  return out;
}
