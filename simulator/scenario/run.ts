/**
 * Runs one scenario in its own world and returns its result. A failed step stops the scenario; the result
 * says which, with expected and actual, the seed, and the command that reproduces it.
 */
import { performance } from 'node:perf_hooks';
import { formatInstant } from '../time.ts';
import { checkExpectation } from './expect.ts';
import type { Scenario, ScenarioStep } from './load.ts';
import { type Member, memberEventStates } from '../nordpass/model.ts';
import type {
  ExchangeResult,
  LogEntryResult,
  MemberEventRecord,
  MemberTimeline,
  ScenarioResult,
  StepResult,
} from './result.ts';
import { NeedsNordPassInside, StepFailure, STEP_HANDLERS } from './steps.ts';
import type { World as SimulatedWorld } from '../world.ts';
import { buildWorld, scenarioVariants, type ScenarioState, type World, type WorldOptions } from './world.ts';
import { changedVariants } from '../variants.ts';

/** Lanes drawn per scenario; the rest of a large tenant is summarised by state. */
const MAX_LANES = 60;
const MAX_EXCHANGES_IN_RESULT = 2_000;
const MAX_LOGS_IN_RESULT = 2_000;

export interface RunOptions extends WorldOptions {
  /** Replaces the scenario's seed (`--seed`). */
  seed?: string | number;
}

export async function runScenario(loaded: Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = options.seed !== undefined ? { ...loaded, seed: options.seed } : loaded;
  const began = performance.now();
  const world = buildWorld(scenario, options);
  const steps = await runSteps(world, scenario);
  const header = { ...headerOf(scenario, steps), runVariants: runVariantsOf(scenario, options.variants) };
  return { ...worldResult(world, header), wallMs: Math.round(performance.now() - began) };
}

/** Runs a scenario's steps in order, stopping at the first that is not ok (in process or through a served world). */
export async function runSteps(state: ScenarioState, scenario: Scenario): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  const progress: StepProgress = { exchangesAtLastExpect: 0 };
  for (const step of scenario.steps) {
    const result = await runStep(state, step, progress);
    steps.push(result);
    if (!result.ok) break;
  }
  return steps;
}

/** The run's variants that the scenario does not pin itself (its pins win), and that are not the default. */
export function runVariantsOf(scenario: Scenario, run: Partial<Record<string, string>> = {}): Record<string, string> {
  const pinned = scenarioVariants(scenario);
  return changedVariants(
    Object.fromEntries(Object.entries(run).filter(([name, alt]) => alt !== undefined && !(name in pinned))) as Record<
      string,
      string
    >,
  );
}

/** A result's header: the scenario's file, name, description, seed and start, and the steps that ran. */
export function headerOf(scenario: Scenario, steps: StepResult[]): ResultHeader {
  return {
    file: scenario.file,
    name: scenario.name,
    ...(scenario.description ? { description: scenario.description } : {}),
    seed: scenario.seed,
    start: scenario.start,
    steps,
  };
}

/** Steps that move time or check are not actions: the timeline's lane of actions leaves them out. */
const NOT_ACTIONS = new Set(['advance', 'advanceTo', 'untilIdle', 'expect']);
export const isAction = (stepName: string) => !NOT_ACTIONS.has(stepName);

/** The actions among the steps that ran (ok), as the timeline's markers. */
function actionMarkers(steps: readonly StepResult[]): ScenarioResult['markers'] {
  return steps
    .filter((r) => r.ok && isAction(r.name))
    .map((r) => ({ at: r.at, kind: 'action' as const, label: r.name, detail: describeArgs(r.args) }));
}

/** The first step that was not ok, as the result's failure. */
function failureOf(steps: readonly StepResult[]): ScenarioResult['failure'] {
  const failed = steps.find((r) => !r.ok);
  if (!failed) return undefined;
  return {
    step: failed.index,
    line: failed.line,
    name: failed.name,
    message: failed.message!,
    ...(failed.mismatches ? { mismatches: failed.mismatches } : {}),
  };
}

/**
 * What a result says besides the world: the scenario's header and the steps that ran (its failure is the first
 * that was not ok). `actions` replaces the markers made from the steps (the served world's timeline has a record).
 */
export interface ResultHeader {
  file: string;
  name: string;
  description?: string;
  seed: string | number;
  start: string;
  steps: StepResult[];
  actions?: ScenarioResult['markers'];
  /** Variants set for the run and not pinned by the scenario: the reproduce command sets them again. */
  runVariants?: Record<string, string>;
}

/**
 * What a world's record holds at the end of a run: its members' timelines (the lanes of the users `upns` names
 * first, by those names), its cycles, logs, exchanges and job. The served world gives it over `/_sim/result`.
 */
export type WorldRecord = Pick<
  ScenarioResult,
  'end' | 'members' | 'otherMembers' | 'logs' | 'logsTotal' | 'exchanges' | 'exchangesTotal' | 'job' | 'variants'
> & { cycles: ScenarioResult['markers'] };

export function worldRecord(world: SimulatedWorld, upns: ReadonlyMap<string, string>): WorldRecord {
  return {
    end: world.clock.nowIso(),
    ...timelines(world, upns),
    cycles: world.azure.job.cycles.map((c) => ({
      at: formatInstant(c.began),
      kind: 'cycle' as const,
      cycleId: c.cycleId,
      label: `${c.kind} cycle`,
      detail: `${c.state}: ${c.countExported} exported, ${c.countFailed} failed${c.error ? `; ${c.error}` : ''}`,
    })),
    logs: world.azure.logs.all().slice(-MAX_LOGS_IN_RESULT).map(logEntry),
    logsTotal: world.azure.logs.all().length,
    exchanges: world.azure.exchanges.all().slice(-MAX_EXCHANGES_IN_RESULT).map(exchange),
    exchangesTotal: world.azure.exchanges.total,
    job: world.azure.job.status(),
    variants: { set: changedVariants(world.variants.all), consulted: world.variants.consulted },
  };
}

/** A run's result: the scenario's header and steps, and the world's record at the end. */
export function resultOf(header: ResultHeader, record: WorldRecord): Omit<ScenarioResult, 'wallMs'> {
  const failure = failureOf(header.steps);
  return {
    file: header.file,
    name: header.name,
    ...(header.description ? { description: header.description } : {}),
    seed: header.seed,
    start: formatInstant(Date.parse(header.start)),
    end: record.end,
    passed: failure === undefined,
    ...(failure ? { failure } : {}),
    reproduce: `npx scimsim run ${header.file} --seed ${JSON.stringify(String(header.seed))}${Object.entries(
      header.runVariants ?? {},
    )
      .map(([name, alternative]) => ` --variant ${name}=${alternative}`)
      .join('')}`,
    steps: header.steps,
    members: record.members,
    otherMembers: record.otherMembers,
    markers: [...(header.actions ?? actionMarkers(header.steps)), ...record.cycles].sort((a, b) =>
      a.at.localeCompare(b.at),
    ),
    logs: record.logs,
    logsTotal: record.logsTotal,
    exchanges: record.exchanges,
    exchangesTotal: record.exchangesTotal,
    job: record.job,
    variants: record.variants,
  };
}

/** A world in this process as a result: what a scenario run returns, and what the live timeline draws. */
export function worldResult(world: World, header: ResultHeader): Omit<ScenarioResult, 'wallMs'> {
  return resultOf(header, worldRecord(world, world.upns));
}

/** What a run carries from step to step: `requests` checks count the exchanges since the last `expect`. */
export interface StepProgress {
  exchangesAtLastExpect: number;
}

/**
 * Runs one step in a world and says how it went: an action's failure or an expectation's mismatches, with
 * expected and actual values. The run (and serve mode's step-by-step) stops at a step that is not ok.
 */
export async function runStep(world: ScenarioState, step: ScenarioStep, progress: StepProgress): Promise<StepResult> {
  const at = formatInstant(await world.target.now());
  const result: StepResult = {
    index: step.index,
    line: step.line,
    name: step.name,
    args: redact(step.args),
    ...(step.note ? { note: step.note } : {}),
    at,
    endedAt: at,
    ok: true,
  };
  try {
    if (step.name === 'expect') {
      const { mismatches, skipped } = await checkExpectation(world, step.args as never, progress.exchangesAtLastExpect);
      progress.exchangesAtLastExpect = await world.target.exchangesTotal();
      if (skipped) result.skipped = skipped;
      if (mismatches.length > 0) {
        result.ok = false;
        result.mismatches = mismatches;
        result.message = mismatches.map((m) => `${m.what}: expected ${m.expected}, got ${m.actual}`).join('; ');
      }
    } else {
      await (STEP_HANDLERS[step.name] as (w: ScenarioState, a: unknown, s: unknown) => Promise<void> | void)(
        world,
        step.args,
        step,
      );
    }
  } catch (error) {
    if (error instanceof NeedsNordPassInside && !world.strict) {
      // Over --http, a step that needs NordPass's inside is reported as skipped, and the scenario goes on.
      result.skipped = error.message;
      result.endedAt = formatInstant(await world.target.now());
      return result;
    }
    result.ok = false;
    result.message = error instanceof StepFailure ? error.message : `${step.name} failed: ${(error as Error).message}`;
    if (error instanceof StepFailure && error.expected !== undefined)
      result.mismatches = [{ what: step.name, expected: error.expected, actual: error.actual ?? '' }];
  }
  // Every step, whatever moved the clock: a run never goes on past limits.maxVirtualTime.
  const now = await world.target.now();
  if (result.ok && now > world.virtualTimeLimit.at) {
    result.ok = false;
    result.message = `${step.name}: the scenario ran past its virtual time limit of ${world.virtualTimeLimit.text} (limits.maxVirtualTime)`;
  }
  result.endedAt = formatInstant(now);
  return result;
}

function timelines(
  world: SimulatedWorld,
  upns: ReadonlyMap<string, string>,
): Pick<ScenarioResult, 'members' | 'otherMembers'> {
  const nameByUpn = new Map([...upns].map(([name, upn]) => [upn.toLowerCase(), name]));
  const all = world.nordpass.store.allMembers();
  const named = all.filter((m) => nameByUpn.has(m.userName.toLowerCase()));
  const others = all.filter((m) => !nameByUpn.has(m.userName.toLowerCase()));
  const lanes = [...named, ...others.slice(0, Math.max(0, MAX_LANES - named.length))];
  const rest = others.slice(Math.max(0, MAX_LANES - named.length));
  const byStatus: Record<string, number> = {};
  for (const m of rest) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
  const members: MemberTimeline[] = lanes.map((m) => ({
    ...(nameByUpn.has(m.userName.toLowerCase()) ? { name: nameByUpn.get(m.userName.toLowerCase())! } : {}),
    userName: m.userName,
    id: m.id,
    status: m.status,
    events: eventRecords(m.history),
  }));
  return { members, otherMembers: { count: rest.length, byStatus } };
}

function eventRecords(history: Member['history']): MemberEventRecord[] {
  const states = memberEventStates(history);
  return history.map((h, i) => {
    const record: MemberEventRecord = {
      at: formatInstant(h.at),
      type: h.type,
      from: states[i]!.from,
      to: states[i]!.to,
      by: h.by,
    };
    if (h.detail) record.detail = h.detail;
    if (h.purgeAt !== undefined) record.purgeAt = formatInstant(h.purgeAt);
    if (h.windowMs !== undefined) record.windowMs = h.windowMs;
    return record;
  });
}

function logEntry(r: ReturnType<World['azure']['logs']['all']>[number]): LogEntryResult {
  return {
    at: formatInstant(r.at),
    cycleId: r.cycleId,
    action: r.action,
    status: r.status,
    user: r.source.userPrincipalName,
    ...(r.errorCode ? { errorCode: r.errorCode } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.modified ? { modified: r.modified } : {}),
    exchanges: r.exchanges,
  };
}

/** An exchange as the run record holds it (and /_sim/requests shows it). */
export function exchange(x: ReturnType<World['azure']['exchanges']['all']>[number]): ExchangeResult {
  return {
    seq: x.seq,
    at: formatInstant(x.at),
    method: x.method,
    path: x.path,
    ...(x.status !== undefined ? { status: x.status } : {}),
    ...(x.requestBody !== undefined ? { requestBody: x.requestBody } : {}),
    ...(x.responseBody !== undefined ? { responseBody: x.responseBody } : {}),
    ...(x.error ? { error: x.error } : {}),
  };
}

/** Secrets typed into a scenario never reach a report. */
function redact(args: unknown): unknown {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return args ?? null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = /token|secret/i.test(k) ? '[redacted]' : v;
  return out;
}

/** Arguments already redacted, in one line. */
export function describeArgs(args: unknown): string {
  if (args === null || args === undefined) return '';
  if (typeof args === 'string') return args;
  if (Array.isArray(args)) return args.join(', ');
  return JSON.stringify(args);
}
