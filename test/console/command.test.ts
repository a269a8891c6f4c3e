/** `scimsim console`: serve mode with the console, its sign-in link printed; --users starts a tenant. */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/served.ts';

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('scimsim console', () => {
  it('prints the sign-in link, which opens the console on a world of N generated users', async () => {
    const child = spawn(process.execPath, [BIN, 'console', '--port', '0', '--users', '3', '--seed', 'c']);
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`console did not start:\n${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (out.includes('Press Ctrl+C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const link = /Console: +(http:\/\/127\.0\.0\.1:\d+\/_sim\/sign-in\?secret=\S+)/.exec(out)?.[1];
    expect(link, out).toBeDefined();
    const signIn = await fetch(link!, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const origin = new URL(link!).origin;
    const page = await fetch(`${origin}/`, { headers: { Accept: 'text/html', cookie } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>scimsim console</title>');
    const users = await fetch(`${origin}/azure/v1.0/users`, { headers: { cookie } });
    expect(((await users.json()) as { value: unknown[] }).value).toHaveLength(3);
  });

  it('refuses a --users it cannot use', async () => {
    const child = spawn(process.execPath, [BIN, 'console', '--users', 'many']);
    children.push(child);
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--users must be a whole number');
  });
});
