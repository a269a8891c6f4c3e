/**
 * The directory's change feed (what Graph delta queries give Entra's engine): an append-only log kept in
 * parallel arrays (a change object per entry would cost ~100 bytes each in a 100,000-user tenant), read by
 * seq, and delivered to listeners only once an operation is fully applied.
 */
import { DirectoryError, type DirectoryChange, type DirectoryChangeKind } from './types.ts';

export class ChangeFeed {
  readonly #kinds: DirectoryChangeKind[] = [];
  readonly #objectIds: string[] = [];
  readonly #groupIds: Array<string | undefined> = [];
  readonly #times: number[] = [];
  readonly #listeners = new Set<(change: DirectoryChange) => void>();
  #undelivered = 0;
  #delivering = false;

  /** The latest change's seq; 0 before any change. A consumer keeps it as its watermark. */
  get seq(): number {
    return this.#kinds.length;
  }

  /** Changes with a seq greater than `seq`, oldest first; costs what it returns. */
  since(seq: number): DirectoryChange[] {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.seq) {
      throw new DirectoryError(
        'invalid',
        `seq must be a whole number from 0 to the latest seq ${this.seq}, got ${seq}`,
      );
    }
    // seq n sits at index n - 1, so everything after `seq` starts at index `seq`.
    const changes: DirectoryChange[] = [];
    for (let i = seq; i < this.#kinds.length; i++) changes.push(this.#change(i));
    return changes;
  }

  /** Calls `listener` with every change after it is fully applied, in seq order; returns an unsubscribe. */
  subscribe(listener: (change: DirectoryChange) => void): () => void {
    const entry = (change: DirectoryChange) => listener(change);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /** Appends a change; listeners hear of it at the next deliver(). */
  record(kind: DirectoryChangeKind, at: number, objectId: string, groupId?: string): void {
    this.#kinds.push(kind);
    this.#objectIds.push(objectId);
    this.#groupIds.push(groupId);
    this.#times.push(at);
    this.#undelivered++;
  }

  /** Hands recorded changes to the listeners; a listener that changes the directory is served in order too. */
  deliver(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    let firstError: unknown;
    let failed = false;
    try {
      while (this.#undelivered > 0) {
        const change = this.#change(this.#kinds.length - this.#undelivered--);
        for (const listener of this.#listeners) {
          try {
            listener(change);
          } catch (error) {
            if (!failed) [failed, firstError] = [true, error];
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
    // The directory is consistent by now; a broken listener still fails loudly, after the others ran.
    if (failed) throw firstError;
  }

  #change(index: number): DirectoryChange {
    const change: DirectoryChange = {
      seq: index + 1,
      at: this.#times[index]!,
      kind: this.#kinds[index]!,
      objectId: this.#objectIds[index]!,
    };
    const groupId = this.#groupIds[index];
    if (groupId !== undefined) change.groupId = groupId;
    return Object.freeze(change);
  }
}
