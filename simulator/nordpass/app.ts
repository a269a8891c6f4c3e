/** createNordPass(options) wires the member lifecycle, storage, credentials, the SCIM face and the Admin Panel into one Hono app. */
import { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import { type AdminAction, type AdminGate, adminRoutes } from './admin.ts';
import { renderAdminError } from './admin-errors.ts';
import { resolveSettings, type NordPassSettings, type NordPassSettingsInput } from './config.ts';
import { Credentials } from './credentials.ts';
import { type ErrorRenderer, Faces } from './faces.ts';
import { Groups } from './groups.ts';
import { Members } from './members.ts';
import { VariantChoices } from '../variants.ts';
import { renderScimError, SCIM_SEGMENTS, scimRoutes } from './scim/index.ts';
import { NordPassStore } from './store.ts';

export interface NordPassOptions {
  clock: Clock;
  random: Random;
  settings?: NordPassSettingsInput;
  /** The unsettled behaviours this NordPass follows (simulator/variants.ts); shared with the world's Entra. */
  variants?: VariantChoices;
  /** Defaults to an in-memory store. */
  store?: NordPassStore;
  /** Where clients reach the server (`http://127.0.0.1:8080`), for tenant URLs and `meta.location`. */
  origin?: string;
  /** The SCIM secret token to start with; when absent one is issued (unless the store already has one). */
  scimToken?: string;
  /** The Admin Panel token; when absent one is drawn from `newSecret`. */
  adminToken?: string;
  /** Where new secrets come from: the seeded random source by default, crypto in serve mode. */
  newSecret?: () => string;
  /** Told each Admin Panel change (serve mode records them as scenario steps). */
  onAdminAction?: (action: AdminAction) => void;
  /** Serve mode's console sessions, for the Admin Panel face. */
  adminGate?: AdminGate;
  /** Serve mode: Admin Panel changes one at a time, with the other faces'. */
  inTurn?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface NordPass {
  app: Hono;
  /** The app's own fetch: what scenario runs hand the Entra engine instead of a socket. */
  fetch: (request: Request) => Promise<Response>;
  members: Members;
  groups: Groups;
  store: NordPassStore;
  credentials: Credentials;
  settings: NordPassSettings;
  variants: VariantChoices;
  clock: Clock;
  /** NordPass's random source (its forks draw member and group ids). */
  random: Random;
  /** The SCIM token issued at start, if one was (absent when it was kept from a data file). */
  initialScimToken: string | undefined;
  adminToken: string;
  tenantUrl: () => string;
  setOrigin: (origin: string) => void;
  /** Mounts another face on this app (serve mode: Graph, /_sim), with the renderer for its errors. */
  mount: (prefix: string, routes: Hono, renderError: ErrorRenderer) => void;
}

export const SCIM_BASE_PATH = '/scim/v2';

export function createNordPass(options: NordPassOptions): NordPass {
  const { clock, random } = options;
  const settings = resolveSettings(options.settings);
  const variants = options.variants ?? new VariantChoices();
  const store = options.store ?? NordPassStore.inMemory(() => clock.now());
  const newSecret = options.newSecret ?? (() => random.token(32));
  const members = new Members(store, clock, settings, random.fork('members'), variants);
  const groups = new Groups(store, clock, random.fork('groups'));
  members.onChange((member, event) => {
    if (event === 'deleted' || event === 'purged') groups.removeMemberEverywhere(member.id);
  });
  const credentials = new Credentials(store, newSecret, clock, variants);
  let initialScimToken: string | undefined;
  if (options.scimToken !== undefined) initialScimToken = credentials.rotate(options.scimToken);
  else if (!credentials.issued) initialScimToken = credentials.rotate();
  const adminToken = options.adminToken ?? newSecret();

  let origin = options.origin ?? 'http://127.0.0.1:8080';
  const tenantUrl = () => `${origin}${SCIM_BASE_PATH}`;

  const app = new Hono({ getPath: canonicalPath });
  const faces = new Faces(app, renderUnknown, () => settings.maxBodyBytes);
  faces.mount(
    SCIM_BASE_PATH,
    scimRoutes({ members, groups, store, settings, variants, baseUrl: tenantUrl }, credentials),
    renderScimError,
    { ownBodyLimit: true },
  );
  faces.mount(
    '/admin',
    adminRoutes({
      members,
      store,
      credentials,
      adminToken,
      tenantUrl,
      ...(options.onAdminAction ? { onAction: options.onAdminAction } : {}),
      ...(options.adminGate ? { gate: options.adminGate } : {}),
      ...(options.inTurn ? { inTurn: options.inTurn } : {}),
    }),
    renderAdminError,
  );

  return {
    app,
    fetch: async (request) => app.fetch(request),
    members,
    groups,
    store,
    credentials,
    settings,
    variants,
    clock,
    random,
    initialScimToken,
    adminToken,
    tenantUrl,
    setOrigin: (value) => {
      origin = value.replace(/\/+$/, '');
    },
    mount: (prefix, routes, renderError) => faces.mount(prefix, routes, renderError),
  };
}

/** An error outside every face (the root's own routes): a plain JSON 500 that shows no internals. */
const renderUnknown: ErrorRenderer = (error, c) => {
  console.error('scimsim: internal error:', error);
  return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500);
};

const SEGMENTS = new Map(SCIM_SEGMENTS.map((s) => [s.toLowerCase(), s]));

/**
 * The path Hono routes on. SCIM clients differ in case (`/scim/v2/users`, `/Users`), and RFC 7644 treats
 * resource endpoints case-insensitively in practice, so the prefix and the resource segment are made
 * canonical; ids keep their case. Any app that mounts NordPass's routes must route on this path too.
 */
export function canonicalPath(request: Request): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const end = url.indexOf('?', start);
  let path = url.slice(start, end === -1 ? undefined : end);
  // `/Users/?filter=...` (the Microsoft collection) is `/Users`.
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  const prefix = SCIM_BASE_PATH.length;
  if (path.length < prefix || path.slice(0, prefix).toLowerCase() !== SCIM_BASE_PATH) return path;
  const rest = path.slice(prefix).split('/');
  if (rest[1] !== undefined) rest[1] = SEGMENTS.get(rest[1].toLowerCase()) ?? rest[1];
  return SCIM_BASE_PATH + rest.join('/');
}
