/** Durations and instants as people write them in scenarios and over HTTP: `40m`, `29d23h59m59s`, `P30D`, ISO 8601 UTC. */

const UNIT_MS: Record<string, number> = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};

/** A duration or instant that could not be read; the message says what was expected. */
export class TimeFormatError extends Error {
  override name = 'TimeFormatError';
}

const COMPACT = /^(?:\d+(?:\.\d+)?(?:ms|w|d|h|m|s))+$/;
const COMPACT_PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g;
const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const DURATION_HINT = 'expected a duration such as 40m, 2h, 30d, 29d23h59m59s, 500ms or ISO 8601 P30D / PT40M';

/** Parses a duration into whole milliseconds. Numbers are taken as milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || !Number.isInteger(input)) {
      throw new TimeFormatError(`invalid duration ${input}: ${DURATION_HINT}`);
    }
    return input;
  }
  const text = String(input).trim();
  if (text === '') throw new TimeFormatError(`empty duration: ${DURATION_HINT}`);
  if (COMPACT.test(text)) {
    let total = 0;
    for (const [, amount, unit] of text.matchAll(COMPACT_PART)) total += Number(amount) * UNIT_MS[unit!]!;
    return checkedWhole(total, text);
  }
  const upper = text.toUpperCase();
  const iso = ISO.exec(upper);
  if (iso && upper !== 'P' && !upper.endsWith('T')) {
    const [, w, d, h, m, s] = iso;
    const total =
      Number(w ?? 0) * UNIT_MS.w! +
      Number(d ?? 0) * UNIT_MS.d! +
      Number(h ?? 0) * UNIT_MS.h! +
      Number(m ?? 0) * UNIT_MS.m! +
      Number(s ?? 0) * UNIT_MS.s!;
    return checkedWhole(total, text);
  }
  const datePart = upper.startsWith('P') ? (upper.slice(1).split('T')[0] ?? '') : '';
  if (/[YM]/.test(datePart)) {
    throw new TimeFormatError(
      `invalid duration "${text}": years and months have no fixed length; write days (P365D, 30d)`,
    );
  }
  throw new TimeFormatError(`invalid duration "${text}": ${DURATION_HINT}`);
}

function checkedWhole(ms: number, text: string): number {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) throw new TimeFormatError(`duration "${text}" is too long`);
  return rounded;
}

/** Formats milliseconds compactly: 2592000000 -> "30d", 2591999999 -> "29d23h59m59s999ms". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]!;
    const amount = Math.floor(rest / size);
    if (amount > 0) out += `${amount}${unit}`;
    rest -= amount * size;
  }
  return sign + out;
}

// Dates must carry a zone: a local time would make a scenario's result depend on the machine's time zone.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2})))?$/i;

/**
 * The instants the virtual clock can hold, and any instant read: 1970-01-01 to the end of 9999, UTC (a four-digit
 * year, as ISO 8601 writes it). Beyond it a date no longer prints as ISO 8601; a clock moved there once made
 * every later answer fail.
 */
export const MIN_INSTANT = 0;
export const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Parses an ISO 8601 instant with a zone (or a bare date, taken as midnight UTC) into epoch milliseconds. A date
 * or time that names no real day or time (February 30, April 31, 24:30, 23:60) is refused rather than moved to
 * another day, as JavaScript's Date does; so is 24:00 (write 00:00 of the next day).
 */
export function parseInstant(input: string | number | Date): number {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) throw new TimeFormatError(`invalid instant ${input}`);
    return inRange(input, String(input));
  }
  if (input instanceof Date) return inRange(input.getTime(), String(input));
  const text = String(input).trim();
  const m = INSTANT.exec(text);
  if (!m) {
    throw new TimeFormatError(`invalid instant "${text}": expected ISO 8601 UTC such as 2026-01-01T09:00:00Z`);
  }
  const [, year, month, day, hour = '0', minute = '0', second = '0', offsetHours = '0', offsetMinutes = '0'] = m;
  const problem =
    Number(month) < 1 || Number(month) > 12
      ? `there is no month ${month}`
      : Number(day) < 1 || Number(day) > daysIn(Number(year), Number(month))
        ? `${year}-${month} has no day ${day}`
        : Number(hour) > 23
          ? `there is no hour ${hour}${hour === '24' ? ' (write 00:00 of the next day)' : ''}`
          : Number(minute) > 59 || Number(second) > 59
            ? 'minutes and seconds go up to 59'
            : Number(offsetHours) > 23 || Number(offsetMinutes) > 59
              ? 'not a real time zone offset'
              : undefined;
  if (problem) throw new TimeFormatError(`invalid instant "${text}": not a real date or time: ${problem}`);
  const ms = Date.parse(/T/i.test(text) ? text : `${text}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new TimeFormatError(`invalid instant "${text}": not a real date`);
  return inRange(ms, text);
}

function inRange(ms: number, text: string): number {
  if (ms < MIN_INSTANT || ms > MAX_INSTANT)
    throw new TimeFormatError(
      `invalid instant "${text}": outside the range the virtual clock keeps, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z`,
    );
  return ms;
}

// Virtual time stands still between advances, so the same few instants are formatted over and over (every SCIM
// response carries created and lastModified): a small cache saves a Date and a toISOString per call.
const isoCache = new Map<number, string>();

/** Epoch milliseconds as ISO 8601 UTC with milliseconds: what every report and response shows. */
export function formatInstant(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoCache.size >= 4_096) isoCache.clear();
    isoCache.set(ms, iso);
  }
  return iso;
}
