/** Updates: GET /Users/{id}, compare, PATCH only what differs, in Entra's default dialect or the aadOptscim062020 (RFC) one. */
import { describe, expect, it } from 'vitest';
import { byMethod, lines, operations, recordFrom, work } from '../../helpers/engine.ts';
import { world, type World } from '../../helpers/world.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

async function nonGallery(flag = ''): Promise<{ w: World; id: string }> {
  const w = world({ azure: { provisioning: { mappings: 'nonGallery' } } });
  const { directory, app, job } = w.azure;
  const ada = directory.addUser({
    userPrincipalName: 'ada@contoso.com',
    mailNickname: 'ada',
    displayName: 'Ada L',
    givenName: 'Ada',
    surname: 'Lovelace',
    mail: 'ada@contoso.com',
    department: 'R&D',
    jobTitle: 'Engineer',
  });
  app.assign(ada.id);
  const { tenantUrl, secretToken } = await w.credentials();
  await job.saveCredentials(`${tenantUrl}${flag}`, secretToken);
  await job.start();
  return { w, id: ada.id };
}

describe('updates, Entra default dialect', () => {
  it('an edited user gets GET /Users/{id} then one PATCH with one Replace op per changed attribute, nothing else', async () => {
    const { w, id } = await nonGallery();
    w.azure.directory.updateUser(id, {
      displayName: 'Ada Lovelace',
      givenName: 'Augusta',
      mail: 'augusta@contoso.com',
      department: 'Mathematics',
    });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users/{id}', 'PATCH /Users/{id}']);
    const patch = byMethod(sent(), 'PATCH')[0]!;
    expect(JSON.parse(patch.requestBody!).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:PatchOp']);
    expect(operations(patch)).toEqual([
      { op: 'Replace', path: 'displayName', value: 'Ada Lovelace' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'augusta@contoso.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Mathematics' },
    ]);
    const log = w.azure.logs.query({ userId: id, action: 'Update' })[0]!;
    expect(log.status).toBe('success');
    expect(log.modified).toContainEqual({ displayName: 'name.givenName', oldValue: 'Ada', newValue: 'Augusta' });
    // NordPass holds the new values.
    const attrs = w.member('ada@contoso.com')!.attributes as Record<string, any>;
    expect(attrs.name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
    expect(attrs[ENTERPRISE]).toEqual({ department: 'Mathematics' });
  });

  it('a UPN rename sends Replace userName', async () => {
    const { w, id } = await nonGallery();
    w.azure.directory.updateUser(id, { userPrincipalName: 'ada.lovelace@contoso.com' });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([
      { op: 'Replace', path: 'userName', value: 'ada.lovelace@contoso.com' },
    ]);
    expect(w.memberStatus('ada.lovelace@contoso.com')).toBe('pending');
  });

  it('a change that leaves the mapped values as they are: GET, no PATCH, log Other', async () => {
    const w = world(); // NordPass mappings: userName, active, externalId; jobTitle is not mapped
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    await w.connect();
    w.azure.directory.updateUser(ada.id, { jobTitle: 'Countess', displayName: 'Ada Lovelace' });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(lines(work(sent()))).toEqual(['GET /Users/{id}']);
    expect(w.azure.logs.query({ userId: ada.id }).at(-1)).toMatchObject({ action: 'Other', matching: 'linked' });
  });

  it('an attribute cleared in the tenant sends nothing (Entra does not clear values)', async () => {
    const { w, id } = await nonGallery();
    w.azure.directory.updateUser(id, { department: undefined, jobTitle: undefined });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH')).toEqual([]);
    expect(w.azure.logs.query({ userId: id }).at(-1)!.action).toBe('Other');
  });

  it('a change made in NordPass alone is not rolled back until the user changes in the tenant', async () => {
    const { w, id } = await nonGallery();
    const member = w.member('ada@contoso.com')!;
    const { tenantUrl, secretToken } = await w.credentials();
    // credentials() rotated the token: save the new one first.
    await w.azure.job.saveCredentials(tenantUrl, secretToken);
    await w.np.fetch(
      new Request(`${tenantUrl}/Users/${member.id}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${secretToken}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Changed in NordPass' }],
        }),
      }),
    );
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(work(sent())).toEqual([]);
    w.azure.directory.updateUser(id, { jobTitle: 'Analyst' });
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([
      { op: 'Replace', path: 'displayName', value: 'Ada L' },
      { op: 'Replace', path: 'title', value: 'Analyst' },
    ]);
  });

  it('a mapping applied "only during creation" is sent in the POST and never in a PATCH', async () => {
    const w = world({
      azure: {
        provisioning: {
          mappings: [
            { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
            { source: 'IsSoftDeleted', target: 'active' },
            { source: 'displayName', target: 'displayName', apply: 'creation' },
            { source: 'mailNickname', target: 'externalId' },
          ],
        },
      },
    });
    const ada = w.azure.directory.addUser({
      userPrincipalName: 'ada@contoso.com',
      mailNickname: 'ada',
      displayName: 'Ada',
    });
    w.azure.app.assign(ada.id);
    const sent = recordFrom(w);
    await w.connect();
    expect(JSON.parse(byMethod(sent(), 'POST')[0]!.requestBody!).displayName).toBe('Ada');
    w.azure.directory.updateUser(ada.id, { displayName: 'Ada Lovelace', mailNickname: 'ada.l' });
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([{ op: 'Replace', path: 'externalId', value: 'ada.l' }]);
  });
});

describe('updates with ?aadOptscim062020 on the Tenant URL (RFC dialect)', () => {
  it('keeps the value-filter path op separate and puts the rest in one path-less replace with dotted keys', async () => {
    const { w, id } = await nonGallery('/?aadOptscim062020');
    w.azure.directory.updateUser(id, {
      displayName: 'Ada Lovelace',
      givenName: 'Augusta',
      mail: 'augusta@contoso.com',
      department: 'Mathematics',
    });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    expect(operations(byMethod(sent(), 'PATCH')[0]!)).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'augusta@contoso.com' },
      {
        op: 'replace',
        value: {
          displayName: 'Ada Lovelace',
          'name.givenName': 'Augusta',
          [`${ENTERPRISE}:department`]: 'Mathematics',
        },
      },
    ]);
    const attrs = w.member('ada@contoso.com')!.attributes as Record<string, any>;
    expect(attrs.name.givenName).toBe('Augusta');
    expect(attrs.displayName).toBe('Ada Lovelace');
    expect(attrs[ENTERPRISE].department).toBe('Mathematics');
  });

  it('disables with boolean false and re-enables with boolean true', async () => {
    const { w, id } = await nonGallery('?aadOptscim062020');
    const sent = recordFrom(w);
    w.azure.directory.blockSignIn(id);
    await w.clock.advance('40m');
    w.azure.directory.unblockSignIn(id);
    await w.clock.advance('40m');
    const patches = byMethod(sent(), 'PATCH');
    expect(operations(patches[0]!)).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(operations(patches[1]!)).toEqual([{ op: 'replace', path: 'active', value: true }]);
    expect(w.memberStatus('ada@contoso.com')).toBe('pending');
  });

  it('does not forward the flag on resource requests', async () => {
    const { w, id } = await nonGallery('/?aadOptscim062020');
    w.azure.directory.updateUser(id, { displayName: 'Ada Lovelace' });
    await w.clock.advance('40m');
    const all = w.azure.exchanges.all();
    expect(all.length).toBeGreaterThan(4);
    for (const e of all) {
      expect(e.url).not.toMatch(/aadOptscim062020/i);
      expect(e.url.startsWith('http://127.0.0.1:8080/scim/v2/Users')).toBe(true);
    }
  });
});
