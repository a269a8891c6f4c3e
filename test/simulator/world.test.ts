/** simulator/world.ts: one function builds both sides on one clock; what a world counts belongs to it. */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../simulator/world.ts';

const START = '2026-01-05T09:00:00Z';

describe('createWorld', () => {
  it('wires NordPass and Entra on one clock and one seed: the same seed gives the same ids', async () => {
    const ids = async () => {
      const w = createWorld({ start: START, seed: 7 });
      const ada = w.azure.directory.addUser({ userPrincipalName: 'ada@contoso.com', displayName: 'Ada' });
      w.azure.app.assign(ada.id);
      const { tenantUrl, secretToken } = await w.getCredentials();
      await w.azure.job.saveCredentials(tenantUrl, secretToken);
      await w.azure.job.start();
      expect(w.nordpass.clock).toBe(w.clock);
      return [ada.id, w.azure.job.id, w.nordpass.store.allMembers()[0]!.id, secretToken];
    };
    const first = await ids();
    expect(first.every((id) => typeof id === 'string' && id.length > 8)).toBe(true);
    expect(await ids()).toEqual(first);
  });

  it('Get Credentials issues a new token each time, and the previous one stops working', async () => {
    const w = createWorld({ start: START, seed: 'creds' });
    const a = await w.getCredentials();
    const b = await w.getCredentials();
    expect(a.tenantUrl).toBe('http://127.0.0.1:8080/scim/v2');
    expect(b.secretToken).not.toBe(a.secretToken);
    expect((await w.azure.job.testConnection(a.tenantUrl, a.secretToken)).ok).toBe(false);
    expect((await w.azure.job.testConnection(b.tenantUrl, b.secretToken)).ok).toBe(true);
  });

  it('counts ids per world, so an id never depends on what else ran in the process', () => {
    const one = createWorld({ start: START, seed: 1 });
    const two = createWorld({ start: START, seed: 1 });
    expect([one.nextId('fault'), one.nextId('fault'), one.nextId('other')]).toEqual(['fault1', 'fault2', 'other1']);
    expect(two.nextId('fault')).toBe('fault1');
  });

  it('in process, the engine reaches its own NordPass whatever the Tenant URL says; no socket is opened', async () => {
    const w = createWorld({ start: START, seed: 'route' });
    const { secretToken } = await w.getCredentials();
    const result = await w.azure.job.testConnection('https://nordpass.example/scim/v2', secretToken);
    expect(result.ok).toBe(true);
  });

  it('with own-origin, only the own origin is answered in process; another URL goes over HTTP', async () => {
    const w = createWorld({ start: START, seed: 'own', scim: 'own-origin' });
    w.setOrigin('http://127.0.0.1:9');
    const { tenantUrl, secretToken } = await w.getCredentials();
    expect(tenantUrl).toBe('http://127.0.0.1:9/scim/v2');
    expect((await w.azure.job.testConnection(tenantUrl, secretToken)).ok).toBe(true);
    // Same origin, another path: still answered in process, by NordPass's 404 (nothing listens on port 9).
    const other = await w.azure.job.testConnection('http://127.0.0.1:9/other/scim/v2', secretToken);
    expect(other).toMatchObject({
      ok: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
    });
    expect(other.message).toContain('NotFound');
    // Another origin goes over HTTP, where nothing listens: the connection is refused.
    const elsewhere = await w.azure.job.testConnection('http://127.0.0.2:9/scim/v2', secretToken);
    expect(elsewhere).toMatchObject({ ok: false, errorCode: 'CredentialValidationUnavailable' });
  });
});
