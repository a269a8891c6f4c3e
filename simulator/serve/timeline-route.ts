/**
 * `GET /_sim/timeline`: the served world's timeline, drawn by the HTML report's own code (swimlanes of members,
 * provisioning cycles and the recorded actions), as a small HTML document the console shows in a sandboxed
 * frame and reloads as things happen. No script: its CSP allows only the report's inline style.
 */
import { Hono } from 'hono';
import { linkCycles } from '../report/html/cycles.ts';
import { CSS } from '../report/html/css.ts';
import { escapeHtml as e } from '../report/html/text.ts';
import { renderTimeline, SVG_DEFS } from '../report/html/timeline.ts';
import { describeArgs, isAction, worldResult } from '../scenario/run.ts';
import { formatInstant } from '../time.ts';
import type { ServedSession } from './session.ts';

/** Not the console's: this document has no script and may be framed by the console (same origin) only. */
export const TIMELINE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export function timelineRoutes(session: ServedSession): Hono {
  const routes = new Hono();
  routes.get('/timeline', (c) => {
    const { header, world, recorder } = session;
    const result = {
      ...worldResult(world, {
        file: 'served world',
        name: header.name,
        seed: header.seed,
        start: header.start,
        steps: [],
        actions: recorder.steps
          .filter((s) => isAction(s.name))
          .map((s) => ({
            at: formatInstant(s.at),
            kind: 'action' as const,
            label: s.name,
            detail: describeArgs(s.args),
          })),
      }),
      wallMs: 0,
    };
    const timeline = renderTimeline(
      result,
      'live',
      linkCycles(result, 'live').cycles,
      'Virtual time, UTC, from the start of this world to now. Hover a segment, a cycle or an action for a summary.',
    );
    c.header('Content-Security-Policy', TIMELINE_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-store');
    return c.html(
      [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8">',
        `<title>${e(`Timeline: ${header.name}`)}</title>`,
        `<style>${CSS}body{margin:0;padding:4px;background:#fff}figure.timeline{margin:0}</style>`,
        '</head><body>',
        SVG_DEFS,
        timeline.html,
        '</body></html>',
      ].join('\n'),
    );
  });
  return routes;
}
