/**
 * The Admin Panel's Suspend and Activate, and its Owner rules (support.nordpass.com 360012807237, 16157287471505,
 * 360012759657): an Owner is demoted before being deleted or suspended, the only Owner cannot be demoted, and only
 * an Owner makes or demotes an Owner. Who acts is `?as=owner` (default) or `?as=admin`.
 */
import { describe, expect, it } from 'vitest';
import { harness } from '../../helpers/nordpass.ts';

async function activeMembers(h: ReturnType<typeof harness>, ...names: string[]) {
  const ids: string[] = [];
  for (const name of names) ids.push((await h.createUser(`${name}@example.com`)).id);
  await h.clock.advance('2m');
  for (const id of ids) expect((await h.admin('POST', `/members/${id}/accept-invitation`)).status).toBe(200);
  return ids;
}

const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: object }).error });

describe('Admin Panel: Suspend and Activate', () => {
  it('suspends an active member (no purge by default: manualSuspendPurge noPurge) and activates them again', async () => {
    const h = harness();
    const [bob] = await activeMembers(h, 'bob');
    const suspended = await h.admin('POST', `/members/${bob}/suspend?as=admin`);
    expect(suspended.status).toBe(200);
    const body = (await suspended.json()) as { status: string; purgeAt?: string };
    expect(body.status).toBe('suspended');
    expect(body.purgeAt).toBeUndefined();
    const history = (await h.member(bob!)).history.at(-1);
    expect(history).toMatchObject({ type: 'suspended', by: 'admin', from: 'active', to: 'suspended' });
    // Over SCIM the member is inactive; it stays suspended past 30 days.
    expect((await (await h.scim('GET', `/Users/${bob}`)).json()).active).toBe(false);
    await h.clock.advance('60d');
    expect((await h.member(bob!)).status).toBe('suspended');
    const activated = await h.admin('POST', `/members/${bob}/activate`);
    expect(activated.status).toBe(200);
    expect((await h.member(bob!)).status).toBe('active');
  });

  it('manualSuspendPurge startsPurge: a manual suspension is purged 30 days later, as a SCIM one is', async () => {
    const h = harness({}, 'test', { manualSuspendPurge: 'startsPurge' });
    const [bob] = await activeMembers(h, 'bob');
    const body = await (await h.admin('POST', `/members/${bob}/suspend`)).json();
    expect(body.purgeAt).toBe('2026-01-31T09:02:00.000Z');
    await h.clock.advance('30d');
    expect((await h.member(bob!)).status).toBe('deleted');
  });

  it('refuses what the Admin Panel does not offer, changing nothing: suspend a pending member, activate an active or forbidden one', async () => {
    const h = harness();
    const pending = (await h.createUser('pat@example.com')).id;
    expect(await errorOf(await h.admin('POST', `/members/${pending}/suspend`))).toMatchObject({
      status: 409,
      code: 'invalidTransition',
      message: expect.stringMatching(/only an active member can be suspended \(a pending member can be deleted\)/),
    });
    const [bob] = await activeMembers(h, 'bob');
    expect(await errorOf(await h.admin('POST', `/members/${bob}/activate`))).toMatchObject({ status: 409 });
    await h.patch(pending, [{ op: 'replace', path: 'active', value: false }]);
    expect(await errorOf(await h.admin('POST', `/members/${pending}/activate`))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/restore a member forbidden/),
    });
    expect((await h.member(bob!)).history.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'invitationSent',
      'invitationAccepted',
    ]);
  });

  it('reenableAfterAdminSuspend: active=true over SCIM activates a member an admin suspended, or (staysSuspended) leaves them', async () => {
    for (const [alternative, after] of [
      ['activates', 'active'],
      ['staysSuspended', 'suspended'],
    ] as const) {
      const h = harness({}, 'test', { reenableAfterAdminSuspend: alternative });
      const [bob] = await activeMembers(h, 'bob');
      await h.admin('POST', `/members/${bob}/suspend`);
      const res = await h.patch(bob!, [{ op: 'replace', path: 'active', value: true }]);
      expect(res.status, alternative).toBe(200);
      expect((await h.member(bob!)).status, alternative).toBe(after);
    }
    // A member suspended by provisioning is re-enabled either way: the variant is about an admin's suspension.
    const h = harness({}, 'test', { reenableAfterAdminSuspend: 'staysSuspended' });
    const [ada] = await activeMembers(h, 'ada');
    await h.patch(ada!, [{ op: 'replace', path: 'active', value: false }]);
    await h.patch(ada!, [{ op: 'replace', path: 'active', value: true }]);
    expect((await h.member(ada!)).status).toBe('active');
  });

  it('`as` is owner or admin; anything else is a 400 that changes nothing', async () => {
    const h = harness();
    const [bob] = await activeMembers(h, 'bob');
    expect(await errorOf(await h.admin('POST', `/members/${bob}/suspend?as=root`))).toMatchObject({
      status: 400,
      code: 'invalidRequest',
      message: 'as is who acts in the Admin Panel: owner or admin',
    });
    expect((await h.member(bob!)).status).toBe('active');
  });
});

describe('Admin Panel: Owner rules', () => {
  it('an Owner cannot be deleted or suspended until demoted, by an Owner or an Admin', async () => {
    const h = harness();
    const [olivia, bob] = await activeMembers(h, 'olivia', 'bob');
    await h.admin('PUT', `/members/${olivia}/role`, { role: 'owner' });
    await h.admin('PUT', `/members/${bob}/role`, { role: 'owner' });
    for (const as of ['owner', 'admin']) {
      expect(await errorOf(await h.admin('DELETE', `/members/${olivia}?as=${as}`))).toMatchObject({
        status: 409,
        code: 'ownerNotDemoted',
        message: 'olivia@example.com is an Owner and cannot be deleted; demote them first (Make Admin or Make User)',
      });
      expect(await errorOf(await h.admin('POST', `/members/${olivia}/suspend?as=${as}`))).toMatchObject({
        status: 409,
        code: 'ownerNotDemoted',
      });
    }
    expect((await h.member(olivia!)).status).toBe('active');
    expect((await h.admin('PUT', `/members/${olivia}/role`, { role: 'user' })).status).toBe(200);
    expect((await h.admin('DELETE', `/members/${olivia}?as=admin`)).status).toBe(200);
  });

  it('the only Owner cannot be demoted; with a second Owner either can be', async () => {
    const h = harness();
    const [olivia, bob] = await activeMembers(h, 'olivia', 'bob');
    await h.admin('PUT', `/members/${olivia}/role`, { role: 'owner' });
    expect(await errorOf(await h.admin('PUT', `/members/${olivia}/role`, { role: 'admin' }))).toMatchObject({
      status: 409,
      code: 'soleOwner',
      message: expect.stringMatching(/only Owner and cannot be demoted; make another member Owner first/),
    });
    expect((await h.member(olivia!)).role).toBe('owner');
    await h.admin('PUT', `/members/${bob}/role`, { role: 'owner' });
    expect((await h.admin('PUT', `/members/${olivia}/role`, { role: 'admin' })).status).toBe(200);
    expect(await errorOf(await h.admin('PUT', `/members/${bob}/role`, { role: 'user' }))).toMatchObject({
      code: 'soleOwner',
    });
  });

  it('only an Owner makes or demotes an Owner; an Admin manages the other roles', async () => {
    const h = harness();
    const [olivia, bob] = await activeMembers(h, 'olivia', 'bob');
    expect(await errorOf(await h.admin('PUT', `/members/${bob}/role?as=admin`, { role: 'owner' }))).toMatchObject({
      status: 403,
      code: 'ownersOnly',
      message: 'only an Owner can make an Owner; bob@example.com stays user',
    });
    expect((await h.admin('PUT', `/members/${bob}/role?as=admin`, { role: 'admin' })).status).toBe(200);
    await h.admin('PUT', `/members/${olivia}/role`, { role: 'owner' });
    await h.admin('PUT', `/members/${bob}/role`, { role: 'owner' });
    expect(await errorOf(await h.admin('PUT', `/members/${olivia}/role?as=admin`, { role: 'user' }))).toMatchObject({
      status: 403,
      code: 'ownersOnly',
      message: 'only an Owner can demote an Owner; olivia@example.com stays owner',
    });
  });

  it('a deleted Owner no longer counts: with one live Owner left, that one cannot be demoted', async () => {
    const h = harness();
    const [olivia, bob] = await activeMembers(h, 'olivia', 'bob');
    await h.admin('PUT', `/members/${olivia}/role`, { role: 'owner' });
    await h.admin('PUT', `/members/${bob}/role`, { role: 'owner' });
    await h.admin('PUT', `/members/${bob}/role`, { role: 'user' });
    await h.admin('DELETE', `/members/${bob}`);
    expect(await errorOf(await h.admin('PUT', `/members/${olivia}/role`, { role: 'user' }))).toMatchObject({
      code: 'soleOwner',
    });
  });
});
