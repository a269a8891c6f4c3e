/**
 * Users > Edit properties > Manager, in a real browser (headless Debian chromium through playwright-core): Edit
 * manager opens the form under the Users list on one user, Change manager by user principal name (PUT manager/$ref)
 * and Remove manager (DELETE), each checked over Graph (GET /users/{id}/manager); a refusal (their own manager, a
 * name not in the directory) said beside the form, what was typed kept, nothing changed; a change by another client
 * shown in the open form; names from users shown as text; the record's setManager / removeManager steps. The list
 * itself reads no manager: only the open form's user has theirs read. End to end: with the manager mapped in the job's
 * schema over Graph, a manager set on the page reaches NordPass as the SCIM enterprise extension's manager.value.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../simulator/serve/server.ts';
import { newUser, servedGraph } from '../helpers/graph.ts';
import { type ConsoleInBrowser, HAS_CHROMIUM, openConsole } from './browser.ts';

const SCREENSHOT = new URL('../../docs/console-managers.png', import.meta.url).pathname;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MANAGER_MAPPING = {
  targetAttributeName: `${ENTERPRISE}:manager`,
  source: { type: 'Attribute', name: 'manager', expression: '[manager]', parameters: [] },
  flowType: 'Always',
  matchingPriority: 0,
  defaultValue: null,
  flowBehavior: 'FlowWhenChanged',
  exportMissingReferences: false,
};
/** A Graph path that reads or changes a user's manager. */
const MANAGER_PATH = /\/azure\/v1\.0\/users\/([^/?]+)\/manager(\/\$ref)?$/;

describe.skipIf(!HAS_CHROMIUM)('Users > Edit properties > Manager in the console', () => {
  let c: ConsoleInBrowser;
  let s: RunningServer;
  let page: Page;
  /** The manager changes the page sent, in order ("PUT <user id>", "DELETE <user id>"). */
  const sent: string[] = [];
  /** Whose manager the page read (GET /users/{id}/manager), in order. */
  const reads: string[] = [];

  beforeAll(async () => {
    c = await openConsole('console-managers');
    ({ s, page } = c);
    page.on('request', (r) => {
      const found = MANAGER_PATH.exec(new URL(r.url()).pathname);
      if (!found) return;
      if (r.method() === 'GET') reads.push(decodeURIComponent(found[1]!));
      else sent.push(`${r.method()} ${decodeURIComponent(found[1]!)}`);
    });
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  const graph = (method: string, path: string, body?: unknown) =>
    servedGraph(s.origin, s.nordpass.adminToken)(method, path, body);
  async function createUser(upn: string, displayName: string): Promise<string> {
    return (await c.call('POST', '/azure/v1.0/users', newUser({ userPrincipalName: upn, displayName }))).id;
  }
  async function userId(upn: string): Promise<string> {
    const filter = encodeURIComponent(`userPrincipalName eq '${upn}'`);
    return (await c.call('GET', `/azure/v1.0/users?$filter=${filter}`)).value[0].id;
  }
  /** A user's manager over Graph, as a script reads it: the manager's id, or 404. */
  async function managerOf(upn: string): Promise<string | 404> {
    const answer = await graph('GET', `/users/${await userId(upn)}/manager`);
    if (answer.status === 404) return 404;
    expect(answer.status).toBe(200);
    return answer.body.id;
  }

  const form = () => page.locator('#user-manager');
  const managerField = () => page.getByLabel('Manager', { exact: true });
  const error = () => page.locator('#user-manager-error');
  const nowLine = () => page.locator('#user-manager-now');
  /** Edit manager on a user's row; resolves once the form has read their manager. */
  async function openFor(upn: string) {
    await page.getByRole('button', { name: `Edit manager: ${upn}`, exact: true }).click();
    await form().waitFor({ state: 'visible' });
    await expect.poll(() => nowLine().textContent()).not.toBe('Current manager: …');
  }
  async function changeTo(upn: string) {
    await managerField().fill(upn);
    await form().getByRole('button', { name: 'Change manager', exact: true }).click();
  }

  it('the Users list reads no manager; Edit manager opens Edit properties on one user: Manager: none', async () => {
    await createUser('ada@contoso.com', 'Ada Lovelace');
    await createUser('bob@contoso.com', 'Bob Babbage');
    await createUser('carol@contoso.com', 'Carol Shaw');
    await expect.poll(() => page.locator('#users').textContent()).toContain('carol@contoso.com');
    // Three users created, three redraws of the list: not one manager read.
    expect(reads).toEqual([]);
    expect(await form().isVisible()).toBe(false);
    await openFor('ada@contoso.com');
    expect(await page.locator('#user-manager-title').textContent()).toBe(
      'Edit properties: Ada Lovelace (ada@contoso.com)',
    );
    expect(await nowLine().textContent()).toBe('Current manager: none');
    expect(await form().getByRole('button', { name: 'Remove manager' }).isVisible()).toBe(false);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('manager-upn');
    // The form is open on one user: a redraw reads that one user's manager, and no other's.
    const ada = await userId('ada@contoso.com');
    const before = reads.length;
    expect(new Set(reads)).toEqual(new Set([ada]));
    await createUser('dan@contoso.com', 'Dan Bricklin');
    await expect.poll(() => page.locator('#users').textContent()).toContain('dan@contoso.com');
    await expect.poll(() => reads.length).toBeGreaterThan(before);
    expect(new Set(reads)).toEqual(new Set([ada]));
    expect(await managerOf('ada@contoso.com')).toBe(404);
  });

  it('Change manager sets the manager: over Graph GET /users/{id}/manager is Bob', async () => {
    await changeTo('bob@contoso.com');
    await expect.poll(() => managerOf('ada@contoso.com')).toBe(await userId('bob@contoso.com'));
    await expect.poll(() => nowLine().textContent()).toBe('Current manager: Bob Babbage (bob@contoso.com)');
    expect(sent).toEqual([`PUT ${await userId('ada@contoso.com')}`]);
    expect(await page.locator('#user-manager-status').textContent()).toBe(
      'Changed the manager of Ada Lovelace: Bob Babbage.',
    );
    expect(await managerField().inputValue()).toBe('');
    expect(await form().getByRole('button', { name: 'Remove manager' }).isVisible()).toBe(true);
    expect(await error().isVisible()).toBe(false);
  });

  it('Change manager again changes it: Carol over Graph; the same manager twice sends nothing', async () => {
    await changeTo('carol@contoso.com');
    await expect.poll(() => managerOf('ada@contoso.com')).toBe(await userId('carol@contoso.com'));
    await expect.poll(() => nowLine().textContent()).toBe('Current manager: Carol Shaw (carol@contoso.com)');
    expect(sent).toHaveLength(2);
    await changeTo('carol@contoso.com');
    await expect
      .poll(() => page.locator('#user-manager-status').textContent())
      .toBe('Nothing changed: Carol Shaw is the manager of Ada Lovelace already.');
    expect(sent).toHaveLength(2);
  });

  it('their own manager: refused beside the form, what was typed kept, nothing changed over Graph', async () => {
    const carol = await userId('carol@contoso.com');
    await changeTo('ada@contoso.com');
    await expect.poll(() => error().textContent()).toBe('Not changed: A user cannot be their own manager.');
    expect(await error().isVisible()).toBe(true);
    // The refusal is where the form is, not (also) at the top of the page.
    expect(await page.locator('#problem').isVisible()).toBe(false);
    expect(await managerField().inputValue()).toBe('ada@contoso.com');
    expect(await managerOf('ada@contoso.com')).toBe(carol);
    expect(await nowLine().textContent()).toBe('Current manager: Carol Shaw (carol@contoso.com)');
    // Graph was asked, and said no.
    expect(sent.at(-1)).toBe(`PUT ${await userId('ada@contoso.com')}`);
    expect(sent).toHaveLength(3);
    // Someone not in the directory: said beside the form, nothing sent.
    await changeTo('nobody@contoso.com');
    await expect.poll(() => error().textContent()).toBe('Not changed: no user "nobody@contoso.com".');
    expect(await managerField().inputValue()).toBe('nobody@contoso.com');
    expect(sent).toHaveLength(3);
    expect(await managerOf('ada@contoso.com')).toBe(carol);
  });

  it('Remove manager: over Graph GET /users/{id}/manager is then 404', async () => {
    expect(await managerOf('ada@contoso.com')).toBe(await userId('carol@contoso.com'));
    await form().getByRole('button', { name: 'Remove manager', exact: true }).click();
    await expect.poll(() => managerOf('ada@contoso.com')).toBe(404);
    await expect.poll(() => nowLine().textContent()).toBe('Current manager: none');
    expect(sent.at(-1)).toBe(`DELETE ${await userId('ada@contoso.com')}`);
    expect(await page.locator('#user-manager-status').textContent()).toBe(
      'Removed the manager of Ada Lovelace (Carol Shaw).',
    );
    expect(await form().getByRole('button', { name: 'Remove manager' }).isVisible()).toBe(false);
    expect(await error().isVisible()).toBe(false);
    // What was typed before stays (Remove manager needs no name).
    expect(await managerField().inputValue()).toBe('nobody@contoso.com');
  });

  it('the record shows setManager and removeManager, as a scenario writes them', async () => {
    await expect.poll(() => page.locator('#record-steps').textContent()).toContain('removeManager: ada');
    const record = (await page.locator('#record-steps').textContent())!;
    expect(record).toContain('setManager: {"user":"ada","manager":"bob"}');
    expect(record).toContain('setManager: {"user":"ada","manager":"carol"}');
    // The refused change is no step.
    expect(record).not.toContain('"manager":"ada"');
  });

  it("another client's change over Graph shows in the open form at once; what is being typed stays", async () => {
    await managerField().fill('dan@con');
    const ada = await userId('ada@contoso.com');
    expect(
      (
        await graph('PUT', `/users/${ada}/manager/$ref`, {
          '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${await userId('bob@contoso.com')}`,
        })
      ).status,
    ).toBe(204);
    await expect
      .poll(() => nowLine().textContent(), { timeout: 5_000 })
      .toBe('Current manager: Bob Babbage (bob@contoso.com)');
    expect(await managerField().inputValue()).toBe('dan@con');
    // Its display name changed elsewhere: the form's title follows.
    await c.call('PATCH', `/azure/v1.0/users/${ada}`, { displayName: 'Ada King' });
    await expect
      .poll(() => page.locator('#user-manager-title').textContent())
      .toBe('Edit properties: Ada King (ada@contoso.com)');
    expect(await managerField().inputValue()).toBe('dan@con');
  });

  it('names from users are text: a manager named like markup is no element of the page', async () => {
    const evil = '<img src=x onerror="window.__managerXss=1">';
    await createUser('eve@contoso.com', evil);
    await changeTo('eve@contoso.com');
    await expect.poll(() => nowLine().textContent()).toBe(`Current manager: ${evil} (eve@contoso.com)`);
    expect(await page.locator('#user-manager-status').textContent()).toBe(`Changed the manager of Ada King: ${evil}.`);
    expect(await page.locator('#user-manager img, #users img').count()).toBe(0);
    expect(await page.evaluate('window.__managerXss')).toBeUndefined();
    // And as the user whose manager is edited.
    await openFor('eve@contoso.com');
    expect(await page.locator('#user-manager-title').textContent()).toBe(`Edit properties: ${evil} (eve@contoso.com)`);
    // Another user's form starts empty: what was typed for Ada is not sent for Eve.
    expect(await managerField().inputValue()).toBe('');
    expect(await page.locator('#user-manager img').count()).toBe(0);
    await openFor('ada@contoso.com');
  });

  it('screenshot: the Users view with Edit properties > Manager; nothing in the Entra panel scrolls sideways at 1280x800', async () => {
    await changeTo('bob@contoso.com');
    await expect.poll(() => nowLine().textContent()).toBe('Current manager: Bob Babbage (bob@contoso.com)');
    await managerField().fill('carol@contoso.com');
    const panel = page.locator('section[aria-labelledby="entra-title"]');
    /** What scrolls sideways in the Entra panel (the panel itself among them): wider than it shows, and scrollable. */
    const sideways = () =>
      panel.evaluate((p) =>
        [p, ...p.querySelectorAll('*')]
          .filter(
            (e) =>
              e.scrollWidth > e.clientWidth + 1 &&
              /auto|scroll/.test((globalThis as any).getComputedStyle(e).overflowX),
          )
          .map((e) => e.id || e.tagName),
      );
    expect(await sideways()).toEqual([]);
    /** The parts of the Users view that reach beyond the Entra panel's edges. */
    async function outside(): Promise<string[]> {
      const box = (await panel.boundingBox())!;
      const out: string[] = [];
      for (const selector of ['#user-search', 'table:has(#users)', '#user-manager', '#new-user', '#edit-user']) {
        const inner = (await page.locator(selector).boundingBox())!;
        if (inner.x < box.x || inner.x + inner.width > box.x + box.width) out.push(selector);
      }
      return out;
    }
    expect(await outside()).toEqual([]);
    // The table's cells and the form's lines fit: nothing in them is cut off or scrolls.
    expect(await page.locator('table:has(#users)').evaluate((t) => t.scrollWidth <= t.clientWidth)).toBe(true);
    expect(await form().evaluate((f) => f.scrollWidth <= f.clientWidth)).toBe(true);
    const box = (await panel.boundingBox())!;
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    const scrollY = await page.evaluate<number>('window.scrollY');
    const top = (await page.locator('#users-title').boundingBox())!.y + scrollY - 8;
    const end = (await form().boundingBox())!;
    const clip = { x: box.x, y: top, width: box.width, height: end.y + end.height + scrollY + 4 - top };
    await mkdir(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip });
    // A narrow window too: the Users view still ends inside the panel, and the page does not scroll sideways.
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      expect(await outside()).toEqual([]);
      expect(await form().evaluate((f) => f.scrollWidth <= f.clientWidth)).toBe(true);
      expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(
        0,
      );
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await form().getByRole('button', { name: 'Close', exact: true }).click();
    expect(await form().isVisible()).toBe(false);
  });

  it('end to end: the manager mapped in the job schema over Graph, set on the page, reaches NordPass as manager.value', async () => {
    await c.resetFromPage();
    await createUser('erin@contoso.com', 'Erin Hopper');
    await createUser('finn@contoso.com', 'Finn Turing');
    // The job, and the manager mapping pushed into its schema over Graph, as a script does it.
    const sp = `/azure/v1.0/servicePrincipals/${s.azure.app.servicePrincipalId}`;
    const jobs = await c.call('GET', `${sp}/synchronization/jobs`);
    const job = jobs.value[0] ?? (await c.call('POST', `${sp}/synchronization/jobs`, { templateId: 'scim' }));
    const schemaPath = `${sp}/synchronization/jobs/${job.id}/schema`;
    const { '@odata.context': _context, ...schema } = await c.call('GET', schemaPath);
    const users = schema.synchronizationRules[0].objectMappings.find((m: any) => m.sourceObjectName === 'User');
    expect(users.attributeMappings.map((m: any) => m.targetAttributeName)).not.toContain(`${ENTERPRISE}:manager`);
    users.attributeMappings.push(MANAGER_MAPPING);
    await c.call('PUT', schemaPath, schema);
    const saved = (await c.call('GET', schemaPath)).synchronizationRules[0].objectMappings.find(
      (m: any) => m.sourceObjectName === 'User',
    );
    expect(saved.attributeMappings.map((m: any) => m.targetAttributeName)).toContain(`${ENTERPRISE}:manager`);
    // Users and groups: both assigned on the page.
    for (const upn of ['erin@contoso.com', 'finn@contoso.com']) {
      await page.getByLabel('Add user/group').fill(upn);
      await page.locator('#add-assignment').getByRole('button', { name: 'Assign', exact: true }).click();
      await expect.poll(() => page.locator('#assignments-status').textContent()).toContain(`Assigned ${upn}`);
    }
    // Users > Finn > Edit properties > Manager: Erin.
    await expect.poll(() => page.locator('#users').textContent()).toContain('finn@contoso.com');
    await openFor('finn@contoso.com');
    await changeTo('erin@contoso.com');
    await expect.poll(() => managerOf('finn@contoso.com')).toBe(await userId('erin@contoso.com'));
    // NordPass > Get credentials, typed into Provisioning; Save, Start provisioning, the next cycle.
    await page.getByRole('button', { name: 'Get credentials' }).click();
    await expect.poll(() => page.locator('#secret-token').textContent()).toMatch(/^\S{20,}$/);
    const token = (await page.locator('#secret-token').textContent())!;
    await page.getByLabel('Tenant URL').fill((await page.locator('#tenant-url').textContent())!);
    await page.getByLabel('Secret Token').fill(token);
    await page.locator('#provisioning').getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#test-result').textContent()).toBe('Saved.');
    await page.getByRole('button', { name: 'Start provisioning', exact: true }).click();
    await expect.poll(() => page.locator('#record-steps').textContent()).toContain('start');
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    // What NordPass holds, over SCIM with the Secret Token the page showed.
    const scimUser = async (upn: string) => {
      const filter = encodeURIComponent(`userName eq "${upn}"`);
      const r = await fetch(`${s.origin}/scim/v2/Users?filter=${filter}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/scim+json' },
      });
      expect(r.status).toBe(200);
      return (await r.json()).Resources[0];
    };
    await expect.poll(async () => (await scimUser('erin@contoso.com'))?.id, { timeout: 10_000 }).toBeTruthy();
    const erin = await scimUser('erin@contoso.com');
    await expect
      .poll(async () => (await scimUser('finn@contoso.com'))?.[ENTERPRISE]?.manager?.value, { timeout: 10_000 })
      .toBe(erin.id);
    // Erin has no manager: none sent.
    expect(erin[ENTERPRISE]?.manager).toBeUndefined();
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('setManager: {"user":"finn","manager":"erin"}');
  });

  it('made no console errors, no unexpected 404 or 5xx, and no request beyond loopback', () => {
    // A user without a manager is Graph's 404 for GET /users/{id}/manager: the form reads it so, expected; the
    // browser logs each such 404 (and only those) as a failed load.
    const expected = c.broken.filter((b) => /^404 \S+\/azure\/v1\.0\/users\/[^/]+\/manager$/.test(b));
    const unexpected = c.broken.filter((b) => !expected.includes(b));
    expect(unexpected, JSON.stringify(unexpected)).toEqual([]);
    expect(expected.length).toBeGreaterThan(0);
    const notFound = 'Failed to load resource: the server responded with a status of 404 (Not Found)';
    expect(c.errors.filter((e) => e === notFound)).toHaveLength(expected.length);
    expect(
      c.errors.filter((e) => e !== notFound),
      JSON.stringify(c.errors),
    ).toEqual([]);
    expect(c.offLoopback).toEqual([]);
  });
});
