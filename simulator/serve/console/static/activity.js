// What happens, as it happens: the server-sent events of /_sim/events feed the Activity list, say whether this tab
// is live, and have the page drawn again once a burst (a cycle) has settled; the timeline is drawn again with it.
import { $, addView, el, refresh, stepText, when } from './core.js';

const ACTIVITY_LIMIT = 200;

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

// Many events come at once (a cycle); the page is drawn again once they have settled.
let pending;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 150);
}

// The timeline (the HTML report's swimlanes, drawn by the server from the world) reloads with the page.
let drawn = 0;
addView(async () => {
  $('timeline').src = `/_sim/timeline?drawn=${++drawn}`;
});

export function listenToEvents() {
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
  // A change through a face, recorded or not (another client's Graph call): drawn again, not listed (its step is).
  events.addEventListener('change', () => refreshSoon());
}
