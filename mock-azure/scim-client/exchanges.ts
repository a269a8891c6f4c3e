/** The HTTP exchanges the engine sent: what reports show behind each log entry, and what scenarios assert on. */

export interface Exchange {
  /** Sequence number, from 1. */
  seq: number;
  /** Virtual time the request was sent, epoch ms. */
  at: number;
  method: string;
  url: string;
  /** The path after the tenant URL, e.g. `/Users?filter=...`. */
  path: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  /** When no response came: 'Timeout' or 'unavailable', with the message. */
  error?: string;
}

/** Which exchanges a `requests` check or `/_sim/requests` picks: each field given must hold. */
export interface ExchangeQuery {
  /** Only those after this sequence number. */
  since?: number | undefined;
  method?: string | undefined;
  /** A part of the path. */
  path?: string | undefined;
  /** A part of the request body. */
  body?: string | undefined;
  status?: number | undefined;
}

export function exchangeMatches(x: Exchange, q: ExchangeQuery): boolean {
  return (
    (q.since === undefined || x.seq > q.since) &&
    (q.method === undefined || x.method === q.method) &&
    (q.path === undefined || x.path.includes(q.path)) &&
    (q.body === undefined || (x.requestBody ?? '').includes(q.body)) &&
    (q.status === undefined || x.status === q.status)
  );
}

const SHARED_TEXT_MAX = 512;
const SHARED_TEXT_ENTRIES = 64;

/** Bodies longer than this are cut in the record (the request itself is unaffected). */
const BODY_LIMIT = 4_096;

/** A bounded record: the newest `limit` exchanges are kept, and the total is always counted. */
export class ExchangeLog {
  // Once full, a ring: the next exchange overwrites the oldest, at #head. Dropping the oldest with splice(0, 1)
  // moved the whole array on every request: 24 of 54 s in a 100,000-user initial cycle (quadratic).
  #items: Exchange[] = [];
  #head = 0;
  #total = 0;

  constructor(readonly limit = 100_000) {}

  get total(): number {
    return this.#total;
  }

  /** The kept exchanges, oldest first. */
  all(): readonly Exchange[] {
    return this.#head === 0 ? this.#items : [...this.#items.slice(this.#head), ...this.#items.slice(0, this.#head)];
  }

  bySeq(seq: number): Exchange | undefined {
    const oldest = this.#total - this.#items.length + 1;
    if (!Number.isInteger(seq) || seq < oldest || seq > this.#total) return undefined;
    return this.#items[(this.#head + seq - oldest) % this.#items.length];
  }

  begin(partial: Omit<Exchange, 'seq'>): Exchange {
    const url = this.#shared(partial.url);
    // The path is the end of the URL: a slice of it shares the URL's characters, where the path as the client
    // built it is a tree of pieces (~150 bytes for a filter).
    const path = url.endsWith(partial.path) ? url.slice(url.length - partial.path.length) : partial.path;
    const exchange: Exchange = { seq: ++this.#total, ...partial, url, path };
    if (exchange.requestBody !== undefined) exchange.requestBody = this.#shared(cut(exchange.requestBody));
    if (this.#items.length < this.limit) {
      this.#items.push(exchange);
    } else if (this.limit > 0) {
      this.#items[this.#head] = exchange;
      this.#head = (this.#head + 1) % this.limit;
    }
    return exchange;
  }

  complete(exchange: Exchange, status: number, body: string): void {
    exchange.status = status;
    if (body !== '') exchange.responseBody = this.#shared(cut(body));
  }

  fail(exchange: Exchange, kind: string, message: string): void {
    exchange.error = `${kind}: ${message}`;
  }

  // Many exchanges carry the very same text: every POST's URL, every "no such user" ListResponse, every Disable.
  // Keeping one copy of a recent short text saves 10-20 MB when 100,000 exchanges are kept; the cache is small
  // and starts over when full, so unique texts (filter URLs) cost little.
  readonly #recent = new Map<string, string>();

  #shared(text: string): string {
    if (text.length > SHARED_TEXT_MAX) return text;
    const known = this.#recent.get(text);
    if (known !== undefined) return known;
    if (this.#recent.size >= SHARED_TEXT_ENTRIES) this.#recent.clear();
    this.#recent.set(text, text);
    return text;
  }
}

const cut = (text: string) => (text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…(${text.length} chars)` : text);
