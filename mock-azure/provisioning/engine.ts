/**
 * The provisioning job: Test Connection, Save, Start / Stop / Restart, cycles every 40 minutes of virtual
 * time from a watermark, escrow, quarantine, accidental-deletions staging, and the status Graph shows.
 */
import type { TimerHandle } from '../../simulator/clock.ts';
import type { Random } from '../../simulator/random.ts';
import { collectWork } from './collect.ts';
import { Escrows } from './escrow.ts';
import { baseRecord, CredentialFailure, executePlan, type ExecuteContext } from './execute.ts';
import { exportReference, referencesDue } from './references.ts';
import { syncGroups, type GroupLink, type GroupSyncContext } from './group-sync.ts';
import {
  JobError,
  resolveEngineSettings,
  testFailure,
  CYCLE_RUNNING_TIMER,
  CYCLE_TIMER,
  type CycleSummary,
  type EngineDeps,
  type EngineSettings,
  type JobStatus,
  type JobStatusCode,
  type NextCycleFacts,
  type Quarantine,
  type QuarantineReason,
  type TestConnectionResult,
} from './job-types.ts';
import type { LogRecord } from './logs.ts';
import type { DirectoryUser } from '../directory/directory.ts';
import { isDeprovisioning, planFor, type Link, type Plan } from './plan.ts';
import { ScimCallError, ScimClient } from '../scim-client/client.ts';

export { DEFAULT_ENGINE, JobError, testFailure } from './job-types.ts';
export type {
  CycleSummary,
  EngineDeps,
  EngineSettings,
  EngineSettingsInput,
  JobStatus,
  JobStatusCode,
  NextCycleFacts,
  Quarantine,
  QuarantineReason,
  TestConnectionResult,
} from './job-types.ts';

/** How a start or restart begins its cycle: before it returns, or (`wait`) when the virtual clock next moves. */
export interface CycleStart {
  wait?: boolean;
}

export class ProvisioningJob {
  #id: string;
  /**
   * Whether the app has its provisioning job: not until the first Save (the portal) or `POST .../jobs` (Graph);
   * `remove` deletes it. The engine keeps its settings and credentials either way; a job that does not exist runs
   * nothing, and Graph does not list it.
   */
  #exists = false;
  /** Where this job's own cycles begin in `cycles` (the history of earlier, deleted jobs comes before). */
  #firstCycle = 0;
  readonly settings: EngineSettings;
  readonly links = new Map<string, Link>();
  /** Groups sent to the app (group provisioning on only). */
  readonly groupLinks = new Map<string, GroupLink>();
  #groupsDirty = false;
  readonly escrows: Escrows;
  readonly cycles: CycleSummary[] = [];
  #state: 'stopped' | 'running' | 'paused' = 'stopped';
  #everRun = false;
  #quarantine: Quarantine | undefined;
  #watermark: { directorySeq: number; appSeq: number; settingsSeq: number } | undefined;

  /**
   * The watermark a cycle reads from: none (an initial cycle) when the mappings or scoping filters changed since
   * it was taken, as "saving a new scoping filter triggers a new full sync".
   */
  get #readFrom(): { directorySeq: number; appSeq: number } | undefined {
    const w = this.#watermark;
    return w && w.settingsSeq === this.deps.app.settingsSeq ? w : undefined;
  }
  #timer: TimerHandle | undefined;
  #staged = new Set<string>();
  #forceDeletes = false;
  #unavailableCycles = 0;
  #successiveFailures = 0;
  #steadyFirst: number | undefined;
  #steadyLast: number | undefined;
  #busy: Promise<unknown> = Promise.resolve();
  readonly #cycleListeners: Array<(cycle: CycleSummary) => void> = [];
  /**
   * A realistic cycle runs for virtual time: between objects it waits for the clock (a timer at the instant the
   * next object is due) and hands control back to whoever ran it (#handBack), so the clock can move on. Only one
   * cycle runs at a time; a start, restart or deletion of the job interrupts it (#interruptRunningCycle).
   */
  #running: { timer: TimerHandle | undefined; summary: CycleSummary } | undefined;
  #handBack: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** The seeded source of objects' costs in a realistic cycle (a fork of its own: instant runs draw nothing from it). */
  readonly #costs: Random;

  constructor(private readonly deps: EngineDeps) {
    this.settings = resolveEngineSettings(deps.settings);
    this.escrows = new Escrows(this.settings.escrow);
    this.#costs = deps.random.fork('object-costs');
    this.#id = this.#newId();
  }

  /** The job's id, as Graph names it (`scim.<32 hex>.<8 hex>`); a job created after a delete has a new one. */
  get id(): string {
    return this.#id;
  }

  #newId(): string {
    return `scim.${this.deps.random.uuid().replace(/-/g, '')}.${this.deps.random.uuid().slice(0, 8)}`;
  }

  get exists(): boolean {
    return this.#exists;
  }

  /** Creates the app's job (`POST .../jobs`, or the portal's first Save); an app has one. */
  create(): void {
    if (this.#exists) throw new JobError('Conflict', `the app already has its provisioning job (${this.#id})`);
    this.#exists = true;
  }

  /**
   * Deletes the job (`DELETE .../jobs/{id}`): it stops, and what it knew goes with it (links, watermark, escrows,
   * staged deletes, quarantine, status); the credentials stay with the app. The next job gets a new id and starts
   * with an initial cycle that matches users again.
   */
  remove(): Promise<void> {
    return this.#exclusive(async () => {
      if (!this.#exists) throw new JobError('NotConfigured', 'the app has no provisioning job');
      this.#interruptRunningCycle('the job was deleted');
      this.#timer?.cancel();
      this.#timer = undefined;
      this.links.clear();
      this.groupLinks.clear();
      this.escrows.clear();
      this.#staged.clear();
      this.#groupsDirty = false;
      this.#state = 'stopped';
      this.#everRun = false;
      this.#quarantine = undefined;
      this.#watermark = undefined;
      this.#forceDeletes = false;
      this.#unavailableCycles = 0;
      this.#successiveFailures = 0;
      this.#steadyFirst = undefined;
      this.#steadyLast = undefined;
      this.#firstCycle = this.cycles.length;
      this.#exists = false;
      this.#id = this.#newId();
    });
  }

  /** This job's own cycles (a deleted job's are history). */
  get ownCycles(): readonly CycleSummary[] {
    return this.cycles.slice(this.#firstCycle);
  }

  /** Test Connection: what Entra sends, and its error names. Does not change the saved credentials. */
  async testConnection(tenantUrl: string, secretToken: string): Promise<TestConnectionResult> {
    let client: ScimClient;
    try {
      client = this.#client(tenantUrl, secretToken);
    } catch (error) {
      return { ok: false, errorCode: 'CredentialValidationUnavailable', message: (error as Error).message };
    }
    try {
      await this.#probe(client);
      return { ok: true };
    } catch (error) {
      return testFailure(error);
    }
  }

  /** Save: credentials that fail Test Connection are refused, as in the portal. */
  async saveCredentials(tenantUrl: string, secretToken: string): Promise<void> {
    const result = await this.testConnection(tenantUrl, secretToken);
    if (!result.ok)
      throw new JobError(
        'CredentialValidationFailed',
        `Test Connection failed: ${result.errorCode}: ${result.message}`,
        result,
      );
    this.deps.app.setCredentials(tenantUrl, secretToken);
    // fidelity: the portal's Save creates the job when the app has none; Graph's PUT .../secrets does too here.
    this.#exists = true;
  }

  /**
   * Start (Provisioning Status On): the initial cycle, then incremental cycles. Clears quarantine, as Graph's start
   * does. With `wait` the cycle waits for the clock (Graph's start answers 204 at once and the cycle runs in the
   * background: here at the next move of the virtual clock, at this instant); without it, it runs before this returns.
   */
  start(options: CycleStart = {}): Promise<void> {
    return this.#exclusive(async () => {
      this.#requireCredentials();
      this.#interruptRunningCycle('Start began a new cycle');
      this.#quarantine = undefined;
      this.#state = 'running';
      await this.#cycleNowOrSoon(options);
    });
  }

  /**
   * Stop (Provisioning Status Off): no more cycles until Start; the watermark is kept, so it picks up where it left
   * off. A cycle that is running goes on to its end: "the current provisioning cycle continues running until
   * completion" (known-issues).
   */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#state === 'running') this.#state = 'paused';
  }

  /**
   * Restart provisioning: clears the watermark, escrows and quarantine, keeps the links (unless `full`), and
   * runs a cycle now (with `wait`, at the next move of the clock, as for start). `forceDeletes` is "Allow deletes":
   * the staged deletions go through.
   */
  restart(options: { forceDeletes?: boolean; full?: boolean } & CycleStart = {}): Promise<void> {
    return this.#exclusive(async () => {
      this.#requireCredentials();
      this.#interruptRunningCycle('a restart began a new cycle');
      this.#watermark = undefined;
      this.escrows.clear();
      this.#quarantine = undefined;
      this.#unavailableCycles = 0;
      if (options.full) {
        this.links.clear();
        this.groupLinks.clear();
      }
      this.#forceDeletes = options.forceDeletes === true;
      if (!options.forceDeletes) this.#staged.clear();
      this.#state = 'running';
      await this.#cycleNowOrSoon(options);
    });
  }

  /** "Allow deletes" on a job quarantined for TooManyDeletes. */
  allowDeletes(options: CycleStart = {}): Promise<void> {
    return this.restart({ ...options, forceDeletes: true });
  }

  /** The cycle a start or restart begins: run now, or (`wait`) due now, to run at the clock's next move. */
  async #cycleNowOrSoon(options: CycleStart): Promise<void> {
    if (!options.wait) return this.#runCycle();
    this.#timer?.cancel();
    const { clock } = this.deps;
    this.#timer = clock.schedule(clock.now(), () => this.#exclusive(() => this.#runCycle()), CYCLE_TIMER);
  }

  /**
   * Runs a cycle until it ends or, in a realistic cycle, until it waits for the clock; resolves then (rejects with
   * the cycle's error). The rest runs when the clock reaches the cycle's next object (#waitUntil).
   */
  #runCycle(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#handBack = { resolve, reject };
      this.#cycleAndTell().then(
        () => this.#handBackNow(),
        (error: unknown) => this.#handBackNow(error),
      );
    });
  }

  #handBackNow(error?: unknown): void {
    const handBack = this.#handBack;
    this.#handBack = undefined;
    if (error === undefined) handBack?.resolve();
    else if (handBack) handBack.reject(error);
    else throw error;
  }

  /** Inside a realistic cycle: waits until `at`, handing control back until the clock gets there. */
  #waitUntil(at: number): Promise<void> {
    const { clock } = this.deps;
    const running = this.#running!;
    return new Promise((resume) => {
      running.timer = clock.schedule(
        at,
        () =>
          this.#exclusive(() => {
            // Interrupted meanwhile (a start or restart that was queued before this turn): it never resumes.
            if (this.#running !== running) return Promise.resolve();
            return new Promise<void>((resolve, reject) => {
              running.timer = undefined;
              this.#handBack = { resolve, reject };
              resume();
            });
          }),
        CYCLE_RUNNING_TIMER,
      );
      this.#handBackNow();
    });
  }

  /** A start, restart or deletion while a realistic cycle runs: it ends where it is (the watermark is not moved). */
  #interruptRunningCycle(why: string): void {
    const running = this.#running;
    if (!running) return;
    running.timer?.cancel();
    this.#running = undefined;
    running.summary.ended = this.deps.clock.now();
    running.summary.state = 'Failed';
    running.summary.error = `Interrupted: ${why} before this cycle had processed every object.`;
    // It has ended: told as any cycle's end is (serve's event stream).
    for (const listener of this.#cycleListeners) listener(running.summary);
  }

  /** Provision on demand: one user, now, outside the cycle schedule (research/entra.md §7). */
  provisionOnDemand(userId: string): Promise<LogRecord> {
    return this.#exclusive(async () => {
      this.#requireCredentials();
      this.#requireOnDemandUser(userId);
      return this.#onDemand(await this.#onDemandClient(), userId);
    });
  }

  /**
   * Provision on demand for a group: each direct user member (as for one user), then, with group provisioning on
   * and the group assigned, the group itself with those members (research/entra.md §7). The members' records
   * come first, the group's last.
   */
  provisionGroupOnDemand(groupId: string): Promise<LogRecord[]> {
    return this.#exclusive(async () => {
      this.#requireCredentials();
      const { directory, app, random, logs } = this.deps;
      const group = directory.group(groupId);
      if (!group) throw new JobError('InvalidRequest', `no group ${groupId} in the directory`);
      const client = await this.#onDemandClient();
      const records: LogRecord[] = [];
      for (const id of group.memberIds) if (directory.user(id)) records.push(await this.#onDemand(client, id));
      if (app.settings.groupProvisioning) {
        const groupRecords = await syncGroups({ ...this.#groupSync(client, random.uuid()), only: groupId });
        for (const r of groupRecords) logs.add(r);
        records.push(...groupRecords);
      }
      return records;
    });
  }

  /** The SCIM client on demand uses, once Test Connection's probe passed (on demand runs it first). */
  async #onDemandClient(): Promise<ScimClient> {
    const { app } = this.deps;
    // "The aadOptscim062020 flag isn't supported for provision on demand" (research/fidelity.md, G8): on demand sends
    // Entra's default dialect whatever the Tenant URL says.
    const client = this.#client(app.settings.tenantUrl!, app.settings.secretToken!, { defaultDialect: true });
    try {
      await this.#probe(client);
    } catch (error) {
      const result = testFailure(error);
      throw new JobError(
        'CredentialValidationFailed',
        `Test connection failed: ${result.errorCode}: ${result.message}`,
        result,
      );
    }
    return client;
  }

  /** On demand sees live users only: a deleted or unknown user is refused before anything is sent. */
  #requireOnDemandUser(userId: string): DirectoryUser {
    const { directory } = this.deps;
    const user = directory.user(userId);
    if (user) return user;
    throw new JobError(
      'InvalidRequest',
      directory.deletedUser(userId)
        ? `${userId} is soft-deleted in the directory; provision on demand cannot restore deleted users`
        : `no user ${userId} in the directory (on demand cannot see users deleted in the tenant)`,
    );
  }

  async #onDemand(client: ScimClient, userId: string): Promise<LogRecord> {
    const { directory, app } = this.deps;
    const user = this.#requireOnDemandUser(userId);
    const plan = planFor(userId, directory, app, this.links) ?? {
      kind: 'skipDisabled' as const,
      userId,
      user,
      scope: { inScope: app.inScope(user), softDeleted: false, accountEnabled: user.accountEnabled },
    };
    const { record } = await executePlan(plan, this.#context(client, 'onDemand', this.deps.random.uuid()));
    if (!plan.scope.inScope && plan.kind === 'skipDisabled')
      Object.assign(record, {
        errorCode: 'NotEffectivelyEntitled',
        reason: 'The user is not assigned to the application.',
      });
    this.deps.logs.add(record);
    return record;
  }

  get quarantine(): Quarantine | undefined {
    return this.#quarantine;
  }

  get stagedDeletes(): string[] {
    return [...this.#staged];
  }

  /** The job's status (the Graph face renders it in Graph's shape). */
  status(): JobStatus {
    const code: JobStatusCode =
      !this.#exists || !this.deps.app.settings.tenantUrl
        ? 'NotConfigured'
        : this.#quarantine
          ? 'Quarantine'
          : this.#state === 'paused'
            ? 'Paused'
            : !this.#everRun && this.#state !== 'running'
              ? 'NotRun'
              : 'Active';
    return {
      code,
      lastCycle: this.ownCycles.at(-1) ?? null,
      steadyStateFirstAchievedAt: this.#steadyFirst ?? null,
      steadyStateLastAchievedAt: this.#steadyLast ?? null,
      countSuccessiveCompleteFailures: this.#successiveFailures,
      quarantine: this.#quarantine ?? null,
      nextCycleAt: this.#timer?.at ?? null,
      escrows: this.escrows.size,
      links: this.links.size,
      stagedDeletes: this.#staged.size,
    };
  }

  /** What the next cycle will read and do for one user: the facts "Why?" puts in words (why.ts). */
  nextCycleFacts(userId: string): NextCycleFacts {
    const { directory, app } = this.deps;
    const status = this.status();
    const escrow = this.escrows.get(userId);
    const escrowDue = escrow && status.nextCycleAt !== null && escrow.nextAttemptAt <= status.nextCycleAt;
    // The same reading of the change feed the cycle does, so "read at the next cycle" cannot disagree with it.
    const work = collectWork(directory, app, this.links, this.#readFrom, escrowDue ? [userId] : [], this.#staged);
    return {
      status,
      initial: this.#readFrom === undefined,
      read: work.has(userId),
      plan: planFor(userId, directory, app, this.links),
      ...(this.links.get(userId) ? { link: this.links.get(userId) } : {}),
      ...(escrow ? { escrow } : {}),
      staged: this.#staged.has(userId),
    };
  }

  /** Called with each cycle's summary when the cycle has ended (serve mode's event stream listens). */
  onCycle(listener: (cycle: CycleSummary) => void): void {
    this.#cycleListeners.push(listener);
  }

  async #cycleAndTell(): Promise<void> {
    const before = this.cycles.length;
    try {
      await this.#cycle();
    } finally {
      // Only this cycle's own record: an interrupted one that somehow ended must not clear its successor's.
      if (this.#running?.summary === this.cycles[before]) this.#running = undefined;
    }
    const cycle = this.cycles.at(-1);
    if (cycle && this.cycles.length > before) for (const listener of this.#cycleListeners) listener(cycle);
  }

  async #cycle(): Promise<void> {
    const { clock, random, app, logs } = this.deps;
    this.#timer?.cancel();
    this.#timer = undefined;
    logs.prune(clock.now());
    const cycleId = random.uuid();
    const kind = this.#readFrom ? 'incremental' : 'initial';
    const began = clock.now();
    const summary: CycleSummary = {
      cycleId,
      kind,
      began,
      ended: began,
      state: 'Succeeded',
      countEntitled: 0,
      countExported: 0,
      countFailed: 0,
    };
    this.cycles.push(summary);
    this.#running = { timer: undefined, summary };
    this.#everRun = true;
    if (this.#idle()) {
      // fidelity: a cycle with nothing to do sends nothing: Entra's delta query is against its own directory, and the
      // start-up probe on every cycle is INFERRED (research/entra.md §1). A quiet year then costs no requests, and an
      // outage in quiet time is noticed at the next cycle that has work. `probeIdleCycles` restores the probe.
      this.#steadyLast = clock.now();
      this.#scheduleNext();
      return;
    }
    const client = this.#client(app.settings.tenantUrl!, app.settings.secretToken!);
    if (!(await this.#probeForCycle(client, summary))) {
      this.#scheduleNext();
      return;
    }
    const marks = { directorySeq: this.deps.directory.seq, appSeq: app.changeSeq, settingsSeq: app.settingsSeq };
    // Staged deletions are looked at again every cycle, not only on "Allow deletes": they stay pending (staged
    // again while still over the threshold, dropped once fixed). Before, a Start on a TooManyDeletes job (which
    // clears quarantine) forgot them, and the unassigned users stayed active in the app for good.
    const ids = collectWork(
      this.deps.directory,
      app,
      this.links,
      this.#readFrom,
      this.escrows.due(clock.now()),
      this.#staged,
    );
    const plans = this.#plansFor(ids);
    // Entra's watermark: a cycle reads the tenant as it was when it began. A realistic cycle keeps each user as
    // planned, so a change made while it runs is the next cycle's (the marks above were taken before the reading).
    if (this.settings.cycleDuration === 'realistic')
      for (const plan of plans) if (plan.user) plan.user = { ...plan.user };
    summary.countEntitled = plans.length;
    const ctx = this.#context(client, 'system', cycleId);
    const toRun = this.#holdBackDeletions(plans, ctx);
    if (!(await this.#run(toRun, ctx, summary))) {
      summary.ended = clock.now();
      this.#scheduleNext();
      return;
    }
    const somethingChanged =
      !this.#readFrom ||
      marks.directorySeq !== this.#watermark!.directorySeq ||
      marks.appSeq !== this.#watermark!.appSeq ||
      ids.size > 0;
    if (app.settings.groupProvisioning && (somethingChanged || this.#groupsDirty))
      await this.#syncGroups(client, cycleId, summary);
    this.#watermark = marks;
    summary.ended = clock.now();
    this.#successiveFailures = 0;
    this.#checkEscrowThresholds(summary);
    if (this.#quarantine && this.#quarantine.reason !== 'TooManyDeletes' && !this.#escrowQuarantined(summary))
      this.#quarantine = undefined;
    if (!this.#quarantine && this.escrows.size === 0) {
      this.#steadyFirst ??= clock.now();
      this.#steadyLast = clock.now();
    }
    this.#scheduleNext();
  }

  /** The cycle's start-up probe; on failure the cycle is marked Failed (quarantined when due) and false returned. */
  async #probeForCycle(client: ScimClient, summary: CycleSummary): Promise<boolean> {
    try {
      await this.#probe(client);
      this.#unavailableCycles = 0;
      return true;
    } catch (error) {
      const result = testFailure(error);
      summary.state = 'Failed';
      summary.error = `${result.errorCode}: ${result.message}`;
      this.#successiveFailures++;
      const credential = error instanceof ScimCallError && error.isCredentialFailure;
      // A 404 to the probe's query (a wrong path in the Tenant URL) is a SCIM compliance failure, which quarantines
      // "regardless of failure counts" (research/fidelity.md: HTTP/404 "rather than 200").
      const notCompliant = error instanceof ScimCallError && error.status === 404;
      if (notCompliant)
        summary.error = `SCIM compliance issue: the query for a user that cannot exist answered HTTP/404 Not Found rather than HTTP/200 OK with an empty list. ${summary.error}`;
      if (credential || notCompliant || ++this.#unavailableCycles >= this.settings.unavailableCyclesBeforeQuarantine)
        this.#enterQuarantine('EncounteredQuarantineException', summary.error);
      return false;
    }
  }

  /** What to do for each user with work, in order; a user left with nothing to do leaves escrow and staging. */
  #plansFor(ids: Set<string>): Plan[] {
    const plans: Plan[] = [];
    for (const id of ids) {
      const plan = planFor(id, this.deps.directory, this.deps.app, this.links);
      if (plan) plans.push(plan);
      else {
        // Nothing left to do for this user (e.g. a failed create, then unassigned): an escrowed or staged
        // operation is moot. Without this the entry stayed in escrow for good, blocking steady state.
        this.escrows.succeed(id);
        this.#staged.delete(id);
      }
    }
    return plans;
  }

  /** Over the accidental-deletions threshold, every disable and delete is staged (logged, not sent) and the job quarantined. */
  #holdBackDeletions(plans: Plan[], ctx: ExecuteContext): Plan[] {
    const deprovisions = plans.filter(isDeprovisioning);
    const threshold = this.deps.app.exceededDeletionThreshold(deprovisions.length);
    let toRun = plans;
    if (threshold !== undefined && !this.#forceDeletes) {
      for (const p of deprovisions) {
        this.#staged.add(p.userId);
        this.deps.logs.add(stagedRecord(p, ctx));
      }
      toRun = plans.filter((p) => !isDeprovisioning(p));
      this.#enterQuarantine(
        'TooManyDeletes',
        `${deprovisions.length} users would be disabled or deleted in one cycle; the threshold is ${threshold}. Allow deletes to go on.`,
      );
    }
    this.#forceDeletes = false;
    return toRun;
  }

  /**
   * Sends the plans, logging each and keeping escrow, then the references of the users it exported (references.ts);
   * false when the credentials failed (the cycle is quarantined).
   */
  async #run(plans: Plan[], ctx: ExecuteContext, summary: CycleSummary): Promise<boolean> {
    const { clock } = this.deps;
    const realistic = this.settings.cycleDuration === 'realistic';
    try {
      const done: Plan[] = [];
      for (const plan of plans) {
        const { record, retryAfterMs } = await executePlan(plan, ctx);
        const cost = realistic ? this.#objectCost(record) : 0;
        if (realistic) record.durationMs = cost;
        this.#account(plan, record, retryAfterMs, summary);
        if (record.status !== 'failure') done.push(plan);
        if (realistic) await this.#waitUntil(clock.now() + cost);
      }
      // The second pass: the manager of each user done, now that the cycle's managers are in the app too.
      for (const plan of referencesDue(done, ctx))
        this.#account(plan, await exportReference(plan, ctx), undefined, summary);
      return true;
    } catch (error) {
      if (!(error instanceof CredentialFailure)) throw error;
      summary.state = 'Failed';
      summary.error = `${error.error.code}: ${error.error.message}`;
      this.#successiveFailures++;
      this.#enterQuarantine('EncounteredQuarantineException', summary.error);
      return false;
    }
  }

  /** Logs a user's record and keeps escrow: a failure is escrowed (retried later), a success clears it. */
  #account(plan: Plan, record: LogRecord, retryAfterMs: number | undefined, summary: CycleSummary): void {
    const { clock, logs } = this.deps;
    logs.add(record);
    if (record.status === 'failure') {
      summary.countFailed++;
      // Read before fail(): when 28 days are over, fail() drops the entry, and the record must still say
      // how many times it was retried (it used to say 0).
      const retried = this.escrows.get(plan.userId)?.attempts ?? 0;
      const entry = this.escrows.fail(
        plan.userId,
        record.errorCode ?? 'Unknown',
        record.reason ?? '',
        clock.now(),
        // variant: retryAfter (simulator/variants.ts).
        retryAfterMs !== undefined && this.deps.variants.get('retryAfter') === 'honoured' ? retryAfterMs : undefined,
      );
      record.retries = { count: retried, ...(entry ? { nextAttempt: entry.nextAttemptAt } : {}) };
    } else {
      this.escrows.succeed(plan.userId);
      this.#staged.delete(plan.userId);
      if (record.status === 'success') summary.countExported++;
    }
  }

  /** What group sync works with, in a cycle or on demand. */
  #groupSync(client: ScimClient, cycleId: string): GroupSyncContext {
    const { clock, random, app, directory, exchanges } = this.deps;
    return {
      client,
      directory,
      app,
      userLinks: this.links,
      groupLinks: this.groupLinks,
      random,
      now: () => clock.now(),
      jobId: this.id,
      cycleId,
      exchangesTotal: () => exchanges.total,
    };
  }

  async #syncGroups(client: ScimClient, cycleId: string, summary: CycleSummary): Promise<void> {
    const { logs } = this.deps;
    const records = await syncGroups(this.#groupSync(client, cycleId));
    for (const r of records) logs.add(r);
    // A failed group operation is tried again next cycle even if nothing else changes.
    this.#groupsDirty = records.some((r) => r.status === 'failure');
    summary.countFailed += records.filter((r) => r.status === 'failure').length;
  }

  #checkEscrowThresholds(summary: CycleSummary): void {
    const t = this.settings.escrowThresholds;
    const failures = this.escrows.size;
    if (failures > t.total)
      this.#enterQuarantine('EncounteredTotalEscrowThreshold', `${failures} failures in escrow (more than ${t.total})`);
    else if (
      failures >= t.evaluateFrom &&
      summary.countEntitled > 0 &&
      summary.countFailed / summary.countEntitled > t.proportion
    ) {
      this.#enterQuarantine(
        'EncounteredEscrowProportionThreshold',
        `${summary.countFailed} of ${summary.countEntitled} operations failed (more than ${t.proportion * 100}%)`,
      );
    }
  }

  #escrowQuarantined(summary: CycleSummary): boolean {
    const t = this.settings.escrowThresholds;
    return (
      this.escrows.size > t.total ||
      (this.escrows.size >= t.evaluateFrom && summary.countFailed / Math.max(1, summary.countEntitled) > t.proportion)
    );
  }

  #enterQuarantine(reason: QuarantineReason, error: string): void {
    const now = this.deps.clock.now();
    const q = this.#quarantine;
    let seriesCount = (q?.seriesCount ?? 0) + 1;
    const seriesBegan = q?.seriesBegan ?? now;
    // "First retry in 6 hours; second 12 hours after the first failure; third 24 hours after the first failure;
    // then every 24 hours" (research/fidelity.md, G5): each attempt is counted from the series' first failure.
    let nextAttempt = seriesBegan + this.#quarantineOffset(seriesCount);
    while (nextAttempt <= now) nextAttempt = seriesBegan + this.#quarantineOffset(++seriesCount);
    this.#quarantine = {
      reason,
      currentBegan: q && q.reason === reason ? q.currentBegan : now,
      seriesBegan,
      seriesCount,
      nextAttempt,
      error,
    };
  }

  /** When the `n`th attempt of a quarantine comes, after its first failure: the offsets, then every last one. */
  #quarantineOffset(n: number): number {
    const offsets = this.settings.quarantineIntervalsMs;
    const last = offsets[offsets.length - 1]!;
    return n <= offsets.length ? offsets[n - 1]! : last + (n - offsets.length) * last;
  }

  #scheduleNext(): void {
    const { clock } = this.deps;
    if (this.#state !== 'running') return;
    const q = this.#quarantine;
    if (q && clock.now() - q.seriesBegan >= this.settings.quarantineDisableAfterMs) {
      // More than four weeks in quarantine: the job is disabled.
      this.#state = 'paused';
      return;
    }
    // A quarantine that held through a cycle without being entered again (TooManyDeletes waiting for "Allow
    // deletes") still has the nextAttempt that led to this cycle, i.e. now: back off further. Without this the
    // job re-ran the cycle at the same instant forever and the clock never moved on.
    if (q && q.nextAttempt <= clock.now()) this.#enterQuarantine(q.reason, q.error);
    const at = this.#quarantine ? this.#quarantine.nextAttempt : clock.now() + this.settings.cycleIntervalMs;
    this.#timer = clock.schedule(at, () => this.#exclusive(() => this.#runCycle()), CYCLE_TIMER);
  }

  /** What one object took a realistic cycle: creating about twice matching, drawn within Microsoft's range. */
  #objectCost(record: LogRecord): number {
    const [min, max] = this.settings.objectCostMs[record.matching === 'created' ? 'create' : 'match'];
    return this.#costs.int(min, max);
  }

  #context(client: ScimClient, initiatedBy: LogRecord['initiatedBy'], cycleId: string): ExecuteContext {
    const { app, exchanges, random, clock } = this.deps;
    return {
      client,
      app,
      links: this.links,
      exchanges,
      random,
      now: () => clock.now(),
      jobId: this.id,
      cycleId,
      initiatedBy,
      variants: this.deps.variants,
    };
  }

  #client(tenantUrl: string, secretToken: string, options: { defaultDialect?: boolean } = {}): ScimClient {
    const { transport, clock, random, exchanges } = this.deps;
    return new ScimClient({ transport, clock, random, tenantUrl, secretToken, exchanges, ...options });
  }

  /** Nothing changed since the last good cycle and nothing waits: no escrow due, no staged deletes, no trouble. */
  #idle(): boolean {
    const w = this.#readFrom;
    const now = this.deps.clock.now();
    return (
      !this.settings.probeIdleCycles &&
      w !== undefined &&
      !this.#quarantine &&
      this.#unavailableCycles === 0 &&
      !this.#groupsDirty &&
      this.#staged.size === 0 &&
      this.escrows.due(now).length === 0 &&
      w.directorySeq === this.deps.directory.seq &&
      w.appSeq === this.deps.app.changeSeq
    );
  }

  /** Test Connection's requests: a user that cannot exist, and with group provisioning on, a group too. */
  async #probe(client: ScimClient): Promise<void> {
    await client.testConnection(this.#matchingAttribute());
    // variant: testConnectionGroups (simulator/variants.ts): the group probe is INFERRED from "a random user and group".
    if (this.deps.app.settings.groupProvisioning && this.deps.variants.get('testConnectionGroups') === 'probes')
      await client.testGroupsConnection();
  }

  #matchingAttribute(): string {
    return this.deps.app.settings.mappings.find((m) => m.matchingPrecedence !== undefined)?.target ?? 'userName';
  }

  #requireCredentials(): void {
    if (!this.#exists)
      throw new JobError('NotConfigured', 'the app has no provisioning job: Save the admin credentials first');
    if (!this.deps.app.settings.tenantUrl)
      throw new JobError('NotConfigured', 'Save the admin credentials (Tenant URL and Secret Token) first');
  }

  // One job, one thing at a time: a cycle, a restart and an on-demand run never interleave.
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(work, work);
    this.#busy = run.catch(() => undefined);
    return run;
  }
}

/** A deprovisioning held back by the accidental-deletions threshold: logged, nothing sent. */
function stagedRecord(plan: Plan, ctx: ExecuteContext): LogRecord {
  return {
    ...baseRecord(plan, ctx),
    action: 'StagedDelete',
    status: 'skipped',
    matching: 'linked',
    errorCode: 'TooManyDeletes',
    reason: `The ${plan.kind === 'delete' ? 'delete' : 'disable'} waits: more deletions than the accidental-deletions threshold in one cycle.`,
  };
}
