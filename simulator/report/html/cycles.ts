/** Which provisioning log entries belong to which cycle marker, so a click on a cycle can show them. */
import type { AzureMarker, ScenarioResult } from '../../scenario/result.ts';

export interface CycleLink {
  /** Unique in the document: `<scenario id>-c<n>`. */
  key: string;
  marker: AzureMarker;
  at: number;
  /** Indexes into the scenario's `logs`. */
  logs: number[];
  failed: boolean;
}

export interface CycleLinks {
  cycles: CycleLink[];
  /** For each log entry: the key of its cycle, when it came from one. */
  cycleOfLog: Array<string | undefined>;
}

/**
 * Markers carry no cycleId, so a log group (one cycleId) is matched to the cycle marker at the same virtual
 * instant (cycles take no virtual time), else to the latest earlier cycle with no admin action in between
 * (an action in between means the group came from it, e.g. provision on demand). A marker that does carry
 * a `cycleId` is matched by it.
 */
export function linkCycles(s: ScenarioResult, prefix: string): CycleLinks {
  const cycles: CycleLink[] = [];
  for (const marker of s.markers) {
    if (marker.kind !== 'cycle') continue;
    const failed = /^failed|\b[1-9]\d* failed/i.test(marker.detail ?? '') || /failed/i.test(marker.label);
    cycles.push({ key: `${prefix}-c${cycles.length}`, marker, at: Date.parse(marker.at), logs: [], failed });
  }
  const actions = s.markers.filter((m) => m.kind === 'action').map((m) => Date.parse(m.at));
  const groups = new Map<string, number[]>();
  s.logs.forEach((entry, i) => {
    const group = groups.get(entry.cycleId);
    if (group) group.push(i);
    else groups.set(entry.cycleId, [i]);
  });
  const byId = new Map<string, CycleLink>();
  for (const c of cycles) {
    const id = (c.marker as { cycleId?: unknown }).cycleId;
    if (typeof id === 'string') byId.set(id, c);
  }
  const taken = new Set<CycleLink>();
  const cycleOfLog: Array<string | undefined> = new Array(s.logs.length).fill(undefined);
  for (const [cycleId, indexes] of groups) {
    const at = Date.parse(s.logs[indexes[0]!]!.at);
    const cycle = byId.get(cycleId) ?? matchByTime(cycles, taken, actions, at);
    if (!cycle) continue;
    taken.add(cycle);
    cycle.logs.push(...indexes);
    for (const i of indexes) cycleOfLog[i] = cycle.key;
  }
  return { cycles, cycleOfLog };
}

function matchByTime(cycles: CycleLink[], taken: Set<CycleLink>, actions: number[], at: number): CycleLink | undefined {
  const same = cycles.find((c) => c.at === at && !taken.has(c));
  if (same) return same;
  let before: CycleLink | undefined;
  for (const c of cycles) {
    if (c.at > at) break;
    before = c;
  }
  if (!before || taken.has(before)) return undefined;
  const start = before.at;
  return actions.some((a) => a > start && a <= at) ? undefined : before;
}
