/**
 * `scimsim run --served`: each scenario runs end to end over sockets. Per worker a `scimsim serve` is started on
 * loopback, its engine sending every SCIM request over HTTP to the server's own tenant URL, on the server's one
 * clock. Each scenario then runs from outside the server, through its public faces only (serve/served-target.ts):
 * `POST /_sim/reset` with the scenario's start instant, seed and settings (and its generated users, which only the
 * simulator can make), Graph for the named tenant users and groups and for every Entra step and check, the Admin
 * Panel for the NordPass ones, SCIM for `scim:` checks, `/_sim` for the clock, faults and the engine's exchanges.
 * The report's timelines, logs and exchanges are read at the end from `POST /_sim/result`.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Scenario } from '../scenario/load.ts';
import type { RunReport, ScenarioResult } from '../scenario/result.ts';
import { headerOf, resultOf, runSteps, runVariantsOf, type WorldRecord } from '../scenario/run.ts';
import { createNamedGroup, createNamedUser } from '../scenario/steps.ts';
import { loadAll, type SuiteOptions, suiteReport } from '../scenario/suite.ts';
import { idOf, type ScenarioState, scenarioState, scenarioVariants } from '../scenario/world.ts';
import { faceClient, servedTarget } from './served-target.ts';
import { type RunningServer, startServer } from './server.ts';

export async function runServed(files: string[], options: SuiteOptions = {}): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const { scenarios, invalid } = await loadAll(files, options.grep);
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), scenarios.length));
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  let done = 0;
  let stop = false;
  const servers: RunningServer[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const adminToken = randomBytes(24).toString('base64url');
        const server = await startServer({ host: '127.0.0.1', port: 0, adminToken, engineOverHttp: true });
        servers.push(server);
        while (!stop && next < scenarios.length) {
          const index = next++;
          const loaded = scenarios[index]!;
          const scenario = options.seed !== undefined ? { ...loaded, seed: options.seed } : loaded;
          const result = await runOne(server.origin, adminToken, scenario, options.variants);
          results[index] = result;
          options.onResult?.(result, ++done, scenarios.length);
          if (options.bail && !result.passed) stop = true;
        }
      }),
    );
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  return suiteReport(results, invalid, startedAt, began);
}

async function runOne(
  origin: string,
  adminToken: string,
  scenario: Scenario,
  runVariants: Partial<Record<string, string>> = {},
): Promise<ScenarioResult> {
  const began = performance.now();
  const faces = faceClient(origin, adminToken);
  const { name, description, seed, start, nordpass, provisioning, limits, tenant } = scenario;
  // The run's --variant under the scenario's own pins (and nordpass.ownerProtection), as in process.
  const variants = scenarioVariants(scenario, runVariants);
  const world = await faces.sim('POST', '/reset', {
    name,
    ...(description !== undefined ? { description } : {}),
    seed,
    start,
    // Always sent: a reset without NordPass settings keeps the last world's (serve's own flags), and the scenario
    // before this one on the same server may have set some (scenario 20 turns group provisioning on).
    nordpass: nordpass ?? {},
    ...(provisioning ? { provisioning } : {}),
    ...(Object.keys(variants).length ? { variants } : {}),
    ...(limits ? { limits } : {}),
    // The generated users only: the named ones are made over Graph, as a script would make them.
    ...(tenant
      ? {
          tenant: {
            ...(tenant.domain ? { domain: tenant.domain } : {}),
            ...(tenant.generate !== undefined ? { generate: tenant.generate } : {}),
          },
        }
      : {}),
  });
  const target = await servedTarget({
    origin,
    adminToken,
    tenantUrl: world.tenantUrl as string,
    initialToken: world.secretToken as string | undefined,
  });
  const state = scenarioState(scenario, target);
  await makeTenant(state, scenario, faces);
  const steps = await runSteps(state, scenario);
  const record = (await faces.sim('POST', '/result', {
    names: Object.fromEntries(state.upns),
  })) as unknown as WorldRecord;
  const header = { ...headerOf(scenario, steps), runVariants: runVariantsOf(scenario, runVariants) };
  return { ...resultOf(header, record), wallMs: Math.round(performance.now() - began) };
}

/**
 * The scenario's tenant over Graph, in the order a world in process makes it: the generated group (made by the
 * reset) found by its name, then the named users, the named groups, and their members.
 */
async function makeTenant(state: ScenarioState, scenario: Scenario, faces: ReturnType<typeof faceClient>) {
  const tenant = scenario.tenant ?? {};
  const generatedGroup = typeof tenant.generate === 'object' ? tenant.generate.group : undefined;
  if (generatedGroup !== undefined) {
    const filter = encodeURIComponent(`displayName eq ${faces.quote(generatedGroup)}`);
    const { value } = (await faces.graph('GET', `/groups?$filter=${filter}&$select=id`)) as {
      value: Array<{ id: string }>;
    };
    const found = value[0];
    if (!found) throw new Error(`the reset made no group named ${generatedGroup}`);
    state.groups.set(generatedGroup, found.id);
  }
  for (const [name, user] of Object.entries(tenant.users ?? {})) {
    const { manager: _, ...attributes } = user ?? {};
    await createNamedUser(state, name, attributes);
  }
  for (const [name, user] of Object.entries(tenant.users ?? {}))
    if (user?.manager) await state.target.setManager(idOf(state, name), idOf(state, user.manager));
  const groups = Object.entries(tenant.groups ?? {});
  for (const [name, g] of groups) await createNamedGroup(state, name, { displayName: g.displayName ?? name });
  for (const [name, g] of groups)
    for (const member of g.members ?? []) await state.target.addMember(idOf(state, name), idOf(state, member));
}
