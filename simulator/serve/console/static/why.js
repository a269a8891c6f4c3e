// "Why?" on every tenant user and NordPass member: what Entra will do with them at the next cycle and why, in the
// provisioning logs' words, from GET /_sim/why/users/:id and /_sim/why/members/:id (support scripts ask the same).
import { $, addView, api, el, link, on } from './core.js';
import { go, hashFor, place } from './router.js';

function userPart(why) {
  const parts = [
    el('h4', {}, `Entra: ${why.user.userPrincipalName}`),
    el(
      'dl',
      { class: 'pairs' },
      el('dt', {}, 'Next cycle'),
      el('dd', {}, el('strong', {}, why.nextCycle.action), ` · ${why.nextCycle.text}`),
      el('dt', {}, 'Scope'),
      el('dd', {}, why.scope.text),
      el('dt', {}, 'Linked to'),
      el(
        'dd',
        {},
        ...(why.link
          ? [
              link(hashFor('member', why.link.targetId), `NordPass member ${why.link.targetId}`),
              ` · last sent active ${why.link.active}${why.link.managed ? '' : ' · no longer managed'}`,
            ]
          : ['no NordPass member yet']),
      ),
      el('dt', {}, 'The job'),
      el('dd', {}, why.job.text),
      ...(why.escrow ? [el('dt', {}, 'Escrow'), el('dd', {}, why.escrow.text)] : []),
      ...(why.staged ? [el('dt', {}, 'Staged'), el('dd', {}, why.staged.text)] : []),
      ...(why.manager ? [el('dt', {}, 'Manager'), el('dd', {}, why.manager.text)] : []),
    ),
  ];
  return parts;
}

async function openWhy(kind, id) {
  const panel = $('why');
  const close = el('button', { type: 'button' }, 'Close');
  on(close, 'click', () => go('#top'));
  if (kind === 'user') {
    const why = await api('GET', `/_sim/why/users/${encodeURIComponent(id)}`);
    panel.replaceChildren(el('h3', {}, `Why? ${why.user.displayName}`), ...userPart(why), close);
  } else {
    const why = await api('GET', `/_sim/why/members/${encodeURIComponent(id)}`);
    panel.replaceChildren(
      el('h3', {}, `Why? ${why.member.userName}`),
      el('h4', {}, 'NordPass'),
      el('p', {}, why.nordpass.text),
      ...(why.entra ? userPart(why.entra) : [el('h4', {}, 'Entra'), el('p', {}, why.text)]),
      close,
    );
  }
  panel.hidden = false;
}

let shown;
place(
  'why',
  async (kind, id) => {
    shown = [kind, id];
    try {
      await openWhy(kind, id);
    } catch (error) {
      if (error.status !== 404) throw error;
      $('why').replaceChildren(el('p', {}, `No ${kind} ${id} in this world.`));
      $('why').hidden = false;
      shown = undefined;
    }
    $('why').scrollIntoView({ block: 'nearest' });
    $('why').focus();
  },
  () => {
    shown = undefined;
    $('why').hidden = true;
  },
);

// Drawn again with the page: what Entra will do changes as the world does.
addView(async () => {
  if (!shown) return;
  try {
    await openWhy(...shown);
  } catch (error) {
    if (error.status !== 404) throw error;
    $('why').replaceChildren(el('p', {}, `No ${shown[0]} ${shown[1]} in this world.`));
    shown = undefined;
  }
});
