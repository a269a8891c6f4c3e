// The clock: the virtual now, buttons that move it (next cycle, next event, +1 hour ... +30 days, any duration),
// what happens next (cycles, purges, invitations, recycle-bin expiries), and the faults NordPass answers with.
import { $, addView, api, button, el, newWorld, on, refreshNow, rows, show, when } from './core.js';

let generation;
let world;
/** The world as the last redraw saw it (/_sim/world). */
export const currentWorld = () => world;

async function refreshWorld() {
  world = await api('GET', '/_sim/world');
  $('world-name').textContent = world.name;
  const set = Object.entries(world.variants ?? {}).map(([name, alternative]) => `${name}: ${alternative}`);
  $('world-follows').textContent =
    `Cycles: ${world.cycleDuration}. Unsettled behaviours: ${set.length ? set.join(', ') : 'the defaults'} (scimsim variants lists them).`;
  $('now').textContent = when(world.now);
  $('now').setAttribute('datetime', world.now);
  if (world.generation !== generation) {
    // Not for the first world the page sees: a deep link in the URL is about that one.
    if (generation !== undefined) newWorld();
    generation = world.generation;
  }
}

async function refreshTimers() {
  const { timers, total } = await api('GET', '/_sim/timers?limit=10');
  rows(
    $('timers'),
    timers.map((t) => el('tr', {}, el('td', {}, when(t.at)), el('td', {}, t.kind), el('td', {}, t.label))),
    3,
    'Nothing is scheduled.',
  );
  $('timers-more').textContent = total > timers.length ? `and ${total - timers.length} more` : '';
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
      const clear = button('Clear', `fault ${f.id}`, () => api('DELETE', `/_sim/faults/${encodeURIComponent(f.id)}`));
      clear.setAttribute('aria-label', `Clear fault ${f.id}`);
      return el('li', {}, `${f.id}: NordPass ${what} to ${scope}${until} (used ${f.used}) `, clear);
    }),
  );
}

async function advance(body) {
  show('');
  await api('POST', '/_sim/clock/advance', body);
  await refreshNow();
}

export function wireClock() {
  for (const b of document.querySelectorAll('[data-by]')) on(b, 'click', () => advance({ by: b.dataset.by }));
  for (const b of document.querySelectorAll('[data-to]'))
    on(b, 'click', async () => {
      const { timers } = await api('GET', '/_sim/timers?limit=1000');
      const next = b.dataset.to === 'cycle' ? timers.find((t) => t.kind === 'cycle') : timers[0];
      if (!next)
        return show(
          b.dataset.to === 'cycle'
            ? 'No provisioning cycle is scheduled (start provisioning first).'
            : 'Nothing is scheduled.',
        );
      await advance({ to: next.at });
    });
  on($('advance-form'), 'submit', () => advance({ by: $('advance-by').value.trim() }));
  for (const b of document.querySelectorAll('[data-fault]'))
    on(b, 'click', async () => {
      show('');
      await api('POST', '/_sim/faults', JSON.parse(b.dataset.fault));
      await refreshNow();
    });
}

addView(refreshWorld, { first: true });
addView(refreshTimers);
addView(refreshFaults);
