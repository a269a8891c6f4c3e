import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, PATCH_SCHEMA, USER_SCHEMA, harness } from '../../helpers/nordpass.ts';

const DAY = 86_400_000;

describe('create -> pending -> invitation -> active', () => {
  it('POST /Users creates a pending member with Location and meta', async () => {
    const h = harness();
    const res = await h.scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: 'Ada@Example.com',
      active: true,
      externalId: 'ada',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const user = await res.json();
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:8080/scim/v2/Users/${user.id}`);
    expect(user).toMatchObject({
      userName: 'Ada@Example.com',
      active: true,
      externalId: 'ada',
      meta: {
        resourceType: 'User',
        created: '2026-01-01T09:00:00.000Z',
        lastModified: '2026-01-01T09:00:00.000Z',
        version: 'W/"1"',
        location: res.headers.get('location'),
      },
    });
    expect((await h.member(user.id)).status).toBe('pending');
  });

  it('sends the invitation after the configured delay, not before', async () => {
    const h = harness({ invitationDelay: '5m' });
    const user = await h.createUser('bob@example.com');
    await h.clock.advance('4m59s999ms');
    expect((await (await h.admin('GET', '/outbox')).json()).emails).toEqual([]);
    await h.clock.advance('1ms');
    const { emails } = await (await h.admin('GET', '/outbox')).json();
    expect(emails).toEqual([
      expect.objectContaining({
        to: 'bob@example.com',
        kind: 'invitation',
        memberId: user.id,
        sentAt: '2026-01-01T09:05:00.000Z',
      }),
    ]);
    expect((await h.member(user.id)).invitedAt).toBe('2026-01-01T09:05:00.000Z');
  });

  it('accept invitation makes a pending member active, only from pending', async () => {
    const h = harness();
    const user = await h.createUser('cy@example.com');
    await h.clock.advance('2m');
    const res = await h.admin('POST', `/members/${user.id}/accept-invitation`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('active');
    const again = await h.admin('POST', `/members/${user.id}/accept-invitation`);
    expect(again.status).toBe(409);
  });

  it('cannot accept an invitation that has not been sent yet', async () => {
    const h = harness();
    const user = await h.createUser('early@example.com');
    const res = await h.admin('POST', `/members/${user.id}/accept-invitation`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(
      /not been sent the invitation email yet \(it goes out at 2026-01-01T09:02:00.000Z\)/,
    );
    expect((await h.member(user.id)).status).toBe('pending');
  });
});

/** The four shapes of "Disable" that reach NordPass. */
const DISABLE_DIALECTS: Array<[string, unknown[]]> = [
  ['Entra default (Replace, "False" string)', [{ op: 'Replace', path: 'active', value: 'False' }]],
  ['Entra aadOptscim062020 / RFC (replace, boolean)', [{ op: 'replace', path: 'active', value: false }]],
  ['Entra aadOptscim062020 no-path', [{ op: 'replace', value: { active: false } }]],
  ['Okta (no path, value object)', [{ op: 'replace', value: { active: false } }]],
];

describe('soft delete and the 30-day purge', () => {
  it.each(DISABLE_DIALECTS)('%s suspends an active member', async (_name, operations) => {
    const h = harness();
    const user = await h.createUser('dee@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${user.id}/accept-invitation`);
    const res = await h.patch(user.id, operations);
    expect(res.status).toBe(200);
    expect((await res.json()).active).toBe(false);
    expect((await h.member(user.id)).status).toBe('suspended');
  });

  it('PUT with active:false (Okta AIW) suspends, PUT with active:true restores', async () => {
    const h = harness();
    const user = await h.createUser('eve@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${user.id}/accept-invitation`);
    const off = await h.scim('PUT', `/Users/${user.id}`, {
      schemas: [USER_SCHEMA],
      userName: 'eve@example.com',
      active: false,
    });
    expect(off.status).toBe(200);
    expect((await h.member(user.id)).status).toBe('suspended');
    await h.scim('PUT', `/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: 'eve@example.com', active: true });
    expect((await h.member(user.id)).status).toBe('active');
  });

  it('purges at exactly soft delete + 30 days: suspended 1 ms before, deleted at the deadline', async () => {
    const h = harness();
    const user = await h.createUser('fay@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${user.id}/accept-invitation`);
    await h.clock.advance('3h');
    const softDeletedAt = h.clock.now();
    await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const m = await h.member(user.id);
    expect(m.softDeletedAt).toBe(new Date(softDeletedAt).toISOString());
    expect(m.purgeAt).toBe(new Date(softDeletedAt + 30 * DAY).toISOString());

    await h.clock.advanceTo(softDeletedAt + 30 * DAY - 1);
    expect((await h.member(user.id)).status).toBe('suspended');
    const stillThere = await h.scim('GET', `/Users/${user.id}`);
    expect(stillThere.status).toBe(200);
    expect((await stillThere.json()).active).toBe(false);

    await h.clock.advance('1ms');
    const purged = await h.member(user.id);
    expect(purged.status).toBe('deleted');
    expect(purged.deletedAt).toBe(new Date(softDeletedAt + 30 * DAY).toISOString());
    expect(purged.history.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'invitationSent',
      'invitationAccepted',
      'suspended',
      'purged',
    ]);
    expect((await h.scim('GET', `/Users/${user.id}`)).status).toBe(404);
  });

  it('a soft-deleted member is still found by filter, with active false', async () => {
    const h = harness();
    const user = await h.createUser('gus@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    const list = await (
      await h.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "GUS@example.com"')}`)
    ).json();
    expect(list.totalResults).toBe(1);
    expect(list.Resources[0]).toMatchObject({ id: user.id, active: false });
  });

  it('a pending member removed is forbidden and cannot accept the invitation', async () => {
    const h = harness();
    const user = await h.createUser('hal@example.com');
    await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect((await h.member(user.id)).status).toBe('forbidden');
    await h.clock.advance('2m');
    const accept = await h.admin('POST', `/members/${user.id}/accept-invitation`);
    expect(accept.status).toBe(403);
    expect((await accept.json()).error.code).toBe('forbidden');
    // Refused, and nothing changed: not the state, the history or the version.
    const m = await h.member(user.id);
    expect(m.status).toBe('forbidden');
    expect(m.history.at(-1)).toMatchObject({ type: 'forbidden' });
  });

  it('a pending member removed before the email goes out never gets it', async () => {
    const h = harness();
    const user = await h.createUser('ian@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    await h.clock.advance('1h');
    expect((await (await h.admin('GET', '/outbox')).json()).emails).toEqual([]);
  });

  it('a second Disable does not move the deadline', async () => {
    const h = harness();
    const user = await h.createUser('jo@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    const first = (await h.member(user.id)).purgeAt;
    await h.clock.advance('10d');
    await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect((await h.member(user.id)).purgeAt).toBe(first);
    await h.clock.advance('20d');
    expect((await h.member(user.id)).status).toBe('deleted');
  });

  it.each([
    ['over SCIM (active=true)', 'scim'],
    ['in the Admin Panel', 'admin'],
  ])('restore on day 29 %s returns the previous state and cancels the purge', async (_name, how) => {
    const h = harness();
    const active = await h.createUser('kim@example.com');
    const pending = await h.createUser('lee@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${active.id}/accept-invitation`);
    for (const u of [active, pending]) await h.patch(u.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    await h.clock.advance('29d');
    for (const u of [active, pending]) {
      if (how === 'scim')
        expect((await h.patch(u.id, [{ op: 'Replace', path: 'active', value: 'True' }])).status).toBe(200);
      else expect((await h.admin('POST', `/members/${u.id}/restore`)).status).toBe(200);
    }
    await h.clock.advance('5d');
    expect((await h.member(active.id)).status).toBe('active');
    expect((await h.member(pending.id)).status).toBe('pending');
    expect((await h.member(active.id)).purgeAt).toBeUndefined();
  });

  it('a deleted member can never be restored', async () => {
    const h = harness();
    const user = await h.createUser('mo@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    await h.clock.advance('30d');
    const res = await h.admin('POST', `/members/${user.id}/restore`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('notRestorable');
    expect((await h.patch(user.id, [{ op: 'replace', path: 'active', value: true }])).status).toBe(404);
  });
});

describe('delete at once', () => {
  it('DELETE /Users/{id} -> 204, deleted, 404 afterwards, email free for a new member', async () => {
    const h = harness();
    const user = await h.createUser('ned@example.com');
    const res = await h.scim('DELETE', `/Users/${user.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await h.member(user.id)).status).toBe('deleted');
    expect((await h.scim('GET', `/Users/${user.id}`)).status).toBe(404);
    expect((await h.scim('DELETE', `/Users/${user.id}`)).status).toBe(404);
    const again = await h.createUser('NED@example.com');
    expect(again.id).not.toBe(user.id);
    expect((await h.member(again.id)).status).toBe('pending');
    const deletedList = await (await h.admin('GET', '/members?status=deleted')).json();
    expect(deletedList.members.map((m: { id: string }) => m.id)).toEqual([user.id]);
  });

  it('Admin Panel delete deletes at once and cancels a pending purge', async () => {
    const h = harness();
    const user = await h.createUser('ola@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    expect((await h.admin('DELETE', `/members/${user.id}`)).status).toBe(200);
    const m = await h.member(user.id);
    expect(m).toMatchObject({ status: 'deleted', deletedAt: '2026-01-01T09:00:00.000Z' });
    await h.clock.advance('31d');
    expect((await h.member(user.id)).history.filter((e: { type: string }) => e.type === 'purged')).toEqual([]);
  });
});

describe('settings', () => {
  it('Owner protection: SCIM cannot suspend or delete the Owner (403), and nothing changes', async () => {
    const h = harness();
    const user = await h.createUser('owner@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${user.id}/accept-invitation`);
    expect((await h.admin('PUT', `/members/${user.id}/role`, { role: 'owner' })).status).toBe(200);
    const patch = await h.patch(user.id, [
      { op: 'Replace', path: 'displayName', value: 'Boss' },
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
    expect(patch.status).toBe(403);
    expect(await patch.json()).toMatchObject({ status: '403', detail: expect.stringMatching(/Owner/) });
    const del = await h.scim('DELETE', `/Users/${user.id}`);
    expect(del.status).toBe(403);
    const m = await h.member(user.id);
    expect(m.status).toBe('active');
    expect(m.attributes.displayName).toBeUndefined();
  });

  it('under the scimOnOwner variant applied, the Owner is suspended over SCIM like anyone', async () => {
    const h = harness({}, 'test', { scimOnOwner: 'applied' });
    const user = await h.createUser('owner@example.com');
    await h.clock.advance('2m');
    await h.admin('POST', `/members/${user.id}/accept-invitation`);
    await h.admin('PUT', `/members/${user.id}/role`, { role: 'owner' });
    expect((await h.patch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }])).status).toBe(200);
    expect((await h.member(user.id)).status).toBe('suspended');
  });

  it('licence limit: pending members over the seat limit cannot join', async () => {
    const h = harness({ seatLimit: 1 });
    const a = await h.createUser('a@example.com');
    const b = await h.createUser('b@example.com');
    await h.clock.advance('2m');
    expect((await h.admin('POST', `/members/${a.id}/accept-invitation`)).status).toBe(200);
    await h.clock.advance('2m');
    const refused = await h.admin('POST', `/members/${b.id}/accept-invitation`);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('seatLimit');
    expect((await h.member(b.id)).status).toBe('pending');
  });

  it('the window length is a setting', async () => {
    const h = harness({ softDeleteWindow: '7d' });
    const user = await h.createUser('pat@example.com');
    await h.patch(user.id, [{ op: 'replace', path: 'active', value: false }]);
    await h.clock.advance('6d23h59m59s999ms');
    expect((await h.member(user.id)).status).toBe('forbidden');
    await h.clock.advance('1ms');
    expect((await h.member(user.id)).status).toBe('deleted');
  });

  it('PATCH answers 204 when configured, and 200 with the resource when `attributes` is asked for', async () => {
    const h = harness({ patchSuccessStatus: 204 });
    const user = await h.createUser('quinn@example.com');
    const plain = await h.patch(user.id, [{ op: 'Replace', path: 'displayName', value: 'Q' }]);
    expect(plain.status).toBe(204);
    expect(await plain.text()).toBe('');
    const withAttrs = await h.scim('PATCH', `/Users/${user.id}?attributes=displayName`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Quinn' }],
    });
    expect(withAttrs.status).toBe(200);
    expect(await withAttrs.json()).toMatchObject({ id: user.id, displayName: 'Quinn' });
  });
});

describe('credentials', () => {
  it('Get Credentials issues a new token each time; the previous one stops working at once', async () => {
    const h = harness();
    expect((await h.scim('GET', '/Users')).status).toBe(200);
    const first = await (await h.admin('POST', '/provisioning/credentials')).json();
    expect(first).toEqual({ tenantUrl: 'http://127.0.0.1:8080/scim/v2', secretToken: expect.any(String) });
    expect((await h.scim('GET', '/Users')).status).toBe(401);
    expect((await h.scim('GET', '/Users', undefined, { token: first.secretToken })).status).toBe(200);
    const second = await (await h.admin('POST', '/provisioning/credentials')).json();
    expect(second.secretToken).not.toBe(first.secretToken);
    expect((await h.scim('GET', '/Users', undefined, { token: first.secretToken })).status).toBe(401);
    expect((await h.scim('GET', '/Users', undefined, { token: second.secretToken })).status).toBe(200);
  });

  it('the SCIM token cannot call the Admin Panel, and the admin token cannot call SCIM', async () => {
    const h = harness();
    expect((await h.admin('GET', '/members', undefined, 'scim-test-token-0123456789')).status).toBe(401);
    expect((await h.scim('GET', '/Users', undefined, { token: ADMIN_TOKEN })).status).toBe(401);
  });
});

describe('PATCH remove of active', () => {
  it('is refused with a hint (a member is active or not), and changes nothing', async () => {
    const h = harness();
    const user = await h.createUser('ada@example.com');
    const before = await h.member(user.id);
    for (const op of ['remove', 'Remove']) {
      const res = await h.patch(user.id, [{ op, path: 'active' }]);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.scimType).toBe('invalidValue');
      expect(body.detail).toContain('"op": "replace", "path": "active", "value": false');
    }
    const after = await h.member(user.id);
    expect([after.status, after.history.length]).toEqual([before.status, before.history.length]);
    const scim = await (await h.scim('GET', `/Users/${user.id}`)).json();
    expect([scim.active, scim.meta.version]).toEqual([true, user.meta.version]);
  });
});
