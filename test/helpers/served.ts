/** `scimsim serve` as a child process on loopback, for the tests that need a real server: start, call, kill. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export const BIN = new URL('../../bin/scimsim.mjs', import.meta.url).pathname;
export const TOKEN = 'reliability-scim-token';
export const ADMIN = 'reliability-admin-token';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Served {
  child: ChildProcessWithoutNullStreams;
  origin: string;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts `scimsim serve --port 0` with fixed tokens (the SCIM token left out with `scimToken: false`, as a restart
 * that keeps the data file's token does); resolves once it prints its banner.
 */
export async function serve(args: string[], options: { scimToken?: boolean } = {}): Promise<Served> {
  const token = options.scimToken === false ? [] : ['--token', TOKEN];
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...token, '--admin-token', ADMIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m && out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', check);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited early:\n${out}`));
    });
  });
  return { child, origin, output: () => out, exit };
}

/** Runs a command to its end: exit code and everything it printed. */
export function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

export function call(origin: string, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
