/**
 * Links Graph returns (`@odata.context`, `@odata.nextLink`) use the scheme and host the client used: behind a TLS
 * proxy, the ones it forwarded (RFC 7239 Forwarded, else X-Forwarded-Proto and X-Forwarded-Host); anything else
 * in those headers is ignored, never copied into a link.
 */
import { describe, expect, it } from 'vitest';
import { publicUrl } from '../../../mock-azure/graph/public-url.ts';
import { graphWorld } from '../../helpers/graph.ts';

const at = (headers: Record<string, string>) =>
  publicUrl(new Request('http://127.0.0.1:8080/azure/v1.0/users?$top=1', { headers })).href;

describe('publicUrl', () => {
  it.each([
    [{}, 'http://127.0.0.1:8080/azure/v1.0/users?$top=1'],
    [{ 'x-forwarded-proto': 'https' }, 'https://127.0.0.1:8080/azure/v1.0/users?$top=1'],
    [
      { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'graph.example' },
      'https://graph.example/azure/v1.0/users?$top=1',
    ],
    [
      { forwarded: 'for=10.0.0.1;proto=https;host="graph.example:8443", proto=http' },
      'https://graph.example:8443/azure/v1.0/users?$top=1',
    ],
    [{ forwarded: 'proto=https;host=[::1]:9443' }, 'https://[::1]:9443/azure/v1.0/users?$top=1'],
    // Forwarded wins over the X- headers.
    [{ forwarded: 'proto=http', 'x-forwarded-proto': 'https' }, 'http://127.0.0.1:8080/azure/v1.0/users?$top=1'],
    // Not a scheme or a host: ignored.
    [{ 'x-forwarded-proto': 'javascript' }, 'http://127.0.0.1:8080/azure/v1.0/users?$top=1'],
    [{ 'x-forwarded-host': 'evil.example/"><script>' }, 'http://127.0.0.1:8080/azure/v1.0/users?$top=1'],
    [{ forwarded: 'host=a b' }, 'http://127.0.0.1:8080/azure/v1.0/users?$top=1'],
  ])('%j -> %s', (headers, href) => {
    expect(at(headers)).toBe(href);
  });

  it("a page's links behind a proxy point at the proxy", async () => {
    const g = graphWorld();
    for (const n of ['ada', 'bob', 'cy'])
      g.azure.directory.addUser({ userPrincipalName: `${n}@contoso.com`, displayName: n });
    const headers = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'graph.example' };
    const page = await g.call('GET', '/users?$top=2', undefined, { headers });
    expect(page.body['@odata.context']).toBe('https://graph.example/azure/v1.0/$metadata#users');
    expect(page.body['@odata.nextLink']).toMatch(
      /^https:\/\/graph\.example\/azure\/v1\.0\/users\?\$top=2&\$skiptoken=/,
    );
    const next = new URL(page.body['@odata.nextLink']);
    const second = await g.call('GET', `${next.pathname}${next.search}`.replace('/azure/v1.0', ''), undefined, {
      headers,
    });
    expect(second.body.value).toHaveLength(1);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });
});
