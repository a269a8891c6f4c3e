/** The job's vocabulary: settings, status codes, quarantine, cycle summaries, and Test Connection's outcome. */
import type { VariantChoices } from '../../simulator/variants.ts';
import type { Clock } from '../../simulator/clock.ts';
import type { Random } from '../../simulator/random.ts';
import type { EnterpriseApplication } from '../app/application.ts';
import type { Directory } from '../directory/directory.ts';
import { DEFAULT_ESCROW, type EscrowEntry, type EscrowSettings } from './escrow.ts';
import type { ExchangeLog } from '../scim-client/exchanges.ts';
import type { ProvisioningLogs } from './logs.ts';
import type { Link, Plan } from './plan.ts';
import { ScimCallError, statusName } from '../scim-client/client.ts';
import type { Transport } from '../scim-client/transport.ts';

export type JobStatusCode = 'NotConfigured' | 'NotRun' | 'Active' | 'Paused' | 'Quarantine';
export type QuarantineReason =
  | 'EncounteredQuarantineException'
  | 'EncounteredBaseEscrowThreshold'
  | 'EncounteredTotalEscrowThreshold'
  | 'EncounteredEscrowProportionThreshold'
  | 'TooManyDeletes';

export type CycleDuration = 'instant' | 'realistic';

/** The label of the timer of the next cycle, and of a running realistic cycle's next object. */
export const CYCLE_TIMER = 'provisioning cycle';
export const CYCLE_RUNNING_TIMER = 'cycle in progress';

export interface EngineSettings {
  /** Between incremental cycles ("every 40 minutes", not configurable in Entra). */
  cycleIntervalMs: number;
  /**
   * When a quarantined job tries again, counted from the first failure: 6 h, 12 h, 24 h, then every 24 h
   * (the last offset) after that.
   */
  quarantineIntervalsMs: number[];
  /** A job quarantined this long is disabled (research/entra.md §9: four weeks). */
  quarantineDisableAfterMs: number;
  // fidelity: how many failed start-up probes (app unreachable) quarantine the job is not public; INFERRED.
  /** Successive cycles whose Test Connection probe failed without a credential error before quarantine. */
  unavailableCyclesBeforeQuarantine: number;
  /** Send the Test Connection probe even on cycles with nothing to do (off: an idle cycle sends nothing). */
  probeIdleCycles: boolean;
  escrow: EscrowSettings;
  /**
   * `instant`: a cycle takes no virtual time (exact timings). `realistic`: each object a cycle processes takes
   * virtual time, at Microsoft's published cost (objectCostMs), and the next cycle is 40 minutes after it ends.
   */
  cycleDuration: CycleDuration;
  /**
   * What one object costs a realistic cycle, in ms, drawn from the seeded source within the range: "about
   * 0.01-0.08 minutes" an object in an initial cycle, creating "about twice" matching
   * (application-provisioning-when-will-provisioning-finish-specific-user). Every processed object counts
   * (INFERRED for incremental cycles); group sync takes no time.
   */
  objectCostMs: { match: [number, number]; create: [number, number] };
  /** Escrow thresholds (research/entra.md §9), scaled down in tests. */
  escrowThresholds: { evaluateFrom: number; proportion: number; total: number };
}

export const DEFAULT_ENGINE: EngineSettings = {
  cycleIntervalMs: 40 * 60_000,
  quarantineIntervalsMs: [6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000],
  quarantineDisableAfterMs: 28 * 86_400_000,
  unavailableCyclesBeforeQuarantine: 3,
  probeIdleCycles: false,
  escrow: DEFAULT_ESCROW,
  cycleDuration: 'instant',
  objectCostMs: { match: [600, 2_400], create: [1_200, 4_800] },
  escrowThresholds: { evaluateFrom: 5_000, proportion: 0.4, total: 40_000 },
};

/** Settings as callers give them: any subset, the escrow thresholds too (the rest are Entra's defaults). */
export type EngineSettingsInput = Partial<Omit<EngineSettings, 'escrowThresholds'>> & {
  escrowThresholds?: Partial<EngineSettings['escrowThresholds']>;
};

/** The settings in force: the defaults, overridden by what was given. */
export function resolveEngineSettings(input: EngineSettingsInput = {}): EngineSettings {
  return {
    ...DEFAULT_ENGINE,
    ...input,
    escrowThresholds: { ...DEFAULT_ENGINE.escrowThresholds, ...input.escrowThresholds },
  };
}

export interface TestConnectionResult {
  ok: boolean;
  /** Entra's error name: ...CredentialValidationFailure (with the status) or CredentialValidationUnavailable. */
  errorCode?: string;
  message?: string;
}

export interface Quarantine {
  reason: QuarantineReason;
  currentBegan: number;
  seriesBegan: number;
  seriesCount: number;
  nextAttempt: number;
  error: string;
}

export interface CycleSummary {
  cycleId: string;
  kind: 'initial' | 'incremental';
  began: number;
  ended: number;
  state: 'Succeeded' | 'Failed';
  countEntitled: number;
  countExported: number;
  countFailed: number;
  error?: string;
}

/**
 * The job's status as the model knows it, instants as epoch ms. The Graph face renders it as Graph's
 * synchronizationStatus; a run's result carries it as it is.
 */
export interface JobStatus {
  code: JobStatusCode;
  /** The last cycle (provision on demand is not a cycle). */
  lastCycle: CycleSummary | null;
  /** When a cycle first, and last, ended with nothing left to do (no failure, no escrow). */
  steadyStateFirstAchievedAt: number | null;
  steadyStateLastAchievedAt: number | null;
  /** Cycles in a row that failed as a whole (0 after any cycle that did not). */
  countSuccessiveCompleteFailures: number;
  quarantine: Quarantine | null;
  /** When the next cycle runs; null while stopped or never started. */
  nextCycleAt: number | null;
  /** Objects in escrow (waiting to be retried). */
  escrows: number;
  /** Directory objects the job has matched to a target object. */
  links: number;
  /** Deletions held back by the accidental-deletions threshold until "Allow deletes". */
  stagedDeletes: number;
}

/** What the job knows of one user before its next cycle (ProvisioningJob.nextCycleFacts). */
export interface NextCycleFacts {
  status: JobStatus;
  /** No cycle has completed yet: the next one is initial and reads everyone in scope. */
  initial: boolean;
  /** The next cycle reads this user (initial, changed since the watermark, escrow due, or staged). */
  read: boolean;
  /** What a cycle that reads the user would do; undefined: nothing. */
  plan: Plan | undefined;
  link?: Link;
  escrow?: EscrowEntry;
  staged: boolean;
}

/** A request the job cannot do in its current state (e.g. Start before credentials are saved). */
export class JobError extends Error {
  constructor(
    readonly code: 'NotConfigured' | 'CredentialValidationFailed' | 'InvalidRequest' | 'Conflict',
    message: string,
    readonly detail?: TestConnectionResult,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

export interface EngineDeps {
  clock: Clock;
  random: Random;
  directory: Directory;
  app: EnterpriseApplication;
  transport: Transport;
  logs: ProvisioningLogs;
  exchanges: ExchangeLog;
  settings?: EngineSettingsInput;
  /** The unsettled behaviours this tenant follows (simulator/variants.ts). */
  variants: VariantChoices;
}

/** Test Connection's outcome from a failed probe, in Entra's words. */
export function testFailure(error: unknown): TestConnectionResult {
  if (error instanceof ScimCallError) {
    if (error.status !== undefined) {
      return {
        ok: false,
        errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
        message: `While attempting to validate our authorization to access your application, we received this unexpected response: Response Status Code: ${statusName(error.status)}. ${error.message}`,
      };
    }
    if (error.code === 'SystemForCrossDomainIdentityManagementCredentialValidationFailure')
      return { ok: false, errorCode: error.code, message: error.message };
    return { ok: false, errorCode: 'CredentialValidationUnavailable', message: error.message };
  }
  throw error;
}
