// The Entra admin center, through the Graph routes: Users (search, pages, new, edit, block sign-in, delete,
// provision on demand), Groups (members, nested groups), Deleted users (restore, delete permanently).
import { $, act, addView, button, el, graph, link, nowMs, on, rows, show, span, when } from './core.js';
import { provisionOnDemand } from './provisioning.js';
import { hashFor } from './router.js';

// INFERRED in the served world as in Entra: a deleted user is kept 30 days in Deleted users.
const RECYCLE_BIN_DAYS = 30;
const PAGE = 25;
let usersQuery = '';
let usersShown = PAGE;

const quoted = (text) => `'${text.replace(/'/g, "''")}'`;

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
  const users = await graph('GET', `/users?$filter=${encodeURIComponent(`userPrincipalName eq ${quoted(name)}`)}`);
  if (users.value.length) return users.value[0].id;
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
