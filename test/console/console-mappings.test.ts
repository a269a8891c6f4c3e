/**
 * Provisioning > Mappings > Attribute mappings, in a real browser (headless Debian chromium through playwright-core):
 * Add New Mapping (Direct, Constant, Expression) and Edit through the Edit Attribute form, Delete by target attribute,
 * a refused expression shown beside the form with its column, each change checked in the job's schema over Graph,
 * and a mapping added on the page reaching NordPass at the next cycle (a full sync).
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ATTRIBUTES } from '../../mock-azure/app/mappings.ts';
import type { RunningServer } from '../../simulator/serve/server.ts';
import { newUser } from '../helpers/graph.ts';
import { type ConsoleInBrowser, HAS_CHROMIUM, openConsole } from './browser.ts';

const SHOTS = new URL('../../reports/', import.meta.url).pathname;
const JOIN = 'Join(" ", [givenName], [surname])';

interface Fields {
  type?: 'Direct' | 'Constant' | 'Expression';
  source?: string;
  constant?: string;
  expression?: string;
  defaultValue?: string;
  target?: string;
  match?: 'Yes' | 'No';
  precedence?: string;
  apply?: 'Always' | 'Only during object creation';
}

describe.skipIf(!HAS_CHROMIUM)('Provisioning > Mappings: attribute mappings in the console', () => {
  let c: ConsoleInBrowser;
  let s: RunningServer;
  let page: Page;

  beforeAll(async () => {
    c = await openConsole('console-mappings');
    ({ s, page } = c);
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  const jobs = () => `/azure/v1.0/servicePrincipals/${s.azure.app.servicePrincipalId}/synchronization/jobs`;
  /** The job's schema over Graph, as any client reads it. */
  async function schema() {
    const { value } = await c.call('GET', jobs());
    return c.call('GET', `${jobs()}/${value[0].id}/schema`);
  }
  const userMappings = async (): Promise<any[]> =>
    (await schema()).synchronizationRules[0].objectMappings.find((m: any) => m.sourceObjectName === 'User')
      .attributeMappings;
  const mappingOf = async (target: string) => (await userMappings()).find((m) => m.targetAttributeName === target);
  const targets = async () => (await userMappings()).map((m) => m.targetAttributeName);

  const table = () => page.locator('#attribute-mappings');
  const form = () => page.locator('#mapping-form');
  const row = (target: string) =>
    table()
      .locator('tr')
      .filter({ has: page.getByRole('button', { name: `Edit: ${target}`, exact: true }) });

  /** The Edit Attribute form's fields, as an admin fills them; only those given. */
  async function fill(f: Fields) {
    if (f.type) await page.getByLabel('Mapping type').selectOption(f.type);
    if (f.source !== undefined) await page.getByLabel('Source attribute').selectOption(f.source);
    if (f.constant !== undefined) await page.getByLabel('Constant value').fill(f.constant);
    if (f.expression !== undefined) await page.getByLabel('Expression', { exact: true }).fill(f.expression);
    if (f.defaultValue !== undefined) await page.getByLabel('Default value if null (optional)').fill(f.defaultValue);
    if (f.target !== undefined) await page.getByLabel('Target attribute').fill(f.target);
    if (f.match) await page.getByLabel('Match objects using this attribute').selectOption(f.match);
    if (f.precedence !== undefined) await page.getByLabel('Matching precedence').fill(f.precedence);
    if (f.apply) await page.getByLabel('Apply this mapping').selectOption({ label: f.apply });
  }
  const save = () => form().getByRole('button', { name: 'Save', exact: true }).click();

  /** Add New Mapping, the form filled and saved; resolves when the page shows the saved mapping. */
  async function addMapping(f: Fields) {
    await page.getByRole('button', { name: 'Add New Mapping' }).click();
    await fill(f);
    await save();
    await expect
      .poll(() => page.locator('#mappings-status').textContent())
      .toContain(`Saved the mapping of ${f.target}`);
    await row(f.target!).waitFor();
  }

  it('with no job yet the page says so; Add New Mapping makes the job, with its defaults, and adds a Constant mapping', async () => {
    expect((await c.call('GET', jobs())).value).toEqual([]);
    await expect.poll(() => table().textContent()).toContain('No provisioning job yet');
    const value = 'Contractor "A" <b>&</b> \\ co';
    await page.getByRole('button', { name: 'Add New Mapping' }).click();
    expect(await form().isVisible()).toBe(true);
    // Constant: no Source attribute, no Expression, no default value (the portal's fields for the type).
    await fill({ type: 'Constant' });
    expect(await page.getByLabel('Source attribute').isVisible()).toBe(false);
    expect(await page.getByLabel('Expression', { exact: true }).isVisible()).toBe(false);
    expect(await page.getByLabel('Default value if null (optional)').isVisible()).toBe(false);
    await fill({ constant: value, target: 'title' });
    await save();
    await row('title').waitFor();
    expect(await form().isVisible()).toBe(false);
    expect(await page.locator('#mappings-status').textContent()).toContain('full sync');
    // Over Graph: a job now, the app's defaults kept, the constant added as Graph's Constant source.
    expect((await c.call('GET', jobs())).value).toHaveLength(1);
    expect(await targets()).toEqual(['userName', 'active', 'externalId', 'title']);
    expect(await mappingOf('title')).toMatchObject({
      defaultValue: null,
      flowType: 'Always',
      matchingPriority: 0,
      source: { expression: '"Contractor \\"A\\" <b>&</b> \\\\ co"', name: value, parameters: [], type: 'Constant' },
    });
    expect(s.azure.app.settings.mappings.find((m) => m.target === 'title')).toEqual({
      constant: value,
      target: 'title',
    });
    // Shown as text: the user's markup is no element of the page.
    expect(await row('title').locator('td').nth(1).textContent()).toBe('Constant');
    expect(await row('title').textContent()).toContain('<b>&</b>');
    expect(await table().locator('b').count()).toBe(0);
    // The defaults, as the portal names their types: active's Not([IsSoftDeleted]) is an Expression.
    expect(await row('userName').locator('td').allTextContents()).toEqual([
      'userName',
      'Direct',
      '[userPrincipalName]',
      '1',
      'Always',
      'EditDelete',
    ]);
    expect(await row('active').locator('td').nth(1).textContent()).toBe('Expression');
    expect(await row('active').locator('td').nth(2).textContent()).toBe('Not([IsSoftDeleted])');
  });

  it('an Expression mapping typed in the form is in the job schema as its source tree', async () => {
    await addMapping({ type: 'Expression', expression: JOIN, target: 'displayName' });
    const m = await mappingOf('displayName');
    expect(m).toMatchObject({ flowType: 'Always', matchingPriority: 0, defaultValue: null });
    expect(m.source).toMatchObject({ expression: JOIN, name: 'Join', type: 'Function' });
    expect(m.source.parameters.map((p: any) => p.value)).toEqual([
      { expression: '" "', name: ' ', parameters: [], type: 'Constant' },
      { expression: '[givenName]', name: 'givenName', parameters: [], type: 'Attribute' },
      { expression: '[surname]', name: 'surname', parameters: [], type: 'Attribute' },
    ]);
    expect(await row('displayName').locator('td').nth(1).textContent()).toBe('Expression');
    expect(await row('displayName').locator('td').nth(2).textContent()).toBe(JOIN);
  });

  it('a role mapping: the role target is offered, SingleAppRoleAssignment is taken; a role function on anything but [appRoleAssignments] is refused', async () => {
    const offered = await page
      .locator('#mapping-targets option')
      .evaluateAll((os) => os.map((o) => o.getAttribute('value')));
    expect(offered).toEqual(
      expect.arrayContaining([
        'roles[primary eq "True"].value',
        'roles',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      ]),
    );
    const target = 'roles[primary eq "True"].value';
    await page.getByRole('button', { name: 'Add New Mapping' }).click();
    await fill({ type: 'Expression', expression: 'SingleAppRoleAssignment([mail])', target });
    await save();
    await expect.poll(() => form().textContent()).toContain('SingleAppRoleAssignment takes [appRoleAssignments]');
    expect(await targets()).not.toContain(target);
    await fill({ expression: 'SingleAppRoleAssignment([appRoleAssignments])' });
    await save();
    await row(target).waitFor();
    expect((await mappingOf(target)).source).toMatchObject({ name: 'SingleAppRoleAssignment', type: 'Function' });
    // Taken away again: the tests below expect the mappings they made.
    await table()
      .getByRole('button', { name: `Delete: ${target}`, exact: true })
      .click();
    await expect.poll(() => targets()).not.toContain(target);
  });

  it('Edit: the form opens filled in; Only during object creation is saved as flowType ObjectAddOnly', async () => {
    const before = await mappingOf('displayName');
    await page.getByRole('button', { name: 'Edit: displayName', exact: true }).click();
    expect(await page.locator('#mapping-form-title').textContent()).toBe('Edit Attribute: displayName');
    expect(await page.getByLabel('Mapping type').inputValue()).toBe('Expression');
    expect(await page.getByLabel('Expression', { exact: true }).inputValue()).toBe(JOIN);
    expect(await page.getByLabel('Target attribute').inputValue()).toBe('displayName');
    expect(await page.getByLabel('Apply this mapping').inputValue()).toBe('Always');
    await fill({ apply: 'Only during object creation', defaultValue: 'Unknown' });
    await save();
    await expect.poll(async () => (await mappingOf('displayName')).flowType).toBe('ObjectAddOnly');
    const after = await mappingOf('displayName');
    expect(after.defaultValue).toBe('Unknown');
    expect(after.source).toEqual(before.source);
    expect(await targets()).toEqual(['userName', 'active', 'externalId', 'title', 'displayName']);
    await expect.poll(() => row('displayName').textContent()).toContain('Only during object creation');
    expect(await row('displayName').textContent()).toContain('Default value if null: Unknown');
    // active's Not([IsSoftDeleted]), saved untouched, keeps its tree: the engine still reads it from scope.
    await page.getByRole('button', { name: 'Edit: active', exact: true }).click();
    expect(await page.getByLabel('Expression', { exact: true }).inputValue()).toBe('Not([IsSoftDeleted])');
    await save();
    await expect.poll(() => page.locator('#mappings-status').textContent()).toBe('Nothing changed: nothing was saved.');
    expect(s.azure.app.settings.mappings.find((m) => m.target === 'active')).toEqual({
      source: 'IsSoftDeleted',
      target: 'active',
    });
  });

  it('a bad expression: the refusal with its column beside the form, what was typed kept, the schema unchanged', async () => {
    const before = await schema();
    await page.getByRole('button', { name: 'Add New Mapping' }).click();
    await fill({ type: 'Expression', expression: 'Join(" ", [givenName]', target: 'nickName' });
    await save();
    const error = page.locator('#mapping-error');
    await expect.poll(() => error.textContent()).toContain('at column 22');
    expect(await error.textContent()).toContain('Join( is not closed with )');
    expect(await error.isVisible()).toBe(true);
    expect(await page.locator('#problem').isVisible()).toBe(false);
    expect(await form().isVisible()).toBe(true);
    expect(await page.getByLabel('Expression', { exact: true }).inputValue()).toBe('Join(" ", [givenName]');
    expect(await page.getByLabel('Target attribute').inputValue()).toBe('nickName');
    expect(await page.getByLabel('Mapping type').inputValue()).toBe('Expression');
    // An attribute the directory lacks, and a target mapped already: refused too.
    await fill({ expression: 'Join(" ", [givenName], [nickname])' });
    await save();
    await expect.poll(() => error.textContent()).toContain('[nickname] is not a directory attribute');
    await fill({ expression: JOIN, target: 'DisplayName' });
    await save();
    await expect.poll(() => error.textContent()).toContain('DisplayName has a mapping already');
    expect(await schema()).toEqual(before);
    await form().getByRole('button', { name: 'Cancel' }).click();
    expect(await form().isVisible()).toBe(false);
  });

  it('Direct: the Source attribute list is what the server takes; a Direct mapping added, and one edited', async () => {
    const options = await page
      .getByLabel('Source attribute')
      .locator('option')
      .evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? '').filter((v) => v !== ''));
    expect(options.sort()).toEqual([...SOURCE_ATTRIBUTES].filter((a) => a !== 'IsSoftDeleted').sort());
    // Each is taken by a PUT of the schema as a Direct source (then the schema goes back as it was).
    const { value } = await c.call('GET', jobs());
    const path = `${jobs()}/${value[0].id}/schema`;
    const { '@odata.context': _context, ...original } = await c.call('GET', path);
    for (const name of options) {
      const body = structuredClone(original);
      body.synchronizationRules[0].objectMappings[0].attributeMappings.push({
        source: { expression: `[${name}]`, name, parameters: [], type: 'Attribute' },
        // The manager is a reference: it maps only to the enterprise extension's manager.
        targetAttributeName:
          name === 'manager' ? 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager' : 'nickName',
      });
      await c.call('PUT', path, body);
    }
    await c.call('PUT', path, original);
    // Add New Mapping: name.givenName <- givenName, a matching attribute after userName.
    await addMapping({ type: 'Direct', source: 'givenName', target: 'name.givenName', match: 'Yes', precedence: '2' });
    expect(await mappingOf('name.givenName')).toMatchObject({
      matchingPriority: 2,
      source: { expression: '[givenName]', name: 'givenName', parameters: [], type: 'Attribute' },
    });
    expect(await row('name.givenName').locator('td').nth(3).textContent()).toBe('2');
    // Edit: externalId reads employeeId now.
    await page.getByRole('button', { name: 'Edit: externalId', exact: true }).click();
    expect(await page.getByLabel('Source attribute').inputValue()).toBe('mailNickname');
    await fill({ source: 'employeeId' });
    await save();
    await expect.poll(async () => (await mappingOf('externalId')).source.name).toBe('employeeId');
    expect(await targets()).toEqual(['userName', 'active', 'externalId', 'title', 'displayName', 'name.givenName']);
  });

  it('screenshot: the attribute mappings and the Edit Attribute form', async () => {
    await page.getByRole('button', { name: 'Edit: displayName', exact: true }).click();
    // From the Mappings heading to the end of the form, across the Entra panel (in page coordinates).
    const scrollY = await page.evaluate<number>('window.scrollY');
    const panel = (await page.locator('section[aria-labelledby="entra-title"]').boundingBox())!;
    const top = (await page.locator('#mappings-title').boundingBox())!.y + scrollY - 8;
    const end = (await form().boundingBox())!;
    const clip = { x: panel.x, y: top, width: panel.width, height: end.y + end.height + scrollY + 12 - top };
    // At 1280x800 the table and the form fit in the Entra panel: nothing scrolls sideways.
    const widths = await page
      .locator('section[aria-labelledby="entra-title"]')
      .evaluate((panel) => [panel.scrollWidth, panel.clientWidth]);
    expect(widths[0], `${widths}`).toBeLessThanOrEqual(widths[1]!);
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}console-attribute-mappings.png`, fullPage: true, clip });
    await form().getByRole('button', { name: 'Cancel' }).click();
  });

  it('Delete removes the mapping of the target clicked, looked up at the click: a double click deletes one', async () => {
    const before = await targets();
    expect(before).toContain('title');
    // Two clicks in one go: the second finds title gone and deletes nothing (not the row now in its place).
    await table()
      .getByRole('button', { name: 'Delete: title', exact: true })
      .evaluate((b: any) => {
        b.click();
        b.click();
      });
    await expect
      .poll(() => page.locator('#mappings-status').textContent())
      .toBe('title has no mapping any more: nothing was deleted.');
    expect(await targets()).toEqual(before.filter((t) => t !== 'title'));
    expect(await table().textContent()).not.toContain('Contractor');
    // The last matching attributes cannot all go: the refusal is shown under the table, and nothing changes.
    await table().getByRole('button', { name: 'Delete: name.givenName', exact: true }).click();
    await expect.poll(async () => (await targets()).includes('name.givenName')).toBe(false);
    await table().getByRole('button', { name: 'Delete: userName', exact: true }).click();
    await expect
      .poll(() => page.locator('#mappings-status').textContent())
      .toContain('Not deleted: At least one attribute mapping must be a matching attribute');
    expect(await targets()).toEqual(['userName', 'active', 'externalId', 'displayName']);
  });

  it('end to end: a mapping added on the page reaches NordPass at the next cycle, a full sync', async () => {
    await c.resetFromPage();
    const user = await c.call(
      'POST',
      '/azure/v1.0/users',
      newUser({
        userPrincipalName: 'ada@contoso.com',
        displayName: 'Countess of Lovelace',
        givenName: 'Ada',
        surname: 'Lovelace',
      }),
    );
    const sp = s.azure.app.servicePrincipalId;
    await c.call('POST', `/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, {
      principalId: user.id,
      resourceId: sp,
    });
    const { tenantUrl, secretToken } = await c.call('POST', '/admin/provisioning/credentials');
    await c.call('PUT', `/azure/v1.0/servicePrincipals/${sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: tenantUrl },
        { key: 'SecretToken', value: secretToken },
      ],
    });
    await c.call('POST', `${jobs()}/${s.azure.job.id}/start`);
    const scimUser = async () => {
      const filter = encodeURIComponent('userName eq "ada@contoso.com"');
      const r = await fetch(`${s.origin}/scim/v2/Users?filter=${filter}`, {
        headers: { Authorization: `Bearer ${secretToken}` },
      });
      return ((await r.json()) as { Resources: any[] }).Resources[0];
    };
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(async () => (await scimUser())?.userName).toBe('ada@contoso.com');
    // The NordPass app's defaults send no displayName.
    expect((await scimUser()).displayName).toBeUndefined();
    await addMapping({ type: 'Expression', expression: JOIN, target: 'displayName' });
    // Ada has not changed: only the full sync a mapping change starts sends her the new attribute.
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(async () => (await scimUser()).displayName).toBe('Ada Lovelace');
  });

  it('made no console errors, no unexpected 404 or 5xx, and no request beyond loopback', () => {
    expect(c.broken, JSON.stringify(c.broken)).toEqual([]);
    expect(c.errors, JSON.stringify(c.errors)).toEqual([]);
    expect(c.offLoopback).toEqual([]);
  });
});
