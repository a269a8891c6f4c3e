/**
 * A served world and what is done to it: the world (a scenario world: its named users and groups, what Entra's
 * page holds), the Hono app that serves its four faces, the record of every change made through them, and an
 * opened scenario to step through. Reset, open and "back to step N" replace the world with a new one built from
 * the scenario's header (and, with --data, a fresh data file); the server always answers from the current one.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { GraphError } from '../../mock-azure/graph/errors.ts';
import { graphErrorRenderer, graphRoutes } from '../../mock-azure/graph/index.ts';
import { BodyTooLarge, MalformedPath } from '../nordpass/faces.ts';
import { journalPath } from '../nordpass/journal.ts';
import { createNordPass } from '../nordpass/app.ts';
import { DataWriteFailed, emptyData, type SavedWorld } from '../nordpass/model.ts';
import { Random } from '../random.ts';
import { NordPassStore } from '../nordpass/store.ts';
import type { Scenario, ScenarioStep } from '../scenario/load.ts';
import type { StepResult } from '../scenario/result.ts';
import { runStep, type StepProgress } from '../scenario/run.ts';
import { buildWorld, nordpassSettingsOf, type World } from '../scenario/world.ts';
import { formatInstant } from '../time.ts';
import { changedVariants } from '../variants.ts';
import type { ScimRoute } from '../world.ts';
import { exportScenario, type RecordedStep, Recorder } from './recorder.ts';
import { simRoutes } from './sim-api.ts';
import { renderSimError } from './sim-errors.ts';
import { SignIn } from './sign-in.ts';
import { consoleRoutes } from './console/routes.ts';
import { OneAtATime } from './one-at-a-time.ts';
import { WorldEvents } from './world-events.ts';

/** What a served world is built from: a scenario's header (no steps). */
export type WorldHeader = Omit<Scenario, 'steps' | 'file' | 'userNames' | 'groupNames'>;

export interface SessionOptions {
  adminToken: string;
  /** The SCIM token every new world starts with (printed by serve); absent when it came from a data file. */
  scimToken?: string;
  newSecret: () => string;
  /** --data: every new world starts a fresh data file here. */
  dataFile?: string;
  /** An opened scenario's engine sends its SCIM requests over HTTP to this server (`scimsim run --served`). */
  engineOverHttp?: boolean;
}

/** A scenario opened in the served world, run step by step. */
interface Script {
  scenario: Scenario;
  /** Steps run so far (the next to run is steps[cursor]). */
  cursor: number;
  results: StepResult[];
  progress: StepProgress;
}

export class ServedSession {
  /** What happens in whichever world is current (subscribers keep listening across resets). */
  readonly events = new WorldEvents();
  /** The console's one-time sign-in links and sessions (they outlive resets). */
  readonly signIn = new SignIn();
  readonly #turns = new OneAtATime();
  /** Runs a change in its turn: changes through any face happen, and are recorded, one at a time. */
  readonly inTurn = <T>(work: () => Promise<T>): Promise<T> => this.#turns.run(work);
  world!: World;
  app!: Hono;
  header!: WorldHeader;
  recorder!: Recorder;
  #store: NordPassStore | undefined;
  #origin: string | undefined;
  #script: Script | undefined;
  #scimToken: string | undefined;
  #generation = 0;

  private constructor(private readonly options: SessionOptions) {
    this.#scimToken = options.scimToken;
  }

  /**
   * The first world: the one the data file holds (rebuilt from its record), else one from the serve command's
   * settings, on the data file's store when there is one.
   */
  static async create(options: SessionOptions, header: WorldHeader, store?: NordPassStore): Promise<ServedSession> {
    const session = new ServedSession(options);
    session.#store = store;
    if (store?.data.world) await session.#restore(store, store.data.world);
    else session.#build(header, store);
    return session;
  }

  /** The SCIM token a client can use now, when serve knows it (it issued it, or was given it). */
  get scimToken(): string | undefined {
    return this.#scimToken;
  }

  get script(): Script | undefined {
    return this.#script;
  }

  setOrigin(origin: string): void {
    this.#origin = origin;
    this.world.setOrigin(origin);
  }

  /** A new world from a header; the record starts again and an opened scenario is closed. */
  async reset(header: WorldHeader): Promise<void> {
    this.#script = undefined;
    // A server of `scimsim run --served` is a closed world: its engine reaches its own NordPass over a socket.
    await this.#rebuild(header, this.options.engineOverHttp ? 'self-http' : 'own-origin');
  }

  /** Opens a scenario: a new world from its header, its steps ready to run one by one. */
  async open(scenario: Scenario): Promise<void> {
    const { steps: _steps, file: _file, userNames: _u, groupNames: _g, ...header } = scenario;
    // An opened scenario is a closed world, as in `scimsim run`: its engine reaches only its own NordPass,
    // whatever Tenant URL the scenario types (scenario 18 types http://127.0.0.1:8080/...).
    await this.#rebuild(header, this.options.engineOverHttp ? 'self-http' : 'in-process');
    this.#script = { scenario, cursor: 0, results: [], progress: { exchangesAtLastExpect: 0 } };
  }

  /** Runs the opened scenario's next step (recorded as that step); undefined when there is none left. */
  async next(): Promise<StepResult | undefined> {
    const script = this.#requireScript();
    const step = script.scenario.steps[script.cursor];
    if (!step) return undefined;
    const result = await this.#runScriptStep(step, script);
    script.cursor++;
    script.results.push(result);
    return result;
  }

  /** Runs steps until `count` steps have run, stopping at the first that is not ok. */
  async runTo(count: number): Promise<StepResult[]> {
    const script = this.#requireScript();
    const out: StepResult[] = [];
    while (script.cursor < Math.min(count, script.scenario.steps.length)) {
      const result = (await this.next())!;
      out.push(result);
      if (!result.ok) break;
    }
    return out;
  }

  /** Goes back so that `count` steps have run: the world is built again from the header and they are replayed. */
  async backTo(count: number): Promise<StepResult[]> {
    const script = this.#requireScript();
    await this.open(script.scenario);
    return this.runTo(count);
  }

  /** The YAML scenario of everything done so far, with the states now as its last `expect`. */
  exportScenario(): string {
    return exportScenario(this.header, this.recorder, this.world);
  }

  /** What a client needs to know about the current world. */
  summary() {
    return {
      name: this.header.name,
      seed: this.header.seed,
      start: formatInstant(Date.parse(this.header.start)),
      now: this.world.clock.nowIso(),
      tenantUrl: this.world.nordpass.tenantUrl(),
      ...(this.#scimToken ? { secretToken: this.#scimToken } : {}),
      /** Whether a scenario is open (GET /_sim/scenario shows it). */
      scenarioOpen: this.#script !== undefined,
      /** Which world this is: a new number after each reset, open or back-to (a page drops what it showed). */
      generation: this.#generation,
      /** How long its cycles take, and the unsettled behaviours it follows that are not the default. */
      cycleDuration: this.world.azure.job.settings.cycleDuration,
      variants: changedVariants(this.world.variants.all),
    };
  }

  async close(): Promise<void> {
    await this.#store?.close();
  }

  #requireScript(): Script {
    if (!this.#script) throw new SessionError('no scenario is open: POST /_sim/scenario first');
    return this.#script;
  }

  async #runScriptStep(step: ScenarioStep, script: Script): Promise<StepResult> {
    // The step acts on the models directly or through the faces (Get Credentials); either way it is one step.
    const result = await this.recorder.muted(() => runStep(this.world, step, script.progress));
    const issued = step.name === 'getCredentials' ? this.world.issued?.secretToken : undefined;
    if (result.ok) this.recorder.add(this.world, step.name, step.args, issued);
    await this.world.nordpass.store.commit();
    return result;
  }

  async #rebuild(header: WorldHeader, scim: ScimRoute = 'own-origin'): Promise<void> {
    // A header the directory refuses (two users with one userPrincipalName) fails here, in a world of its own,
    // before the current world or its data file is touched.
    buildWorld(asScenario(header));
    let store: NordPassStore | undefined;
    if (this.options.dataFile) {
      await this.#store?.close();
      const start = Date.parse(header.start);
      // The store stamps the virtual time it writes at: the new world's once it exists.
      store = await freshDataFile(this.options.dataFile, start, () =>
        this.header === header ? this.world.clock.now() : start,
      );
      this.#store = store;
    }
    this.#build(header, store, scim);
    await this.world.nordpass.store.commit();
  }

  #build(header: WorldHeader, store: NordPassStore | undefined, scim: ScimRoute = 'own-origin'): void {
    const recorder = new Recorder(Date.parse(header.start), [], this.#tellStep);
    const world: World = buildWorld(asScenario(header), {
      scim,
      nordpass: {
        adminToken: this.options.adminToken,
        newSecret: this.options.newSecret,
        ...(store ? { store } : {}),
        ...(this.#scimToken !== undefined ? { scimToken: this.#scimToken } : {}),
        onAdminAction: (action) => {
          recorder.fromAdmin(world, action);
          this.#tellChange(world, action.kind);
        },
        adminGate: this.signIn.gate,
        inTurn: this.inTurn,
      },
    });
    this.#scimToken ??= world.nordpass.initialScimToken;
    if (store && store.allMembers().length > 0) {
      recorder.skipped.push({
        at: world.clock.now(),
        action: 'restart',
        reason:
          'the world was restored from a data file written before worlds were recorded; what happened before is not in this record',
      });
    }
    this.#keep(header, world, recorder, store);
    this.#serve(header, world, recorder);
  }

  /**
   * A restarted world: the mock Entra is rebuilt by replaying the record against a NordPass of its own (the same
   * seed, so the same ids and answers, when nothing else changed NordPass meanwhile), then handed the NordPass the
   * data file holds, random positions and all. The engine then reaches that NordPass in process whatever Tenant
   * URL was saved (the server's port may have changed).
   */
  async #restore(store: NordPassStore, saved: SavedWorld): Promise<void> {
    const header = saved.header as unknown as WorldHeader;
    const recorder = new Recorder(Date.parse(header.start), saved.steps as RecordedStep[], this.#tellStep);
    const world = buildWorld(asScenario(header), {
      scim: 'in-process',
      nordpass: { adminToken: this.options.adminToken, newSecret: this.options.newSecret },
    });
    const progress: StepProgress = { exchangesAtLastExpect: 0 };
    await recorder.muted(async () => {
      for (const [index, step] of recorder.steps.entries()) {
        if (step.name === 'expect') continue;
        const result = await runStep(world, { index, line: 0, name: step.name, args: step.args as never }, progress);
        // Get Credentials issued a token of its own (a secret is not drawn from the seed): the one given then.
        if (step.secret !== undefined && world.issued) {
          world.nordpass.credentials.rotate(step.secret);
          world.issued = { tenantUrl: world.issued.tenantUrl, secretToken: step.secret };
          world.entered = { ...world.issued };
        }
        if (!result.ok)
          recorder.skipped.push({
            at: step.at,
            action: step.name,
            reason: `replaying it after the restart failed: ${result.message}`,
          });
      }
    });
    if (store.data.clockNow > world.clock.now()) await world.clock.advanceTo(store.data.clockNow);
    // The replay's own NordPass is done with: its timers must not fire beside the real one's.
    world.nordpass.members.cancelTimers();
    const live = createNordPass({
      clock: world.clock,
      random: new Random(header.seed).fork('nordpass'),
      settings: nordpassSettingsOf(header),
      variants: world.variants,
      store,
      adminToken: this.options.adminToken,
      newSecret: this.options.newSecret,
      ...(this.#scimToken !== undefined ? { scimToken: this.#scimToken } : {}),
      onAdminAction: (action) => {
        recorder.fromAdmin(world, action);
        this.#tellChange(world, action.kind);
      },
      adminGate: this.signIn.gate,
      inTurn: this.inTurn,
    });
    world.useNordPass(live);
    world.nordpass = live;
    this.#scimToken ??= live.initialScimToken;
    this.#keep(header, world, recorder, store);
    this.#serve(header, world, recorder);
  }

  // Every change made through Graph or the Admin Panel, recorded as a step or not (a change no step can say, a job
  // made), so a console open on the world draws it again.
  readonly #tellChange = (world: World, action: string) =>
    this.events.emit({ type: 'change', at: formatInstant(world.clock.now()), action });

  // The record's new steps, on the event stream, as a scenario writes them (never with a secret).
  readonly #tellStep = (s: RecordedStep) =>
    this.events.emit({ type: 'step', at: formatInstant(s.at), step: s.args === null ? s.name : { [s.name]: s.args } });

  /** With a data file: the world's record and where NordPass's random sources stand go with the data. */
  #keep(header: WorldHeader, world: World, recorder: Recorder, store: NordPassStore | undefined): void {
    if (!store) return;
    // The next member id after a restart is the one that would have come without it (not the first again).
    const random = world.nordpass.random;
    const saved = store.keepRandom(header.seed, () => random.positions());
    if (saved) random.restore(saved);
    store.keepWorld(header as unknown as Record<string, unknown>, recorder.steps);
  }

  /** The world's four faces on its NordPass app, and the world made current. */
  #serve(header: WorldHeader, world: World, recorder: Recorder): void {
    if (this.#origin) world.setOrigin(this.#origin);
    this.events.watch(world);
    const { nordpass, azure, clock } = world;
    // NordPass's app is the root (mounting it inside another app would wrap each of its handlers once more); the
    // other faces are mounted on it, each with the renderer of its own error shape.
    nordpass.mount(
      '/azure/v1.0',
      graphRoutes({
        azure,
        adminToken: nordpass.adminToken,
        clock,
        onAction: (action) => {
          recorder.fromAzure(world, action);
          this.#tellChange(world, action.kind);
        },
        gate: this.signIn.gate,
        // The Graph face renders its own errors: a change not written is its 503 here.
        afterChange: () =>
          world.nordpass.store.commit().catch((error: unknown) => {
            throw asGraphError(error);
          }),
        inTurn: this.inTurn,
      }),
      graphFaceErrors(graphErrorRenderer(clock)),
    );
    nordpass.mount('/_sim', simRoutes({ session: this, adminToken: nordpass.adminToken }), renderSimError);
    consoleRoutes(nordpass.app, (c) =>
      c.json({ service: 'scimsim', tenantUrl: nordpass.tenantUrl(), now: clock.nowIso() }),
    );
    this.header = header;
    this.recorder = recorder;
    this.world = world;
    this.app = nordpass.app;
    this.#generation++;
  }
}

/**
 * The refusals every face shares, in Graph's words: a body over the one limit, a path that does not decode, a
 * change not written. fidelity: Graph's own limit is 4 MB a request and the code it answers with is not
 * documented (INFERRED); scimsim refuses a body over the limit of every face (`maxBodyBytes`, 1 MiB) with 413
 * RequestEntityTooLarge.
 */
function asGraphError(error: unknown): unknown {
  if (error instanceof BodyTooLarge) return new GraphError(413, 'RequestEntityTooLarge', error.message);
  if (error instanceof MalformedPath) return new GraphError(400, 'Request_BadRequest', error.message);
  if (error instanceof DataWriteFailed) return new GraphError(503, 'ServiceNotAvailable', error.message);
  return error;
}

/** The Graph face's renderer, for those shared refusals too (the Graph routes render their own errors). */
function graphFaceErrors(render: ReturnType<typeof graphErrorRenderer>): ReturnType<typeof graphErrorRenderer> {
  return (error, c) => render(asGraphError(error) as Error, c);
}

/** A header as the scenario that has no steps yet. */
function asScenario(header: WorldHeader): Scenario {
  return {
    ...header,
    file: 'served world',
    steps: [],
    userNames: Object.keys(header.tenant?.users ?? {}),
    groupNames: Object.keys(header.tenant?.groups ?? {}),
  };
}

/** A request the session cannot do in its present state (no scenario open). */
export class SessionError extends Error {
  override name = 'SessionError';
}

/** A new empty data file (temporary file, then rename) and an empty journal, opened as the new world's store. */
async function freshDataFile(file: string, clockNow: number, now: () => number): Promise<NordPassStore> {
  const temporary = `${file}.reset.tmp`;
  await writeFile(temporary, JSON.stringify(emptyData(clockNow)));
  await writeFile(journalPath(file), '');
  await rename(temporary, file);
  return NordPassStore.openFile(file, now);
}
