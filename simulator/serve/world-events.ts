/**
 * What happens in a served world, as a stream for `GET /_sim/events`: member transitions, provisioning cycles,
 * provisioning log entries, clock moves, and the steps the record gains. Listeners are called synchronously; a slow reader is the stream's
 * problem (it keeps a bounded queue), never the simulation's.
 */
import { formatInstant } from '../time.ts';
import type { World } from '../world.ts';

export type WorldEvent =
  | { type: 'member'; at: string; id: string; userName: string; event: string; from: string | null; to: string }
  | {
      type: 'cycle';
      at: string;
      cycleId: string;
      kind: string;
      state: string;
      countEntitled: number;
      countExported: number;
      countFailed: number;
      error?: string;
    }
  | { type: 'log'; at: string; cycleId: string; action: string; status: string; user: string; errorCode?: string }
  | { type: 'clock'; at: string; fired: number }
  | { type: 'step'; at: string; step: unknown }
  // A change made through a face (Graph, the Admin Panel), by its action's kind: the console draws the world again.
  | { type: 'change'; at: string; action: string };

export class WorldEvents {
  readonly #listeners = new Set<(event: WorldEvent) => void>();

  /** Starts telling `listener` what happens; returns the function that stops it. */
  subscribe(listener: (event: WorldEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: WorldEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Feeds the stream from a world's models (a world is watched once, when it is built). */
  watch(world: World): void {
    world.nordpass.members.onChange((member) => {
      const last = member.history.at(-1);
      // Only changes of state: an update or an email sent is not a transition.
      if (!last?.to || last.from === last.to) return;
      this.emit({
        type: 'member',
        at: formatInstant(last.at),
        id: member.id,
        userName: member.userName,
        event: last.type,
        from: last.from ?? null,
        to: last.to,
      });
    });
    world.azure.job.onCycle((c) =>
      this.emit({
        type: 'cycle',
        at: formatInstant(c.began),
        cycleId: c.cycleId,
        kind: c.kind,
        state: c.state,
        countEntitled: c.countEntitled,
        countExported: c.countExported,
        countFailed: c.countFailed,
        ...(c.error ? { error: c.error } : {}),
      }),
    );
    world.azure.logs.onAdd((r) =>
      this.emit({
        type: 'log',
        at: formatInstant(r.at),
        cycleId: r.cycleId,
        action: r.action,
        status: r.status,
        user: r.source.userPrincipalName,
        ...(r.errorCode ? { errorCode: r.errorCode } : {}),
      }),
    );
  }
}
