/**
 * The console in a real browser (headless Debian chromium through playwright-core): sign-in, the clock, what
 * happens next, scenarios opened and stepped, the record, the live activity; user text shown as text; a change
 * without the CSRF token refused; no console errors; no request leaves loopback. With CI=true a missing browser
 * fails the run instead of skipping it.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../simulator/scenario/load.ts';
import { runScenario } from '../../simulator/scenario/run.ts';
import { VARIANT_NAMES } from '../../simulator/variants.ts';
import type { RunningServer } from '../../simulator/serve/server.ts';
import { CHROMIUM, type ConsoleInBrowser, HAS_CHROMIUM, openConsole } from './browser.ts';
import { newUser } from '../helpers/graph.ts';

const IN_CI = process.env.CI === 'true';
const SHOTS = new URL('../../reports/', import.meta.url).pathname;

it('a browser is there when CI runs the console tests', () => {
  if (IN_CI) expect(HAS_CHROMIUM, `${CHROMIUM} is missing: .ci/run installs Debian's chromium`).toBe(true);
  else expect(typeof HAS_CHROMIUM).toBe('boolean');
});

describe.skipIf(!HAS_CHROMIUM)('the console in a browser', () => {
  let c: ConsoleInBrowser;
  let s: RunningServer;
  let page: Page;

  beforeAll(async () => {
    // Not signed in yet: the first test looks at the page without a session.
    c = await openConsole('console', { signIn: false });
    ({ s, page } = c);
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  const resetFromPage = () => c.resetFromPage();

  it('without a session the page says how to sign in; a JSON client still gets JSON at /', async () => {
    const json = await fetch(`${s.origin}/`, { headers: { Accept: 'application/json' } });
    expect(await json.json()).toMatchObject({ service: 'scimsim', tenantUrl: `${s.origin}/scim/v2` });
    const response = await page.goto(`${s.origin}/`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    expect(await page.locator('#signed-out').textContent()).toContain('Not signed in');
  });

  it('the sign-in link opens the console on the world; the clock buttons move virtual time', async () => {
    await page.goto(s.signInLink);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('#world-name').textContent()).toBe('A served world');
    // Live: from now on the activity hears every step (the events before the stream opened are not replayed).
    await page.locator('#live[data-live="yes"]').waitFor();
    expect(await page.locator('#now').getAttribute('datetime')).toBe('2026-01-05T09:00:00.000Z');
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect.poll(() => page.locator('#now').getAttribute('datetime')).toBe('2026-01-06T09:00:00.000Z');
    await page.getByLabel('Any duration').fill('2h');
    await page.getByRole('button', { name: 'Advance' }).click();
    await expect.poll(() => page.locator('#now').getAttribute('datetime')).toBe('2026-01-06T11:00:00.000Z');
    await expect.poll(() => page.locator('#record-count').textContent()).toBe('2 steps so far.');
    await expect.poll(() => page.locator('#activity li').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#activity').textContent()).toContain('recorded: advance: 1d');
  });

  it('opens a bundled scenario and runs it to the end, every step ok, and lists what happens next', async () => {
    await page.getByLabel('Open scenario').selectOption('02-unassign-active-member.yaml');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.locator('#script-name').textContent()).toMatch(/^Removing an active member/);
    await page.getByRole('button', { name: 'Next step' }).click();
    await expect.poll(() => page.locator('#script-progress').textContent()).toMatch(/^1 of \d+ steps run/);
    await page.getByRole('button', { name: 'Run to the end' }).click();
    await expect.poll(() => page.locator('#script-steps .result.failed').count()).toBe(0);
    const total = await page.locator('#script-steps li').count();
    await expect.poll(() => page.locator('#script-steps .result.ok').count()).toBe(total);
    await expect.poll(() => page.locator('#timers tr').count()).toBeGreaterThan(0);
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}console.png`, fullPage: true });
    // Usable at 1280x800 and in a narrow window: nothing (a long scenario name) widens the page.
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBe(0);
    await page.setViewportSize({ width: 420, height: 800 });
    expect(await overflow()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a failing expectation at its step with expected and actual, and a bad file with its line', async () => {
    const text = `name: fails on purpose
tenant:
  users:
    ada: {}
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - expect: { members: { ada: active } }
`;
    await page.getByLabel('Or paste a scenario (YAML)').fill(text);
    await page.getByRole('button', { name: 'Open pasted scenario' }).click();
    await page.getByRole('button', { name: 'Run to the end' }).click();
    await expect
      .poll(() => page.locator('#script-steps .mismatch').first().textContent())
      .toMatch(/^members\.ada: expected active, got pending/);
    await page.getByLabel('Or paste a scenario (YAML)').fill('name: x\nsteps:\n  - asign: ada\n');
    await page.getByRole('button', { name: 'Open pasted scenario' }).click();
    await expect.poll(() => page.locator('#problem').textContent()).toMatch(/line 3: steps\[0\]\.asign/);
  });

  it('shows text from users as text: a scenario named like markup stays a name', async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    await page.getByLabel('Or paste a scenario (YAML)').fill(`name: '${evil}'\nsteps:\n  - advance: 1m\n`);
    await page.getByRole('button', { name: 'Open pasted scenario' }).click();
    await expect.poll(() => page.locator('#script-name').textContent()).toBe(evil);
    expect(await page.locator('#script-name img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('NordPass Admin Panel: Get credentials, members by tab with counts, accept, a member page, delete', async () => {
    // The Entra side is driven over Graph (its console views are not built yet); NordPass from the page.
    await resetFromPage();
    const admin = { Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' };
    const graph = (method: string, path: string, body?: unknown) =>
      fetch(`${s.origin}/azure/v1.0${path}`, {
        method,
        headers: admin,
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const evil = '<img src=x onerror="window.__xss2=1">';
    const ada = (await (
      await graph('POST', '/users', newUser({ userPrincipalName: 'ada@contoso.com', displayName: evil }))
    ).json()) as { id: string };
    const sp = s.azure.app.servicePrincipalId;
    await graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: ada.id, resourceId: sp });
    await page.getByRole('button', { name: 'Get credentials' }).click();
    await expect.poll(() => page.locator('#secret-token').textContent()).toMatch(/^\S{20,}$/);
    const tenantUrl = (await page.locator('#tenant-url').textContent())!;
    const secretToken = (await page.locator('#secret-token').textContent())!;
    await graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: tenantUrl },
        { key: 'SecretToken', value: secretToken },
      ],
    });
    await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${s.azure.job.id}/start`);
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe('Pending (1)');
    await page.getByRole('button', { name: 'Accept the invitation: ada@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (1)');
    await page.getByRole('tab', { name: /^Active/ }).click();
    await page.getByRole('link', { name: 'ada@contoso.com', exact: true }).click();
    await expect
      .poll(() => page.locator('#member').textContent())
      .toContain('invitationAccepted by invitee (pending → active)');
    await expect.poll(() => page.locator('#outbox li').count()).toBe(1);
    await page.locator('#members').getByRole('button', { name: 'Delete: ada@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Deleted/ }).textContent()).toBe('Deleted (1)');
    // A member another SCIM client made, named like markup: a name in the list, never an element.
    await fetch(`${s.origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secretToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${evil}@x.com` }),
    });
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await expect.poll(() => page.locator('#members').textContent()).toContain(`${evil}@x.com`);
    expect(await page.locator('#members img').count()).toBe(0);
    expect(await page.evaluate('window.__xss2')).toBeUndefined();
    // What was done on the page is in the record, in the scenario's words.
    expect(await page.locator('#record-steps').textContent()).toContain('acceptInvitation: ada');
  });

  it('NordPass Admin Panel: Suspend and Activate, acting as an Owner or an Admin, and the Owner rules in the words of the page', async () => {
    await resetFromPage();
    const admin = { Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' };
    const call = (path: string, method: string, body?: unknown) =>
      fetch(`${s.origin}${path}`, { method, headers: admin, ...(body ? { body: JSON.stringify(body) } : {}) });
    const sp = s.azure.app.servicePrincipalId;
    for (const name of ['ada', 'bob']) {
      const user = (await (
        await call(
          '/azure/v1.0/users',
          'POST',
          newUser({ userPrincipalName: `${name}@contoso.com`, displayName: name }),
        )
      ).json()) as { id: string };
      await call(`/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, 'POST', {
        principalId: user.id,
        resourceId: sp,
      });
    }
    const credentials = (await (await call('/admin/provisioning/credentials', 'POST')).json()) as Record<
      string,
      string
    >;
    await call(`/azure/v1.0/servicePrincipals/${sp}/synchronization/secrets`, 'PUT', {
      value: [
        { key: 'BaseAddress', value: credentials.tenantUrl },
        { key: 'SecretToken', value: credentials.secretToken },
      ],
    });
    await call(`/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs/${s.azure.job.id}/start`, 'POST');
    await page.getByRole('button', { name: '+1 hour' }).click();
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe('Pending (2)');
    await page.getByRole('button', { name: 'Accept the invitation: ada@contoso.com' }).click();
    await page.getByRole('button', { name: 'Accept the invitation: bob@contoso.com' }).click();
    await page.getByRole('tab', { name: /^Active/ }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (2)');

    // An Admin suspends Bob; he is listed under Suspended, where Activate brings him back.
    await page.getByLabel('Acting as').selectOption('admin');
    await page.getByRole('button', { name: 'Suspend: bob@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Suspended/ }).textContent()).toBe('Suspended (1)');
    await page.getByRole('tab', { name: /^Suspended/ }).click();
    await page.getByRole('button', { name: 'Activate: bob@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (2)');

    // An Admin cannot make an Owner: the page says why, and nothing changes.
    await page.getByRole('tab', { name: /^Active/ }).click();
    await page.getByRole('button', { name: 'Make Owner: ada@contoso.com' }).click();
    await expect.poll(() => page.locator('#problem').textContent()).toContain('only an Owner can make an Owner');
    expect(s.nordpass.store.allMembers().find((m) => m.userName === 'ada@contoso.com')!.role).toBe('user');
    // As an Owner: Ada is made Owner, and then cannot be suspended until demoted.
    await page.getByLabel('Acting as').selectOption('owner');
    await page.getByRole('button', { name: 'Make Owner: ada@contoso.com' }).click();
    await expect.poll(() => page.locator('#members').textContent()).toContain('owner');
    await page.getByRole('button', { name: 'Suspend: ada@contoso.com' }).click();
    await expect
      .poll(() => page.locator('#problem').textContent())
      .toContain('ada@contoso.com is an Owner and cannot be suspended; demote them first');
    const record = await page.locator('#record-steps').textContent();
    expect(record).toContain('suspendMember');
    expect(record).toContain('activateMember');
    expect(record).toMatch(/as.{0,4}admin/);
    await page.screenshot({ path: `${SHOTS}admin-panel-owner-rules.png` });
  });

  it('Provisioning > Mappings: a scoping filter added and removed on the page, saved in the job schema, recorded as steps', async () => {
    await resetFromPage();
    const admin = { Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' };
    const call = (path: string, method: string, body?: unknown) =>
      fetch(`${s.origin}${path}`, { method, headers: admin, ...(body ? { body: JSON.stringify(body) } : {}) });
    const sp = s.azure.app.servicePrincipalId;
    for (const [name, department] of [
      ['ada', 'Sales'],
      ['bob', 'Legal'],
    ]) {
      const user = (await (
        await call(
          '/azure/v1.0/users',
          'POST',
          newUser({ userPrincipalName: `${name}@contoso.com`, displayName: name, department }),
        )
      ).json()) as { id: string };
      await call(`/azure/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, 'POST', {
        principalId: user.id,
        resourceId: sp,
      });
    }
    const credentials = (await (await call('/admin/provisioning/credentials', 'POST')).json()) as Record<
      string,
      string
    >;
    await call(`/azure/v1.0/servicePrincipals/${sp}/synchronization/secrets`, 'PUT', {
      value: [
        { key: 'BaseAddress', value: credentials.tenantUrl },
        { key: 'SecretToken', value: credentials.secretToken },
      ],
    });
    await call(`/azure/v1.0/servicePrincipals/${sp}/synchronization/jobs/${s.azure.job.id}/start`, 'POST');
    await page.getByRole('button', { name: '+1 hour' }).click();
    await expect.poll(() => page.locator('#scoping-filters').textContent()).toContain('No scoping filter');
    // department EQUALS Sales, a new filter: saved in the job's schema.
    await page.getByLabel('Attribute', { exact: true }).selectOption('department');
    await page.getByLabel('Operator', { exact: true }).selectOption('EQUALS');
    await page.getByLabel('Value', { exact: true }).fill('Sales');
    await page.getByRole('button', { name: 'Add clause' }).click();
    await expect.poll(() => page.locator('#scoping-filters').textContent()).toContain('department EQUALS Sales');
    expect(s.azure.app.settings.scopingFilters).toEqual([
      { title: 'Scoping filter 1', clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] },
    ]);
    // The next cycle is a full sync: Bob, in Legal, falls out of scope and is disabled.
    await page.getByRole('button', { name: '+1 hour' }).click();
    await expect
      .poll(() => s.nordpass.store.allMembers().find((m) => m.userName === 'bob@contoso.com')?.status)
      .toBe('forbidden');
    await page.getByRole('button', { name: 'Remove: Scoping filter 1' }).click();
    await expect.poll(() => page.locator('#scoping-filters').textContent()).toContain('No scoping filter');
    expect(s.azure.app.settings.scopingFilters).toEqual([]);
    const record = await page.locator('#record-steps').textContent();
    expect(record).toContain('setScopingFilters');
    expect(record).toContain('Sales');
    await page.locator('#mappings-title').scrollIntoViewIfNeeded();
    await page.locator('section[aria-labelledby="entra-title"]').screenshot({ path: `${SHOTS}console-mappings.png` });
  });

  it('the seed guide, clicked through: user, assignment, credentials, Test Connection, Save, Start, accept, remove, 30 days; the export replays it', async () => {
    await resetFromPage();
    // Users > New user; Enterprise applications > NordPass > Users and groups > Add user/group.
    await page.getByLabel('User principal name').fill('ada@contoso.com');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => page.locator('#users').textContent()).toContain('ada@contoso.com');
    await page.getByLabel('Add user/group').fill('ada@contoso.com');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(() => page.locator('#assignments').textContent()).toContain('Ada Lovelace');
    // NordPass Admin Panel > Get credentials, typed into Entra's Provisioning page.
    await expect.poll(() => page.locator('#credentials').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Get credentials' }).click();
    await page.locator('#credentials').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#secret-token').textContent()).toMatch(/^\S{20,}$/);
    await page.getByLabel('Tenant URL').fill((await page.locator('#tenant-url').textContent())!);
    await page.getByLabel('Secret Token').fill((await page.locator('#secret-token').textContent())!);
    await page.getByRole('button', { name: 'Test Connection' }).click();
    await expect
      .poll(() => page.locator('#test-result').textContent())
      .toMatch(/^Test Connection: the supplied credentials are authorized/);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#test-result').textContent()).toBe('Saved.');
    await page.getByRole('button', { name: 'Start provisioning', exact: true }).click();
    await expect.poll(() => page.locator('#job-status').textContent()).toContain('Active');
    // As Graph's start, the cycle waits for the clock: the page says so, and the next cycle is now.
    await expect
      .poll(() => page.locator('#job-status').textContent())
      .toContain('due now: it runs when the clock moves');
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.locator('#logs').textContent()).toContain('create');
    await page.getByRole('link', { name: 'Open the log entry: create ada@contoso.com' }).click();
    await expect
      .poll(() => page.locator('#log-entry').textContent())
      .toContain("EntryExport (success): User 'ada@contoso.com' was created in NordPass");
    // The invitation email goes out; Ada registers.
    await page.getByRole('button', { name: '+1 hour' }).click();
    await expect.poll(() => page.locator('#outbox li').count()).toBe(1);
    await page.getByRole('tab', { name: /^Pending/ }).click();
    await page.getByRole('button', { name: 'Accept the invitation: ada@contoso.com' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Active/ }).textContent()).toBe('Active (1)');
    // Check this: her state goes into the record as an expectation, which the replay below checks.
    await page.getByRole('tab', { name: /^Active/ }).click();
    await page.getByRole('link', { name: 'ada@contoso.com', exact: true }).click();
    await page.getByRole('button', { name: 'Check this: ada is active' }).click();
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('expect: {"members":{"ada":"active"}}');
    // Users and groups > Remove; the next cycle disables her: suspended, and purged 30 days later.
    await page.getByRole('button', { name: 'Remove: Ada Lovelace' }).click();
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Suspended/ }).textContent()).toBe('Suspended (1)');
    await page.getByRole('button', { name: '+30 days' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Deleted/ }).textContent()).toBe('Deleted (1)');
    // Export scenario: what was clicked, as a scenario that scimsim run replays to the same states.
    const yaml = (await page.evaluate(
      "fetch('/_sim/record/export', { credentials: 'same-origin' }).then((r) => r.text())",
    )) as string;
    const replay = await runScenario(parseScenario(yaml, 'clicked.yaml'));
    expect(replay.failure).toBeUndefined();
    expect(replay.members.map((m) => [m.userName, m.status])).toEqual([['ada@contoso.com', 'deleted']]);
  });

  it('Delete user puts a user in Deleted users with the days left; Restore user brings them back', async () => {
    await page.getByLabel('User principal name').fill('bob@contoso.com');
    await page.getByLabel('Display name').fill('Bob');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('button', { name: 'Delete user: bob@contoso.com' }).click();
    await expect
      .poll(() => page.locator('#deleted-users').textContent())
      .toContain('30 days left before automatic deletion');
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect.poll(() => page.locator('#deleted-users').textContent()).toContain('29 days left');
    await page.getByRole('button', { name: 'Restore user: bob@contoso.com' }).click();
    await expect.poll(() => page.locator('#users').textContent()).toContain('bob@contoso.com');
    await expect.poll(() => page.locator('#deleted-users').textContent()).toContain('No deleted users.');
    // Provision on demand for Bob, who is not assigned: the steps say why nothing was done.
    await page.getByRole('button', { name: 'Provision on demand: bob@contoso.com' }).click();
    await expect.poll(() => page.locator('#on-demand').textContent()).toContain('Skipped (NotEffectivelyEntitled');
    expect(await page.locator('#on-demand li').count()).toBeGreaterThan(1);
  });

  it('Faults: NordPass down for a day from the page, listed until cleared', async () => {
    await page.getByRole('button', { name: 'Down for 1 day' }).click();
    await expect
      .poll(() => page.locator('#faults').textContent())
      .toMatch(/fault\d+: NordPass is down to every request until .* \(used 0\)/);
    expect(s.azure.faults.active()).toHaveLength(1);
    await page.getByRole('button', { name: /^Clear fault fault\d+$/ }).click();
    await expect.poll(() => page.locator('#faults li').count()).toBe(0);
    expect(s.azure.faults.active()).toHaveLength(0);
  });

  it('New tenant: a world of N generated users from a seed; the Users list is paged', async () => {
    await page.getByLabel('Generated users').fill('30');
    await page.getByLabel('seed', { exact: true }).fill('tenant-7');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect.poll(() => page.locator('#users tr').count()).toBe(25);
    expect(await page.getByRole('button', { name: 'Show 25 more' }).isVisible()).toBe(true);
    expect(await page.locator('#users-count').textContent()).toBe('25 users shown; there are more.');
    await page.getByRole('button', { name: 'Show 25 more' }).click();
    await expect.poll(() => page.locator('#users tr').count()).toBe(30);
    expect(await page.getByRole('button', { name: 'Show 25 more' }).isHidden()).toBe(true);
    expect([...s.azure.directory.users()]).toHaveLength(30);
    expect(s.session.header.seed).toBe('tenant-7');
  });

  it('New tenant with realistic cycles and an unsettled behaviour chosen: the world follows them and says so', async () => {
    expect(await page.locator('#world-follows').textContent()).toContain('Unsettled behaviours: the defaults');
    await page.getByLabel('Generated users').fill('3');
    await page.getByLabel('cycles').selectOption('realistic');
    await page.locator('#tenant-variants summary').click();
    const choice = page.getByLabel('manualSuspendPurge', { exact: true });
    // Every variant of the catalogue is offered, its default chosen.
    expect(await page.locator('#variant-choices select').count()).toBe(VARIANT_NAMES.length);
    expect(await choice.inputValue()).toBe('noPurge');
    await choice.selectOption('startsPurge');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect
      .poll(() => page.locator('#world-follows').textContent())
      .toBe('Cycles: realistic. Unsettled behaviours: manualSuspendPurge: startsPurge (scimsim variants lists them).');
    expect(s.session.world.variants.all.manualSuspendPurge).toBe('startsPurge');
    expect(s.session.world.azure.job.settings.cycleDuration).toBe('realistic');
    await page.locator('section[aria-labelledby="record-title"]').screenshot({ path: `${SHOTS}console-variants.png` });
    // Back to the defaults for the tests that follow.
    await page.getByLabel('cycles').selectOption('instant');
    await choice.selectOption('noPurge');
  });

  it('two tabs stay in step: a change made in one shows in the other, live', async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(`${s.origin}/`);
      await other.locator('#live[data-live="yes"]').waitFor();
      // Live comes first now (the tab listens before it draws): wait until it has drawn the clock too.
      await expect.poll(() => other.locator('#now').getAttribute('datetime')).not.toBeNull();
      const before = await other.locator('#now').getAttribute('datetime');
      await page.getByRole('button', { name: '+1 day' }).click();
      await expect
        .poll(() => other.locator('#now').getAttribute('datetime'))
        .toBe(new Date(Date.parse(before!) + 86_400_000).toISOString());
      await page.getByLabel('User principal name').fill('tab@contoso.com');
      await page.getByLabel('Display name').fill('Tab');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await expect.poll(() => other.locator('#record-steps').textContent()).toContain('createUser');
    } finally {
      await other.close();
    }
  });

  it('too many deletes: the job is quarantined, and Allow deletes lets the staged deletions through', async () => {
    // A world with a deletion threshold of 1 (a setting the page does not offer yet: set with /_sim/reset).
    const admin = { Authorization: `Bearer ${s.nordpass.adminToken}`, 'Content-Type': 'application/json' };
    const reset = await fetch(`${s.origin}/_sim/reset`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ provisioning: { deletionThreshold: 1 }, tenant: { users: { ann: {}, ben: {} } } }),
    });
    expect(reset.status).toBe(200);
    await page.reload();
    for (const upn of ['ann@contoso.com', 'ben@contoso.com']) {
      await page.getByLabel('Add user/group').fill(upn);
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      await expect.poll(() => page.locator('#assignments').textContent()).toContain(upn.split('@')[0]!);
    }
    await page.getByRole('button', { name: 'Get credentials' }).click();
    await page.locator('#credentials').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#secret-token').textContent()).toMatch(/^\S{20,}$/);
    await page.getByLabel('Tenant URL').fill((await page.locator('#tenant-url').textContent())!);
    await page.getByLabel('Secret Token').fill((await page.locator('#secret-token').textContent())!);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Start provisioning', exact: true }).click();
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe('Pending (2)');
    await page.getByRole('button', { name: 'Remove: ann' }).click();
    await page.getByRole('button', { name: 'Remove: ben' }).click();
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.locator('#job-status').textContent()).toContain('TooManyDeletes');
    expect(await page.getByRole('tab', { name: /^Pending/ }).textContent()).toBe('Pending (2)');
    await page.getByRole('button', { name: 'Allow deletes' }).click();
    await expect.poll(() => page.locator('#job-status').textContent()).toContain('due now');
    await page.getByRole('button', { name: 'Next provisioning cycle' }).click();
    await expect.poll(() => page.getByRole('tab', { name: /^Suspended/ }).textContent()).toBe('Suspended (2)');
    // The job's status is drawn beside the members, so it may come a moment later.
    await expect.poll(() => page.getByRole('button', { name: 'Allow deletes' }).isHidden()).toBe(true);
  });

  it('Groups: a new group, a member added and removed, a nested group; assigning the group provisions its members', async () => {
    await resetFromPage();
    await page.getByLabel('User principal name').fill('gus@contoso.com');
    await page.getByLabel('Display name').fill('Gus');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByLabel('New group').fill('Sales');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByLabel('New group').fill('EMEA');
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => page.locator('#groups').textContent()).toContain('EMEA');
    await page.getByLabel('Group', { exact: true }).fill('Sales');
    await page.getByLabel('Member', { exact: true }).fill('gus@contoso.com');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => page.locator('#groups').textContent()).toContain('gus@contoso.com');
    await page.getByLabel('Group', { exact: true }).fill('EMEA');
    await page.getByLabel('Member', { exact: true }).fill('Sales');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => page.locator('#groups').textContent()).toContain('gus@contoso.com');
    await expect.poll(() => page.getByRole('button', { name: 'Remove: Sales from EMEA' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove: Sales from EMEA' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Remove: Sales from EMEA' }).count()).toBe(0);
    await page.getByLabel('Add user/group').fill('Sales');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect.poll(() => page.locator('#assignments').textContent()).toContain('Group');
    // The record names them as the scenario will: Gus, and the group Sales with Gus in it.
    await expect
      .poll(() => page.locator('#record-steps').textContent())
      .toContain('addToGroup: {"group":"Sales","members":"gus"}');
    expect(await page.locator('#record-steps').textContent()).toContain('assign: Sales');
  });

  it('a change without the CSRF token is refused; with it, made; Reset starts a new world', async () => {
    const refused = await page.evaluate(async () => {
      const r = await fetch('/_sim/clock/advance', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ by: '1d' }),
      });
      return r.status;
    });
    expect(refused).toBe(403);
    await resetFromPage();
    await expect.poll(() => page.locator('#script').isHidden()).toBe(true);
  });

  it('made no console errors and no request beyond loopback', () => {
    expect(c.broken, JSON.stringify(c.broken)).toEqual([]);
    expect(c.errors, JSON.stringify(c.errors)).toEqual([]);
    expect(c.offLoopback).toEqual([]);
  });
});
