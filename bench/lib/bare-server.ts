/**
 * The HTTP baseline: the bare routes of bare-app.ts on @hono/node-server, in a process of their own, as
 * `scimsim serve` is. Prints "listening on http://..."; stops on SIGTERM.
 * Run: node --import tsx bench/lib/bare-server.ts
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { bareApp } from './bare-app.ts';

const server = serve({ fetch: bareApp().fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  console.log(`bare server listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
