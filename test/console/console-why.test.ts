/**
 * The console in a real browser, part two: Why? on users and members, deep links with back and forward, a log
 * entry's HTTP exchanges and "check this" on it, escrows, the seed guide's checklist, the live timeline, the
 * keyboard, restore on day 29, Delete permanently, and members a page at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleInBrowser, HAS_CHROMIUM, openConsole } from './browser.ts';
import { newUser } from '../helpers/graph.ts';

describe.skipIf(!HAS_CHROMIUM)('the console in a browser: Why?, links, logs, checklist, timeline', () => {
  let c: ConsoleInBrowser;
  beforeAll(async () => {
    c = await openConsole('console-why');
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  /** Users over Graph, the first `assigned` of them assigned, credentials saved, the job started, one hour later. */
  async function provisioned(upns: string[], assigned: number): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (const upn of upns)
      ids[upn] = (
        await c.call('POST', '/azure/v1.0/users', newUser({ userPrincipalName: upn, displayName: upn.split('@')[0] }))
      ).id;
    const sp = c.s.azure.app.servicePrincipalId;
    for (const upn of upns.slice(0, assigned))
      await c.call('POST', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, {
        principalId: ids[upn],
        resourceId: sp,
      });
    const credentials = await c.call('POST', '/admin/provisioning/credentials');
    await c.call('PUT', `/azure/v1.0/servicePrincipals/${sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: credentials.tenantUrl },
        { key: 'SecretToken', value: credentials.secretToken },
      ],
    });
    await c.call('POST', `/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs/${c.s.azure.job.id}/start`);
    await c.call('POST', '/_sim/clock/advance', { by: '1h' });
    return ids;
  }
  const memberId = (upn: string) => c.s.nordpass.store.liveMemberByUserName(upn)!.id;

  it('Why? on a tenant user and on a member, from the lists and by deep link; back and forward move between them', async () => {
    const { page, s } = c;
    await c.resetFromPage();
    const ids = await provisioned(['ada@contoso.com', 'bob@contoso.com'], 1);
    await expect.poll(() => page.locator('#users').textContent()).toContain('bob@contoso.com');
    await page.getByRole('link', { name: 'Why?: bob@contoso.com' }).click();
    await expect
      .poll(() => page.locator('#why').textContent())
      .toContain('Not in scope: NotEffectivelyEntitled: The user is not assigned to the application.');
    expect(new URL(page.url()).hash).toBe(`#why/user/${ids['bob@contoso.com']}`);
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await page.getByRole('link', { name: 'ada@contoso.com', exact: true }).click();
    await expect.poll(() => page.locator('#member').isVisible()).toBe(true);
    expect(await page.locator('#why').isHidden()).toBe(true);
    expect(new URL(page.url()).hash).toBe(`#member/${memberId('ada@contoso.com')}`);
    await page.goBack();
    await expect.poll(() => page.locator('#why').textContent()).toContain('Why? bob');
    expect(await page.locator('#member').isHidden()).toBe(true);
    await page.goForward();
    await expect.poll(() => page.locator('#member').isVisible()).toBe(true);
    // A deep link to a member's Why?, opened in another tab: NordPass's side and Entra's.
    const other = await page.context().newPage();
    try {
      await other.goto(`${s.origin}/#why/member/${memberId('ada@contoso.com')}`);
      await expect.poll(() => other.locator('#why').textContent()).toContain('Pending: invited at');
      expect(await other.locator('#why').textContent()).toContain('In scope: assigned directly.');
      expect(await other.locator('#why').textContent()).toContain('Nothing: nothing about User');
      // A link to something this world does not have says so once, and is not asked for again.
      await other.goto(`${s.origin}/#member/no-such-member`);
      await expect.poll(() => other.locator('#member').textContent()).toBe('No member no-such-member in this world.');
    } finally {
      await other.close();
    }
    c.broken.splice(0); // the 404 of no-such-member was provoked
  });

  it("a failed disable: the escrow listed, the log entry's HTTP exchange shown, and check this pins it", async () => {
    const { page } = c;
    await c.resetFromPage();
    const ids = await provisioned(['ada@contoso.com'], 1);
    await c.call('POST', '/_sim/faults', { method: 'PATCH', status: 503 });
    await c.call('PATCH', `/azure/v1.0/users/${ids['ada@contoso.com']}`, { accountEnabled: false });
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.locator('#escrows').textContent()).toContain('ada@contoso.com');
    expect(await page.locator('#escrows').textContent()).toContain('ServiceUnavailable');
    expect(await page.locator('#job-status').textContent()).toContain('Escrows1');
    await page.getByRole('link', { name: 'Open the log entry: disable ada@contoso.com' }).click();
    await expect.poll(() => page.locator('#log-entry').textContent()).toContain('HTTP exchanges');
    const exchange = page.locator('#log-entry details.exchange');
    await expect.poll(() => exchange.locator('summary').textContent()).toMatch(/^PATCH \/Users\/\S+ → 503$/);
    await exchange.locator('summary').click();
    expect(await exchange.locator('pre').first().textContent()).toContain('"active"');
    await page.getByRole('button', { name: 'Check this: a Disable failure entry for ada' }).click();
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('expect: {"logs":[{"user":"ada","action":"Disable","status":"failure","count":{"atLeast":1}}]}');
    await page.getByRole('button', { name: 'Check this: the counts of every tab' }).click();
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('expect: {"memberCounts":{"pending":1,"active":0,"suspended":0,"forbidden":0,"deleted":0}}');
  });

  it('the seed guide ticks itself as it is done, and the timeline grows with the world', async () => {
    const { page } = c;
    await c.resetFromPage();
    const first = page.locator('#checklist-items li').first();
    await expect.poll(() => first.textContent()).toMatch(/^→ next Create a user/);
    await page.getByLabel('User principal name').fill('ada@contoso.com');
    await page.getByLabel('Display name').fill('Ada');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => first.textContent()).toMatch(/^✓ done Create a user/);
    await expect.poll(() => page.locator('#checklist-items li').nth(1).textContent()).toMatch(/^→ next Assign/);
    await page.getByLabel('Add user/group').fill('ada@contoso.com');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(() => page.locator('#checklist-items li').nth(1).textContent()).toMatch(/^✓ done/);
    // The timeline: the report's swimlanes of this world, drawn again as it changes.
    await provisioned([], 0);
    const timeline = page.frameLocator('#timeline');
    await expect.poll(() => timeline.locator('svg.chart').getAttribute('aria-label')).toContain('Timeline');
    // Ada's lane: one segment, pending, named in it. The frame reloads as things happen: read it whole, again
    // until it shows the lane (a read cut by a reload is tried again).
    const lane = async () => ({
      mails: await timeline.locator('.lane .lane-mail').allTextContents(),
      pending: await timeline.locator('.seg.st-pending').count(),
      labels: await timeline.locator('.seg-label').allTextContents(),
    });
    await expect.poll(lane).toEqual({ mails: ['ada@contoso.com'], pending: 1, labels: ['pending'] });
  });

  it('restore on day 29 keeps the member; Delete permanently empties Deleted users', async () => {
    const { page } = c;
    await c.resetFromPage();
    const ids = await provisioned(['ada@contoso.com', 'zed@contoso.com'], 1);
    await c.call('POST', `/admin/members/${memberId('ada@contoso.com')}/accept-invitation`);
    const sp = c.s.azure.app.servicePrincipalId;
    const [assignment] = (await c.call('GET', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`)).value;
    await c.call('DELETE', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo/${assignment.id}`);
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Suspended/ }).textContent()).toBe('Suspended (1)');
    await page.getByRole('button', { name: '+29 days' }).click();
    await page.getByRole('tab', { name: /^Suspended/ }).click();
    // Suspended at that cycle, 29 days ago: one day of the window is left.
    await expect.poll(() => page.locator('#members').textContent()).toMatch(/suspended · purge .* \(1 day left\)/);
    await page.locator('#members').getByRole('button', { name: 'Restore: ada@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (1)');
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Deleted/ }).textContent()).toBe('Deleted (0)');
    expect(await page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (1)');
    // Delete permanently, from Deleted users.
    await c.call('DELETE', `/azure/v1.0/users/${ids['zed@contoso.com']}`);
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.getByRole('button', { name: 'Delete permanently: zed@contoso.com' }).click();
    await expect.poll(() => page.locator('#deleted-users').textContent()).toContain('No deleted users.');
    expect(c.s.azure.directory.isHardDeleted(ids['zed@contoso.com']!)).toBe(true);
  });

  it('members are listed a page at a time, with the total; the keyboard reaches and works every control', async () => {
    const { page } = c;
    await c.resetFromPage();
    const credentials = await c.call('POST', '/admin/provisioning/credentials');
    for (let i = 0; i < 30; i++)
      await fetch(`${c.s.origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${credentials.secretToken}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `m${String(i).padStart(2, '0')}@contoso.com`,
        }),
      });
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await expect.poll(() => page.locator('#members-page').textContent()).toBe('1–25 of 30');
    expect(await page.locator('#members tr').count()).toBe(25);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('#members-page').textContent()).toBe('26–30 of 30');
    expect(await page.locator('#members tr').count()).toBe(5);

    // The keyboard: Tab from the top reaches "+1 hour", its focus is drawn, and Enter presses it.
    await page.locator('#top').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement?.textContent')) === '+1 hour';
    }
    expect(reached).toBe(true);
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    const before = Date.parse((await page.locator('#now').getAttribute('datetime'))!);
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => Date.parse((await page.locator('#now').getAttribute('datetime'))!))
      .toBe(before + 3_600_000);
    // Every button, link, field and tab has a name a screen reader can say.
    // (A string, run in the page: these tests are compiled without the DOM's types.)
    const unnamed = await page.evaluate(`[...document.querySelectorAll('button, a, input, select, textarea, iframe')]
      .filter((e) => e.offsetParent !== null)
      .filter((e) => {
        const id = e.getAttribute('id');
        const label = id ? document.querySelector('label[for="' + id + '"]') : null;
        return !(e.getAttribute('aria-label') || e.getAttribute('title') || label || e.textContent.trim());
      })
      .map((e) => e.outerHTML.slice(0, 80))`);
    expect(unnamed).toEqual([]);
  });

  it('Edit user changes only what is typed; a YAML file opens, and any step can be run to or gone back to', async () => {
    const { page } = c;
    await c.resetFromPage();
    await page.getByLabel('User principal name').fill('ada@contoso.com');
    await page.getByLabel('Display name').fill('Ada');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByLabel('Edit which user').fill('ada@contoso.com');
    await page.getByLabel('Edit: their new job').fill('Engineer');
    await page.getByRole('button', { name: 'Apply edits' }).click();
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('editUser: {"user":"ada","set":{"jobTitle":"Engineer"}}');
    const ada = c.s.azure.directory.userByUpn('ada@contoso.com')!;
    expect([ada.displayName, ada.jobTitle]).toEqual(['Ada', 'Engineer']);

    const yaml = [
      'name: From a file',
      'start: 2026-02-02T09:00:00Z',
      'tenant: { users: { ada: {} } }',
      'steps:',
      '  - advance: 1d',
      '  - advance: 1d',
      '  - advance: 1d',
      '',
    ].join('\n');
    await page
      .getByLabel('Or open a YAML file')
      .setInputFiles({ name: 'mine.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
    await expect.poll(() => page.locator('#script-name').textContent()).toBe('From a file');
    expect(await page.locator('#script-progress').textContent()).toBe('0 of 3 steps run · mine.yaml');
    await page.getByRole('button', { name: 'Run to here: step 3' }).click();
    await expect.poll(() => page.locator('#script-progress').textContent()).toBe('3 of 3 steps run · mine.yaml');
    await expect.poll(() => page.locator('#now').getAttribute('datetime')).toBe('2026-02-05T09:00:00.000Z');
    await page.getByRole('button', { name: 'Back to here: step 2' }).click();
    await expect.poll(() => page.locator('#script-progress').textContent()).toBe('1 of 3 steps run · mine.yaml');
    await expect.poll(() => page.locator('#now').getAttribute('datetime')).toBe('2026-02-03T09:00:00.000Z');
  });

  it('made no console errors and no request beyond loopback', () => {
    expect(c.broken, JSON.stringify(c.broken)).toEqual([]);
    expect(c.errors, JSON.stringify(c.errors)).toEqual([]);
    expect(c.offLoopback).toEqual([]);
  });
});
