/** What a run produces: the input every reporter reads (reporters never re-run anything). Versioned. */
import type { JobStatus } from '../../mock-azure/provisioning/job-types.ts';
import type { MemberEventType, MemberStatus } from '../nordpass/member-states.ts';

// The vocabulary of the record, for reporters (which import nothing else from the simulator).
export { MEMBER_EVENT_TYPES, MEMBER_STATUSES, SOFT_DELETED_STATUSES } from '../nordpass/member-states.ts';
export type { MemberEventType, MemberStatus } from '../nordpass/member-states.ts';
export type { JobStatus } from '../../mock-azure/provisioning/job-types.ts';

export const REPORT_SCHEMA_VERSION = 1;

export interface StepResult {
  index: number;
  line: number;
  name: string;
  /** The step's argument, with secrets redacted. */
  args: unknown;
  note?: string;
  /** Virtual time when the step began and ended. */
  at: string;
  endedAt: string;
  ok: boolean;
  /** For a failed step: what went wrong. */
  message?: string;
  mismatches?: Array<{ what: string; expected: string; actual: string }>;
  /** With --http (not --strict): what the step did not do or check because it looks inside NordPass, and why. */
  skipped?: string;
}

export interface MemberTimeline {
  /** The tenant user's name in the scenario, when it has one. */
  name?: string;
  userName: string;
  id: string;
  status: MemberStatus;
  events: MemberEventRecord[];
}

/** One event in a member's history, with the state before and after it (the same for events that change none). */
export interface MemberEventRecord {
  at: string;
  type: MemberEventType;
  /** null only on `created`: there was no member before. */
  from: MemberStatus | null;
  to: MemberStatus;
  by: string;
  detail?: string;
  /** On a soft delete: when the purge falls due (ISO), and the window's length in ms (the NordPass setting). */
  purgeAt?: string;
  windowMs?: number;
}

export interface AzureMarker {
  at: string;
  kind: 'cycle' | 'action';
  /** For cycles: the cycleId its provisioning log entries carry. */
  cycleId?: string;
  /** For cycles: initial/incremental and the outcome; for actions: the step name. */
  label: string;
  detail?: string;
}

export interface LogEntryResult {
  at: string;
  cycleId: string;
  action: string;
  status: string;
  user: string;
  errorCode?: string;
  reason?: string;
  modified?: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
  exchanges: number[];
}

export interface ExchangeResult {
  seq: number;
  at: string;
  method: string;
  path: string;
  status?: number;
  requestBody?: string;
  responseBody?: string;
  error?: string;
}

export interface ScenarioResult {
  file: string;
  name: string;
  description?: string;
  seed: string | number;
  /** Virtual start and end. */
  start: string;
  end: string;
  passed: boolean;
  /** The first failure: the step, its line, and expected/actual. */
  failure?: { step: number; line: number; name: string; message: string; mismatches?: StepResult['mismatches'] };
  /** The command that reproduces this run. */
  reproduce: string;
  steps: StepResult[];
  members: MemberTimeline[];
  /** Members not drawn as lanes (large tenants): counts by state. */
  otherMembers: { count: number; byStatus: Record<string, number> };
  markers: AzureMarker[];
  logs: LogEntryResult[];
  logsTotal: number;
  exchanges: ExchangeResult[];
  exchangesTotal: number;
  /** The provisioning job at the end of the run, as the engine reports it (instants as epoch ms). */
  job: JobStatus;
  /**
   * The unsettled behaviours (simulator/variants.ts): `set`, those not at their default in this run (pinned by
   * the scenario or set for the run); `consulted`, those the run's models read, in catalogue order. A variant
   * not consulted could not have changed the run.
   */
  variants: { set: Record<string, string>; consulted: string[] };
  /** Wall-clock milliseconds: the one field that differs between identical runs. */
  wallMs: number;
}

/** One alternative of one variant, replayed by `--variants all`: how the scenario went under it. */
export interface VariantOutcome {
  variant: string;
  alternative: string;
  passed: boolean;
  /** Whether it went otherwise than the default run: another verdict, or a stop at another step. */
  differs: boolean;
  /** Where it stopped, when it failed (the first expectation or step that did not hold). */
  failure?: ScenarioResult['failure'];
  reproduce: string;
}

/** A scenario under `--variants all`: its default run's verdict and each alternative's. */
export interface ScenarioVariantMatrix {
  file: string;
  name: string;
  passed: boolean;
  /** Variants the scenario pins (left as pinned). */
  pinned: Record<string, string>;
  /** Variants its default run read: only these can change it. */
  consulted: string[];
  outcomes: VariantOutcome[];
  /** True when some alternative gives another verdict, or fails at another step: the result depends on a guess. */
  flagged: boolean;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: 'scimsim';
  /** Wall-clock time the run began (ISO). */
  startedAt: string;
  wallMs: number;
  passed: number;
  failed: number;
  invalid: Array<{ file: string; message: string }>;
  scenarios: ScenarioResult[];
  /** With `--variants all|strict`: each scenario under each alternative of each variant it consulted. */
  variants?: { mode: 'all' | 'strict'; scenarios: ScenarioVariantMatrix[]; flagged: number; runs: number };
}
