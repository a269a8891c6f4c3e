/**
 * The console's page and its two files, served by scimsim itself (no CDN, no web fonts: it works offline). A
 * browser asking for `/` gets the page; a client asking for JSON gets what `/` has always answered. The script
 * is a file (no inline script), so the Content-Security-Policy allows scripts from this origin only.
 */
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';

const STATIC = new URL('./static/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, STATIC), 'utf8');
// Read once, when serve starts: the page cannot change under a running server.
const FILES = {
  page: read('console.html'),
  script: read('console.js'),
  style: read('console.css'),
};

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Whether a request for `/` is a browser's (HTML before JSON in its Accept header). */
export function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/** `/` for browsers and clients, and `/console/*`. `json` is what a client asking for JSON gets at `/`. */
export function consoleRoutes(app: Hono, json: (c: Context) => Response): void {
  const file = (c: Context, body: string, type: string) => {
    c.header('Content-Type', type);
    c.header('Content-Security-Policy', CONSOLE_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-cache');
    return c.body(body);
  };
  app.get('/', (c) => (wantsPage(c.req.header('accept')) ? file(c, FILES.page, 'text/html; charset=utf-8') : json(c)));
  app.get('/console/console.js', (c) => file(c, FILES.script, 'text/javascript; charset=utf-8'));
  app.get('/console/console.css', (c) => file(c, FILES.style, 'text/css; charset=utf-8'));
}
