/**
 * Raw HTTP/1.1 against `scimsim serve`, in memory and with --data: what clients other than fetch send, written
 * byte by byte over node:net sockets. Pipelined requests are answered in order, and a lookup finds the create
 * written before it on the same connection; a client that half-closes after a complete request still gets its
 * answer; a request written a few bytes at a time is answered; oversized headers, bad chunked bodies and bytes
 * that are not HTTP are refused and change nothing; slow or incomplete requests are timed out, and idle
 * connections do not starve anyone. After every case the server still answers a normal request.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, USER_SCHEMA, serve, type Served } from '../helpers/served.ts';

/** How long a client that stops mid-request may hold its connection before the server lets it go. */
const INCOMPLETE_REQUEST_LIMIT_MS = 10_000;
/** How long a normal request may take while hundreds of idle connections are open. */
const UNDER_IDLE_LOAD_MS = 3_000;
/** How much more memory the server may use while 200 connections each hold a part of a request. */
const IDLE_MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Writing requests

interface RequestParts {
  body?: string;
  headers?: Record<string, string>;
  token?: string;
}

/** One complete HTTP/1.1 request; a body gets SCIM's Content-Type and its Content-Length unless headers say else. */
function request(method: string, path: string, port: number, parts: RequestParts = {}): string {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Authorization: `Bearer ${parts.token ?? TOKEN}`,
  };
  if (parts.body !== undefined) {
    headers['Content-Type'] = 'application/scim+json';
    headers['Content-Length'] = String(Buffer.byteLength(parts.body));
  }
  Object.assign(headers, parts.headers);
  for (const name of Object.keys(headers)) if (headers[name] === '') delete headers[name];
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n${parts.body ?? ''}`;
}

const userBody = (userName: string) => JSON.stringify({ schemas: [USER_SCHEMA], userName, active: true });
const lookupPath = (userName: string) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

// ---------------------------------------------------------------------------------------------------------------
// Reading responses

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Every complete response in what a connection received, in order: bodies framed by Content-Length, by chunked
 * transfer coding (chunk extensions and trailers skipped), or by the close of the connection (only once it has
 * closed). Interim 1xx answers are skipped. `rest` is what is left over: the start of a response not complete yet.
 */
function parseResponses(received: Buffer, closed: boolean): { responses: RawResponse[]; rest: number } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = received.indexOf('\r\n\r\n', at);
    if (headEnd < 0) break;
    const [statusLine, ...fields] = received.subarray(at, headEnd).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine!);
    if (!match) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(':');
      const name = field.slice(0, colon).trim().toLowerCase();
      const value = field.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let pos = headEnd + 4;
    let body: Buffer;
    if (status < 200) {
      at = pos;
      continue;
    }
    if (status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = received.indexOf('\r\n', pos);
        if (lineEnd < 0) break;
        const size = Number.parseInt(received.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size)) throw new Error(`bad chunk size in a response at byte ${pos}`);
        if (size === 0) {
          // Trailer fields, then an empty line.
          let trailer = lineEnd + 2;
          for (;;) {
            const end = received.indexOf('\r\n', trailer);
            if (end < 0) break;
            if (end === trailer) {
              pos = end + 2;
              complete = true;
              break;
            }
            trailer = end + 2;
          }
          break;
        }
        if (received.length < lineEnd + 2 + size + 2) break;
        chunks.push(received.subarray(lineEnd + 2, lineEnd + 2 + size));
        pos = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(chunks);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (received.length < pos + length) break;
      body = received.subarray(pos, pos + length);
      pos += length;
    } else {
      if (!closed) break;
      body = received.subarray(pos);
      pos = received.length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    at = pos;
  }
  return { responses, rest: received.length - at };
}

// ---------------------------------------------------------------------------------------------------------------
// A raw connection

class Raw {
  #received: Buffer[] = [];
  #waiters = new Set<() => void>();
  readonly opened = Date.now();
  closed = false;
  closedAt: number | undefined;
  error: string | undefined;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      this.#received.push(data);
      this.#wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error ??= error.code ?? error.message;
    });
    socket.on('close', () => {
      this.closed = true;
      this.closedAt = Date.now();
      this.#wake();
    });
  }

  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Raw(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Writes and waits until the bytes are handed to the system (or the connection failed). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** Ends this side of the connection (a FIN): the server may still answer. */
  end(): void {
    this.socket.end();
  }

  get received(): Buffer {
    return Buffer.concat(this.#received);
  }

  responses(): RawResponse[] {
    return parseResponses(this.received, this.closed).responses;
  }

  /** Waits until `done` holds (checked on every arrival and on close) or `ms` pass; says whether it held. */
  until(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(done()), ms);
      const finish = (held: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(held);
      };
      this.#waiters.add(check);
    });
  }

  /** Waits for `n` complete responses, or the close, or `ms`. */
  answers(n: number, ms = 10_000): Promise<RawResponse[]> {
    return this.until(() => this.closed || this.responses().length >= n, ms).then(() => this.responses());
  }

  waitClosed(ms: number): Promise<boolean> {
    return this.until(() => this.closed, ms);
  }

  /** What the connection saw, for failure messages. */
  describe(): string {
    const received = this.received;
    const head = received.subarray(0, 300).toString('latin1');
    return `${received.length} bytes received${this.closed ? `, closed after ${this.closedAt! - this.opened} ms` : ', still open'}${this.error ? ` (${this.error})` : ''}: ${JSON.stringify(head)}`;
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator (mulberry32), for split sizes and garbage bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The server's resident memory (Linux), or undefined where /proc cannot tell. */
function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------

const MODES: Array<[string, boolean]> = [
  ['in memory', false],
  ['with --data', true],
];

describe.each(MODES)('raw HTTP/1.1 to scimsim serve, %s', (mode, withData) => {
  let s: Served;
  let port: number;
  const opened: Raw[] = [];
  let serial = 0;
  const unique = (what: string) => `${what}-${withData ? 'data' : 'mem'}-${++serial}-${Date.now()}@example.com`;
  const open = async () => {
    const raw = await Raw.open(port);
    opened.push(raw);
    return raw;
  };

  /** A normal client's request (fetch), with a deadline. */
  const normal = (path: string, init: RequestInit = {}, ms = 5_000) =>
    fetch(`${s.origin}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json', ...init.headers },
      signal: AbortSignal.timeout(ms),
    });
  const lookup = async (userName: string) => (await (await normal(lookupPath(userName))).json()) as any;

  beforeAll(async () => {
    const args = withData ? ['--data', join(await mkdtemp(join(tmpdir(), 'scimsim-raw-')), 'nordpass.json')] : [];
    s = await serve(args);
    port = Number(new URL(s.origin).port);
    expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterEach(async () => {
    for (const raw of opened.splice(0)) raw.destroy();
    // Whatever the case did, a normal request is still answered.
    const res = await normal('/scim/v2/Users?count=1');
    expect(res.status, `${mode}: GET /scim/v2/Users?count=1 after the case`).toBe(200);
    expect(((await res.json()) as any).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  afterAll(() => {
    for (const raw of opened.splice(0)) raw.destroy();
    s?.child.kill('SIGKILL');
  });

  describe('pipelining', () => {
    it('requests of different kinds written at once on one connection are answered in the order written', async () => {
      const existing = unique('order');
      const made = await normal('/scim/v2/Users', { method: 'POST', body: userBody(existing) });
      expect(made.status).toBe(201);
      const id = ((await made.json()) as any).id as string;
      const fresh = unique('order-new');
      const requests = [
        request('GET', '/scim/v2/ServiceProviderConfig', port),
        request('GET', `/scim/v2/Users/${id}`, port),
        request('POST', '/scim/v2/Users', port, { body: userBody(fresh) }),
        request('GET', '/scim/v2/Users/00000000-0000-4000-8000-000000000000', port),
        request('GET', lookupPath(existing), port),
        request('POST', '/scim/v2/Users', port, { body: userBody(existing) }),
        request('GET', '/scim/v2/Users?count=1', port, { token: 'not-the-token' }),
        request('GET', '/scim/v2/Schemas', port),
      ];
      const c = await open();
      await c.write(requests.join(''));
      const answers = await c.answers(requests.length);
      expect(answers.length, c.describe()).toBe(requests.length);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 201, 404, 200, 409, 401, 200]);
      const bodies = answers.map((a) => JSON.parse(a.body));
      expect(bodies[0].schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      expect(bodies[1].id).toBe(id);
      expect(bodies[2].userName).toBe(fresh);
      expect(bodies[3].schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(bodies[4].Resources.map((r: any) => r.id)).toEqual([id]);
      expect(bodies[5].scimType).toBe('uniqueness');
      expect(bodies[7].schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      expect(bodies[7].Resources.some((r: any) => r.id === 'urn:ietf:params:scim:schemas:core:2.0:User')).toBe(true);
    });

    it('a create and then a lookup of it, pipelined, twice over: each lookup finds the create before it', async () => {
      const first = unique('pipe-a');
      const second = unique('pipe-b');
      const requests = [
        request('POST', '/scim/v2/Users', port, { body: userBody(first) }),
        request('GET', lookupPath(first), port),
        request('POST', '/scim/v2/Users', port, { body: userBody(second) }),
        request('GET', lookupPath(second), port),
        request('GET', lookupPath(first), port),
      ];
      const c = await open();
      await c.write(requests.join(''));
      const answers = await c.answers(requests.length);
      expect(answers.length, c.describe()).toBe(requests.length);
      expect(answers.map((a) => a.status)).toEqual([201, 200, 201, 200, 200]);
      const [madeFirst, foundFirst, madeSecond, foundSecond, foundFirstAgain] = answers.map((a) => JSON.parse(a.body));
      expect(madeFirst.userName).toBe(first);
      expect(madeSecond.userName).toBe(second);
      // The lookups, as Entra makes them right after a create.
      const found = (list: any) => ({ totalResults: list.totalResults, ids: list.Resources.map((r: any) => r.id) });
      expect(found(foundFirst), `lookup of ${first} pipelined after its create`).toEqual({
        totalResults: 1,
        ids: [madeFirst.id],
      });
      expect(found(foundSecond), `lookup of ${second} pipelined after its create`).toEqual({
        totalResults: 1,
        ids: [madeSecond.id],
      });
      expect(found(foundFirstAgain)).toEqual({ totalResults: 1, ids: [madeFirst.id] });
    });

    it('ten creates pipelined with a lookup after each: every lookup finds its member', async () => {
      const names = Array.from({ length: 10 }, (_, i) => unique(`pipe-many${i}`));
      const requests = names.flatMap((name) => [
        request('POST', '/scim/v2/Users', port, { body: userBody(name) }),
        request('GET', lookupPath(name), port),
      ]);
      const c = await open();
      await c.write(requests.join(''));
      const answers = await c.answers(requests.length);
      expect(answers.length, c.describe()).toBe(requests.length);
      const missed: string[] = [];
      names.forEach((name, i) => {
        expect(answers[2 * i]!.status).toBe(201);
        expect(JSON.parse(answers[2 * i]!.body).userName).toBe(name);
        expect(answers[2 * i + 1]!.status).toBe(200);
        if (JSON.parse(answers[2 * i + 1]!.body).totalResults !== 1) missed.push(name);
      });
      expect(missed, 'lookups that did not find the create pipelined before them').toEqual([]);
    });
  });

  describe('half-close', () => {
    it('a GET followed by the end of the client side still gets the whole answer, then the connection closes', async () => {
      const c = await open();
      await c.write(request('GET', '/scim/v2/Users?count=1', port));
      c.end();
      expect(await c.waitClosed(10_000), c.describe()).toBe(true);
      const answers = c.responses();
      expect(
        answers.map((a) => a.status),
        c.describe(),
      ).toEqual([200]);
      expect(JSON.parse(answers[0]!.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    });

    it('a create followed by the end of the client side still gets its 201, and the member exists', async () => {
      const name = unique('half');
      const c = await open();
      await c.write(request('POST', '/scim/v2/Users', port, { body: userBody(name) }));
      c.end();
      expect(await c.waitClosed(10_000), c.describe()).toBe(true);
      const answers = c.responses();
      // Both at once, so a failure shows whether the member was made even though its answer was lost.
      const members = (await lookup(name)).totalResults;
      expect({ statuses: answers.map((a) => a.status), members }, c.describe()).toEqual({
        statuses: [201],
        members: 1,
      });
      expect(JSON.parse(answers[0]!.body).userName).toBe(name);
    });

    it('two pipelined requests and then the end of the client side: both answers arrive', async () => {
      const name = unique('half-pipe');
      const c = await open();
      await c.write(
        request('POST', '/scim/v2/Users', port, { body: userBody(name) }) +
          request('GET', '/scim/v2/ServiceProviderConfig', port),
      );
      c.end();
      expect(await c.waitClosed(10_000), c.describe()).toBe(true);
      expect(
        c.responses().map((a) => a.status),
        c.describe(),
      ).toEqual([201, 200]);
    });
  });

  describe('tiny writes', () => {
    it('a create written 1 to 3 bytes at a time, with pauses, is answered as if written at once', async () => {
      const name = unique('tiny');
      const bytes = Buffer.from(request('POST', '/scim/v2/Users', port, { body: userBody(name) }));
      const next = random(7);
      const c = await open();
      let writes = 0;
      for (let at = 0; at < bytes.length; writes++) {
        const size = 1 + Math.floor(next() * 3);
        await c.write(bytes.subarray(at, at + size));
        at += size;
        await sleep(1 + Math.floor(next() * 3));
      }
      expect(writes).toBeGreaterThan(bytes.length / 3);
      const answers = await c.answers(1);
      expect(
        answers.map((a) => a.status),
        c.describe(),
      ).toEqual([201]);
      expect(JSON.parse(answers[0]!.body).userName).toBe(name);
      expect((await lookup(name)).totalResults).toBe(1);
    });

    it('a GET written a byte at a time is answered, and the connection stays usable', async () => {
      const bytes = Buffer.from(request('GET', '/scim/v2/Users?count=1', port));
      const c = await open();
      for (let at = 0; at < bytes.length; at++) {
        await c.write(bytes.subarray(at, at + 1));
        if (at % 4 === 0) await sleep(1);
      }
      expect(
        (await c.answers(1)).map((a) => a.status),
        c.describe(),
      ).toEqual([200]);
      await c.write(request('GET', '/scim/v2/ServiceProviderConfig', port));
      expect(
        (await c.answers(2)).map((a) => a.status),
        c.describe(),
      ).toEqual([200, 200]);
    });
  });

  describe('headers too large', () => {
    const refused = async (bytes: string) => {
      const c = await open();
      await c.write(bytes);
      expect(await c.waitClosed(5_000), `the connection is closed: ${c.describe()}`).toBe(true);
      const answers = c.responses();
      expect(answers.length, c.describe()).toBe(1);
      expect([431, 400], c.describe()).toContain(answers[0]!.status);
    };

    it('a 64 KiB header value: 431 (or 400), the connection closed, nothing created', async () => {
      const name = unique('big-header');
      await refused(
        request('POST', '/scim/v2/Users', port, { body: userBody(name), headers: { 'X-Big': 'a'.repeat(64 * 1024) } }),
      );
      expect((await lookup(name)).totalResults).toBe(0);
    });

    it('a thousand 40-byte headers: 431 (or 400), the connection closed', async () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < 1000; i++) headers[`X-Field-${i}`] = 'v'.repeat(28);
      await refused(request('GET', '/scim/v2/Users?count=1', port, { headers }));
    });

    it('a 64 KiB request target: 431, 414 or 400, the connection closed', async () => {
      const c = await open();
      await c.write(request('GET', `/scim/v2/Users?filter=${'a'.repeat(64 * 1024)}`, port));
      expect(await c.waitClosed(5_000), c.describe()).toBe(true);
      const answers = c.responses();
      expect(answers.length, c.describe()).toBe(1);
      expect([431, 414, 400], c.describe()).toContain(answers[0]!.status);
    });
  });

  describe('bad chunked encoding', () => {
    const chunked = (body: string) =>
      request('POST', '/scim/v2/Users', port, { headers: { 'Content-Type': 'application/scim+json' } })
        .replace(/\r\n\r\n$/, '\r\nTransfer-Encoding: chunked\r\n\r\n')
        .concat(body);
    const cases: Array<[string, (json: string) => string]> = [
      ['an invalid chunk size', (json) => `zz\r\n${json}\r\n0\r\n\r\n`],
      ['a chunk size too large for any number', (json) => `fffffffffffffffffffff\r\n${json}\r\n0\r\n\r\n`],
      ['no CRLF after the chunk size', (json) => `${Buffer.byteLength(json).toString(16)}${json}\r\n0\r\n\r\n`],
      ['no CRLF after the chunk data', (json) => `${Buffer.byteLength(json).toString(16)}\r\n${json}0\r\n\r\n`],
      [
        'a chunk longer than its declared size',
        (json) => `${(Buffer.byteLength(json) - 10).toString(16)}\r\n${json}\r\n0\r\n\r\n`,
      ],
    ];

    it('a well-formed chunked create is accepted (the baseline for the bad ones)', async () => {
      const name = unique('chunked-ok');
      const json = userBody(name);
      const half = Math.floor(json.length / 2);
      const body = [json.slice(0, half), json.slice(half)]
        .map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`)
        .join('')
        .concat('0\r\n\r\n');
      const c = await open();
      await c.write(chunked(body));
      expect(
        (await c.answers(1)).map((a) => a.status),
        c.describe(),
      ).toEqual([201]);
      expect((await lookup(name)).totalResults).toBe(1);
    });

    it.each(cases)('%s: 400, the connection closed, nothing created', async (_what, bodyOf) => {
      const name = unique('chunked-bad');
      const c = await open();
      await c.write(chunked(bodyOf(userBody(name))));
      expect(await c.waitClosed(5_000), `the connection is closed: ${c.describe()}`).toBe(true);
      expect(
        c.responses().map((a) => a.status),
        c.describe(),
      ).toEqual([400]);
      expect((await lookup(name)).totalResults).toBe(0);
    });
  });

  describe('bytes that are not HTTP', () => {
    const next = random(42);
    const garbage = Buffer.from(Array.from({ length: 512 }, () => Math.floor(next() * 256)));
    const clientHello = Buffer.from('16030100a5010000a10303', 'hex');
    const cases: Array<[string, Buffer]> = [
      ['"HELLO" and an empty line', Buffer.from('HELLO\r\n\r\n')],
      ['512 random bytes', garbage],
      ['the start of a TLS ClientHello', Buffer.concat([clientHello, garbage.subarray(0, 160)])],
      ['a NUL in the request line', Buffer.from('GET /scim/v2/\0Users HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')],
    ];

    it.each(cases)('%s: 400 or a closed connection, and nothing else', async (_what, bytes) => {
      const c = await open();
      await c.write(bytes);
      expect(await c.waitClosed(5_000), `the connection is closed: ${c.describe()}`).toBe(true);
      const answers = c.responses();
      if (c.received.length > 0)
        expect(
          answers.map((a) => a.status),
          c.describe(),
        ).toEqual([400]);
    });
  });

  describe('slow, incomplete and idle connections', () => {
    it(`connections that stop before their request is complete are let go within ${INCOMPLETE_REQUEST_LIMIT_MS / 1000} s`, async () => {
      const silent = await open();
      const halfHeaders = await open();
      await halfHeaders.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthoriz`);
      const halfBody = await open();
      const body = userBody(unique('slow'));
      const whole = request('POST', '/scim/v2/Users', port, { body });
      await halfBody.write(whole.slice(0, whole.length - Math.floor(body.length / 2)));
      // The server looks at its connections once a second, so one goes up to a second past the limit (then slack).
      const within = INCOMPLETE_REQUEST_LIMIT_MS + 1_000 + 500;
      const closed = await Promise.all([silent, halfHeaders, halfBody].map((c) => c.waitClosed(within)));
      const what = [
        `nothing sent: ${silent.describe()}`,
        `half the headers: ${halfHeaders.describe()}`,
        `half the body: ${halfBody.describe()}`,
      ].join('; ');
      expect(closed, `closed: nothing sent, half the headers, half the body; ${what}`).toEqual([true, true, true]);
      // If the server says why, it says 408.
      for (const c of [silent, halfHeaders, halfBody]) {
        const statuses = c.responses().map((r) => r.status);
        if (statuses.length > 0) expect(statuses, what).toEqual([408]);
      }
    }, 15_000);

    it('200 silent connections and 200 stalled half-requests do not starve a normal request, nor eat memory', async () => {
      const before = rssOf(s.child.pid);
      const silent = await Promise.all(Array.from({ length: 200 }, () => open()));
      const stalled = await Promise.all(Array.from({ length: 200 }, () => open()));
      // Each stalled one has sent 8 KiB of a header it never finishes.
      await Promise.all(
        stalled.map((c, i) =>
          c.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow-${i}: ${'s'.repeat(8 * 1024)}`),
        ),
      );
      await sleep(200);
      const started = Date.now();
      const [listed, created] = await Promise.all([
        normal('/scim/v2/Users?count=1', {}, UNDER_IDLE_LOAD_MS),
        normal('/scim/v2/Users', { method: 'POST', body: userBody(unique('under-idle')) }, UNDER_IDLE_LOAD_MS),
      ]);
      const took = Date.now() - started;
      expect(listed.status).toBe(200);
      expect(created.status).toBe(201);
      expect(took).toBeLessThan(UNDER_IDLE_LOAD_MS);
      // A raw request on a connection of its own, while they are all still open.
      const c = await open();
      await c.write(request('GET', '/scim/v2/ServiceProviderConfig', port));
      expect(
        (await c.answers(1, UNDER_IDLE_LOAD_MS)).map((r) => r.status),
        c.describe(),
      ).toEqual([200]);
      const during = rssOf(s.child.pid);
      if (before !== undefined && during !== undefined) {
        expect(during - before, `server memory grew by ${during - before} bytes`).toBeLessThan(IDLE_MEMORY_LIMIT_BYTES);
      }
      // None of them was answered anything but, at most, a timeout.
      for (const x of [...silent, ...stalled]) {
        if (x.received.length > 0)
          expect(
            x.responses().map((r) => r.status),
            x.describe(),
          ).toEqual([408]);
      }
    }, 15_000);
  });
});
