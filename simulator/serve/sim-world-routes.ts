/**
 * /_sim routes for the world as a whole: reset it, read and export its record as a scenario (with checks pinned
 * on the way), and open a scenario in it to run step by step, run to step N or go back to step N.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { z } from 'zod';
import { ScenarioFileError } from '../scenario/errors.ts';
import { checkExpectation } from '../scenario/expect.ts';
import { headerOf, worldRecord, worldResult } from '../scenario/run.ts';
import { DEFAULT_START, parseScenario } from '../scenario/load.ts';
import type { StepResult } from '../scenario/result.ts';
import { ScenarioHeader, STEPS } from '../scenario/schema.ts';
import { formatInstant } from '../time.ts';
import type { ServedSession, WorldHeader } from './session.ts';
import { VARIANTS } from '../variants.ts';
import {
  SCOPING_ATTRIBUTES,
  SCOPING_OPERATORS,
  SCOPING_OPERATORS_WITHOUT_VALUE,
} from '../../mock-azure/app/scoping.ts';
import { SessionError } from './session.ts';
import { simJson } from './sim-body.ts';
import { SimError } from './sim-errors.ts';

/** What `POST /_sim/reset` takes: a scenario's header, every field optional (no steps). */
const ResetBody = ScenarioHeader.omit({ steps: true }).extend({ name: z.string().min(1).optional() });

const OpenBody = z.union([
  z.strictObject({ text: z.string().min(1), file: z.string().min(1).optional() }),
  z.strictObject({
    bundled: z.string().regex(/^[\w.-]+\.ya?ml$/, 'a file name such as 02-unassign-active-member.yaml'),
  }),
]);
const StepNumber = z.strictObject({ step: z.number().int().min(0) });
const ResultBody = z.strictObject({ names: z.record(z.string().min(1), z.string().min(1)).optional() });

/** The bundled scenarios: next to simulator/ in a clone, next to dist/ in an installed package. */
const SCENARIO_DIRS = ['../../scenarios/', '../../../scenarios/'].map((p) => new URL(p, import.meta.url));

export function worldRoutes(session: ServedSession): Hono {
  const routes = new Hono();

  routes.post('/reset', async (c) => {
    const body = parse(ResetBody, await simJson(c.req.raw), 'not a world');
    const groups = body.tenant?.groups ?? {};
    const names = new Set([...Object.keys(body.tenant?.users ?? {}), ...Object.keys(groups)]);
    for (const [name, group] of Object.entries(groups))
      for (const member of group.members ?? [])
        if (!names.has(member))
          throw new SimError(
            400,
            'invalidRequest',
            `tenant.groups.${name}.members: "${member}" is not a user or group`,
          );
    const header: WorldHeader = {
      ...body,
      name: body.name ?? 'A served world',
      seed: body.seed ?? session.header.seed,
      start: body.start ?? session.header.start ?? DEFAULT_START,
      ...(body.nordpass ? {} : session.header.nordpass ? { nordpass: session.header.nordpass } : {}),
      // serve's --variant (and --no-owner-protection) outlive a reset that names no variants, as its NordPass flags do.
      ...(body.variants ? {} : session.header.variants ? { variants: session.header.variants } : {}),
    };
    try {
      await session.reset(header);
    } catch (error) {
      // A tenant the directory refuses (two users with one userPrincipalName): the world could not be built.
      throw new SimError(400, 'invalidRequest', `the world cannot be built: ${(error as Error).message}`);
    }
    return c.json(session.summary());
  });

  routes.get('/world', (c) => c.json(session.summary()));
  // The catalogue of unsettled behaviours (simulator/variants.ts), for a client that offers them (the console).
  routes.get('/variants', (c) => c.json({ variants: VARIANTS }));
  // What a scoping filter's clause may say (mock-azure/app/scoping.ts), for the console's Mappings section.
  routes.get('/scoping', (c) =>
    c.json({
      attributes: SCOPING_ATTRIBUTES,
      operators: SCOPING_OPERATORS,
      withoutValue: SCOPING_OPERATORS_WITHOUT_VALUE,
    }),
  );

  // The names the world's record knows tenant objects by (what an expectation names them by).
  routes.get('/names', (c) => {
    const { world } = session;
    return c.json({
      users: [...world.users.keys()].map((name) => ({ name, userPrincipalName: world.upns.get(name) })),
      groups: [...world.groups.keys()].map((name) => ({ name })),
    });
  });

  // The bundled scenarios, for a picker: file and name.
  routes.get('/bundled', async (c) => {
    const dir = SCENARIO_DIRS.find((d) => existsSync(d));
    const files = dir ? (await readdir(dir)).filter((f) => /^[\w.-]+\.ya?ml$/.test(f)).sort() : [];
    const scenarios = await Promise.all(
      files.map(async (file) => {
        try {
          return { file, name: parseScenario(await readFile(new URL(file, dir), 'utf8'), file).name };
        } catch {
          return { file, name: '(does not load)' };
        }
      }),
    );
    return c.json({ scenarios });
  });

  routes.get('/record', (c) =>
    c.json({
      steps: session.recorder.steps.map((s) => ({
        at: formatInstant(s.at),
        step: s.args === null ? s.name : { [s.name]: s.args },
      })),
      skipped: session.recorder.skipped.map((s) => ({ ...s, at: formatInstant(s.at) })),
    }),
  );

  routes.get('/record/export', (c) => {
    c.header('Content-Type', 'application/yaml; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="scimsim-recording.yaml"');
    return c.body(session.exportScenario());
  });

  // "Check this": an expectation that holds now goes into the record as an `expect` step.
  routes.post('/record/expect', async (c) => {
    const expectation = parse(STEPS.expect, await simJson(c.req.raw), 'not an expectation');
    const { world } = session;
    for (const name of [...Object.keys(expectation.members ?? {}), ...refs(expectation.directory)]) {
      if (!world.users.has(name) && !world.groups.has(name))
        throw new SimError(400, 'invalidRequest', `"${name}" is no user or group of this world`);
    }
    const { mismatches } = await checkExpectation(world, expectation, 0);
    if (mismatches.length > 0)
      return c.json(
        { error: { code: 'notSo', message: 'the world is not so now; nothing recorded' }, mismatches },
        409,
      );
    session.recorder.add(world, 'expect', expectation);
    await world.nordpass.store.commit();
    return c.json({ recorded: true, at: world.clock.nowIso() }, 201);
  });

  // The world as a run's result ends (report.json's members, cycles, logs, exchanges and job): what `run --served`
  // reports after driving a scenario through the faces. `names` ({"ada": "ada@contoso.com"}) are the users the
  // run calls by name: their lanes come first and carry those names. Nothing is changed (POST for the body).
  routes.post('/result', async (c) => {
    const body = parse(ResultBody, await simJson(c.req.raw), 'send {"names": {"<name>": "<userPrincipalName>"}}');
    const names = body.names ? new Map(Object.entries(body.names)) : session.world.upns;
    return c.json(worldRecord(session.world, names));
  });

  routes.post('/scenario', async (c) => {
    const body = parse(OpenBody, await simJson(c.req.raw), 'send {"text": "<YAML>"} or {"bundled": "<file name>"}');
    let text: string;
    let file: string;
    if ('bundled' in body) {
      const dir = SCENARIO_DIRS.find((d) => existsSync(new URL(body.bundled, d)));
      if (!dir) throw new SimError(404, 'notFound', `no bundled scenario ${body.bundled}`);
      text = await readFile(new URL(body.bundled, dir), 'utf8');
      file = `scenarios/${body.bundled}`;
    } else {
      text = body.text;
      file = body.file ?? 'opened.yaml';
    }
    let scenario: ReturnType<typeof parseScenario>;
    try {
      scenario = parseScenario(text, file);
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      return c.json({ error: { code: 'invalidScenario', message: error.message }, problems: error.problems }, 400);
    }
    await session.open(scenario);
    return c.json(scriptView(session));
  });

  routes.get('/scenario', (c) => c.json(scriptView(session)));

  // The opened scenario's result as `scimsim run` makes it (report.json's shape): what `run --served` reports.
  routes.get('/scenario/result', (c) => {
    const { scenario, results } = requireScript(session, 404);
    return c.json({ ...worldResult(session.world, headerOf(scenario, results)), wallMs: 0 });
  });

  routes.post('/scenario/next', async (c) => {
    const result = await scripted(() => session.next());
    if (!result) throw new SimError(409, 'finished', 'every step of the scenario has run');
    return c.json({ results: [result], ...scriptView(session) });
  });

  routes.post('/scenario/run-to', async (c) => {
    const { step } = parse(StepNumber, await simJson(c.req.raw), 'send {"step": N}');
    const script = requireScript(session);
    if (step > script.scenario.steps.length)
      throw new SimError(400, 'invalidRequest', `the scenario has ${script.scenario.steps.length} steps`);
    if (step < script.cursor)
      throw new SimError(409, 'alreadyRun', `step ${step} has run already; POST /_sim/scenario/back-to to go back`);
    const results = await scripted(() => session.runTo(step));
    return c.json({ results, ...scriptView(session) });
  });

  routes.post('/scenario/back-to', async (c) => {
    const { step } = parse(StepNumber, await simJson(c.req.raw), 'send {"step": N}');
    const script = requireScript(session);
    if (step < 1 || step > script.scenario.steps.length + 1)
      throw new SimError(400, 'invalidRequest', `"step" is from 1 to ${script.scenario.steps.length + 1}`);
    // Back to step N: steps 1 to N-1 have run again in a world built anew, and step N is next.
    const results = await scripted(() => session.backTo(step - 1));
    return c.json({ results, ...scriptView(session) });
  });

  return routes;
}

/** The opened scenario: its steps (numbered from 1, as reports number them), how far it has run, the results. */
function scriptView(session: ServedSession) {
  const script = requireScript(session, 404);
  return {
    name: script.scenario.name,
    file: script.scenario.file,
    total: script.scenario.steps.length,
    /** Steps run so far; the next to run is number `ran + 1`. */
    ran: script.cursor,
    now: session.world.clock.nowIso(),
    steps: script.scenario.steps.map((s, i) => ({
      number: i + 1,
      line: s.line,
      step: s.args === null ? s.name : { [s.name]: s.args },
      ...(script.results[i] ? { result: summary(script.results[i]!) } : {}),
    })),
  };
}

function summary(r: StepResult) {
  return {
    ok: r.ok,
    at: r.at,
    endedAt: r.endedAt,
    ...(r.message ? { message: r.message } : {}),
    ...(r.mismatches ? { mismatches: r.mismatches } : {}),
  };
}

/** The open scenario; none is a 404 to read it (GET) and a 409 to step it (the world is not in that state). */
function requireScript(session: ServedSession, status: 404 | 409 = 409) {
  const script = session.script;
  if (!script) throw new SimError(status, 'noScenario', 'no scenario is open: POST /_sim/scenario first');
  return script;
}

async function scripted<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionError) throw new SimError(409, 'noScenario', error.message);
    throw error;
  }
}

function refs(
  directory:
    | { active?: string | string[]; deleted?: string | string[]; permanentlyDeleted?: string | string[] }
    | undefined,
): string[] {
  if (!directory) return [];
  return [directory.active, directory.deleted, directory.permanentlyDeleted].flatMap((v) =>
    v === undefined ? [] : Array.isArray(v) ? v : [v],
  );
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  throw new SimError(400, 'invalidRequest', `${what}: ${problems.join('; ')}`);
}
