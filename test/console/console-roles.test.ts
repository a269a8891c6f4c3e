/**
 * Enterprise applications > NordPass > Users and groups with app roles, in a real browser (headless Debian chromium
 * through playwright-core): Add user/group with Select a role (the roles read from the service principal's
 * appRoles), a second role for the same user, the same role twice refused beside the form, Edit assignment as a
 * script does it (the new role's assignment first, then the old one removed; a refusal removes nothing), names shown
 * as text; each checked over Graph. End to end, in a world following scimRole=mapped: a role mapping in the job's
 * schema and an assignment with Admin made on the page make the NordPass member an Admin.
 */
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../simulator/serve/server.ts';
import { newUser } from '../helpers/graph.ts';
import { CHROMIUM, HAS_CHROMIUM } from './browser.ts';

const SCREENSHOT = new URL('../../docs/console-roles.png', import.meta.url).pathname;
const ROLE_MAPPING = {
  targetAttributeName: 'roles[primary eq "True"].value',
  source: { type: 'Function', expression: 'SingleAppRoleAssignment([appRoleAssignments])', parameters: [] },
  flowType: 'Always',
  matchingPriority: 0,
  defaultValue: null,
  flowBehavior: 'FlowWhenChanged',
  exportMissingReferences: false,
};

interface Assignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalDisplayName: string;
}

describe.skipIf(!HAS_CHROMIUM)('Users and groups: app roles in the console', () => {
  let s: RunningServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const broken: string[] = [];
  const offLoopback: string[] = [];
  /** The assignment calls the page sent, in order ("POST", "DELETE <id>"). */
  const sent: string[] = [];

  // browser.ts's openConsole starts a world with the default variants; this one follows scimRole=mapped (NordPass
  // reads a role Entra sends), the way `scimsim console --variant scimRole=mapped` starts it.
  beforeAll(async () => {
    s = await startServer({
      host: '127.0.0.1',
      port: 0,
      seed: 'console-roles',
      start: '2026-01-05T09:00:00Z',
      variants: { scimRole: 'mapped' },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('console', (m) => {
      if (
        m.type() === 'error' &&
        !/^Failed to load resource: the server responded with a status of 40[0139]/.test(m.text())
      )
        errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() === 404 || r.status() >= 500) broken.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.hostname !== '127.0.0.1') offLoopback.push(r.url());
      const assignment = /\/appRoleAssignedTo(?:\/([^/?]+))?$/.exec(url.pathname);
      if (assignment && r.method() !== 'GET') sent.push(`${r.method()}${assignment[1] ? ` ${assignment[1]}` : ''}`);
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(s.session.signIn.newLink(s.origin));
    await page.locator('#live[data-live="yes"]').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const headers = () => ({ Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' });
  /** A call to the world with the admin token, as a script makes it; the parsed answer. */
  async function call(method: string, path: string, body?: unknown): Promise<any> {
    const r = await fetch(`${s.origin}${path}`, {
      method,
      headers: headers(),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  const sp = () => `/azure/v1.0/servicePrincipals/${s.azure.app.servicePrincipalId}`;
  /** A role's id by its display name, as Graph lists the app's roles. */
  async function roleId(displayName: string): Promise<string> {
    const { appRoles } = await call('GET', sp());
    const role = appRoles.find((r: { displayName: string }) => r.displayName === displayName);
    if (!role) throw new Error(`the app has no role ${displayName}`);
    return role.id;
  }
  async function createUser(upn: string, displayName: string): Promise<string> {
    return (await call('POST', '/azure/v1.0/users', newUser({ userPrincipalName: upn, displayName }))).id;
  }
  async function userId(upn: string): Promise<string> {
    const filter = encodeURIComponent(`userPrincipalName eq '${upn}'`);
    return (await call('GET', `/azure/v1.0/users?$filter=${filter}`)).value[0].id;
  }
  /** A principal's assignments over Graph, oldest first. */
  async function assignmentsOf(principalId: string): Promise<Assignment[]> {
    const filter = encodeURIComponent(`principalId eq '${principalId}'`);
    return (await call('GET', `${sp()}/appRoleAssignedTo?$filter=${filter}`)).value;
  }

  const addForm = () => page.locator('#add-assignment');
  const editForm = () => page.locator('#edit-assignment');
  /** The assignments table's row of this principal with this role (by its Edit assignment button). */
  const row = (name: string, role: string) =>
    page
      .locator('#assignments tr')
      .filter({ has: page.getByRole('button', { name: `Edit assignment: ${name} (${role})`, exact: true }) });
  const cells = (name: string, role: string) => row(name, role).locator('td').allTextContents();

  /** The parts of Users and groups that reach beyond the Entra panel's edges. */
  async function outsideThePanel(): Promise<string[]> {
    const panel = (await page.locator('section[aria-labelledby="entra-title"]').boundingBox())!;
    const out: string[] = [];
    for (const selector of ['#add-assignment', 'table.assignments', '#edit-assignment']) {
      const box = (await page.locator(selector).boundingBox())!;
      if (box.x < panel.x || box.x + box.width > panel.x + panel.width) out.push(`${selector} ${box.x}+${box.width}`);
    }
    return out;
  }
  /** Whether a row's Remove sits under its Edit assignment rather than beside it. */
  async function stacked(name: string): Promise<boolean> {
    const edit = (await page.getByRole('button', { name: `Edit assignment: ${name}`, exact: true }).boundingBox())!;
    const remove = (await page.getByRole('button', { name: `Remove: ${name}`, exact: true }).boundingBox())!;
    return remove.y >= edit.y + edit.height;
  }

  /** Add user/group, Select a role, Assign: as an admin fills the form. */
  async function assignOnPage(upn: string, role: string) {
    await page.getByLabel('Add user/group').fill(upn);
    await addForm().getByLabel('Select a role').selectOption({ label: role });
    await addForm().getByRole('button', { name: 'Assign', exact: true }).click();
  }

  it('Select a role lists the roles of the service principal, Default Access first and chosen', async () => {
    const { appRoles } = await call('GET', sp());
    const select = addForm().getByLabel('Select a role');
    await expect.poll(() => select.locator('option').count()).toBe(appRoles.length);
    const options = await select
      .locator('option')
      .evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
    const fromGraph = appRoles.map((r: { id: string; displayName: string }) => [r.id, r.displayName]);
    expect(options[0]).toEqual([await roleId('Default Access'), 'Default Access']);
    expect(options.slice().sort()).toEqual(fromGraph.slice().sort());
    expect(await select.inputValue()).toBe(await roleId('Default Access'));
    expect(await page.locator('#assignments').locator('..').locator('th').allTextContents()).toEqual([
      'Display name',
      'Object type',
      'Role assigned',
      'Actions',
    ]);
  });

  it('Add user/group with Admin: over Graph the assignment has the Admin role id, and Role assigned says Admin', async () => {
    const ada = await createUser('ada@contoso.com', 'Ada Lovelace');
    await assignOnPage('ada@contoso.com', 'Admin');
    await row('Ada Lovelace', 'Admin').waitFor();
    const list = await assignmentsOf(ada);
    expect(list.map((a) => a.appRoleId)).toEqual([await roleId('Admin')]);
    expect(await cells('Ada Lovelace', 'Admin')).toEqual(['Ada Lovelace', 'User', 'Admin', 'Edit assignmentRemove']);
    // The form is ready for the next one: the name cleared, Select a role back on Default Access.
    expect(await page.getByLabel('Add user/group').inputValue()).toBe('');
    expect(await addForm().getByLabel('Select a role').inputValue()).toBe(await roleId('Default Access'));
    expect(await page.locator('#assignments-status').textContent()).toBe(
      'Assigned ada@contoso.com with the role Admin.',
    );
    // The record says the role, so the export replays it.
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('assign: {"principals":"ada","role":"Admin"}');
  });

  it('a second, different role for the same user: two assignments, two rows', async () => {
    const ada = await userId('ada@contoso.com');
    await assignOnPage('ada@contoso.com', 'User');
    await row('Ada Lovelace', 'User').waitFor();
    expect((await assignmentsOf(ada)).map((a) => a.appRoleId)).toEqual([await roleId('Admin'), await roleId('User')]);
    expect(await row('Ada Lovelace', 'Admin').count()).toBe(1);
    expect(await cells('Ada Lovelace', 'User')).toEqual(['Ada Lovelace', 'User', 'User', 'Edit assignmentRemove']);
    expect(await page.locator('#assign-error').isVisible()).toBe(false);
  });

  it('the same role twice: Graph error beside the form, what was chosen kept, nothing changed', async () => {
    const ada = await userId('ada@contoso.com');
    const before = await call('GET', `${sp()}/appRoleAssignedTo`);
    const rowsBefore = await page.locator('#assignments tr').count();
    const posts = sent.length;
    await assignOnPage('ada@contoso.com', 'Admin');
    const error = page.locator('#assign-error');
    await expect
      .poll(() => error.textContent())
      .toBe('Not assigned: Permission being assigned already exists on the object.');
    expect(await error.isVisible()).toBe(true);
    // The refusal is shown where the form is, not (also) at the top of the page.
    expect(await page.locator('#problem').isVisible()).toBe(false);
    expect(sent.slice(posts)).toEqual(['POST']);
    expect(await call('GET', `${sp()}/appRoleAssignedTo`)).toEqual(before);
    expect((await assignmentsOf(ada)).length).toBe(2);
    expect(await page.locator('#assignments tr').count()).toBe(rowsBefore);
    expect(await page.getByLabel('Add user/group').inputValue()).toBe('ada@contoso.com');
    expect(await addForm().getByLabel('Select a role').inputValue()).toBe(await roleId('Admin'));
    // Someone who is not in the directory: said beside the form too, nothing sent.
    await page.getByLabel('Add user/group').fill('nobody@contoso.com');
    await addForm().getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(() => error.textContent()).toBe('Not assigned: no user or group "nobody@contoso.com".');
    expect(sent.slice(posts)).toEqual(['POST']);
    await page.getByLabel('Add user/group').fill('');
  });

  it('Edit assignment from User to Admin: the new role assigned first, then the old removed; one assignment with Admin', async () => {
    const bob = await createUser('bob@contoso.com', 'Bob Babbage');
    await assignOnPage('bob@contoso.com', 'User');
    await row('Bob Babbage', 'User').waitFor();
    const [old] = await assignmentsOf(bob);
    expect(old!.appRoleId).toBe(await roleId('User'));
    const from = sent.length;
    await page.getByRole('button', { name: 'Edit assignment: Bob Babbage (User)', exact: true }).click();
    expect(await editForm().isVisible()).toBe(true);
    expect(await page.locator('#edit-assignment-title').textContent()).toBe('Edit assignment: Bob Babbage');
    expect(await page.locator('#edit-assignment-now').textContent()).toBe('User · Role assigned: User');
    const select = editForm().getByLabel('Select a role');
    expect(await select.inputValue()).toBe(await roleId('User'));
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.id'))
      .toBe('edit-assignment-role');
    await select.selectOption({ label: 'Admin' });
    await editForm().getByRole('button', { name: 'Assign', exact: true }).click();
    await row('Bob Babbage', 'Admin').waitFor();
    const now = await assignmentsOf(bob);
    expect(now.map((a) => a.appRoleId)).toEqual([await roleId('Admin')]);
    expect(now[0]!.id).not.toBe(old!.id);
    // As a script does it: POST the new role, then DELETE the old assignment (Bob never leaves the app's scope).
    expect(sent.slice(from)).toEqual(['POST', `DELETE ${old!.id}`]);
    expect(await row('Bob Babbage', 'User').count()).toBe(0);
    expect(await cells('Bob Babbage', 'Admin')).toEqual(['Bob Babbage', 'User', 'Admin', 'Edit assignmentRemove']);
    expect(await editForm().isVisible()).toBe(false);
    expect(await page.locator('#assignments-status').textContent()).toBe(
      'Changed the role of Bob Babbage: User → Admin.',
    );
  });

  it('Edit assignment to a role the user holds already: refused, nothing removed, the error in the form', async () => {
    const ada = await userId('ada@contoso.com');
    const before = await assignmentsOf(ada);
    const from = sent.length;
    await page.getByRole('button', { name: 'Edit assignment: Ada Lovelace (User)', exact: true }).click();
    await editForm().getByLabel('Select a role').selectOption({ label: 'Admin' });
    await editForm().getByRole('button', { name: 'Assign', exact: true }).click();
    const error = page.locator('#edit-assignment-error');
    await expect
      .poll(() => error.textContent())
      .toBe('Not changed, nothing was removed: Permission being assigned already exists on the object.');
    expect(sent.slice(from)).toEqual(['POST']);
    expect(await assignmentsOf(ada)).toEqual(before);
    expect(await page.locator('#problem').isVisible()).toBe(false);
    expect(await editForm().isVisible()).toBe(true);
    // Cancel closes the form; the same role chosen again changes nothing and sends nothing.
    await editForm().getByRole('button', { name: 'Cancel' }).click();
    expect(await editForm().isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Edit assignment: Ada Lovelace (User)', exact: true }).click();
    expect(await error.isVisible()).toBe(false);
    await editForm().getByRole('button', { name: 'Assign', exact: true }).click();
    await expect
      .poll(() => page.locator('#assignments-status').textContent())
      .toBe('Nothing changed: Ada Lovelace has the role User already.');
    expect(sent.slice(from)).toEqual(['POST']);
    expect(await assignmentsOf(ada)).toEqual(before);
  });

  it('Remove takes away one role: the other assignment stays', async () => {
    const ada = await userId('ada@contoso.com');
    await page.getByRole('button', { name: 'Remove: Ada Lovelace (User)', exact: true }).click();
    await expect.poll(() => row('Ada Lovelace', 'User').count()).toBe(0);
    expect((await assignmentsOf(ada)).map((a) => a.appRoleId)).toEqual([await roleId('Admin')]);
    expect(await row('Ada Lovelace', 'Admin').count()).toBe(1);
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('unassign: {"principals":"ada","role":"User"}');
  });

  it("another client's assignment over Graph shows in the open page, without a reload", async () => {
    const id = await createUser('otto@contoso.com', 'Otto Outside');
    await call('POST', `${sp()}/appRoleAssignedTo`, {
      principalId: id,
      resourceId: s.azure.app.servicePrincipalId,
      appRoleId: await roleId('Admin'),
    });
    await expect.poll(() => row('Otto Outside', 'Admin').count(), { timeout: 5_000 }).toBe(1);
    // A long name without spaces breaks inside its cell: the table stays in the Entra panel.
    const long = `Otto${'x'.repeat(80)}`;
    const other = await createUser('otto2@contoso.com', long);
    await call('POST', `${sp()}/appRoleAssignedTo`, { principalId: other, resourceId: s.azure.app.servicePrincipalId });
    await expect.poll(() => row(long, 'Default Access').count(), { timeout: 5_000 }).toBe(1);
    const panel = (await page.locator('section[aria-labelledby="entra-title"]').boundingBox())!;
    await expect.poll(() => page.locator('#users').textContent()).toContain(long);
    for (const table of ['table.assignments', 'table:has(#users)']) {
      const box = (await page.locator(table).boundingBox())!;
      expect(box.x + box.width, table).toBeLessThanOrEqual(panel.x + panel.width);
    }
    await call('DELETE', `${sp()}/appRoleAssignedTo/${(await assignmentsOf(other))[0]!.id}`);
  });

  it('names from users are text: a display name like markup is no element of the page', async () => {
    const evil = '<img src=x onerror="window.__rolesXss=1">';
    await createUser('eve@contoso.com', evil);
    await assignOnPage('eve@contoso.com', 'User');
    await row(evil, 'User').waitFor();
    expect((await cells(evil, 'User'))[0]).toBe(evil);
    await page.getByRole('button', { name: `Edit assignment: ${evil} (User)`, exact: true }).click();
    expect(await page.locator('#edit-assignment-title').textContent()).toBe(`Edit assignment: ${evil}`);
    expect(await page.locator('#assignments img, #edit-assignment img').count()).toBe(0);
    expect(await page.evaluate('window.__rolesXss')).toBeUndefined();
    await editForm().getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: `Remove: ${evil} (User)`, exact: true }).click();
    await expect.poll(() => row(evil, 'User').count()).toBe(0);
  });

  it('screenshot: Users and groups with Role assigned, the add form filled in and Edit assignment open', async () => {
    await call('POST', '/azure/v1.0/groups', {
      displayName: 'Sales',
      mailEnabled: false,
      mailNickname: 'sales',
      securityEnabled: true,
    });
    await assignOnPage('Sales', 'Default Access');
    await expect.poll(() => page.locator('#assignments').textContent()).toContain('Sales');
    await page.getByLabel('Add user/group').fill('grace@contoso.com');
    await addForm().getByLabel('Select a role').selectOption({ label: 'Admin' });
    await page.getByRole('button', { name: 'Edit assignment: Bob Babbage (Admin)', exact: true }).click();
    await editForm().getByLabel('Select a role').selectOption({ label: 'User' });
    // At 1280x800 Users and groups fits in the Entra panel (its table, its forms), Edit assignment beside Remove.
    expect(await outsideThePanel()).toEqual([]);
    expect(await page.locator('table.assignments').evaluate((t) => t.scrollWidth <= t.clientWidth)).toBe(true);
    expect(await stacked('Sales (Default Access)')).toBe(false);
    const scrollY = await page.evaluate<number>('window.scrollY');
    const panel = (await page.locator('section[aria-labelledby="entra-title"]').boundingBox())!;
    const top = (await page.locator('#assignments-title').boundingBox())!.y + scrollY - 8;
    const end = (await editForm().boundingBox())!;
    const clip = { x: panel.x, y: top, width: panel.width, height: end.y + end.height + scrollY + 12 - top };
    await mkdir(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip });
    // In a narrow window too: the buttons stack, and the view still ends inside the panel.
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      expect(await outsideThePanel()).toEqual([]);
      expect(await stacked('Sales (Default Access)')).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await editForm().getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Add user/group').fill('');
  });

  it('end to end (scimRole=mapped): a role mapping in the job schema and Admin assigned on the page make the NordPass member an Admin', async () => {
    const generation = s.session.summary().generation;
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => s.session.summary().generation).toBeGreaterThan(generation);
    await expect.poll(() => page.locator('#record-count').textContent()).toBe('0 steps so far.');
    expect(s.session.world.variants.all.scimRole).toBe('mapped');
    await expect.poll(() => page.locator('#assignments').textContent()).toBe('Nobody is assigned.');
    await createUser('erin@contoso.com', 'Erin Hopper');
    await createUser('finn@contoso.com', 'Finn Turing');
    // The job, and the role mapping pushed into its schema over Graph, as a script does it.
    const job = await call('POST', `${sp()}/synchronization/jobs`, { templateId: 'scim' });
    const schemaPath = `${sp()}/synchronization/jobs/${job.id}/schema`;
    const { '@odata.context': _context, ...schema } = await call('GET', schemaPath);
    const users = schema.synchronizationRules[0].objectMappings.find((m: any) => m.sourceObjectName === 'User');
    users.attributeMappings.push(ROLE_MAPPING);
    await call('PUT', schemaPath, schema);
    const saved = (await call('GET', schemaPath)).synchronizationRules[0].objectMappings.find(
      (m: any) => m.sourceObjectName === 'User',
    );
    expect(saved.attributeMappings.map((m: any) => m.targetAttributeName)).toContain('roles[primary eq "True"].value');
    // Users and groups: Erin with Admin, Finn with User, on the page.
    await assignOnPage('erin@contoso.com', 'Admin');
    await row('Erin Hopper', 'Admin').waitFor();
    await assignOnPage('finn@contoso.com', 'User');
    await row('Finn Turing', 'User').waitFor();
    // NordPass > Get credentials, typed into Provisioning; Save, Start provisioning, the next cycle.
    await page.getByRole('button', { name: 'Get credentials' }).click();
    await expect.poll(() => page.locator('#secret-token').textContent()).toMatch(/^\S{20,}$/);
    await page.getByLabel('Tenant URL').fill((await page.locator('#tenant-url').textContent())!);
    await page.getByLabel('Secret Token').fill((await page.locator('#secret-token').textContent())!);
    await page.locator('#provisioning').getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#test-result').textContent()).toBe('Saved.');
    await page.getByRole('button', { name: 'Start provisioning', exact: true }).click();
    await expect.poll(() => page.locator('#record-steps').textContent()).toContain('start');
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    // The NordPass Admin Panel: the new members, pending, Erin an Admin and Finn a User.
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe('Pending (2)');
    const member = (upn: string) =>
      page
        .locator('#members tr')
        .filter({ has: page.getByRole('link', { name: upn, exact: true }) })
        .locator('td');
    await expect
      .poll(async () => (await member('erin@contoso.com').allTextContents()).slice(0, 2))
      .toEqual(['erin@contoso.com', 'admin']);
    expect((await member('finn@contoso.com').allTextContents()).slice(0, 2)).toEqual(['finn@contoso.com', 'user']);
    // What NordPass holds, over its Admin Panel API: the role came with the SCIM POST.
    const { members } = await call('GET', '/admin/members?search=erin');
    expect(members.map((m: any) => [m.userName, m.role])).toEqual([['erin@contoso.com', 'admin']]);
  });

  it('made no console errors, no unexpected 404 or 5xx, and no request beyond loopback', () => {
    expect(broken, JSON.stringify(broken)).toEqual([]);
    expect(errors, JSON.stringify(errors)).toEqual([]);
    expect(offLoopback).toEqual([]);
  });
});
