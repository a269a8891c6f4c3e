/**
 * Serve mode: one HTTP server, four faces (DESIGN.md): /scim/v2 (NordPass SCIM), /admin (Admin Panel),
 * /azure/v1.0 (the mock Entra, in Microsoft Graph's routes), /_sim (clock). Listens on 127.0.0.1 unless told otherwise; stops gracefully.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import type { NordPassSettingsInput } from '../nordpass/config.ts';
import type { NordPass } from '../nordpass/app.ts';
import { DataFileError, NordPassStore } from '../nordpass/store.ts';
import { answersPerTurn } from './answers-per-turn.ts';
import { simRoutes } from './sim-api.ts';
import { renderSimError } from './sim-errors.ts';
import { WorldEvents } from './world-events.ts';
import { graphErrorRenderer, graphRoutes } from '../../mock-azure/graph/index.ts';
import type { Azure } from '../../mock-azure/tenant.ts';
import { createWorld } from '../world.ts';
import { parseInstant } from '../time.ts';

export interface ServeOptions {
  host: string;
  port: number;
  scimToken?: string;
  adminToken?: string;
  dataFile?: string;
  /** Virtual start instant; default the data file's saved time, else the wall clock. */
  start?: string;
  /** Let virtual time follow the wall clock. */
  realtime?: boolean;
  seed?: string;
  settings?: NordPassSettingsInput;
}

export interface RunningServer {
  nordpass: NordPass;
  azure: Azure;
  clock: Clock;
  /** What happens in the world, as /_sim/events streams it. */
  events: WorldEvents;
  origin: string;
  server: ServerType;
  /** Stops accepting, lets in-flight requests and writes finish, then resolves. */
  close: () => Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  let clock: Clock | undefined;
  const now = () => clock?.now() ?? 0;
  // A bad --start is refused before the data file is opened (opening creates it).
  const start = options.start !== undefined ? parseInstant(options.start) : undefined;
  const store = options.dataFile ? await openDataFile(options.dataFile, now) : undefined;
  // Anything that fails from here on (a --start before the file's time, a port in use) lets go of the data file.
  try {
    const saved = store && store.allMembers().length + store.data.outbox.length > 0 ? store.data.clockNow : undefined;
    if (saved !== undefined && start !== undefined && start < saved) {
      throw new Error(
        `--start ${options.start} is before the data file's virtual time ${new Date(saved).toISOString()}; time cannot go back`,
      );
    }
    // Serve mode's default start is the wall clock, rounded to the second: scenarios pin theirs.
    const wallNow = Math.floor(Date.now() / 1000) * 1000;
    const secret = () => randomBytes(32).toString('base64url');
    const world = createWorld({
      start: saved ?? start ?? wallNow,
      seed: options.seed ?? randomBytes(8).toString('hex'),
      // The mock Entra reaches this server's own NordPass without a socket, and any other Tenant URL over HTTP.
      scim: 'own-origin',
      nordpass: {
        ...(options.settings ? { settings: options.settings } : {}),
        ...(store ? { store } : {}),
        ...(options.scimToken !== undefined ? { scimToken: options.scimToken } : {}),
        ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
        newSecret: secret,
      },
    });
    const { nordpass, azure } = world;
    const events = new WorldEvents();
    events.watch(world);
    clock = world.clock;
    // Deadlines that fell due while the server was down fire now, each at its own instant.
    if (start !== undefined && saved !== undefined && start > saved) await clock.advanceTo(start);
    await nordpass.store.commit();

    // NordPass's app is the root: mounting it inside another app would wrap each of its handlers once more.
    const root = nordpass.app;
    // Each face with the renderer of its own error shape (NordPass mounted SCIM and the Admin Panel the same way).
    nordpass.mount(
      '/azure/v1.0',
      graphRoutes({ azure, adminToken: nordpass.adminToken, clock }),
      graphErrorRenderer(clock),
    );
    nordpass.mount(
      '/_sim',
      simRoutes({ world, events, adminToken: nordpass.adminToken, afterAdvance: () => nordpass.store.commit() }),
      renderSimError,
    );
    root.get('/', (c) => c.json({ service: 'scimsim', tenantUrl: nordpass.tenantUrl(), now: clock!.nowIso() }));

    const server = await listen(root, options.host, options.port);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const origin = `http://${host}:${address.port}`;
    world.setOrigin(origin);

    let realtime: NodeJS.Timeout | undefined;
    if (options.realtime) {
      const wallStart = Date.now();
      const virtualStart = clock.now();
      realtime = setInterval(() => {
        void clock!.advanceTo(virtualStart + (Date.now() - wallStart)).then(async (moved) => {
          await nordpass.store.commit();
          events.emit({ type: 'clock', at: moved.now, fired: moved.fired });
        });
      }, 1000);
      realtime.unref();
    }

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        if (realtime) clearInterval(realtime);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          // Keep-alive clients that never hang up must not hold the shutdown forever.
          setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 5000).unref();
        });
        await nordpass.store.close();
      })());

    return { nordpass, azure, clock, events, origin, server, close };
  } catch (error) {
    await store?.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens the data file. A new file that cannot be written (its folder is missing, or read-only) used to escape as a
 * raw ENOENT with a stack trace; it is a DataFileError now, which the CLI prints with exit code 2.
 */
async function openDataFile(file: string, now: () => number): Promise<NordPassStore> {
  try {
    return await NordPassStore.openFile(file, now);
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new DataFileError(
      `cannot write data file ${file}: ${code} (does its folder exist, and may scimsim write there?)`,
    );
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: answersPerTurn(app.fetch), hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}
