/**
 * Changes to a served world, one at a time. A change through Graph, the Admin Panel or /_sim (and a realtime
 * clock tick) waits for the one before to finish, so the record holds them in the order they happened: a Graph
 * Start runs a whole cycle, and an assignment made meanwhile must come after it in the record as in the world.
 * Reads and SCIM requests do not wait. Re-entrant: a change made from inside one (a scenario step that asks
 * for Get Credentials through the Admin Panel) runs at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export class OneAtATime {
  readonly #inside = new AsyncLocalStorage<true>();
  #queue: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return work();
    const turn = this.#queue.then(() => this.#inside.run(true, work));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}

/** Methods that change nothing: they do not wait their turn. */
export const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
