// The NordPass Admin Panel: Get credentials, Members in NordPass's tabs with counts (a page at a time), a member's
// page (attributes, role, history, purge deadline, actions), and the Outbox.
import {
  $,
  addView,
  api,
  button,
  el,
  link,
  nowMs,
  on,
  onNewWorld,
  refreshNow,
  rows,
  show,
  span,
  when,
} from './core.js';
import { go, hashFor, place } from './router.js';

// NordPass's Members tabs. INFERRED: NordPass does not say where a member removed before accepting (the seed's
// "forbidden") is listed; the console shows it under Suspended, labelled "forbidden to accept the invitation".
const TABS = { active: ['active'], pending: ['pending'], suspended: ['suspended', 'forbidden'], deleted: ['deleted'] };
const STATE_LABEL = { forbidden: 'forbidden to accept the invitation' };
export const stateLabel = (status) => STATE_LABEL[status] ?? status;
const PAGE = 25;
let tab = 'active';
let skip = 0;
let search = '';
let shownMember;
let lastCounts;

// Who acts in the Admin Panel (an Owner or an Admin): the Admin Panel refuses an Admin what only Owners may do.
const actingAs = () => `?as=${$('acting-as').value}`;

function memberActions(m) {
  const path = `/admin/members/${encodeURIComponent(m.id)}`;
  const actions = [];
  if (m.status === 'pending')
    actions.push(button('Accept the invitation', m.userName, () => api('POST', `${path}/accept-invitation`)));
  if (m.status === 'active')
    actions.push(button('Suspend', m.userName, () => api('POST', `${path}/suspend${actingAs()}`)));
  if (m.status === 'suspended')
    actions.push(button('Activate', m.userName, () => api('POST', `${path}/activate${actingAs()}`)));
  if (m.status === 'suspended' || m.status === 'forbidden')
    actions.push(button('Restore', m.userName, () => api('POST', `${path}/restore${actingAs()}`)));
  if (m.status !== 'deleted') {
    for (const role of ['user', 'admin', 'owner'])
      if (m.role !== role)
        actions.push(
          button(`Make ${role[0].toUpperCase()}${role.slice(1)}`, m.userName, () =>
            api('PUT', `${path}/role${actingAs()}`, { role }),
          ),
        );
    actions.push(button('Delete', m.userName, () => api('DELETE', `${path}${actingAs()}`)));
  }
  actions.push(link(hashFor('why', 'member', m.id), 'Why?', `Why?: ${m.userName}`));
  return el('div', { class: 'buttons' }, ...actions);
}

async function refreshMembers() {
  const query = new URLSearchParams({ status: TABS[tab].join(','), top: String(PAGE), skip: String(skip) });
  if (search) query.set('search', search);
  const { members, total, counts } = await api('GET', `/admin/members?${query}`);
  lastCounts = counts;
  for (const b of document.querySelectorAll('#member-tabs [data-tab]')) {
    const count = TABS[b.dataset.tab].reduce((sum, s) => sum + counts[s], 0);
    b.textContent = `${b.dataset.tab[0].toUpperCase()}${b.dataset.tab.slice(1)} (${count})`;
    b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  }
  const now = nowMs();
  rows(
    $('members'),
    members.map((m) => {
      const state = [stateLabel(m.status)];
      if (m.purgeAt) state.push(` · purge ${when(m.purgeAt)} (${span(Date.parse(m.purgeAt) - now)} left)`);
      return el(
        'tr',
        {},
        el('td', {}, link(hashFor('member', m.id), m.userName)),
        el('td', {}, m.role),
        el('td', {}, ...state),
        el('td', {}, memberActions(m)),
      );
    }),
    4,
    search ? `No member in this tab has "${search}" in their email.` : 'No members in this tab.',
  );
  $('members-page').textContent = total ? `${skip + 1}–${Math.min(skip + PAGE, total)} of ${total}` : '';
  $('members-previous').hidden = skip === 0;
  $('members-next').hidden = skip + PAGE >= total;
  const outbox = await api('GET', '/admin/outbox?top=10');
  $('outbox').replaceChildren(
    ...outbox.emails
      .slice()
      .reverse()
      .map((e) => el('li', {}, el('time', { datetime: e.sentAt }, when(e.sentAt)), ` to ${e.to}: ${e.subject}`)),
  );
  $('outbox-count').textContent = outbox.total ? `${outbox.total} sent; the newest first.` : 'No invitation sent yet.';
}

/** "Check this" on a member's state: pinned in the record as an expectation on the user the scenario names. */
async function checkMember(m) {
  const { users } = await api('GET', '/_sim/names');
  const named = users.find((u) => (u.userPrincipalName ?? '').toLowerCase() === m.userName.toLowerCase());
  if (!named)
    return el(
      'span',
      { class: 'note' },
      'No tenant user the scenario names stands for this member, so it cannot be checked.',
    );
  const check = el('button', { type: 'button' }, `Check this: ${named.name} is ${m.status}`);
  on(check, 'click', async () => {
    show('');
    await api('POST', '/_sim/record/expect', { members: { [named.name]: m.status } });
    await refreshNow();
  });
  return check;
}

/** A member's page: attributes, role, history with virtual times, the purge deadline and time left. */
async function refreshMember() {
  if (!shownMember) return;
  let m;
  try {
    m = await api('GET', `/admin/members/${encodeURIComponent(shownMember)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    // A link to a member this world does not have: said once, not asked again at every redraw.
    $('member').replaceChildren(el('p', {}, `No member ${shownMember} in this world.`));
    $('member').hidden = false;
    shownMember = undefined;
    return;
  }
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
  on(close, 'click', () => go('#nordpass-title'));
  const purge = m.purgeAt ? ` · purge due ${when(m.purgeAt)}, ${span(Date.parse(m.purgeAt) - nowMs())} left` : '';
  $('member').replaceChildren(
    el('h4', {}, m.userName),
    el('p', {}, `${stateLabel(m.status)} · ${m.role}${purge}`),
    memberActions(m),
    el('pre', {}, JSON.stringify(m.attributes, null, 2)),
    history,
    el('div', { class: 'buttons' }, await checkMember(m), close),
  );
  $('member').hidden = false;
}

place(
  'member',
  async (id) => {
    shownMember = id;
    await refreshMember();
    $('member').scrollIntoView({ block: 'nearest' });
  },
  () => {
    shownMember = undefined;
    $('member').hidden = true;
  },
);

export function wireNordPass() {
  for (const b of document.querySelectorAll('#member-tabs [data-tab]'))
    on(b, 'click', () => {
      tab = b.dataset.tab;
      skip = 0;
      return refreshMembers();
    });
  on($('members-next'), 'click', () => {
    skip += PAGE;
    return refreshMembers();
  });
  on($('members-previous'), 'click', () => {
    skip = Math.max(0, skip - PAGE);
    return refreshMembers();
  });
  on($('member-search'), 'submit', () => {
    search = $('member-query').value.trim();
    skip = 0;
    return refreshMembers();
  });
  // "Check this" on the counts the tabs show: every state's count, pinned as an expectation.
  on($('check-counts'), 'click', async () => {
    if (!lastCounts) return;
    show('');
    await api('POST', '/_sim/record/expect', { memberCounts: lastCounts });
    await refreshNow();
  });
  on($('get-credentials'), 'click', async () => {
    try {
      const { tenantUrl, secretToken } = await api('POST', '/admin/provisioning/credentials');
      $('tenant-url').textContent = tenantUrl;
      $('secret-token').textContent = secretToken;
      $('credentials').hidden = false;
      await refreshNow();
    } catch {}
  });
}

addView(refreshMembers);
addView(refreshMember);
onNewWorld(() => {
  shownMember = undefined;
  skip = 0;
  $('member').hidden = true;
  $('credentials').hidden = true;
  $('tenant-url').textContent = '';
  $('secret-token').textContent = '';
});
