/**
 * scimsim as another project gets it: `npm pack` (which builds dist/), the tarball and msw installed into a fresh
 * project, then used from plain Node with tsx removed: the msw handlers answer a simulated tenant URL, a bundled
 * scenario runs through the exported runner (in process and on worker threads), the bin runs, and a consumer's
 * TypeScript checks against the shipped declarations. Slow (a build and an npm install), so one generous timeout.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MSW_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.msw;
const SETUP_TIMEOUT_MS = 600_000;

// The child processes must not inherit this run's npm lifecycle (when started by `npm test`) or a loader.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package)_/i.test(k) && k !== 'NODE_OPTIONS'),
);
Object.assign(env, { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });

/** Runs a command; rejects with its whole output when it exits non-zero, so a failure says what went wrong. */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      if (code !== 0)
        reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}\n${stdout}\n${stderr}\n${error}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

// What a consumer writes: plain ESM, run with `node`, importing the package by name.
const CONSUMER_SCRIPT = `
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { Clock, createNordPass, loadScenarioFile, Random, runScenario, runSuite } from 'scimsim';
import { Clock as ClockFromSubpath } from 'scimsim/clock';
import { createAzure } from 'scimsim/azure';
import { nordpassHandlers } from 'scimsim/msw';

const out = { sameClock: Clock === ClockFromSubpath, createAzure: typeof createAzure };
const nordpass = createNordPass({ clock: new Clock('2026-01-05T09:00:00Z'), random: new Random('pack'), scimToken: 'secret-token' });
const server = setupServer(...nordpassHandlers(nordpass, 'https://nordpass.example'));
server.listen({ onUnhandledRequest: 'error' });
try {
  const headers = { authorization: 'Bearer secret-token', 'content-type': 'application/scim+json' };
  const post = await fetch('https://nordpass.example/scim/v2/Users', {
    method: 'POST',
    headers,
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.com', active: true }),
  });
  out.post = { status: post.status, location: post.headers.get('location'), body: await post.json() };
  const get = await fetch('https://nordpass.example/scim/v2/Users/' + out.post.body.id, { headers });
  out.get = { status: get.status, body: await get.json() };
  const wrong = await fetch('https://nordpass.example/scim/v2/Users', { headers: { authorization: 'Bearer wrong' } });
  out.wrongToken = wrong.status;
  out.member = nordpass.store.allMembers().map((m) => ({ userName: m.userName, status: m.status }));
} finally {
  server.close();
}
const scenario = (name) => fileURLToPath(import.meta.resolve('scimsim/scenarios/' + name));
const result = await runScenario(await loadScenarioFile(scenario('02-unassign-active-member.yaml')));
out.scenario = { passed: result.passed, name: result.name, steps: result.steps.length, failure: result.failure ?? null };
const suite = await runSuite([scenario('01-assign-and-provision.yaml'), scenario('04-restore-on-day-29.yaml')], { workers: 2 });
out.suite = { passed: suite.passed, failed: suite.failed, invalid: suite.invalid };
process.stdout.write(JSON.stringify(out));
`;

// What a consumer's TypeScript sees. The @ts-expect-error proves the declarations are real types, not any.
const CONSUMER_TS = `
import { setupServer } from 'msw/node';
import { Clock, createNordPass, loadScenarioFile, Random, runScenario, type NordPass, type ScenarioResult } from 'scimsim';
import { Clock as ClockFromSubpath } from 'scimsim/clock';
import { createAzure, type Transport } from 'scimsim/azure';
import { nordpassHandlers } from 'scimsim/msw';

const clock: ClockFromSubpath = new Clock('2026-01-05T09:00:00Z');
const nordpass: NordPass = createNordPass({ clock, random: new Random('s'), scimToken: 'T' });
export const server = setupServer(...nordpassHandlers(nordpass, 'https://nordpass.example'));
const transport: Transport = nordpass.fetch;
export const azure = createAzure({ clock, random: new Random('a'), transport });
export const result: ScenarioResult = await runScenario(await loadScenarioFile('x.yaml'));
// @ts-expect-error a scenario's name is a string
export const wrong: number = result.name;
`;

describe('the packed package, installed into another project', { timeout: 120_000 }, () => {
  let work: string;
  let project: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'scimsim-pack-'));
    const packs = join(work, 'pack');
    project = join(work, 'consumer');
    await mkdir(packs);
    await mkdir(project);
    // `npm pack` runs the prepare script, which builds dist/ (declarations included).
    await run('npm', ['pack', '--pack-destination', packs], ROOT);
    const tarballs = (await readdir(packs)).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    await writeFile(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    await run(
      'npm',
      ['install', '--prefer-offline', '--save-exact', join(packs, tarballs[0]!), `msw@${MSW_VERSION}`],
      project,
    );
    // tsx comes along as a dependency, but nothing in the package may need it: take it away.
    await rm(join(project, 'node_modules', 'tsx'), { recursive: true, force: true });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships the compiled code, declarations, the scenario worker and the bundled scenarios, not the sources', () => {
    const installed = join(project, 'node_modules', 'scimsim');
    for (const file of [
      'dist/simulator/index.js',
      'dist/simulator/index.d.ts',
      'dist/simulator/nordpass/msw.js',
      'dist/simulator/nordpass/msw.d.ts',
      'dist/simulator/clock.d.ts',
      'dist/mock-azure/index.d.ts',
      'dist/simulator/scenario/worker.mjs',
      'scenarios/02-unassign-active-member.yaml',
      'scenarios/scenario.schema.json',
      'bin/scimsim.mjs',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    expect(existsSync(join(installed, 'simulator'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('answers fetches to a simulated tenant URL through the msw handlers, and runs scenarios, on plain node', async () => {
    await writeFile(join(project, 'consumer.mjs'), CONSUMER_SCRIPT);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], project);
    const out = JSON.parse(stdout);
    expect(out.sameClock).toBe(true);
    expect(out.createAzure).toBe('function');
    expect(out.post.status).toBe(201);
    expect(out.post.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@contoso.com',
      active: true,
      meta: { resourceType: 'User', created: '2026-01-05T09:00:00.000Z' },
    });
    expect(out.post.location).toBe(`https://nordpass.example/scim/v2/Users/${out.post.body.id}`);
    expect(out.post.body.meta.location).toBe(out.post.location);
    expect(out.get.status).toBe(200);
    expect(out.get.body).toEqual(out.post.body);
    expect(out.wrongToken).toBe(401);
    expect(out.member).toEqual([{ userName: 'ada@contoso.com', status: 'pending' }]);
    expect(out.scenario).toEqual({
      passed: true,
      name: 'Removing an active member from the app suspends them, and they are purged exactly 30 days later',
      steps: out.scenario.steps,
      failure: null,
    });
    expect(out.scenario.steps).toBeGreaterThan(10);
    expect(out.suite).toEqual({ passed: 2, failed: 0, invalid: [] });
  });

  it('runs the scimsim command from the installed bin', async () => {
    const reports = join(work, 'reports');
    const bin = join(project, 'node_modules', '.bin', 'scimsim');
    const { stdout } = await run(
      bin,
      ['run', 'node_modules/scimsim/scenarios/02-unassign-active-member.yaml', '--report', 'json', '--out', reports],
      project,
    );
    expect(stdout).toContain('✓ Removing an active member from the app suspends them');
    const report = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8'));
    expect([report.passed, report.failed]).toEqual([1, 0]);
  });

  it("type-checks a consumer's TypeScript against the shipped declarations", async () => {
    await writeFile(join(project, 'consumer.ts'), CONSUMER_TS);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          // The consumer has no @types/node of its own; this repository's serves.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    await expect(run(tsc, ['-p', project], project)).resolves.toMatchObject({ code: 0 });
  });
});
