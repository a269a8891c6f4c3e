/**
 * The URL as the client addressed it, which the links Graph returns are made from (`@odata.context`,
 * `@odata.nextLink`): behind a TLS proxy, the scheme and host the proxy forwarded (RFC 7239 `Forwarded`, else
 * `X-Forwarded-Proto` and `X-Forwarded-Host`), so a client such as the Graph SDK's PageIterator follows a link
 * to where it came from. A forwarded value that is not a plain scheme or host is ignored, never copied into a link.
 */
export function publicUrl(request: Request): URL {
  const url = new URL(request.url);
  const { headers } = request;
  const forwarded = parseForwarded(headers.get('forwarded'));
  const proto = (forwarded.proto ?? firstValue(headers.get('x-forwarded-proto')))?.toLowerCase();
  const host = forwarded.host ?? firstValue(headers.get('x-forwarded-host'));
  if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
  if (host !== undefined && HOST.test(host)) {
    // A forwarded host without a port means the scheme's default port, not this server's.
    url.port = '';
    url.host = host;
  }
  return url;
}

/** A host name or address with an optional port: letters, digits, dots, dashes, an IPv6 literal in brackets. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const firstValue = (header: string | null) => header?.split(',')[0]?.trim() || undefined;

/** The first element of a `Forwarded` header (the proxy nearest the client): its proto and host. */
function parseForwarded(header: string | null): { proto?: string; host?: string } {
  const first = header?.split(',')[0];
  if (!first) return {};
  const out: { proto?: string; host?: string } = {};
  for (const pair of first.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim().toLowerCase();
    const value = pair
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key === 'proto' || key === 'host') out[key] = value;
  }
  return out;
}
