/** Text for the HTML report: the one escaper every piece of report data goes through, and time formats. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values (also inside inline SVG). Report data
 * carries user-supplied strings (scenario names, userNames, bodies), so every one of them passes through here.
 */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // NUL and the C1/C0 controls other than tab and newlines are not allowed in HTML text.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the control characters HTML text may not contain.
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

/** A count as people read it: `12,345`. */
export const num = (n: number) => n.toLocaleString('en-US');

/** Shortens long text for a label; the full text goes into a title. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

const MAX_BODY_CHARS = 20_000;

/** A request or response body as people read it: pretty JSON when it parses, cut at a limit that says so. */
export function prettyBody(body: string): string {
  let text = body;
  try {
    text = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: shown as sent
  }
  return text.length > MAX_BODY_CHARS
    ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length - MAX_BODY_CHARS} more characters not shown)`
    : text;
}

/** An argument of a step in one line: strings as they are, the rest as compact JSON. */
export function describeArgument(args: unknown): string {
  if (args === null || args === undefined) return '';
  if (typeof args === 'string') return args;
  try {
    return JSON.stringify(args) ?? '';
  } catch {
    return String(args);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `5 Jan 2026, 09:40 UTC` (seconds only when not zero). */
export function formatWhen(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(ms)) return 'unknown time';
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${clockTime(ms)} UTC`;
}

/** `09:40` or `09:40:05`. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const seconds = d.getUTCSeconds() + d.getUTCMilliseconds() / 1000;
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(Math.floor(seconds))}` : ''}`;
}

/** `5 Jan` (with the year when asked). */
export function dayLabel(ms: number, withYear = false): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${withYear ? ` ${d.getUTCFullYear()}` : ''}`;
}

export function monthLabel(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A span for people: `30 days`, `2 h 40 min`, `5 min`, `12 s`, `0 s`. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const parts: string[] = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} h`);
  if (minutes && days < 10) parts.push(`${minutes} min`);
  if (seconds && !days && !hours) parts.push(`${seconds} s`);
  if (parts.length === 0) return ms > 0 ? `${ms} ms` : '0 s';
  return parts.slice(0, 2).join(' ');
}

/** Virtual time relative to the scenario's start: `+0`, `+40 min`, `+30 days`. */
export function formatOffset(ms: number): string {
  return ms <= 0 ? '+0' : `+${formatSpan(ms)}`;
}
