/**
 * Serve mode: one HTTP server, four faces (DESIGN.md): /scim/v2 (NordPass SCIM), /admin (Admin Panel),
 * /azure/v1.0 (the mock Entra, in Microsoft Graph's routes), /_sim (the simulation). The world and its faces are
 * the session's (session.ts); this file listens (127.0.0.1 unless told otherwise) and stops gracefully.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Azure } from '../../mock-azure/tenant.ts';
import type { Clock } from '../clock.ts';
import type { NordPass } from '../nordpass/app.ts';
import type { NordPassSettingsInput } from '../nordpass/config.ts';
import { DataFileError, NordPassStore } from '../nordpass/store.ts';
import { formatInstant, parseInstant } from '../time.ts';
import { answersPerTurn } from './answers-per-turn.ts';
import { onePerConnection } from './one-per-connection.ts';
import { ServedSession, type WorldHeader } from './session.ts';
import type { WorldEvents } from './world-events.ts';

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
  /** Unsettled behaviours a new world follows (`--variant name=alternative`; simulator/variants.ts). */
  variants?: Record<string, string>;
  /** A new world's tenant: this many generated users (a world restored from a data file keeps its own). */
  users?: number;
  /** An opened scenario's engine reaches this server's SCIM face over HTTP (`scimsim run --served`). */
  engineOverHttp?: boolean;
  /** Serve HTTPS with this certificate and key (PEM; tls.ts makes or reads them). */
  tls?: { cert: string; key: string };
}

export interface RunningServer {
  /** The served world and what is done to it; reset replaces the world, so read these when needed. */
  session: ServedSession;
  readonly nordpass: NordPass;
  readonly azure: Azure;
  readonly clock: Clock;
  /** What happens in the world, as /_sim/events streams it. */
  events: WorldEvents;
  origin: string;
  /** A one-time link that signs a browser in (the console); POST /_sim/sign-in-links makes more. */
  signInLink: string;
  server: ServerType;
  /** Stops accepting, lets in-flight requests and writes finish, then resolves. */
  close: () => Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  let session: ServedSession | undefined;
  const now = () => session?.world.clock.now() ?? 0;
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
    const adminToken = options.adminToken ?? randomBytes(32).toString('base64url');
    session = await ServedSession.create(
      {
        adminToken,
        ...(options.scimToken !== undefined ? { scimToken: options.scimToken } : {}),
        newSecret: () => randomBytes(32).toString('base64url'),
        ...(options.dataFile ? { dataFile: options.dataFile } : {}),
        ...(options.engineOverHttp ? { engineOverHttp: true } : {}),
      },
      {
        name: 'A served world',
        seed: options.seed ?? store?.data.seed ?? randomBytes(8).toString('hex'),
        start: formatInstant(saved ?? start ?? wallNow),
        ...(options.settings ? { nordpass: scenarioSettings(options.settings) } : {}),
        ...(options.users ? { tenant: { generate: options.users } } : {}),
        ...(options.variants && Object.keys(options.variants).length ? { variants: options.variants } : {}),
      },
      store,
    );
    const served = session;
    // Deadlines that fell due while the server was down fire now, each at its own instant.
    if (start !== undefined && saved !== undefined && start > saved) await served.world.clock.advanceTo(start);
    await served.world.nordpass.store.commit();

    // Always the current world's app: reset, open and "back to" replace it.
    const server = await listen((request) => served.app.fetch(request), options.host, options.port, options.tls);
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const origin = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
    served.setOrigin(origin);

    let realtime: NodeJS.Timeout | undefined;
    if (options.realtime) {
      // Virtual time follows the wall clock from where each world stands when it is first seen.
      let anchor = { world: served.world, wall: Date.now(), virtual: served.world.clock.now() };
      realtime = setInterval(() => {
        const world = served.world;
        if (anchor.world !== world) anchor = { world, wall: Date.now(), virtual: world.clock.now() };
        void served.inTurn(async () => {
          const moved = await world.clock.advanceTo(anchor.virtual + (Date.now() - anchor.wall));
          await world.nordpass.store.commit();
          served.events.emit({ type: 'clock', at: moved.now, fired: moved.fired });
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
        await served.close();
      })());

    return {
      session: served,
      get nordpass() {
        return served.world.nordpass;
      },
      get azure() {
        return served.world.azure;
      },
      get clock() {
        return served.world.clock;
      },
      events: served.events,
      origin,
      signInLink: served.signIn.newLink(origin),
      server,
      close,
    };
  } catch (error) {
    await store?.close().catch(() => undefined);
    throw error;
  }
}

/** The command line's NordPass settings as a scenario's `nordpass:` header writes them. */
function scenarioSettings(settings: NordPassSettingsInput): WorldHeader['nordpass'] {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) if (value !== undefined) out[key] = value;
  return out as WorldHeader['nordpass'];
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

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  tls: { cert: string; key: string } | undefined,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: onePerConnection(answersPerTurn(fetch)),
        hostname,
        port,
        // A request must arrive whole within 10 s (headers and body; looked at every second), so a slow or
        // stalled client cannot hold a connection and the memory of its half-read body (Node's 60 s and 300 s,
        // checked every 30 s, let 100 stalled 1 MiB uploads hold 90 MB for five minutes).
        serverOptions: {
          headersTimeout: 10_000,
          requestTimeout: 10_000,
          connectionsCheckingInterval: 1_000,
          ...(tls ? { cert: tls.cert, key: tls.key } : {}),
        },
        ...(tls ? { createServer: createHttpsServer } : {}),
      },
      () => resolve(server),
    );
    // An idle keep-alive connection is kept 30 s (Node's 5 s raced clients that paused a moment longer: a request
    // written as the server closed the socket met ECONNRESET). A client that half-closes its side after a
    // complete request still gets its answer (Node ended the connection at once, dropping an answer that waited
    // for the data file).
    Object.assign(server, { keepAliveTimeout: 30_000, httpAllowHalfOpen: true });
    server.once('error', reject);
  });
}
