// Enterprise applications > NordPass: Users and groups (assignments with their roles: Add user/group with Select a
// role, Edit assignment, Remove), Provisioning (credentials, Test Connection,
// Save, Start / Stop / Restart, the job's status with escrows and staged deletes, Allow deletes, Provision on
// demand) and the Provisioning logs (filtered, paged; an entry opens its steps, changes, error and HTTP exchanges).
import { $, act, addView, api, button, el, graph, link, on, onNewWorld, refreshNow, rows, show, when } from './core.js';
import { principalId } from './entra.js';
import { go, hashFor, place } from './router.js';

const LOGS_PAGE = 20;
let servicePrincipal;
let job;
let logsFilter = '';
let logsShown = LOGS_PAGE;
let shownLog;
// The app's roles as its service principal lists them (appRoles), Default Access first; read once per world.
let appRoles;
// The assignment Edit assignment is changing (as the table showed it), or undefined when its form is closed.
let editing;

// Graph's id for Default Access, the same on every app: an assignment without a role of the app's own.
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';

export async function nordpassApp() {
  if (servicePrincipal) return servicePrincipal;
  const filter = encodeURIComponent("displayName eq 'NordPass'");
  const { value } = await graph('GET', `/servicePrincipals?$filter=${filter}`);
  servicePrincipal = value[0].id;
  return servicePrincipal;
}

// The app has no job until the first Save (as in the portal; Graph's POST .../jobs also makes one).
const jobPath = async (verb) => {
  if (!job) throw new Error('There is no provisioning job yet: Save the admin credentials first.');
  return `/servicePrincipals/${await nordpassApp()}/synchronization/jobs/${job.id}/${verb}`;
};

/** A select's options: the app's roles by display name, `selected` chosen (Default Access when it is absent). */
function fillRoles(select, selected = DEFAULT_ACCESS) {
  select.replaceChildren(...appRoles.map((r) => el('option', { value: r.id }, r.displayName)));
  select.value = appRoles.some((r) => r.id === selected) ? selected : (appRoles[0]?.id ?? '');
}

/** The app's roles, from its service principal (read once per world); the first read fills Select a role. */
async function roles() {
  if (appRoles) return appRoles;
  const sp = await nordpassApp();
  const { appRoles: listed } = await graph('GET', `/servicePrincipals/${sp}?$select=id,appRoles`);
  const enabled = (listed ?? []).filter((r) => r.isEnabled !== false);
  // Default Access first (it is what Select a role starts on), the others as the app lists them.
  appRoles = [...enabled.filter((r) => r.id === DEFAULT_ACCESS), ...enabled.filter((r) => r.id !== DEFAULT_ACCESS)];
  fillRoles($('assign-role'));
  return appRoles;
}

/** A role's display name; an id the app does not list shows as the id. */
const roleName = (id) => appRoles?.find((r) => r.id === id)?.displayName ?? id;

/** What an assignment's buttons say they act on: the principal and its role (one principal may hold several). */
const assignmentName = (a) => `${a.principalDisplayName} (${roleName(a.appRoleId)})`;

/** A line beside a form ('' hides it): api() put the refusal at the top of the page; it belongs here. */
function problemAt(id, text) {
  $(id).textContent = text;
  $(id).hidden = text === '';
}

function assignmentsStatus(text) {
  $('assignments-status').textContent = text;
  $('assignments-status').hidden = text === '';
}

function closeEdit() {
  editing = undefined;
  problemAt('edit-assignment-error', '');
  $('edit-assignment').hidden = true;
}

/** Edit assignment: the form under the table, on this assignment, its role selected. */
function openEdit(a) {
  editing = a;
  assignmentsStatus('');
  problemAt('edit-assignment-error', '');
  $('edit-assignment-title').textContent = `Edit assignment: ${a.principalDisplayName}`;
  $('edit-assignment-now').textContent = `${a.principalType} · Role assigned: ${roleName(a.appRoleId)}`;
  fillRoles($('edit-assignment-role'), a.appRoleId);
  $('edit-assignment').hidden = false;
  $('edit-assignment-role').focus();
}

async function refreshApp() {
  const sp = await nordpassApp();
  await roles();
  const { value } = await graph('GET', `/servicePrincipals/${sp}/appRoleAssignedTo?$top=50`);
  rows(
    $('assignments'),
    value.map((a) => {
      const edit = el(
        'button',
        { type: 'button', 'aria-label': `Edit assignment: ${assignmentName(a)}` },
        'Edit assignment',
      );
      // Opening the form changes nothing: at once, not after what is queued.
      edit.addEventListener('click', () => openEdit(a));
      return el(
        'tr',
        {},
        el('td', {}, a.principalDisplayName),
        el('td', {}, a.principalType),
        el('td', {}, roleName(a.appRoleId)),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'buttons' },
            edit,
            button('Remove', assignmentName(a), async () => {
              await graph('DELETE', `/servicePrincipals/${sp}/appRoleAssignedTo/${a.id}`);
              if (editing?.id === a.id) closeEdit();
            }),
          ),
        ),
      );
    }),
    4,
    'Nobody is assigned.',
  );
  const jobs = await graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`);
  job = jobs.value[0];
  const status = job?.status ?? { code: 'No job yet (Save makes it)', lastExecution: null, quarantine: null };
  const last = status.lastExecution;
  const { now, timers } = await api('GET', '/_sim/timers?except=purge,invitation,recycleBinExpiry,other&limit=1');
  const nextCycle = timers.find((t) => t.kind === 'cycle');
  // Start and Restart answer at once, as Graph does; the cycle they begin runs when the clock next moves.
  const due = nextCycle && nextCycle.at === now ? ' (due now: it runs when the clock moves)' : '';
  const waiting = await api('GET', '/_sim/job/waiting');
  const pairs = [
    ['Status', status.code],
    ['Last cycle', last ? `${when(last.timeBegan)}: ${last.state}, ${last.countExported} exported` : 'none yet'],
    ['Next cycle', nextCycle ? `${when(nextCycle.at)}${due}` : 'none scheduled'],
    ['Quarantine', status.quarantine ? `${status.quarantine.reason}: ${status.quarantine.error.message}` : 'none'],
    ['Escrows', String(waiting.escrowCount)],
    ['Staged deletes', String(waiting.stagedDeleteCount)],
  ];
  $('job-status').replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  rows(
    $('escrows'),
    waiting.escrows.map((e) =>
      el(
        'tr',
        {},
        el('td', {}, link(hashFor('why', 'user', e.userId), e.userPrincipalName, `Why?: ${e.userPrincipalName}`)),
        el('td', { class: 'wrap' }, `${e.errorCode}: ${e.reason}`),
        el('td', {}, String(e.attempts)),
        el('td', {}, when(e.nextAttemptAt)),
      ),
    ),
    4,
    'Nothing in escrow.',
  );
  $('staged').replaceChildren(
    ...waiting.stagedDeletes.map((s) =>
      el('li', {}, link(hashFor('why', 'user', s.userId), s.userPrincipalName, `Why?: ${s.userPrincipalName}`)),
    ),
  );
  $('staged-title').hidden = waiting.stagedDeleteCount === 0;
  // Quarantined for too many deletes: the deletions wait until someone allows them (or fixes the cause).
  $('allow-deletes').hidden = status.quarantine?.reason !== 'TooManyDeletes';
}

/** Provision on demand: one user, now; the page shows each step of what Entra did, as the portal does. */
export async function provisionOnDemand(user) {
  const answer = await graph('POST', await jobPath('provisionOnDemand'), {
    parameters: [{ subjects: [{ objectId: user.id, objectTypeName: 'User' }], ruleId: 'scim' }],
  });
  const report = JSON.parse(answer.value);
  const close = el('button', { type: 'button' }, 'Close');
  on(close, 'click', async () => {
    $('on-demand').hidden = true;
  });
  $('on-demand').replaceChildren(
    el('h4', {}, `Provision on demand: ${user.userPrincipalName}`),
    el(
      'p',
      {},
      `${report.statusInfo.status}${report.statusInfo.errorCode ? ` (${report.statusInfo.errorCode}: ${report.statusInfo.reason})` : ''}`,
    ),
    el(
      'ol',
      { class: 'steps' },
      ...report.provisioningSteps.map((s) => el('li', {}, `${s.type} (${s.status}): ${s.description}`)),
    ),
    close,
  );
  $('on-demand').hidden = false;
}

const upnOf = (r) => r.sourceIdentity.details?.UserPrincipalName ?? r.sourceIdentity.displayName;
/** The log's action as a scenario's `logs` expectation names it (Graph says `stagedDelete`, scenarios `StagedDelete`). */
const actionName = (r) => `${r.provisioningAction[0].toUpperCase()}${r.provisioningAction.slice(1)}`;

/** "Check this" on a log entry: the record gains an expectation that such an entry exists. */
async function checkLog(r) {
  const { users } = await api('GET', '/_sim/names');
  const named = users.find((u) => (u.userPrincipalName ?? '').toLowerCase() === upnOf(r).toLowerCase());
  if (!named) return el('span', { class: 'note' }, 'No tenant user the scenario names made this entry.');
  const status = r.provisioningStatusInfo.status;
  const check = el('button', { type: 'button' }, `Check this: a ${actionName(r)} ${status} entry for ${named.name}`);
  on(check, 'click', async () => {
    show('');
    await api('POST', '/_sim/record/expect', {
      logs: [{ user: named.name, action: actionName(r), status, count: { atLeast: 1 } }],
    });
    await refreshNow();
  });
  return check;
}

/** A log entry opened: its steps, the properties it changed, its error, and the HTTP exchanges behind it. */
async function showLogEntry(id) {
  const found = await graph('GET', `/auditLogs/provisioning?$filter=${encodeURIComponent(`id eq '${id}'`)}`);
  const r = found.value[0];
  if (!r) {
    $('log-entry').replaceChildren(el('p', {}, 'This log entry is no longer kept (entries last 30 days).'));
    $('log-entry').hidden = false;
    return;
  }
  const close = el('button', { type: 'button' }, 'Close');
  on(close, 'click', () => go('#logs-title'));
  const error = r.provisioningStatusInfo.errorInformation;
  const { exchanges } = await api('GET', `/_sim/logs/${encodeURIComponent(id)}/requests`);
  $('log-entry').replaceChildren(
    el('h4', {}, `${r.provisioningAction} · ${upnOf(r)}`),
    el(
      'p',
      { class: 'note' },
      `${when(r.activityDateTime)} · cycle ${r.cycleId} · ${r.provisioningStatusInfo.status} · ${r.initiatedBy.displayName}`,
    ),
    el('h5', {}, 'Steps'),
    el(
      'ol',
      { class: 'steps' },
      ...r.provisioningSteps.map((step) => el('li', {}, `${step.name} (${step.status}): ${step.description}`)),
    ),
    ...(r.modifiedProperties.length
      ? [
          el('h5', {}, 'Modified properties'),
          el(
            'ul',
            { class: 'steps' },
            ...r.modifiedProperties.map((m) =>
              el('li', {}, `${m.displayName}: ${m.oldValue ?? '(none)'} → ${m.newValue ?? '(none)'}`),
            ),
          ),
        ]
      : []),
    ...(error ? [el('p', { class: 'mismatch' }, `${error.errorCode}: ${error.reason}`)] : []),
    el('h5', {}, 'HTTP exchanges'),
    ...(exchanges.length
      ? exchanges.map((x) =>
          x.gone
            ? el('p', { class: 'note' }, `Exchange ${x.seq} is no longer kept.`)
            : el(
                'details',
                { class: 'exchange' },
                el('summary', {}, `${x.method} ${x.path} → ${x.status ?? x.error}`),
                el('pre', {}, `${x.method} ${x.path}\n${x.requestBody ?? ''}`),
                el('pre', {}, `${x.status ?? ''} ${x.error ?? ''}\n${x.responseBody ?? ''}`),
              ),
        )
      : [el('p', { class: 'note' }, 'No request was sent for this entry.')]),
    el(
      'div',
      { class: 'buttons' },
      await checkLog(r),
      link(hashFor('why', 'user', r.sourceIdentity.id), 'Why?', `Why?: ${upnOf(r)}`),
      close,
    ),
  );
  $('log-entry').hidden = false;
}

async function refreshLogs() {
  const filter = logsFilter ? `&$filter=${encodeURIComponent(logsFilter)}` : '';
  const page = await graph('GET', `/auditLogs/provisioning?$top=${logsShown}${filter}`);
  rows(
    $('logs'),
    page.value.map((r) =>
      el(
        'tr',
        {},
        el(
          'td',
          {},
          link(
            hashFor('log', r.id),
            when(r.activityDateTime),
            `Open the log entry: ${r.provisioningAction} ${upnOf(r)}`,
          ),
        ),
        el('td', {}, r.provisioningAction),
        el('td', {}, upnOf(r)),
        el(
          'td',
          {},
          `${r.provisioningStatusInfo.status}${r.provisioningStatusInfo.errorInformation ? `: ${r.provisioningStatusInfo.errorInformation.errorCode}` : ''}`,
        ),
      ),
    ),
    4,
    logsFilter ? 'No entry matches the filter.' : 'No entries yet.',
  );
  $('logs-more').hidden = !page['@odata.nextLink'];
  if (shownLog) await showLogEntry(shownLog);
}

place(
  'log',
  async (id) => {
    shownLog = id;
    await showLogEntry(id);
    $('log-entry').scrollIntoView({ block: 'nearest' });
  },
  () => {
    shownLog = undefined;
    $('log-entry').hidden = true;
  },
);

function credentialsTyped() {
  return [
    { key: 'BaseAddress', value: $('tenant-url-in').value.trim() },
    { key: 'SecretToken', value: $('secret-token-in').value },
  ];
}

export function wireProvisioning() {
  act($('add-assignment'), 'submit', async () => {
    problemAt('assign-error', '');
    assignmentsStatus('');
    const name = $('assign-upn').value.trim();
    // A submit right after a new world can come before the roles are read: read them first (Default Access then).
    await roles();
    const appRoleId = $('assign-role').value || DEFAULT_ACCESS;
    const sp = await nordpassApp();
    const id = await principalId(name);
    if (!id) return problemAt('assign-error', `Not assigned: no user or group "${name}".`);
    try {
      await graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: id, resourceId: sp, appRoleId });
    } catch (error) {
      // Graph's refusal (the same role twice) beside the form, which keeps what was chosen.
      show('');
      return problemAt('assign-error', `Not assigned: ${error.message}`);
    }
    $('assign-upn').value = '';
    fillRoles($('assign-role'));
    assignmentsStatus(`Assigned ${name} with the role ${roleName(appRoleId)}.`);
  });
  // Edit assignment: Graph has no update for an appRoleAssignment, so the new role is assigned first and the old
  // assignment removed after it (the principal never leaves the app's scope in between); a refused assignment
  // removes nothing.
  act($('edit-assignment'), 'submit', async () => {
    const was = editing;
    if (!was) return;
    problemAt('edit-assignment-error', '');
    const appRoleId = $('edit-assignment-role').value;
    if (appRoleId === was.appRoleId) {
      closeEdit();
      return assignmentsStatus(
        `Nothing changed: ${was.principalDisplayName} has the role ${roleName(appRoleId)} already.`,
      );
    }
    const sp = await nordpassApp();
    const path = `/servicePrincipals/${sp}/appRoleAssignedTo`;
    const theirs = await graph('GET', `${path}?$filter=${encodeURIComponent(`principalId eq '${was.principalId}'`)}`);
    if (!theirs.value.some((a) => a.id === was.id)) {
      return problemAt(
        'edit-assignment-error',
        `Not changed: this assignment of ${was.principalDisplayName} was removed meanwhile.`,
      );
    }
    try {
      await graph('POST', path, { principalId: was.principalId, resourceId: sp, appRoleId });
    } catch (error) {
      show('');
      return problemAt('edit-assignment-error', `Not changed, nothing was removed: ${error.message}`);
    }
    try {
      await graph('DELETE', `${path}/${was.id}`);
    } catch (error) {
      show('');
      return problemAt(
        'edit-assignment-error',
        `${was.principalDisplayName} now has the role ${roleName(appRoleId)}, but the assignment with ${roleName(was.appRoleId)} was not removed: ${error.message}`,
      );
    }
    closeEdit();
    assignmentsStatus(
      `Changed the role of ${was.principalDisplayName}: ${roleName(was.appRoleId)} → ${roleName(appRoleId)}.`,
    );
  });
  $('edit-assignment-cancel').addEventListener('click', closeEdit);
  on($('test-connection'), 'click', async () => {
    show('');
    const sp = await nordpassApp().catch(() => undefined);
    try {
      await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/validateCredentials`, {
        credentials: credentialsTyped(),
      });
      $('test-result').textContent = 'Test Connection: the supplied credentials are authorized to enable provisioning.';
    } catch (error) {
      $('test-result').textContent = `Test Connection failed: ${error.message}`;
    }
  });
  act($('provisioning'), 'submit', async () => {
    const sp = await nordpassApp();
    await graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, { value: credentialsTyped() });
    $('test-result').textContent = 'Saved.';
  });
  const jobAction = (id, verb, body) => act($(id), 'click', async () => graph('POST', await jobPath(verb), body));
  jobAction('job-start', 'start');
  jobAction('job-stop', 'pause');
  jobAction('job-restart', 'restart', { criteria: { resetScope: 'Watermark, Escrows, QuarantineState' } });
  on($('allow-deletes'), 'click', async () => {
    if (!window.confirm('Allow deletes: the staged deletions go through now?')) return;
    show('');
    await graph('POST', await jobPath('restart'), { criteria: { resetScope: 'ForceDeletes' } });
    await refreshNow();
  });
  on($('logs-filter'), 'submit', async () => {
    const parts = [];
    const status = $('logs-status').value;
    const action = $('logs-action').value;
    const identity = $('logs-identity').value.trim();
    if (status) parts.push(`provisioningStatusInfo/status eq '${status}'`);
    if (action) parts.push(`provisioningAction eq '${action}'`);
    if (identity) {
      const id = await principalId(identity);
      if (!id) return show(`No user "${identity}".`);
      parts.push(`sourceIdentity/id eq '${id}'`);
    }
    logsFilter = parts.join(' and ');
    logsShown = LOGS_PAGE;
    show('');
    await refreshLogs();
  });
  on($('logs-more'), 'click', () => {
    logsShown += LOGS_PAGE;
    return refreshLogs();
  });
}

addView(refreshApp);
addView(refreshLogs);
onNewWorld(() => {
  servicePrincipal = undefined;
  appRoles = undefined;
  closeEdit();
  problemAt('assign-error', '');
  assignmentsStatus('');
  shownLog = undefined;
  $('log-entry').hidden = true;
});
