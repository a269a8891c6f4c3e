/**
 * `scimsim run --served`: each scenario runs in a served world, over sockets. Per worker a `scimsim serve` is
 * started on loopback; each scenario is opened in it (`POST /_sim/scenario`), run to its end (`run-to`) and its
 * result read back (`GET /_sim/scenario/result`), and the served engine sends every SCIM request over HTTP to the
 * server's own tenant URL, on the server's one clock. What it does not do yet: the steps run inside the server
 * (the scenario runner's step handlers), not translated into Graph and Admin Panel calls.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { RunReport, ScenarioResult } from '../scenario/result.ts';
import { loadAll, type SuiteOptions, suiteReport } from '../scenario/suite.ts';
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
          const scenario = scenarios[index]!;
          const text = await readFile(scenario.file, 'utf8');
          const result = await runOne(server.origin, adminToken, text, scenario.file, options.seed);
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
  text: string,
  file: string,
  seed: string | number | undefined,
): Promise<ScenarioResult> {
  const began = performance.now();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${origin}/_sim${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} /_sim${path}: ${response.status} ${(answer.error as { message?: string })?.message}`);
    return answer;
  };
  // --seed replaces the scenario's, as in process: the header line is rewritten before the file is opened.
  const source = seed === undefined ? text : withSeed(text, seed);
  const opened = await call('POST', '/scenario', { text: source, file });
  await call('POST', '/scenario/run-to', { step: opened.total });
  const result = (await call('GET', '/scenario/result')) as unknown as ScenarioResult;
  return { ...result, wallMs: Math.round(performance.now() - began) };
}

function withSeed(text: string, seed: string | number): string {
  const line = `seed: ${JSON.stringify(String(seed))}`;
  return /^seed:.*$/m.test(text) ? text.replace(/^seed:.*$/m, line) : `${line}\n${text}`;
}
