// The seed guide as a checklist: each item ticks itself when the world shows it was done (a recorded step, an
// invitation in the Outbox, a member deleted for good), so a first-time user sees where to start and what is next.
import { $, addView, api, el, link } from './core.js';

const ITEMS = [
  {
    text: 'Create a user',
    where: 'Entra admin center › Users › New user',
    place: '#users-title',
    done: (w) => w.steps.has('createUser'),
  },
  {
    text: 'Assign the user to NordPass',
    where: 'Enterprise applications › NordPass › Users and groups › Add user/group',
    place: '#assignments-title',
    done: (w) => w.steps.has('assign'),
  },
  {
    text: 'Get credentials',
    where: 'NordPass Admin Panel',
    place: '#nordpass-title',
    done: (w) => w.steps.has('getCredentials'),
  },
  {
    text: 'Enter the Tenant URL and Secret Token, then Test Connection',
    where: 'Provisioning',
    place: '#provisioning-title',
    done: (w) => w.steps.has('testConnection'),
  },
  { text: 'Save', where: 'Provisioning', place: '#provisioning-title', done: (w) => w.steps.has('save') },
  {
    text: 'Start provisioning',
    where: 'Provisioning',
    place: '#provisioning-title',
    done: (w) => w.steps.has('start'),
  },
  {
    text: 'Move to the next provisioning cycle: NordPass invites the user',
    where: 'The clock › Next provisioning cycle; NordPass › Outbox',
    place: '#clock-title',
    done: (w) => w.invitations > 0,
  },
  {
    text: 'Accept the invitation as the invitee',
    where: 'NordPass Admin Panel › Members › Pending',
    place: '#members-title',
    done: (w) => w.steps.has('acceptInvitation'),
  },
  {
    text: 'Remove the user from NordPass, or delete them',
    where: 'Users and groups › Remove, or Users › Delete user',
    place: '#assignments-title',
    done: (w) => w.steps.has('unassign') || w.steps.has('deleteUser'),
  },
  {
    text: 'Next cycle, then +30 days: the member is deleted for good',
    where: 'The clock; NordPass › Members › Deleted',
    place: '#clock-title',
    done: (w) => w.deleted > 0,
  },
  {
    text: 'Export scenario, and run it with npx scimsim run',
    where: 'Record › Export scenario',
    place: '#record-title',
    done: () => sessionStorage.getItem('scimsim-exported') === 'yes',
  },
];

async function refreshChecklist() {
  if ($('checklist').hidden) return;
  const [{ steps }, { counts }, outbox] = await Promise.all([
    api('GET', '/_sim/record'),
    api('GET', '/admin/members?top=1'),
    api('GET', '/admin/outbox?top=1'),
  ]);
  const world = {
    steps: new Set(steps.map((s) => (typeof s.step === 'string' ? s.step : Object.keys(s.step)[0]))),
    invitations: outbox.total,
    deleted: counts.deleted,
  };
  let next = true;
  $('checklist-items').replaceChildren(
    ...ITEMS.map((item) => {
      const done = item.done(world);
      const isNext = !done && next;
      if (isNext) next = false;
      return el(
        'li',
        { class: done ? 'done' : isNext ? 'next' : '', 'data-done': String(done) },
        el('span', { class: 'tick' }, done ? '✓ done' : isNext ? '→ next' : '○'),
        ' ',
        link(item.place, item.text),
        el('span', { class: 'note' }, ` · ${item.where}`),
      );
    }),
  );
}

export function wireChecklist() {
  $('checklist').hidden = localStorage.getItem('scimsim-checklist') === 'hidden';
  $('show-checklist').hidden = !$('checklist').hidden;
  $('hide-checklist').addEventListener('click', () => {
    localStorage.setItem('scimsim-checklist', 'hidden');
    $('checklist').hidden = true;
    $('show-checklist').hidden = false;
  });
  $('show-checklist').addEventListener('click', () => {
    localStorage.removeItem('scimsim-checklist');
    $('checklist').hidden = false;
    $('show-checklist').hidden = true;
    refreshChecklist().catch(() => {});
  });
  $('export').addEventListener('click', () => {
    sessionStorage.setItem('scimsim-exported', 'yes');
    setTimeout(() => refreshChecklist().catch(() => {}), 500);
  });
}

addView(refreshChecklist);
