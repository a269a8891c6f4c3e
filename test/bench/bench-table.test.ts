import { describe, expect, it } from 'vitest';
import {
  atLeast,
  below,
  formatTable,
  formatValue,
  judged,
  runItems,
  summarise,
  type BenchContext,
  type BenchItem,
} from '../../bench/table.ts';

// Fake items only: nothing here measures time.
const ctx: BenchContext = { quick: false, root: '.', memo: (_key, make) => make(), forget: () => {}, log: () => {} };
const item = (name: string, result: Awaited<ReturnType<BenchItem['run']>>, target = 'ratio >= 0.5'): BenchItem => ({
  name,
  target,
  run: async () => result,
});
const heading = { quick: false, machine: 'Node v20, test CPU, 2 cores', date: '2026-01-05T09:00:00.000Z' };

describe('bench table', () => {
  it('judges ratio targets at their bounds', () => {
    expect(atLeast(0.5).met(0.5)).toBe(true);
    expect(atLeast(0.5).met(0.49)).toBe(false);
    expect(below(11).met(10.99)).toBe(true);
    expect(below(11).met(11)).toBe(false);
    expect(atLeast(0.5).met(NaN)).toBe(false);
    expect(judged(300, 1000, 'req/s', atLeast(0.5))).toMatchObject({ ratio: 0.3, pass: false });
    expect(judged(9, 1, 's', below(11), 'n')).toEqual({
      figure: 9,
      baseline: 1,
      ratio: 9,
      unit: 's',
      pass: true,
      note: 'n',
    });
  });

  it('runs every item; one that throws is a failed row and the rest still run', async () => {
    const rows = await runItems(
      [
        item('fast', { figure: 800, baseline: 1000, ratio: 0.8, unit: 'req/s', pass: true }),
        {
          name: 'broken',
          target: 'ratio < 1',
          run: async () => {
            throw new Error('server did not start');
          },
        },
        item('reported', { figure: 5, baseline: 1, ratio: 0.2, unit: 's', pass: null }, 'reported'),
        item('slow', { figure: 100, baseline: 1000, ratio: 0.1, unit: 'req/s', pass: false }),
      ],
      ctx,
    );
    expect(rows.map((r) => [r.name, r.pass])).toEqual([
      ['fast', true],
      ['broken', false],
      ['reported', null],
      ['slow', false],
    ]);
    expect(rows[1]).toMatchObject({ error: 'server did not start', note: 'server did not start' });
    expect(summarise(rows)).toEqual({ passed: 1, failed: 2, reported: 1, exitCode: 1 });
    expect(summarise(rows.filter((r) => r.pass !== false)).exitCode).toBe(0);
  });

  it('prints one row per item with figure, baseline, ratio, target and result, then notes and a summary', async () => {
    const rows = await runItems(
      [
        item('SCIM POST in process', {
          figure: 12_345.6,
          baseline: 20_000,
          ratio: 0.61728,
          unit: 'req/s',
          pass: true,
          note: 'what was measured',
        }),
        {
          name: 'broken',
          target: 'ratio < 1',
          run: async () => {
            throw new Error('boom');
          },
        },
        item('start-up share', { figure: 6.25, baseline: 0.6, ratio: 0.096, unit: 's', pass: null }, 'reported'),
      ],
      ctx,
    );
    const lines = formatTable(rows, { ...heading, wallSeconds: 42.4 }).split('\n');
    expect(lines[0]).toBe('scimsim benchmark');
    expect(lines[1]).toBe('2026-01-05T09:00:00.000Z; Node v20, test CPU, 2 cores');
    const table = lines.filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(5); // header, rule, three rows
    expect(table[0]).toMatch(/^\| # +\| item +\| +figure \| +baseline \| ratio \| target +\| result \|$/);
    expect(new Set(table.map((l) => l.length)).size).toBe(1); // aligned columns
    expect(table[2]).toMatch(
      /\| 1 \| SCIM POST in process +\| 12,346 req\/s \| 20,000 req\/s \| +0\.62 \| ratio >= 0\.5 \| pass +\|/,
    );
    expect(table[3]).toMatch(/\| 2 \| broken .*\| +- \| +- \| +- \| ratio < 1 +\| ERROR +\|/);
    expect(table[4]).toMatch(/\| +6\.250 s \| +0\.600 s \| 0\.096 \| reported +\| info +\|/);
    expect(lines).toContain('1. what was measured');
    expect(lines).toContain('2. boom');
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 reported only; 42 s in all');
  });

  it('says in the title when the run is quick', () => {
    expect(formatTable([], { ...heading, quick: true }).split('\n')[0]).toMatch(
      /^scimsim benchmark \(QUICK: .*not comparable with a full run\)$/,
    );
  });

  it('formats figures by unit', () => {
    expect(formatValue(1234.5, 'req/s')).toBe('1,235 req/s');
    expect(formatValue(42.25, 'req/s')).toBe('42.3 req/s');
    expect(formatValue(1.23456, 's')).toBe('1.235 s');
    expect(formatValue(123.456, 's')).toBe('123.5 s');
    expect(formatValue(295.61, 'MB')).toBe('295.6 MB');
    expect(formatValue(NaN, 's')).toBe('-');
  });
});
