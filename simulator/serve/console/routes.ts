/**
 * The console's page, its modules and its stylesheet, served by scimsim itself (no CDN, no web fonts: it works offline). A
 * browser asking for `/` gets the page; a client asking for JSON gets what `/` has always answered. The script
 * is a file (no inline script), so the Content-Security-Policy allows scripts from this origin only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';

const STATIC = new URL('./static/', import.meta.url);
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
// Read once, when serve starts: the page cannot change under a running server. The page's modules and stylesheet
// are every .js and .css file beside it (a name is letters, digits and dashes: nothing else is served).
const PAGE = readFileSync(new URL('console.html', STATIC), 'utf8');
const FILES = new Map(
  readdirSync(STATIC)
    .filter((name) => /^[a-z0-9-]+\.(js|css)$/.test(name))
    .map((name) => [name, { body: readFileSync(new URL(name, STATIC), 'utf8'), type: TYPES[name.split('.')[1]!]! }]),
);

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Whether a request for `/` is a browser's (HTML before JSON in its Accept header). */
export function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/** `/` for browsers and clients, and `/console/<file>`. `json` is what a client asking for JSON gets at `/`. */
export function consoleRoutes(app: Hono, json: (c: Context) => Response): void {
  const file = (c: Context, body: string, type: string) => {
    c.header('Content-Type', type);
    c.header('Content-Security-Policy', CONSOLE_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-cache');
    return c.body(body);
  };
  app.get('/', (c) => (wantsPage(c.req.header('accept')) ? file(c, PAGE, 'text/html; charset=utf-8') : json(c)));
  app.get('/console/:name', (c, next) => {
    const found = FILES.get(c.req.param('name'));
    return found ? file(c, found.body, found.type) : next();
  });
}
