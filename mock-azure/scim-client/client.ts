/**
 * Entra's SCIM client: the requests its provisioning service sends, in its own shapes and dialects, over a
 * Transport. Every exchange is recorded; every failure becomes an Entra error code (research/entra.md §3.5).
 */
import type { Clock } from '../../simulator/clock.ts';
import type { Random } from '../../simulator/random.ts';
import type { Exchange, ExchangeLog } from './exchanges.ts';
import { TransportError, type Transport } from './transport.ts';

export type PatchDialect = 'entra' | 'rfc';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/** A request that did not succeed, as Entra names it. */
export class ScimCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    /** From a 429's Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ScimCallError';
  }

  /** Credential problems quarantine the job at once (EncounteredQuarantineException). */
  get isCredentialFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};
export const statusName = (status: number) => STATUS_NAMES[status] ?? String(status);

/** Entra's error code for an HTTP failure status (research/entra.md §3.5). */
export function errorCodeFor(status: number, context: 'create' | 'byId' | 'query'): string {
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'InsufficientRights';
  if (status === 404)
    return context === 'byId' ? 'InvalidAnchor' : 'SystemForCrossDomainIdentityManagementServiceIncompatible';
  if (status === 405) return 'MethodNotAllowed';
  if (status === 409)
    return context === 'create'
      ? 'SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering'
      : 'EntryConflict';
  if (status === 422) return 'UnprocessableEntity';
  if (status === 429) return 'TooManyRequests';
  if (status === 501) return 'NotImplemented';
  if (status >= 500) return 'InternalServerError';
  return 'SystemForCrossDomainIdentityManagementBadRequest';
}

export interface ScimClientOptions {
  transport: Transport;
  clock: Clock;
  random: Random;
  /** The Tenant URL as entered: SCIM flags such as `?aadOptscim062020` are read off and not sent on. */
  tenantUrl: string;
  /** Send Entra's default dialect whatever the flags say (provision on demand ignores `aadOptscim062020`). */
  defaultDialect?: boolean;
  secretToken: string;
  exchanges: ExchangeLog;
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CONTENT_TYPE = 'application/scim+json';

/** Splits a Tenant URL into the base the requests go to and the flags in its query string. */
export function parseTenantUrl(tenantUrl: string): { base: string; flags: Set<string> } {
  let url: URL;
  try {
    url = new URL(tenantUrl);
  } catch {
    throw new ScimCallError('CredentialValidationUnavailable', `the Tenant URL "${tenantUrl}" is not a URL`);
  }
  const flags = new Set([...url.searchParams.keys()].map((k) => k.toLowerCase()));
  url.search = '';
  url.hash = '';
  return { base: url.toString().replace(/\/+$/, ''), flags };
}

export class ScimClient {
  readonly base: string;
  readonly dialect: PatchDialect;

  constructor(private readonly options: ScimClientOptions) {
    const { base, flags } = parseTenantUrl(options.tenantUrl);
    this.base = base;
    this.dialect = flags.has('aadoptscim062020') && !options.defaultDialect ? 'rfc' : 'entra';
  }

  /** Test Connection: a user that cannot exist, by a random GUID; passes only on 200 with no results. */
  async testConnection(matchingAttribute = 'userName'): Promise<void> {
    const res = await this.#send(
      'GET',
      `/Users?filter=${matchingAttribute}+eq+"${this.options.random.uuid()}"`,
      undefined,
      'query',
    );
    const list = res.body as { totalResults?: unknown; Resources?: unknown } | undefined;
    const count =
      typeof list?.totalResults === 'number'
        ? list.totalResults
        : Array.isArray(list?.Resources)
          ? list.Resources.length
          : undefined;
    if (count !== 0) {
      throw new ScimCallError(
        'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
        `expected an empty ListResponse for a user that does not exist, got ${JSON.stringify(res.body).slice(0, 200)}`,
        res.status,
      );
    }
  }

  /** With group provisioning on, Test Connection also asks for a group that cannot exist (INFERRED, research/entra.md §1). */
  async testGroupsConnection(): Promise<void> {
    const res = await this.#send(
      'GET',
      `/Groups?excludedAttributes=members&filter=displayName+eq+"${this.options.random.uuid()}"`,
      undefined,
      'query',
    );
    const list = res.body as { totalResults?: unknown } | undefined;
    if (list?.totalResults !== 0) {
      throw new ScimCallError(
        'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
        `expected an empty ListResponse for a group that does not exist, got ${JSON.stringify(res.body).slice(0, 200)}`,
        res.status,
      );
    }
  }

  /** Entra's group query: `GET /Groups?excludedAttributes=members&filter=displayName eq "<name>"`. */
  findGroups(displayName: string): Promise<Array<Record<string, unknown>>> {
    return this.#find('/Groups?excludedAttributes=members&filter=displayName', displayName);
  }

  /** Groups are created with no members; members follow in PATCH Add (research/entra.md §12). */
  async createGroup(displayName: string, externalId: string): Promise<string> {
    const res = await this.#send(
      'POST',
      '/Groups',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], externalId, displayName, members: [] },
      'create',
    );
    const id = (res.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw this.#incompatible('POST', 'the created group has no id');
    return id;
  }

  async patchGroup(id: string, operations: PatchOperation[]): Promise<void> {
    await this.#send(
      'PATCH',
      `/Groups/${encodeURIComponent(id)}`,
      { schemas: [PATCH_SCHEMA], Operations: operations },
      'byId',
    );
  }

  async deleteGroup(id: string): Promise<void> {
    try {
      await this.#send('DELETE', `/Groups/${encodeURIComponent(id)}`, undefined, 'byId');
    } catch (error) {
      if (!(error instanceof ScimCallError && error.status === 404)) throw error;
    }
  }

  /** Member changes in this client's dialect: Entra's default removes with a value list, the flag with a filter path. */
  memberOperations(add: string[], remove: string[]): PatchOperation[] {
    const ops: PatchOperation[] = [];
    if (add.length)
      ops.push({
        op: this.dialect === 'entra' ? 'Add' : 'add',
        path: 'members',
        value: add.map((value) => ({ value })),
      });
    if (remove.length) {
      if (this.dialect === 'entra')
        ops.push({ op: 'Remove', path: 'members', value: remove.map((value) => ({ value })) });
      else for (const id of remove) ops.push({ op: 'remove', path: `members[value eq "${id}"]` });
    }
    return ops;
  }

  /**
   * A manager reference set or removed, on the enterprise extension's manager, as Microsoft's validators send it
   * (research/validator.md, Patch User - Add Manager and SCIM_Update_Manager_Test): set with Add, the manager's id bare
   * in Entra's default dialect (a single-valued Add) and `{"value": id}` with aadOptscim062020. Removed: in the default
   * dialect with a Replace by the empty value ("Replace with empty"); with the flag by an RFC 7644 `remove` (the
   * validators' `{"value": ""}` leaves a manager with an empty id on a server that keeps it: research/validator.md).
   * fidelity: INFERRED: the engine's own request is not shown anywhere but in these tests, which play Entra; the older
   * tutorial sample (`"path":"manager"` with a `$ref` list) is not what either validator sends.
   */
  managerOperations(targetId: string | undefined): PatchOperation[] {
    const path = `${ENTERPRISE_SCHEMA}:manager`;
    if (this.dialect === 'entra')
      return [targetId === undefined ? { op: 'Replace', path, value: '' } : { op: 'Add', path, value: targetId }];
    return [targetId === undefined ? { op: 'remove', path } : { op: 'add', path, value: { value: targetId } }];
  }

  /** `GET /Users?filter=<attribute> eq "<value>"`: the resources found. */
  findUsers(attribute: string, value: string): Promise<Array<Record<string, unknown>>> {
    return this.#find(`/Users?filter=${attribute}`, value);
  }

  /** `GET <query> eq "<value>"` (the query ends with the filter's attribute): the resources found. */
  async #find(query: string, value: string): Promise<Array<Record<string, unknown>>> {
    // Characters that change a query string's meaning are percent-encoded ("+" would reach the app as a space,
    // "&" and "#" would cut the filter short); the rest stays as Entra shows it: `+` for spaces, raw quotes.
    const literal = JSON.stringify(value).replace(/[%+&#]/g, (c) => encodeURIComponent(c));
    const res = await this.#send('GET', `${query}+eq+${literal}`, undefined, 'query');
    const resources = (res.body as { Resources?: unknown } | undefined)?.Resources;
    if (resources === undefined || resources === null) return [];
    if (!Array.isArray(resources)) throw this.#incompatible('GET', 'Resources is not a list');
    return resources as Array<Record<string, unknown>>;
  }

  async createUser(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await this.#send('POST', '/Users', body, 'create');
    const created = res.body as Record<string, unknown> | undefined;
    if (!created || typeof created.id !== 'string') throw this.#incompatible('POST', 'the created resource has no id');
    return created;
  }

  async getUser(id: string): Promise<Record<string, unknown>> {
    const res = await this.#send('GET', `/Users/${encodeURIComponent(id)}`, undefined, 'byId');
    if (!res.body || typeof res.body !== 'object') throw this.#incompatible('GET', 'no resource in the response');
    return res.body as Record<string, unknown>;
  }

  async patchUser(id: string, operations: PatchOperation[]): Promise<void> {
    await this.#send(
      'PATCH',
      `/Users/${encodeURIComponent(id)}`,
      { schemas: [PATCH_SCHEMA], Operations: operations },
      'byId',
    );
  }

  /** DELETE; a 404 counts as done (the user is already gone, which is what was wanted). */
  async deleteUser(id: string): Promise<'deleted' | 'alreadyGone'> {
    try {
      await this.#send('DELETE', `/Users/${encodeURIComponent(id)}`, undefined, 'byId');
      return 'deleted';
    } catch (error) {
      if (error instanceof ScimCallError && error.status === 404) return 'alreadyGone';
      throw error;
    }
  }

  /** The operations of a PATCH in this client's dialect (research/entra.md §4). */
  patchOperations(changes: Array<{ path: string; value: string | boolean }>): PatchOperation[] {
    const value = (v: string | boolean) =>
      typeof v === 'boolean' && this.dialect === 'entra' ? (v ? 'True' : 'False') : v;
    if (this.dialect === 'entra') return changes.map((c) => ({ op: 'Replace', path: c.path, value: value(c.value) }));
    // With aadOptscim062020: value-filter paths stay separate; the rest go in one path-less replace with dotted keys.
    const separate = changes.filter((c) => c.path.includes('['));
    const together = changes.filter((c) => !c.path.includes('['));
    const ops: PatchOperation[] = separate.map((c) => ({ op: 'replace', path: c.path, value: c.value }));
    if (together.length === 1) ops.push({ op: 'replace', path: together[0]!.path, value: together[0]!.value });
    else if (together.length > 1)
      ops.push({ op: 'replace', value: Object.fromEntries(together.map((c) => [c.path, c.value])) });
    return ops;
  }

  async #send(
    method: string,
    path: string,
    body: unknown,
    context: 'create' | 'byId' | 'query',
  ): Promise<{ status: number; body: unknown; exchange: Exchange }> {
    const { clock, exchanges, transport, secretToken } = this.options;
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${secretToken}`, Accept: CONTENT_TYPE };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    const requestText = body === undefined ? undefined : JSON.stringify(body);
    const exchange = exchanges.begin({
      at: clock.now(),
      method,
      url,
      path,
      ...(requestText !== undefined ? { requestBody: requestText } : {}),
    });
    let response: Response;
    try {
      response = await transport(
        new Request(url, { method, headers, ...(requestText !== undefined ? { body: requestText } : {}) }),
      );
    } catch (error) {
      const kind = error instanceof TransportError ? error.kind : 'unavailable';
      exchanges.fail(exchange, kind === 'timeout' ? 'Timeout' : 'unavailable', (error as Error).message);
      if (kind === 'timeout')
        throw new ScimCallError('Timeout', `${method} ${url}: the request timed out; it is retried in the next cycle`);
      throw new ScimCallError('WebExceptionProtocolError', `${method} ${url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    exchanges.complete(exchange, response.status, text);
    let parsed: unknown;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok)
          throw this.#incompatible(method, `the response body is not JSON: ${text.slice(0, 100)}`, response.status);
      }
    }
    if (!response.ok) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'), clock.now());
      throw new ScimCallError(
        errorCodeFor(response.status, context),
        `StatusCode: ${statusName(response.status)} Message: Processing of the HTTP request resulted in an exception. Web Response: ${text.slice(0, 500)}`,
        response.status,
        retryAfter,
      );
    }
    return { status: response.status, body: parsed, exchange };
  }

  #incompatible(method: string, detail: string, status?: number): ScimCallError {
    return new ScimCallError(
      'SystemForCrossDomainIdentityManagementServiceIncompatible',
      `${method}: ${detail}`,
      status,
    );
  }
}

/** Retry-After as seconds or an HTTP date, in ms from now. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
