/** What the bad-input tables of every face build their requests and read their cases with. */
import { DEFAULT_SETTINGS } from '../../simulator/nordpass/config.ts';

/** The one body limit every face shares (NordPass's maxBodyBytes, 1 MiB). */
export const BODY_LIMIT = DEFAULT_SETTINGS.maxBodyBytes;

/** JSON nested `depth` objects deep: `{"a":{"a":1}}` for 2. */
export const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** `body` followed by spaces to exactly `bytes` bytes: still the same JSON, so only its size can refuse it. */
export const paddedTo = (body: string, bytes: number) => body + ' '.repeat(bytes - Buffer.byteLength(body));

/** A body streamed in 64 KiB chunks with no Content-Length: a limit must hold while reading, not only from the header. */
export function streamed(totalBytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

/** A case's expected status or statuses, as a list. */
export const statuses = (s: number | readonly number[]) => (typeof s === 'number' ? [s] : [...s]);

/** A case's expected error code or codes, as a list (none when the case names none). */
export const codes = (c: string | readonly string[] | undefined) =>
  c === undefined ? [] : typeof c === 'string' ? [c] : [...c];
