/**
 * Virtual time shared by both sides of a simulation. Time only moves when someone advances it, and it
 * jumps from timer to timer, so 10 years of empty time cost nothing. Each timer runs with now() equal
 * to its own due time; timers due at the same instant run in the order they were scheduled.
 */
import { formatInstant, MAX_INSTANT, parseDuration, parseInstant } from './time.ts';

export type Task = () => void | Promise<void>;

export interface TimerHandle {
  readonly id: number;
  readonly at: number;
  readonly label: string;
  /** Cancels the timer; returns false when it had already fired or been cancelled. */
  cancel(): boolean;
}

export interface AdvanceResult {
  /** The clock's time afterwards, ISO 8601. */
  now: string;
  /** How many timers ran. */
  fired: number;
}

export interface ClockOptions {
  /** Default limit on timers one runUntilIdle may fire; a repeating timer would otherwise never go idle. */
  idleLimit?: number;
}

// A timer is its own handle: one small object per timer, with cancel() on the prototype. A handle made of an
// object literal with a `cancel` arrow cost ~500 bytes more per timer under tsx (a closure, its context, and the
// `name` property esbuild's keepNames defines on it): 50 MB for the invitations of a 100,000-member run.
// The label may be a function of the timer's argument, made only when asked for: a string per timer such as
// "invitation <userName>" was 6 MB of a 100,000-member run.
class Timer implements TimerHandle {
  state: 'waiting' | 'fired' | 'cancelled' = 'waiting';

  constructor(
    readonly id: number,
    readonly at: number,
    private readonly describe: string | ((arg: never) => string),
    readonly task: (arg: never) => void | Promise<void>,
    readonly arg: unknown,
    private readonly count: { waiting: number },
  ) {}

  get label(): string {
    return typeof this.describe === 'string' ? this.describe : this.describe(this.arg as never);
  }

  cancel(): boolean {
    if (this.state !== 'waiting') return false;
    this.state = 'cancelled';
    this.count.waiting--;
    return true;
  }
}

/** A time a caller asked for that lies in the clock's past, or beyond the range it keeps. */
export class ClockError extends Error {
  override name = 'ClockError';
}

export class Clock {
  #now: number;
  #nextId = 1;
  #heap: Timer[] = [];
  // Shared with every timer, so a cancel can keep the count of waiting timers.
  readonly #count = { waiting: 0 };
  // One advance at a time: a second caller (another HTTP request) waits its turn instead of interleaving.
  #queue: Promise<unknown> = Promise.resolve();
  readonly #idleLimit: number;

  constructor(start: string | number | Date, options: ClockOptions = {}) {
    this.#now = parseInstant(start);
    this.#idleLimit = options.idleLimit ?? 1_000_000;
  }

  /** The current virtual time in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** The current virtual time as ISO 8601 UTC. */
  nowIso(): string {
    return formatInstant(this.#now);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#count.waiting;
  }

  /** The due time of the next waiting timer (of those whose label passes `filter`, if given). */
  nextDueAt(filter?: (label: string) => boolean): number | undefined {
    this.#dropCancelledTop();
    if (!filter) return this.#heap[0]?.at;
    let best: Timer | undefined;
    for (const t of this.#heap) if (t.state === 'waiting' && filter(t.label) && (!best || before(t, best))) best = t;
    return best?.at;
  }

  /** The next `limit` waiting timers (whose labels pass `filter`) in the order they will fire, with instants and labels. */
  upcoming(limit: number, filter?: (label: string) => boolean): Array<{ at: number; label: string }> {
    const waiting = this.#heap
      .filter((t) => t.state === 'waiting' && (!filter || filter(t.label)))
      .sort((a, b) => (before(a, b) ? -1 : 1));
    return waiting.slice(0, Math.max(0, limit)).map((t) => ({ at: t.at, label: t.label }));
  }

  /**
   * Runs `task` at virtual instant `at`. An instant already past runs at the current instant on the next
   * advance (a restored data file can hold deadlines that fell due while the server was down). `arg` is
   * handed to the task: one shared task for many timers costs no closure per timer (100,000 purges). The label
   * is text, or a shared function that makes it from `arg` when it is asked for.
   */
  schedule<A = undefined>(
    at: number | string | Date,
    task: (arg: A) => void | Promise<void>,
    label: string | ((arg: A) => string),
    arg?: A,
  ): TimerHandle {
    // An epoch-ms instant is taken as it is, even past the clock's range (a purge due after its end never fires).
    const due = Math.max(typeof at === 'number' && Number.isSafeInteger(at) ? at : parseInstant(at), this.#now);
    const timer = new Timer(
      this.#nextId++,
      due,
      label as string | ((arg: never) => string),
      task as (arg: never) => void | Promise<void>,
      arg,
      this.#count,
    );
    this.#push(timer);
    this.#count.waiting++;
    return timer;
  }

  /** Runs `task` after a duration from now. */
  scheduleIn(duration: string | number, task: Task, label: string): TimerHandle {
    return this.schedule(this.#now + parseDuration(duration), task, label);
  }

  /** Moves time forward by a duration, firing every timer that falls due on the way. */
  advance(duration: string | number): Promise<AdvanceResult> {
    return this.#serialised(() => this.#runTo(this.#now + parseDuration(duration)));
  }

  /** Moves time forward to an instant; an instant in the past is an error. */
  advanceTo(instant: string | number | Date): Promise<AdvanceResult> {
    return this.#serialised(() => {
      const target = parseInstant(instant);
      if (target < this.#now) {
        throw new ClockError(`cannot go back in time: ${formatInstant(target)} is before now (${this.nowIso()})`);
      }
      return this.#runTo(target);
    });
  }

  /** Fires timers in time order until none is left; fails after `limit` timers (a timer that reschedules itself forever). */
  runUntilIdle(options: { limit?: number } = {}): Promise<AdvanceResult> {
    const limit = options.limit ?? this.#idleLimit;
    return this.#serialised(async () => {
      let fired = 0;
      for (;;) {
        const next = this.#popDue(Number.POSITIVE_INFINITY);
        if (!next) return { now: this.nowIso(), fired };
        if (fired >= limit) {
          this.#push(next);
          throw new ClockError(
            `runUntilIdle stopped after ${limit} timers without going idle (next: "${next.label}" at ${formatInstant(next.at)}); a timer probably repeats forever`,
          );
        }
        await this.#fire(next);
        fired++;
      }
    });
  }

  async #runTo(target: number): Promise<AdvanceResult> {
    // Checked before anything fires: a refused advance changes nothing.
    if (!(target <= MAX_INSTANT))
      throw new ClockError(
        `cannot move the clock past ${formatInstant(MAX_INSTANT)}, the end of the range it keeps (now ${this.nowIso()})`,
      );
    let fired = 0;
    for (let next = this.#popDue(target); next; next = this.#popDue(target)) {
      await this.#fire(next);
      fired++;
    }
    this.#now = target;
    return { now: this.nowIso(), fired };
  }

  async #fire(timer: Timer): Promise<void> {
    this.#now = timer.at;
    timer.state = 'fired';
    this.#count.waiting--;
    await (timer.task as (arg: unknown) => void | Promise<void>)(timer.arg);
  }

  #serialised<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  // A binary min-heap ordered by (at, id): id grows with scheduling order, so ties keep that order.
  #popDue(limit: number): Timer | undefined {
    this.#dropCancelledTop();
    const top = this.#heap[0];
    if (!top || top.at > limit) return undefined;
    return this.#pop();
  }

  #dropCancelledTop(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.state !== 'waiting') this.#pop();
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Timer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}
