import { describe, expect, it } from 'vitest';
import { Clock, ClockError } from '../../simulator/clock.ts';

const START = '2026-01-01T00:00:00Z';
const T0 = Date.UTC(2026, 0, 1);

describe('Clock', () => {
  it('starts at the given instant and only moves when advanced', () => {
    const clock = new Clock(START);
    expect(clock.now()).toBe(T0);
    expect(clock.nowIso()).toBe('2026-01-01T00:00:00.000Z');
  });

  it("makes a label from the timer's argument when asked for, and filters on it", () => {
    const clock = new Clock(START);
    const member = { userName: 'ada@example.com' };
    const describe = (m: typeof member) => `invitation ${m.userName}`;
    const handle = clock.schedule(T0 + 1000, () => undefined, describe, member);
    clock.schedule(T0 + 500, () => undefined, 'provisioning cycle');
    expect(handle.label).toBe('invitation ada@example.com');
    member.userName = 'ada.l@example.com'; // the label says who the timer is for now
    expect(handle.label).toBe('invitation ada.l@example.com');
    expect(clock.nextDueAt((label) => label.startsWith('invitation'))).toBe(T0 + 1000);
    expect(clock.nextDueAt()).toBe(T0 + 500);
  });

  it('fires timers in time order, each with now() equal to its due time', async () => {
    const clock = new Clock(START);
    const seen: Array<[string, number]> = [];
    clock.scheduleIn('2h', () => void seen.push(['b', clock.now()]), 'b');
    clock.scheduleIn('40m', () => void seen.push(['a', clock.now()]), 'a');
    clock.scheduleIn('3h', () => void seen.push(['c', clock.now()]), 'c');
    const result = await clock.advance('2h');
    expect(seen).toEqual([
      ['a', T0 + 40 * 60_000],
      ['b', T0 + 7_200_000],
    ]);
    expect(result).toEqual({ now: '2026-01-01T02:00:00.000Z', fired: 2 });
    expect(clock.pending).toBe(1);
  });

  it('runs timers due at the same instant in the order they were scheduled', async () => {
    const clock = new Clock(START);
    const order: number[] = [];
    for (let i = 0; i < 50; i++) clock.scheduleIn('1h', () => void order.push(i), `t${i}`);
    await clock.advance('1h');
    expect(order).toEqual([...Array(50).keys()]);
  });

  it('does not fire a timer 1 ms early, and fires it exactly at its instant', async () => {
    const clock = new Clock(START);
    let firedAt: number | undefined;
    clock.scheduleIn(
      '30d',
      () => {
        firedAt = clock.now();
      },
      'purge',
    );
    await clock.advance('29d23h59m59s999ms');
    expect(firedAt).toBeUndefined();
    await clock.advance('1ms');
    expect(firedAt).toBe(T0 + 30 * 86_400_000);
  });

  it('waits for async tasks: time never moves past a task until its promise settles', async () => {
    const clock = new Clock(START);
    const log: string[] = [];
    clock.scheduleIn(
      '1m',
      async () => {
        log.push(`start ${clock.nowIso()}`);
        await new Promise((r) => setImmediate(r));
        await Promise.resolve();
        log.push(`end ${clock.nowIso()}`);
      },
      'slow',
    );
    clock.scheduleIn('2m', () => void log.push(`next ${clock.nowIso()}`), 'next');
    await clock.advance('10m');
    expect(log).toEqual([
      'start 2026-01-01T00:01:00.000Z',
      'end 2026-01-01T00:01:00.000Z',
      'next 2026-01-01T00:02:00.000Z',
    ]);
  });

  it('runs timers that tasks schedule within the same advance', async () => {
    const clock = new Clock(START);
    const times: number[] = [];
    const cycle = () => {
      times.push(clock.now());
      clock.scheduleIn('40m', cycle, 'cycle');
    };
    clock.schedule(clock.now(), cycle, 'cycle');
    await clock.advance('2h');
    expect(times.map((t) => (t - T0) / 60_000)).toEqual([0, 40, 80, 120]);
  });

  it('cancels timers; cancel reports whether it did anything', async () => {
    const clock = new Clock(START);
    let fired = false;
    const handle = clock.scheduleIn(
      '1d',
      () => {
        fired = true;
      },
      'x',
    );
    expect(clock.pending).toBe(1);
    expect(handle.cancel()).toBe(true);
    expect(handle.cancel()).toBe(false);
    expect(clock.pending).toBe(0);
    const result = await clock.advance('2d');
    expect(fired).toBe(false);
    expect(result.fired).toBe(0);
  });

  it('refuses to go back in time', async () => {
    const clock = new Clock(START);
    await clock.advance('1d');
    await expect(clock.advanceTo(START)).rejects.toThrow(ClockError);
    await expect(clock.advanceTo(START)).rejects.toThrow(/cannot go back in time/);
    expect(clock.now()).toBe(T0 + 86_400_000);
  });

  it('advanceTo moves to an instant', async () => {
    const clock = new Clock(START);
    const result = await clock.advanceTo('2026-03-01T12:00:00Z');
    expect(result.now).toBe('2026-03-01T12:00:00.000Z');
  });

  it('runs a timer scheduled in the past at the current instant', async () => {
    const clock = new Clock(START);
    await clock.advance('1d');
    let at: number | undefined;
    clock.schedule(
      T0,
      () => {
        at = clock.now();
      },
      'overdue',
    );
    await clock.advance('0s');
    expect(at).toBe(T0 + 86_400_000);
  });

  it('jumps over empty time: a 10-year advance with a few timers fires only those', async () => {
    const clock = new Clock(START);
    clock.scheduleIn('3650d', () => undefined, 'far');
    const result = await clock.advance('3650d');
    expect(result.fired).toBe(1);
    expect(clock.now()).toBe(T0 + 3650 * 86_400_000);
  });

  it('runUntilIdle fires everything, and stops with a clear error on a timer that repeats forever', async () => {
    const clock = new Clock(START);
    clock.scheduleIn('5d', () => undefined, 'a');
    clock.scheduleIn('1d', () => undefined, 'b');
    expect(await clock.runUntilIdle()).toEqual({ now: '2026-01-06T00:00:00.000Z', fired: 2 });
    const forever = () => void clock.scheduleIn('40m', forever, 'provisioning cycle');
    clock.scheduleIn('40m', forever, 'provisioning cycle');
    await expect(clock.runUntilIdle({ limit: 100 })).rejects.toThrow(/after 100 timers.*provisioning cycle/);
  });

  it('serialises concurrent advances: a timer fires once, never early', async () => {
    const clock = new Clock(START);
    const firings: number[] = [];
    clock.scheduleIn('1h', () => void firings.push(clock.now()), 'x');
    const results = await Promise.all([clock.advance('30m'), clock.advance('30m'), clock.advance('30m')]);
    expect(firings).toEqual([T0 + 3_600_000]);
    expect(results.map((r) => r.now)).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T01:30:00.000Z',
    ]);
  });

  it('a failing task rejects the advance and leaves the clock usable', async () => {
    const clock = new Clock(START);
    clock.scheduleIn(
      '1m',
      () => {
        throw new Error('boom');
      },
      'bad',
    );
    await expect(clock.advance('5m')).rejects.toThrow('boom');
    await expect(clock.advance('5m')).resolves.toMatchObject({ fired: 0 });
  });
});

describe('the clock at the end of its range', () => {
  it('refuses an advance past 9999-12-31, changes nothing, and still answers afterwards', async () => {
    const clock = new Clock('9999-12-01T00:00:00Z');
    let fired = 0;
    clock.schedule('9999-12-20T00:00:00Z', () => void fired++, 'a timer before the end');
    // A timer past the end may wait (it never fires): scheduling it must not fail.
    clock.schedule(Date.UTC(9999, 11, 31) + 40 * 86_400_000, () => void fired++, 'a purge after the end');
    await expect(clock.advance('60d')).rejects.toThrow(ClockError);
    await expect(clock.advance('3000000d')).rejects.toThrow('past 9999-12-31T23:59:59.999Z');
    await expect(clock.advance('999999999d')).rejects.toThrow('too long');
    expect([clock.nowIso(), fired, clock.pending]).toEqual(['9999-12-01T00:00:00.000Z', 0, 2]);
    await clock.advanceTo('9999-12-31T23:59:59.999Z');
    expect([clock.nowIso(), fired]).toEqual(['9999-12-31T23:59:59.999Z', 1]);
    expect(clock.upcoming(5).map((t) => t.label)).toEqual(['a purge after the end']);
  });
});
