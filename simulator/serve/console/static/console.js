// The console's script: it calls only the documented /_sim routes, with the session cookie and, for a change,
// the CSRF token the sign-in set. Everything that came from the server is put on the page as text, never HTML.

const $ = (id) => document.getElementById(id);
const ACTIVITY_LIMIT = 200;

/** The CSRF token the sign-in left in a cookie the page can read. */
function csrfToken() {
  const found = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('scimsim_csrf='));
  return found ? found.slice('scimsim_csrf='.length) : '';
}

/** One call to the simulator; a refusal is shown on the page and thrown. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (response.status === 401) {
    $('signed-out').hidden = false;
    throw new Error(data.error?.message ?? 'not signed in');
  }
  if (!response.ok) {
    const problems = (data.problems ?? []).map((p) => `line ${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    const mismatches = (data.mismatches ?? []).map((m) => `${m.what}: expected ${m.expected}, got ${m.actual}`);
    show([data.error?.message ?? `${response.status}`, ...problems, ...mismatches].join('\n'));
    throw new Error(data.error?.message ?? String(response.status));
  }
  $('signed-out').hidden = true;
  return data;
}

function show(message) {
  const problem = $('problem');
  problem.textContent = message;
  problem.hidden = message === '';
}

/** An element with text content and attributes; children are elements or text. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** A step as a scenario writes it: `name` or `name: argument`. */
function stepText(step) {
  if (typeof step === 'string') return step;
  const [name, args] = Object.entries(step)[0];
  return `${name}: ${typeof args === 'string' ? args : JSON.stringify(args)}`;
}

const when = (iso) =>
  `${iso
    .replace('T', ' ')
    .replace(/:00\.000Z$|\.000Z$/, '')
    .replace(/Z$/, '')} UTC`;

async function refreshWorld() {
  const world = await api('GET', '/_sim/world');
  $('world-name').textContent = world.name;
  $('now').textContent = when(world.now);
  $('now').setAttribute('datetime', world.now);
  if (world.generation !== generation) {
    // Another world (reset, a scenario opened): what the page showed of the last one goes.
    generation = world.generation;
    servicePrincipal = undefined;
    shownMember = undefined;
    $('member').hidden = true;
    $('credentials').hidden = true;
    $('tenant-url').textContent = '';
    $('secret-token').textContent = '';
  }
  if (world.scenarioOpen) renderScript(await api('GET', '/_sim/scenario'));
  else $('script').hidden = true;
}

async function refreshFaults() {
  const { faults } = await api('GET', '/_sim/faults');
  $('faults').replaceChildren(
    ...faults.map((f) => {
      const what = f.effect.status
        ? `answers ${f.effect.status}`
        : f.effect.timeout
          ? 'times out'
          : f.effect.unavailable
            ? 'is down'
            : 'answers garbage';
      const scope = [f.match?.method, f.match?.path].filter(Boolean).join(' ') || 'every request';
      const until = f.until
        ? ` until ${when(f.until)}`
        : f.count
          ? ` for ${f.count} request${f.count === 1 ? '' : 's'}`
          : '';
      const clear = el('button', { type: 'button' }, 'Clear');
      clear.setAttribute('aria-label', `Clear fault ${f.id}`);
      on(clear, 'click', async () => {
        await api('DELETE', `/_sim/faults/${encodeURIComponent(f.id)}`);
        await refreshNow();
      });
      return el('li', {}, `${f.id}: NordPass ${what} to ${scope}${until} (used ${f.used}) `, clear);
    }),
  );
}

async function refreshTimers() {
  const { timers, total } = await api('GET', '/_sim/timers?limit=10');
  const rows = timers.map((t) => el('tr', {}, el('td', {}, when(t.at)), el('td', {}, t.kind), el('td', {}, t.label)));
  $('timers').replaceChildren(
    ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '3' }, 'Nothing is scheduled.'))]),
  );
  $('timers-more').textContent = total > timers.length ? `and ${total - timers.length} more` : '';
}

async function refreshRecord() {
  const { steps, skipped } = await api('GET', '/_sim/record');
  $('record-count').textContent =
    `${steps.length} step${steps.length === 1 ? '' : 's'} so far${skipped.length ? `, ${skipped.length} not expressible` : ''}.`;
  $('record-steps').replaceChildren(
    ...steps
      .slice(-50)
      .map((s) => el('li', {}, el('time', { datetime: s.at }, when(s.at)), ' ', el('code', {}, stepText(s.step)))),
  );
}

function renderScript(view) {
  $('script').hidden = false;
  $('script-name').textContent = view.name;
  $('script-progress').textContent = `${view.ran} of ${view.total} steps run · ${view.file}`;
  $('step-next').disabled = view.ran >= view.total;
  $('step-end').disabled = view.ran >= view.total;
  $('script-steps').replaceChildren(
    ...view.steps.map((s) => {
      const item = el('li', {}, el('code', {}, stepText(s.step)), el('span', { class: 'note' }, ` line ${s.line}`));
      if (s.result) {
        item.append(
          el('span', { class: `result ${s.result.ok ? 'ok' : 'failed'}` }, s.result.ok ? '✓ ok' : '✗ failed'),
        );
        for (const m of s.result.mismatches ?? [])
          item.append(el('span', { class: 'mismatch' }, `${m.what}: expected ${m.expected}, got ${m.actual}`));
        if (!s.result.ok && !s.result.mismatches && s.result.message)
          item.append(el('span', { class: 'mismatch' }, s.result.message));
      }
      return item;
    }),
  );
}

// NordPass's Members tabs. INFERRED: NordPass does not say where a member removed before accepting (the seed's
// "forbidden") is listed; the console shows it under Suspended, labelled "forbidden to accept the invitation".
const TABS = { active: ['active'], pending: ['pending'], suspended: ['suspended', 'forbidden'], deleted: ['deleted'] };
const STATE_LABEL = { forbidden: 'forbidden to accept the invitation' };
let tab = 'active';
let shownMember;
let generation;

/** "12 days 3 h" from milliseconds (the time left before a purge). */
function span(ms) {
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} h`);
  if (!days && minutes) parts.push(`${minutes} min`);
  return parts.join(' ') || 'less than a minute';
}

function memberActions(m) {
  const act = (label, run) => {
    const button = el('button', { type: 'button' }, label);
    button.setAttribute('aria-label', `${label}: ${m.userName}`);
    on(button, 'click', () => run().catch(() => {}));
    return button;
  };
  const path = `/admin/members/${encodeURIComponent(m.id)}`;
  const then = async (request) => {
    show('');
    await request;
    await refreshNow();
  };
  const actions = [];
  if (m.status === 'pending')
    actions.push(act('Accept the invitation', () => then(api('POST', `${path}/accept-invitation`))));
  if (m.status === 'suspended' || m.status === 'forbidden')
    actions.push(act('Restore', () => then(api('POST', `${path}/restore`))));
  if (m.status !== 'deleted') {
    for (const role of ['user', 'admin', 'owner'])
      if (m.role !== role)
        actions.push(
          act(`Make ${role[0].toUpperCase()}${role.slice(1)}`, () => then(api('PUT', `${path}/role`, { role }))),
        );
    actions.push(act('Delete', () => then(api('DELETE', path))));
  }
  return el('div', { class: 'buttons' }, ...actions);
}

async function refreshMembers() {
  const { members } = await api('GET', '/admin/members');
  for (const button of document.querySelectorAll('#member-tabs [data-tab]')) {
    const count = members.filter((m) => TABS[button.dataset.tab].includes(m.status)).length;
    button.textContent = `${button.dataset.tab[0].toUpperCase()}${button.dataset.tab.slice(1)} (${count})`;
    button.setAttribute('aria-selected', String(button.dataset.tab === tab));
  }
  const now = Date.parse($('now').getAttribute('datetime') ?? '');
  const rows = members
    .filter((m) => TABS[tab].includes(m.status))
    .map((m) => {
      const open = el('button', { type: 'button', class: 'link' }, m.userName);
      on(open, 'click', () => {
        shownMember = m.id;
        refreshMember().catch(() => {});
      });
      const state = [STATE_LABEL[m.status] ?? m.status];
      if (m.purgeAt) state.push(` · purge ${when(m.purgeAt)} (${span(Date.parse(m.purgeAt) - now)} left)`);
      return el(
        'tr',
        {},
        el('td', {}, open),
        el('td', {}, m.role),
        el('td', {}, ...state),
        el('td', {}, memberActions(m)),
      );
    });
  $('members').replaceChildren(
    ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '4' }, 'No members in this tab.'))]),
  );
  const { emails } = await api('GET', '/admin/outbox');
  $('outbox').replaceChildren(
    ...emails.map((e) => el('li', {}, el('time', { datetime: e.sentAt }, when(e.sentAt)), ` to ${e.to}: ${e.subject}`)),
  );
}

/** A member's page: attributes, role, history with virtual times, the purge deadline. */
async function refreshMember() {
  if (!shownMember) return;
  const m = await api('GET', `/admin/members/${encodeURIComponent(shownMember)}`);
  const history = el(
    'ol',
    { class: 'steps' },
    ...m.history.map((h) =>
      el(
        'li',
        {},
        el('time', { datetime: h.at }, when(h.at)),
        ` ${h.type} by ${h.by}`,
        h.from !== h.to ? ` (${h.from ?? 'none'} → ${h.to})` : '',
        h.detail ? `: ${h.detail}` : '',
      ),
    ),
  );
  const close = el('button', { type: 'button' }, 'Close');
  on(close, 'click', () => {
    shownMember = undefined;
    $('member').hidden = true;
  });
  // "Check this": the member's state, pinned in the record as an expectation on the user the scenario names.
  const { users } = await api('GET', '/_sim/names');
  const named = users.find((u) => (u.userPrincipalName ?? '').toLowerCase() === m.userName.toLowerCase());
  const check = named
    ? el('button', { type: 'button' }, `Check this: ${named.name} is ${m.status}`)
    : el(
        'span',
        { class: 'note' },
        'No tenant user the scenario names stands for this member, so it cannot be checked.',
      );
  if (named)
    on(check, 'click', async () => {
      show('');
      await api('POST', '/_sim/record/expect', { members: { [named.name]: m.status } });
      await refreshNow();
    });
  $('member').replaceChildren(
    el('h4', {}, m.userName),
    el(
      'p',
      {},
      `${STATE_LABEL[m.status] ?? m.status} · ${m.role}${m.purgeAt ? ` · purge due ${when(m.purgeAt)}` : ''}`,
    ),
    el('pre', {}, JSON.stringify(m.attributes, null, 2)),
    history,
    el('div', { class: 'buttons' }, check, close),
  );
  $('member').hidden = false;
}

// ---- Entra admin center, through the Graph routes ----
const GRAPH = '/azure/v1.0';
const RECYCLE_BIN_DAYS = 30;
let usersQuery = '';
let usersShown = 25;
let servicePrincipal;
let job;

const graph = (method, path, body) => api(method, `${GRAPH}${path}`, body);
const button = (label, name, run) => {
  const b = el('button', { type: 'button' }, label);
  b.setAttribute('aria-label', `${label}: ${name}`);
  on(b, 'click', async () => {
    show('');
    try {
      await run();
      await refreshNow();
    } catch {}
  });
  return b;
};

async function nordpassApp() {
  if (servicePrincipal) return servicePrincipal;
  const filter = encodeURIComponent("displayName eq 'NordPass'");
  const { value } = await graph('GET', `/servicePrincipals?$filter=${filter}`);
  servicePrincipal = value[0].id;
  return servicePrincipal;
}

async function refreshUsers() {
  const filter = usersQuery
    ? `&$filter=${encodeURIComponent(`startswith(userPrincipalName,'${usersQuery.replace(/'/g, "''")}')`)}`
    : '';
  const page = await graph(
    'GET',
    `/users?$top=${usersShown}&$select=id,displayName,userPrincipalName,accountEnabled${filter}`,
  );
  $('users').replaceChildren(
    ...(page.value.length
      ? page.value.map((u) =>
          el(
            'tr',
            {},
            el('td', {}, u.displayName),
            el('td', {}, u.userPrincipalName),
            el('td', {}, u.accountEnabled ? 'Allowed' : 'Blocked'),
            el(
              'td',
              {},
              el(
                'div',
                { class: 'buttons' },
                u.accountEnabled
                  ? button('Block sign-in', u.userPrincipalName, () =>
                      graph('PATCH', `/users/${u.id}`, { accountEnabled: false }),
                    )
                  : button('Allow sign-in', u.userPrincipalName, () =>
                      graph('PATCH', `/users/${u.id}`, { accountEnabled: true }),
                    ),
                button('Delete user', u.userPrincipalName, () => graph('DELETE', `/users/${u.id}`)),
                button('Provision on demand', u.userPrincipalName, () => provisionOnDemand(u)),
              ),
            ),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '4' }, 'No users.'))]),
  );
  $('users-more').hidden = !page['@odata.nextLink'];
}

/** Provision on demand: one user, now; the page shows each step of what Entra did, as the portal does. */
async function provisionOnDemand(user) {
  const sp = await nordpassApp();
  const answer = await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job.id}/provisionOnDemand`, {
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

/** Groups with their direct members (nested groups among them); members are added by user principal name or group name. */
async function refreshGroups() {
  const { value } = await graph('GET', '/groups?$top=50');
  const rows = await Promise.all(
    value.map(async (g) => {
      const members = (await graph('GET', `/groups/${g.id}/members`)).value;
      const list = el(
        'ul',
        { class: 'steps' },
        ...members.map((m) =>
          el(
            'li',
            {},
            `${m.userPrincipalName ?? m.displayName} `,
            button('Remove', `${m.userPrincipalName ?? m.displayName} from ${g.displayName}`, () =>
              graph('DELETE', `/groups/${g.id}/members/${m.id}/$ref`),
            ),
          ),
        ),
      );
      return el(
        'tr',
        {},
        el('td', {}, g.displayName),
        el('td', {}, list),
        el(
          'td',
          {},
          button('Delete group', g.displayName, () => graph('DELETE', `/groups/${g.id}`)),
        ),
      );
    }),
  );
  $('groups').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '3' }, 'No groups.'))]));
}

/** A user (by user principal name) or a group (by display name): its object id, or undefined. */
async function principalId(name) {
  const quoted = `'${name.replace(/'/g, "''")}'`;
  const users = await graph('GET', `/users?$filter=${encodeURIComponent(`userPrincipalName eq ${quoted}`)}`);
  if (users.value.length) return users.value[0].id;
  const groups = await graph('GET', `/groups?$filter=${encodeURIComponent(`displayName eq ${quoted}`)}`);
  return groups.value[0]?.id;
}

async function refreshDeleted() {
  const { value } = await graph('GET', '/directory/deletedItems/microsoft.graph.user');
  const now = Date.parse($('now').getAttribute('datetime') ?? '');
  $('deleted-users').replaceChildren(
    ...(value.length
      ? value.map((u) => {
          const left = Date.parse(u.deletedDateTime) + RECYCLE_BIN_DAYS * 86_400_000 - now;
          return el(
            'tr',
            {},
            el('td', {}, u.userPrincipalName),
            el('td', {}, `${when(u.deletedDateTime)} · ${span(left)} left before automatic deletion`),
            el(
              'td',
              {},
              el(
                'div',
                { class: 'buttons' },
                button('Restore user', u.userPrincipalName, () =>
                  graph('POST', `/directory/deletedItems/${u.id}/restore`),
                ),
                button('Delete permanently', u.userPrincipalName, () =>
                  graph('DELETE', `/directory/deletedItems/${u.id}`),
                ),
              ),
            ),
          );
        })
      : [el('tr', {}, el('td', { colspan: '3' }, 'No deleted users.'))]),
  );
}

async function refreshApp() {
  const sp = await nordpassApp();
  const { value } = await graph('GET', `/servicePrincipals/${sp}/appRoleAssignedTo`);
  $('assignments').replaceChildren(
    ...(value.length
      ? value.map((a) =>
          el(
            'tr',
            {},
            el('td', {}, a.principalDisplayName),
            el('td', {}, a.principalType),
            el(
              'td',
              {},
              button('Remove', a.principalDisplayName, () =>
                graph('DELETE', `/servicePrincipals/${sp}/appRoleAssignedTo/${a.id}`),
              ),
            ),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '3' }, 'Nobody is assigned.'))]),
  );
  const jobs = await graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`);
  job = jobs.value[0];
  const status = job.status;
  const last = status.lastExecution;
  const { timers } = await api('GET', '/_sim/timers?limit=1000');
  const nextCycle = timers.find((t) => t.kind === 'cycle');
  const pairs = [
    ['Status', status.code],
    ['Last cycle', last ? `${when(last.timeBegan)}: ${last.state}, ${last.countExported} exported` : 'none yet'],
    ['Next cycle', nextCycle ? when(nextCycle.at) : 'none scheduled'],
    ...(status.quarantine ? [['Quarantine', `${status.quarantine.reason}: ${status.quarantine.error.message}`]] : []),
  ];
  $('job-status').replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  // Quarantined for too many deletes: the deletions wait until someone allows them (or fixes the cause).
  $('allow-deletes').hidden = status.quarantine?.reason !== 'TooManyDeletes';
}

/** A log entry opened: its steps, the properties it changed, its error. */
function showLogEntry(r) {
  const close = el('button', { type: 'button' }, 'Close');
  on(close, 'click', async () => {
    $('log-entry').hidden = true;
  });
  const error = r.provisioningStatusInfo.errorInformation;
  $('log-entry').replaceChildren(
    el(
      'h4',
      {},
      `${r.provisioningAction} · ${r.sourceIdentity.details?.UserPrincipalName ?? r.sourceIdentity.displayName}`,
    ),
    el('p', { class: 'note' }, `${when(r.activityDateTime)} · cycle ${r.cycleId} · ${r.provisioningStatusInfo.status}`),
    el(
      'ol',
      { class: 'steps' },
      ...r.provisioningSteps.map((step) => el('li', {}, `${step.name} (${step.status}): ${step.description}`)),
    ),
    ...(r.modifiedProperties.length
      ? [
          el('h4', {}, 'Modified properties'),
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
    close,
  );
  $('log-entry').hidden = false;
}

async function refreshLogs() {
  const { value } = await graph('GET', '/auditLogs/provisioning?$top=20');
  $('logs').replaceChildren(
    ...(value.length
      ? value.map((r) => {
          const open = el('button', { type: 'button', class: 'link' }, when(r.activityDateTime));
          open.setAttribute(
            'aria-label',
            `Open the log entry: ${r.provisioningAction} ${r.sourceIdentity.displayName}`,
          );
          on(open, 'click', async () => showLogEntry(r));
          return el(
            'tr',
            {},
            el('td', {}, open),
            el('td', {}, r.provisioningAction),
            el('td', {}, r.sourceIdentity.details?.UserPrincipalName ?? r.sourceIdentity.displayName),
            el(
              'td',
              {},
              `${r.provisioningStatusInfo.status}${r.provisioningStatusInfo.errorInformation ? `: ${r.provisioningStatusInfo.errorInformation.errorCode}` : ''}`,
            ),
          );
        })
      : [el('tr', {}, el('td', { colspan: '4' }, 'No entries yet.'))]),
  );
}

function credentialsTyped() {
  return {
    credentials: [
      { key: 'BaseAddress', value: $('tenant-url-in').value.trim() },
      { key: 'SecretToken', value: $('secret-token-in').value },
    ],
  };
}

function wireEntra() {
  on($('user-search'), 'submit', (e) => {
    e.preventDefault();
    usersQuery = $('user-query').value.trim();
    usersShown = 25;
    refreshUsers().catch(() => {});
  });
  on($('users-more'), 'click', () => {
    usersShown += 25;
    refreshUsers().catch(() => {});
  });
  // A form of its own, not in the table: a redraw of the table must not take away what someone is typing.
  on($('group-member'), 'submit', async () => {
    show('');
    const group = await principalId($('member-group').value.trim());
    const member = await principalId($('member-name').value.trim());
    if (!group || !member) return show('No such group, or no such user or group to add.');
    await graph('POST', `/groups/${group}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${member}`,
    });
    $('member-name').value = '';
    await refreshNow();
  });
  on($('new-group'), 'submit', async () => {
    show('');
    await graph('POST', '/groups', { displayName: $('new-group-name').value.trim() });
    $('new-group-name').value = '';
    await refreshNow();
  });
  on($('new-user'), 'submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      await graph('POST', '/users', {
        userPrincipalName: $('new-upn').value.trim(),
        displayName: $('new-name').value.trim(),
      });
      $('new-upn').value = '';
      $('new-name').value = '';
      await refreshNow();
    } catch {}
  });
  on($('add-assignment'), 'submit', async (e) => {
    e.preventDefault();
    show('');
    const name = $('assign-upn').value.trim();
    try {
      const sp = await nordpassApp();
      const id = await principalId(name);
      if (!id) return show(`No user or group "${name}".`);
      await graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: id, resourceId: sp });
      $('assign-upn').value = '';
      await refreshNow();
    } catch {}
  });
  on($('test-connection'), 'click', async () => {
    show('');
    const sp = await nordpassApp().catch(() => undefined);
    try {
      await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/validateCredentials`, credentialsTyped());
      $('test-result').textContent = 'Test Connection: the supplied credentials are authorized to enable provisioning.';
    } catch (error) {
      $('test-result').textContent = `Test Connection failed: ${error.message}`;
    }
  });
  on($('provisioning'), 'submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      const sp = await nordpassApp();
      await graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, { value: credentialsTyped().credentials });
      $('test-result').textContent = 'Saved.';
      await refreshNow();
    } catch {}
  });
  const jobAction = (id, verb, body) =>
    on($(id), 'click', async () => {
      show('');
      try {
        const sp = await nordpassApp();
        await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job.id}/${verb}`, body);
        await refreshNow();
      } catch {}
    });
  jobAction('job-start', 'start');
  jobAction('job-stop', 'pause');
  jobAction('job-restart', 'restart', { criteria: { resetScope: 'Watermark, Escrows, QuarantineState' } });
  on($('allow-deletes'), 'click', async () => {
    if (!window.confirm('Allow deletes: the staged deletions go through now?')) return;
    show('');
    const sp = await nordpassApp();
    await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job.id}/restart`, {
      criteria: { resetScope: 'ForceDeletes' },
    });
    await refreshNow();
  });
}

async function refreshNow() {
  try {
    await refreshWorld();
    await Promise.all([refreshTimers(), refreshRecord(), refreshFaults()]);
    await Promise.all([
      refreshMembers(),
      refreshMember(),
      refreshUsers(),
      refreshGroups(),
      refreshDeleted(),
      refreshApp(),
      refreshLogs(),
    ]);
  } catch {
    // Shown already (signed out, or a refusal).
  }
}

// One thing at a time: an action, then the page drawn again, then the next. A redraw that began before a reset
// must not go on asking the new world about the old one's objects.
let queue = Promise.resolve();
function serially(work) {
  const turn = queue.then(work, work);
  queue = turn.catch(() => {});
  return turn;
}
const refresh = () => serially(refreshNow);

/** A listener whose work waits its turn (submits are kept from reloading the page at once). */
function on(target, type, handler) {
  target.addEventListener(type, (event) => {
    if (type === 'submit') event.preventDefault();
    serially(() => handler(event)).catch(() => {});
  });
}

// Many events come at once (a cycle); the page is drawn again once they have settled.
let pending;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 150);
}

function activity(event) {
  const { type } = event;
  const text =
    type === 'member'
      ? `${event.userName}: ${event.from ?? 'none'} → ${event.to} (${event.event})`
      : type === 'cycle'
        ? `${event.kind} cycle ${event.state}: ${event.countExported} exported, ${event.countFailed} failed${event.error ? ` (${event.error})` : ''}`
        : type === 'log'
          ? `${event.action} ${event.user}: ${event.status}${event.errorCode ? ` (${event.errorCode})` : ''}`
          : type === 'clock'
            ? `time moved, ${event.fired} timer${event.fired === 1 ? '' : 's'} fired`
            : type === 'step'
              ? `recorded: ${stepText(event.step)}`
              : type;
  const list = $('activity');
  list.prepend(
    el('li', {}, el('time', { datetime: event.at }, when(event.at)), el('span', { class: 'kind' }, type), ' ', text),
  );
  while (list.children.length > ACTIVITY_LIMIT) list.lastElementChild.remove();
}

async function advance(body) {
  show('');
  await api('POST', '/_sim/clock/advance', body);
  await refreshNow();
}

function wire() {
  on($('new-tenant'), 'submit', async () => {
    if (!window.confirm('New tenant: a new world of generated users (the record starts again)?')) return;
    show('');
    const count = Number($('tenant-users').value);
    await api('POST', '/_sim/reset', { seed: $('tenant-seed').value.trim(), tenant: { generate: count } });
    $('activity').replaceChildren();
    await refreshNow();
  });
  for (const b of document.querySelectorAll('[data-fault]'))
    on(b, 'click', async () => {
      show('');
      await api('POST', '/_sim/faults', JSON.parse(b.dataset.fault));
      await refreshNow();
    });
  wireEntra();
  for (const button of document.querySelectorAll('#member-tabs [data-tab]')) {
    on(button, 'click', () => {
      tab = button.dataset.tab;
      refreshMembers().catch(() => {});
    });
  }
  on($('get-credentials'), 'click', async () => {
    try {
      const { tenantUrl, secretToken } = await api('POST', '/admin/provisioning/credentials');
      $('tenant-url').textContent = tenantUrl;
      $('secret-token').textContent = secretToken;
      $('credentials').hidden = false;
      await refreshNow();
    } catch {}
  });
  for (const button of document.querySelectorAll('[data-by]'))
    on(button, 'click', () => advance({ by: button.dataset.by }).catch(() => {}));
  for (const button of document.querySelectorAll('[data-to]')) {
    on(button, 'click', async () => {
      try {
        const { timers } = await api('GET', '/_sim/timers?limit=1000');
        const next = button.dataset.to === 'cycle' ? timers.find((t) => t.kind === 'cycle') : timers[0];
        if (!next)
          return show(
            button.dataset.to === 'cycle'
              ? 'No provisioning cycle is scheduled (start provisioning first).'
              : 'Nothing is scheduled.',
          );
        await advance({ to: next.at });
      } catch {}
    });
  }
  on($('advance-form'), 'submit', (e) => {
    e.preventDefault();
    advance({ by: $('advance-by').value.trim() }).catch(() => {});
  });
  on($('open-bundled'), 'submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      renderScript(await api('POST', '/_sim/scenario', { bundled: $('bundled').value }));
      await refreshNow();
    } catch {}
  });
  on($('open-text'), 'submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      renderScript(await api('POST', '/_sim/scenario', { text: $('scenario-text').value, file: 'pasted.yaml' }));
      await refreshNow();
    } catch {}
  });
  on($('step-next'), 'click', async () => {
    try {
      renderScript(await api('POST', '/_sim/scenario/next'));
      await refreshNow();
    } catch {}
  });
  on($('step-end'), 'click', async () => {
    try {
      const view = await api('GET', '/_sim/scenario');
      renderScript(await api('POST', '/_sim/scenario/run-to', { step: view.total }));
      await refreshNow();
    } catch {}
  });
  on($('reset'), 'click', async () => {
    if (!window.confirm('Reset: a new, empty world (the record starts again)?')) return;
    try {
      await api('POST', '/_sim/reset', {});
      $('activity').replaceChildren();
      await refreshNow();
    } catch {}
  });
}

async function start() {
  wire();
  try {
    const { scenarios } = await api('GET', '/_sim/bundled');
    $('bundled').replaceChildren(...scenarios.map((s) => el('option', { value: s.file }, `${s.file}: ${s.name}`)));
  } catch {
    return;
  }
  await refreshNow();
  const events = new EventSource('/_sim/events');
  // Whether this tab hears what happens (a state said in words, not only by colour).
  events.addEventListener('hello', () => {
    $('live').textContent = 'live';
    $('live').dataset.live = 'yes';
  });
  events.addEventListener('error', () => {
    $('live').textContent = 'reconnecting…';
    $('live').dataset.live = 'no';
  });
  for (const type of ['member', 'cycle', 'log', 'clock', 'step'])
    events.addEventListener(type, (message) => {
      activity(JSON.parse(message.data));
      refreshSoon();
    });
}

start();
