import { describe, expect, it } from 'vitest';
import { TimeFormatError, formatDuration, formatInstant, parseDuration, parseInstant } from '../../simulator/time.ts';

const DAY = 86_400_000;

describe('parseDuration', () => {
  it.each([
    ['40m', 40 * 60_000],
    ['2h', 7_200_000],
    ['30d', 30 * DAY],
    ['29d23h59m59s', 30 * DAY - 1000],
    ['29d23h59m59s999ms', 30 * DAY - 1],
    ['1ms', 1],
    ['1w', 7 * DAY],
    ['1.5h', 5_400_000],
    ['P30D', 30 * DAY],
    ['PT40M', 40 * 60_000],
    ['P1DT2H', DAY + 7_200_000],
    ['pt0.5s', 500],
    ['P2W', 14 * DAY],
    [1234, 1234],
  ] as const)('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'd', '30 days', '-5m', 'P', 'PT', 'P1Y', 'P1M', '5x', '3.m', 'P30DT'])(
    'refuses %j with a clear error',
    (text) => {
      expect(() => parseDuration(text)).toThrow(TimeFormatError);
      expect(() => parseDuration(text)).toThrow(/duration/);
    },
  );

  it('explains why years and months are refused', () => {
    expect(() => parseDuration('P1Y')).toThrow(/no fixed length/);
  });

  it('refuses negative and fractional millisecond numbers', () => {
    expect(() => parseDuration(-1)).toThrow(TimeFormatError);
    expect(() => parseDuration(1.5)).toThrow(TimeFormatError);
  });
});

describe('formatDuration', () => {
  it.each([
    [30 * DAY, '30d'],
    [30 * DAY - 1, '29d23h59m59s999ms'],
    [40 * 60_000, '40m'],
    [0, '0s'],
    [-5000, '-5s'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 61_000, 30 * DAY - 1, 400 * DAY + 3]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('instants', () => {
  it('reads ISO 8601 with a zone, and bare dates as UTC midnight', () => {
    expect(parseInstant('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant('2026-01-01T02:00:00+02:00')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
    expect(formatInstant(Date.UTC(2026, 0, 1, 9))).toBe('2026-01-01T09:00:00.000Z');
  });

  it.each(['2026-01-01T09:00:00', 'yesterday', '2026-13-45T00:00:00Z', ''])(
    'refuses %j (no zone, or not a date)',
    (text) => {
      expect(() => parseInstant(text)).toThrow(TimeFormatError);
    },
  );
});

describe('instants that name no real day or time, and the range the clock keeps', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'has no day 30'],
    ['2026-04-31', 'has no day 31'],
    ['2026-02-29', 'has no day 29'],
    ['2026-13-01', 'no month 13'],
    ['2026-00-10', 'no month 00'],
    ['2026-01-00', 'has no day 00'],
    ['2026-01-01T24:00:00Z', 'write 00:00 of the next day'],
    ['2026-01-01T24:30:00Z', 'no hour 24'],
    ['2026-01-01T23:60:00Z', 'up to 59'],
    ['2026-01-01T23:59:60Z', 'up to 59'],
    ['2026-01-01T09:00:00+24:00', 'time zone offset'],
    ['1969-12-31T23:59:59Z', 'outside the range'],
  ])('%s is refused (%s), not moved to another day', (text, why) => {
    expect(() => parseInstant(text)).toThrow(TimeFormatError);
    expect(() => parseInstant(text)).toThrow(why);
  });

  it('reads leap days, offsets and the ends of the range', () => {
    expect(formatInstant(parseInstant('2028-02-29'))).toBe('2028-02-29T00:00:00.000Z');
    expect(formatInstant(parseInstant('2026-01-01T01:30:00+02:30'))).toBe('2025-12-31T23:00:00.000Z');
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(formatInstant(parseInstant('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
    expect(() => parseInstant(Date.UTC(10000, 0, 1))).toThrow('outside the range');
  });
});
