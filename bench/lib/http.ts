/**
 * HTTP load on loopback: a server in a child process (scimsim serve, or the bare Hono route), autocannon from
 * this process. Every load has a fixed duration and every child is stopped in a finally block.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';

export interface Child {
  /** `http://127.0.0.1:PORT`, from the child's "listening on" line. */
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node ARGS` and waits (at most 30 s) for it to print "listening on http://...". */
export async function startChild(args: string[], cwd: string): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not print "listening on" within 30 s')), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')}: ${error.message}\n${output.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`exited with code ${code} before listening`)));
  });
  // Keep draining the pipes so a chatty child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    process: child,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}

export interface LoadSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** Paths to go round, one per request (a pool of members), or one path. */
  paths: string[];
  headers: Record<string, string>;
  /** `[<id>]` in it is replaced by a unique id per request. */
  body?: string;
}

export interface LoadResult {
  /** Requests answered per second over the run. */
  rps: number;
  seconds: number;
  ok: number;
  notOk: number;
  errors: number;
}

/** autocannon against `url` for `seconds` with `connections` connections. */
export async function load(url: string, spec: LoadSpec, seconds: number, connections = 50): Promise<LoadResult> {
  let next = 0;
  const paths = spec.paths;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    idReplacement: spec.body?.includes('[<id>]') ?? false,
    requests: [
      {
        method: spec.method,
        headers: spec.headers,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }),
      },
    ],
  });
  return {
    rps: result.requests.total / result.duration,
    seconds: result.duration,
    ok: result['2xx'],
    notOk: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
