/**
 * Escrow: failed operations wait here and are retried on later cycles with back-off (research/entra.md §9:
 * "retried in 40 minutes", scaling back; INFERRED model: +40m, doubling, capped at 24h, given up after 28 days).
 */

export interface EscrowSettings {
  firstRetryMs: number;
  maxRetryMs: number;
  giveUpAfterMs: number;
}

export const DEFAULT_ESCROW: EscrowSettings = {
  firstRetryMs: 40 * 60_000,
  maxRetryMs: 24 * 3_600_000,
  giveUpAfterMs: 28 * 86_400_000,
};

export interface EscrowEntry {
  userId: string;
  errorCode: string;
  reason: string;
  /** Failed attempts so far. */
  attempts: number;
  firstFailedAt: number;
  nextAttemptAt: number;
}

export class Escrows {
  readonly #entries = new Map<string, EscrowEntry>();

  constructor(private readonly settings: EscrowSettings) {}

  get size(): number {
    return this.#entries.size;
  }

  get(userId: string): EscrowEntry | undefined {
    return this.#entries.get(userId);
  }

  /**
   * Records a failure; returns the entry, or undefined when 28 days of retries are over and it was dropped. A
   * `retryAfterMs` (a 429's Retry-After, when the engine honours it) replaces the back-off for the next attempt.
   */
  fail(userId: string, errorCode: string, reason: string, now: number, retryAfterMs?: number): EscrowEntry | undefined {
    const previous = this.#entries.get(userId);
    const attempts = (previous?.attempts ?? 0) + 1;
    const firstFailedAt = previous?.firstFailedAt ?? now;
    if (now - firstFailedAt >= this.settings.giveUpAfterMs) {
      this.#entries.delete(userId);
      return undefined;
    }
    const backoff = Math.min(this.settings.firstRetryMs * 2 ** (attempts - 1), this.settings.maxRetryMs);
    const wait = retryAfterMs ?? backoff;
    const entry: EscrowEntry = { userId, errorCode, reason, attempts, firstFailedAt, nextAttemptAt: now + wait };
    this.#entries.set(userId, entry);
    return entry;
  }

  succeed(userId: string): void {
    this.#entries.delete(userId);
  }

  /** Every entry, in the order they first failed. */
  entries(): IterableIterator<EscrowEntry> {
    return this.#entries.values();
  }

  /** Entries due for another attempt at `now`, in the order they failed. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const e of this.#entries.values()) if (e.nextAttemptAt <= now) out.push(e.userId);
    return out;
  }

  clear(): void {
    this.#entries.clear();
  }
}
