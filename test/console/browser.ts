/**
 * A served world and a signed-in console page in headless Debian chromium (playwright-core), for the browser
 * tests: what the page logged as errors, answers no test provoked (404, 5xx), requests beyond loopback, and a
 * helper to call the world over HTTP with the admin token.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type RunningServer, startServer } from '../../simulator/serve/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export interface ConsoleInBrowser {
  s: RunningServer;
  browser: Browser;
  page: Page;
  errors: string[];
  broken: string[];
  offLoopback: string[];
  /** A call to the world with the admin token; the parsed answer. */
  call(method: string, path: string, body?: unknown): Promise<any>;
  /** Reset from the page, and wait until the world really is a new one (and the page has drawn it). */
  resetFromPage(): Promise<void>;
  close(): Promise<void>;
}

/** A world from `seed` at `start`, and a page: signed in (the default), or not yet (`signIn: false`). */
export async function openConsole(
  seed: string,
  { start = '2026-01-05T09:00:00Z', signIn = true }: { start?: string; signIn?: boolean } = {},
): Promise<ConsoleInBrowser> {
  const s = await startServer({ host: '127.0.0.1', port: 0, seed, start });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const errors: string[] = [];
  const broken: string[] = [];
  const offLoopback: string[] = [];
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/^Failed to load resource: the server responded with a status of 40[0139]/.test(m.text())
    )
      errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404 || r.status() >= 500) broken.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (new URL(r.url()).hostname !== '127.0.0.1') offLoopback.push(r.url());
  });
  page.on('dialog', (d) => void d.accept());
  if (signIn) {
    await page.goto(s.session.signIn.newLink(s.origin));
    await page.locator('#live[data-live="yes"]').waitFor();
  }
  const headers = { Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' };
  return {
    s,
    browser,
    page,
    errors,
    broken,
    offLoopback,
    async call(method, path, body) {
      const r = await fetch(`${s.origin}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async resetFromPage() {
      const before = s.session.summary().generation;
      await page.getByRole('button', { name: 'Reset' }).click();
      await expect.poll(() => s.session.summary().generation).toBeGreaterThan(before);
      await expect.poll(() => page.locator('#record-count').textContent()).toBe('0 steps so far.');
    },
    async close() {
      await browser.close();
      await s.close();
    },
  };
}
