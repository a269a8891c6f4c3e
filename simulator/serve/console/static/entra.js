// The Entra admin center, through the Graph routes: Users (search, pages, new, edit, Edit properties > Manager,
// block sign-in, delete, provision on demand), Groups (members, nested groups), Deleted users (restore, delete
// permanently).
import {
  $,
  act,
  addView,
  button,
  el,
  graph,
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
import { provisionOnDemand } from './provisioning.js';
import { hashFor } from './router.js';

// INFERRED in the served world as in Entra: a deleted user is kept 30 days in Deleted users.
const RECYCLE_BIN_DAYS = 30;
const PAGE = 25;
let usersQuery = '';
let usersShown = PAGE;
// Edit properties > Manager: the user the form is open on ({ id, displayName, userPrincipalName }; undefined when it
// is closed), the manager it last read for them (undefined: none), and which read is the latest.
let managing;
let managerShown;
let managerReads = 0;

const quoted = (text) => `'${text.replace(/'/g, "''")}'`;

/** A user principal name as text that may break after its "@" (a <wbr>), read as one name. */
function breakAfterAt(upn) {
  const at = upn.lastIndexOf('@');
  return at < 0 ? [upn] : [upn.slice(0, at + 1), el('wbr'), upn.slice(at + 1)];
}

async function refreshUsers() {
  const filter = usersQuery
    ? `&$filter=${encodeURIComponent(`startswith(userPrincipalName,${quoted(usersQuery)})`)}`
    : '';
  const page = await graph(
    'GET',
    `/users?$top=${usersShown}&$select=id,displayName,userPrincipalName,accountEnabled${filter}`,
  );
  rows(
    $('users'),
    page.value.map((u) =>
      el(
        'tr',
        {},
        el('td', {}, u.displayName),
        el('td', {}, ...breakAfterAt(u.userPrincipalName)),
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
            editManagerButton(u),
            button('Delete user', u.userPrincipalName, () => graph('DELETE', `/users/${u.id}`)),
            button('Provision on demand', u.userPrincipalName, () => provisionOnDemand(u)),
            link(hashFor('why', 'user', u.id), 'Why?', `Why?: ${u.userPrincipalName}`),
          ),
        ),
      ),
    ),
    4,
    usersQuery ? `No user principal name starts with "${usersQuery}".` : 'No users.',
  );
  $('users-more').hidden = !page['@odata.nextLink'];
  const n = page.value.length;
  $('users-count').textContent =
    `${n} user${n === 1 ? '' : 's'} shown${page['@odata.nextLink'] ? '; there are more' : ''}.`;
  // The list reads no manager (one more request per listed user would slow every redraw of a long list): only the
  // user whose Edit properties > Manager is open has theirs read, two requests, and only while it is open.
  await refreshManager();
}

/** A line beside a form ('' hides it): api() put a refusal at the top of the page; it belongs here. */
function problemAt(id, text) {
  $(id).textContent = text;
  $(id).hidden = text === '';
}

const managerStatus = (text) => problemAt('user-manager-status', text);

/** A Graph read for which 404 is an answer ("no manager", "no such user"): undefined, and not shown as a problem. */
async function found(path) {
  const before = $('problem').hidden ? '' : $('problem').textContent;
  try {
    return await graph('GET', path);
  } catch (error) {
    if (error.status !== 404) throw error;
    if ($('problem').textContent === error.message) show(before);
    return undefined;
  }
}

/** A live user by user principal name ({ id, displayName, userPrincipalName }), or undefined. */
async function userByUpn(upn) {
  const filter = encodeURIComponent(`userPrincipalName eq ${quoted(upn)}`);
  const { value } = await graph('GET', `/users?$filter=${filter}&$select=id,displayName,userPrincipalName`);
  return value[0];
}

/** The open Manager form's user and their manager, read again (after a change here or anywhere). */
async function refreshManager() {
  const user = managing;
  if (!user) return;
  const read = ++managerReads;
  const now = await found(`/users/${user.id}?$select=id,displayName,userPrincipalName`);
  const manager = now ? await found(`/users/${user.id}/manager`) : undefined;
  // A later read (or another user's form, or a closed one) wins over this one.
  if (read !== managerReads || managing?.id !== user.id) return;
  managerShown = manager;
  $('manager-remove').hidden = !manager;
  if (!now) {
    $('user-manager-now').textContent = `${user.userPrincipalName} is no longer in Users.`;
    return;
  }
  Object.assign(managing, { displayName: now.displayName, userPrincipalName: now.userPrincipalName });
  $('user-manager-title').textContent = `Edit properties: ${now.displayName} (${now.userPrincipalName})`;
  $('user-manager-now').textContent = manager
    ? `Current manager: ${manager.displayName} (${manager.userPrincipalName})`
    : 'Current manager: none';
}

function closeManager() {
  managing = undefined;
  managerShown = undefined;
  $('user-manager').hidden = true;
  $('manager-upn').value = '';
  problemAt('user-manager-error', '');
  managerStatus('');
}

/** Edit properties > Manager, opened on this user under the list (outside it: a redraw keeps what is typed). */
function openManager(u) {
  if (managing?.id !== u.id) $('manager-upn').value = '';
  managing = { id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName };
  managerShown = undefined;
  problemAt('user-manager-error', '');
  managerStatus('');
  $('user-manager-title').textContent = `Edit properties: ${u.displayName} (${u.userPrincipalName})`;
  $('user-manager-now').textContent = 'Current manager: …';
  $('manager-remove').hidden = true;
  $('user-manager').hidden = false;
  $('manager-upn').focus();
  // Shown already when it fails (signed out).
  refreshManager().catch(() => {});
}

function editManagerButton(u) {
  const b = el('button', { type: 'button', 'aria-label': `Edit manager: ${u.userPrincipalName}` }, 'Edit manager');
  // Opening the form changes nothing: at once, not after what is queued.
  b.addEventListener('click', () => openManager(u));
  return b;
}

/** Change manager: the user typed, resolved to an id, as their manager (PUT manager/$ref). */
async function changeManager() {
  const user = managing;
  if (!user) return;
  const upn = $('manager-upn').value.trim();
  if (!upn) return problemAt('user-manager-error', "Type the manager's user principal name.");
  const manager = await userByUpn(upn);
  if (!manager) return problemAt('user-manager-error', `Not changed: no user "${upn}".`);
  if (managerShown?.id === manager.id)
    return managerStatus(`Nothing changed: ${manager.displayName} is the manager of ${user.displayName} already.`);
  try {
    await graph('PUT', `/users/${user.id}/manager/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${manager.id}`,
    });
  } catch (error) {
    // Graph's refusal (their own manager, a user gone meanwhile) beside the form, which keeps what was typed.
    show('');
    return problemAt('user-manager-error', `Not changed: ${error.message}`);
  }
  $('manager-upn').value = '';
  managerStatus(`Changed the manager of ${user.displayName}: ${manager.displayName}.`);
}

/** Remove manager (DELETE manager/$ref). */
async function removeManager() {
  const user = managing;
  if (!user) return;
  const was = managerShown;
  try {
    await graph('DELETE', `/users/${user.id}/manager/$ref`);
  } catch (error) {
    show('');
    return problemAt('user-manager-error', `Not removed: ${error.message}`);
  }
  managerStatus(`Removed the manager of ${user.displayName}${was ? ` (${was.displayName})` : ''}.`);
}

/** Groups with their direct members (nested groups among them). */
async function refreshGroups() {
  const { value } = await graph('GET', '/groups?$top=50');
  const list = await Promise.all(
    value.map(async (g) => {
      const members = (await graph('GET', `/groups/${g.id}/members`)).value;
      return el(
        'tr',
        {},
        el('td', {}, g.displayName),
        el(
          'td',
          {},
          el(
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
          ),
        ),
        el(
          'td',
          {},
          button('Delete group', g.displayName, () => graph('DELETE', `/groups/${g.id}`)),
        ),
      );
    }),
  );
  rows($('groups'), list, 3, 'No groups.');
}

/** A user (by user principal name) or a group (by display name): its object id, or undefined. */
export async function principalId(name) {
  const user = await userByUpn(name);
  if (user) return user.id;
  const groups = await graph('GET', `/groups?$filter=${encodeURIComponent(`displayName eq ${quoted(name)}`)}`);
  return groups.value[0]?.id;
}

async function refreshDeleted() {
  const { value } = await graph('GET', '/directory/deletedItems/microsoft.graph.user?$top=50');
  const now = nowMs();
  rows(
    $('deleted-users'),
    value.map((u) => {
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
            button('Restore user', u.userPrincipalName, () => graph('POST', `/directory/deletedItems/${u.id}/restore`)),
            button('Delete permanently', u.userPrincipalName, () => graph('DELETE', `/directory/deletedItems/${u.id}`)),
            link(hashFor('why', 'user', u.id), 'Why?', `Why?: ${u.userPrincipalName}`),
          ),
        ),
      );
    }),
    3,
    'No deleted users.',
  );
}

/** A form that makes one change (see act). */
const submit = (id, run) => act($(id), 'submit', run);

export function wireEntra() {
  on($('user-search'), 'submit', () => {
    usersQuery = $('user-query').value.trim();
    usersShown = PAGE;
    return refreshUsers();
  });
  on($('users-more'), 'click', () => {
    usersShown += PAGE;
    return refreshUsers();
  });
  // As the portal's New user: the mail nickname from the UPN, sign-in allowed, an auto-generated password.
  submit('new-user', async () => {
    const userPrincipalName = $('new-upn').value.trim();
    const password = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16)).join('');
    await graph('POST', '/users', {
      accountEnabled: true,
      userPrincipalName,
      displayName: $('new-name').value.trim(),
      mailNickname: userPrincipalName.split('@')[0],
      passwordProfile: { forceChangePasswordNextSignIn: true, password: `Aa1!${password}` },
    });
    $('new-upn').value = '';
    $('new-name').value = '';
  });
  // Edit: only the fields given change; the form is outside the table so a redraw cannot take what is typed.
  submit('edit-user', async () => {
    const upn = $('edit-upn').value.trim();
    const id = await principalId(upn);
    if (!id) return show(`No user "${upn}".`);
    const changes = {};
    for (const [input, property] of [
      ['edit-display-name', 'displayName'],
      ['edit-job-title', 'jobTitle'],
      ['edit-department', 'department'],
    ]) {
      const value = $(input).value.trim();
      if (value) changes[property] = value;
    }
    if (!Object.keys(changes).length) return show('Type at least one new value.');
    await graph('PATCH', `/users/${id}`, changes);
    for (const input of ['edit-display-name', 'edit-job-title', 'edit-department']) $(input).value = '';
  });
  // Edit properties > Manager: Change manager (the form's submit, Enter too) or Remove manager (a submit that needs
  // no name typed); the fields are disabled until the change is made, a refusal is said beside the form.
  on($('user-manager'), 'submit', async (event) => {
    show('');
    problemAt('user-manager-error', '');
    managerStatus('');
    await (event.submitter?.id === 'manager-remove' ? removeManager() : changeManager());
    await refreshNow();
  });
  $('manager-close').addEventListener('click', closeManager);
  // A form of its own, not in the table: a redraw of the table must not take away what someone is typing.
  submit('group-member', async () => {
    const group = await principalId($('member-group').value.trim());
    const member = await principalId($('member-name').value.trim());
    if (!group || !member) return show('No such group, or no such user or group to add.');
    await graph('POST', `/groups/${group}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${member}`,
    });
    $('member-name').value = '';
  });
  submit('new-group', async () => {
    await graph('POST', '/groups', { displayName: $('new-group-name').value.trim() });
    $('new-group-name').value = '';
  });
}

addView(refreshUsers);
addView(refreshGroups);
addView(refreshDeleted);
onNewWorld(closeManager);
