/**
 * What a check test works with: a SCIM client that sends what Entra sends (in the chosen profile's dialect) and
 * keeps every exchange (the Authorization header never kept), names for the users and groups it makes (a prefix
 * unique to the run, in a reserved domain), what to remove at the end, and assertions that say what was expected.
 */
import { randomUUID } from 'node:crypto';

export type Profile = 'entra' | 'entra-aadoptscim062020' | 'okta';

export interface CheckExchange {
  method: string;
  path: string;
  requestBody?: string;
  status?: number;
  contentType?: string;
  responseBody?: string;
  error?: string;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: an answer from any SCIM service, checked field by field as tests read it
  body: any;
  contentType: string;
}

/** A test that did not pass: what was expected, and what came instead. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** A test that cannot run against this endpoint (say, no Groups), and why. */
export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

/** The endpoint did not answer at all (refused, reset, timed out): the whole check stops with exit code 2. */
export class Unreachable extends Error {
  override name = 'Unreachable';
}

const SCIM_JSON = 'application/scim+json';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface CheckOptions {
  url: string;
  token: string;
  profile: Profile;
  /** The domain of the userNames it makes (a reserved one by default: a real service may send invitations). */
  domain: string;
  /** Milliseconds to wait for one answer. */
  timeoutMs: number;
}

/** A create that made something (200 or 201, as SCIM_User_Create_Test accepts, with an id): removed at the end. */
const made = (answer: Answer) =>
  (answer.status === 200 || answer.status === 201) && typeof answer.body?.id === 'string';

export class CheckContext {
  /** Every exchange of the test running now. */
  exchanges: CheckExchange[] = [];
  /** The exchanges an engine-driven test's engine sent, read when the test ends (its tenant registers them). */
  engineExchanges: Array<() => CheckExchange[]> = [];
  /** Everything this run made, to remove at the end (ids by resource). */
  readonly made: Array<{ resource: 'Users' | 'Groups'; id: string }> = [];
  readonly prefix: string;
  readonly base: string;
  #counter = 0;

  constructor(readonly options: CheckOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.prefix = `scimsim-check-${randomUUID().slice(0, 8)}`;
  }

  /** Entra's default dialect capitalises ops and sends booleans as strings; aadOptscim062020 and Okta do not. */
  get entraDefault(): boolean {
    return this.options.profile === 'entra';
  }
  op(name: 'add' | 'replace' | 'remove'): string {
    return this.entraDefault ? `${name[0]!.toUpperCase()}${name.slice(1)}` : name;
  }
  bool(value: boolean): boolean | string {
    return this.entraDefault ? (value ? 'True' : 'False') : value;
  }

  /** A new userName under this run's prefix (`tag` keeps special characters where a test needs them). */
  userName(tag = ''): string {
    return `${this.prefix}-${++this.#counter}${tag}@${this.options.domain}`;
  }
  groupName(): string {
    return `${this.prefix}-group-${++this.#counter}`;
  }

  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    const exchange: CheckExchange = { method, path };
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (text !== undefined) exchange.requestBody = text;
    this.exchanges.push(exchange);
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: SCIM_JSON,
          ...(text !== undefined ? { 'Content-Type': SCIM_JSON } : {}),
        },
        ...(text !== undefined ? { body: text } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      exchange.error = (error as Error).message;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(
        `${method} ${this.base}${path}: ${cause?.code ?? (error as Error).name}: ${cause?.message ?? (error as Error).message}`,
      );
    }
    const responseText = await response.text();
    exchange.status = response.status;
    exchange.contentType = response.headers.get('content-type') ?? '';
    if (responseText) exchange.responseBody = responseText.slice(0, 8_192);
    let parsed: unknown;
    try {
      parsed = responseText ? JSON.parse(responseText) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, contentType: exchange.contentType };
  }

  /** POST /Users with the body Entra sends (SCIM-TUT "Create User"); the user is removed at the end. */
  async createUser(userName = this.userName(), extra: Record<string, unknown> = {}): Promise<Answer> {
    const answer = await this.send('POST', '/Users', {
      schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: randomUUID(),
      userName,
      active: true,
      displayName: `Check ${userName.split('@')[0]}`,
      emails: [{ primary: true, type: 'work', value: userName }],
      name: { formatted: 'Ada Check', familyName: 'Check', givenName: 'Ada' },
      ...extra,
    });
    if (made(answer)) this.made.push({ resource: 'Users', id: answer.body.id });
    return answer;
  }

  async createGroup(displayName = this.groupName()): Promise<Answer> {
    const answer = await this.send('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      externalId: randomUUID(),
      displayName,
    });
    if (made(answer)) this.made.push({ resource: 'Groups', id: answer.body.id });
    return answer;
  }

  filter(resource: 'Users' | 'Groups', attribute: string, value: string, extra = ''): Promise<Answer> {
    const quoted = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    return this.send('GET', `/${resource}?${extra}filter=${encodeURIComponent(`${attribute} eq "${quoted}"`)}`);
  }

  patch(resource: 'Users' | 'Groups', id: string, operations: unknown[]): Promise<Answer> {
    return this.send('PATCH', `/${resource}/${encodeURIComponent(id)}`, {
      schemas: [PATCH_SCHEMA],
      Operations: operations,
    });
  }

  /** Fails the test unless `condition`, saying what was expected. */
  expect(condition: unknown, expected: string): void {
    if (!condition) throw new CheckFailure(expected);
  }

  /** The answer's status is one of `statuses`. */
  expectStatus(answer: Answer, statuses: number[], what: string): void {
    if (!statuses.includes(answer.status))
      throw new CheckFailure(
        `${what}: expected ${statuses.join(' or ')}, got ${answer.status}${answer.body?.detail ? ` (${answer.body.detail})` : ''}`,
      );
  }

  /** A ListResponse (RFC 7644 §3.4.2): its schema, totalResults, and Resources when there are any. */
  // biome-ignore lint/suspicious/noExplicitAny: resources from any SCIM service, checked field by field as tests read them
  expectList(answer: Answer, what: string): { totalResults: number; Resources: any[] } {
    this.expectStatus(answer, [200], what);
    const body = answer.body;
    this.expect(
      body && Array.isArray(body.schemas) && body.schemas.includes(LIST_SCHEMA),
      `${what}: a ListResponse (schemas ${LIST_SCHEMA})`,
    );
    this.expect(typeof body.totalResults === 'number', `${what}: totalResults is a number`);
    if (body.totalResults > 0)
      this.expect(Array.isArray(body.Resources), `${what}: Resources when totalResults is not 0`);
    return { totalResults: body.totalResults, Resources: body.Resources ?? [] };
  }
}
