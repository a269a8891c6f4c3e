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

/** Bodies longer than this are cut in the record (the request itself is unaffected). */
const BODY_LIMIT = 4_096;

/** A bounded record: the newest `limit` exchanges are kept, and the total is always counted. */
export class ExchangeLog {
  #items: Exchange[] = [];
  #total = 0;

  constructor(readonly limit = 100_000) {}

  get total(): number {
    return this.#total;
  }

  all(): readonly Exchange[] {
    return this.#items;
  }

  bySeq(seq: number): Exchange | undefined {
    const first = this.#items[0]?.seq ?? 1;
    return this.#items[seq - first];
  }

  begin(partial: Omit<Exchange, 'seq'>): Exchange {
    const exchange: Exchange = { seq: ++this.#total, ...partial };
    if (exchange.requestBody !== undefined) exchange.requestBody = cut(exchange.requestBody);
    this.#items.push(exchange);
    if (this.#items.length > this.limit) this.#items.splice(0, this.#items.length - this.limit);
    return exchange;
  }

  complete(exchange: Exchange, status: number, body: string): void {
    exchange.status = status;
    if (body !== '') exchange.responseBody = cut(body);
  }

  fail(exchange: Exchange, kind: string, message: string): void {
    exchange.error = `${kind}: ${message}`;
  }
}

const cut = (text: string) => (text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…(${text.length} chars)` : text);
