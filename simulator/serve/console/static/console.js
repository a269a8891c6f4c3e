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
  if (world.scenarioOpen) renderScript(await api('GET', '/_sim/scenario'));
  else $('script').hidden = true;
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

async function refresh() {
  try {
    await Promise.all([refreshWorld(), refreshTimers(), refreshRecord()]);
  } catch {
    // Shown already (signed out, or a refusal).
  }
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
  await refresh();
}

function wire() {
  for (const button of document.querySelectorAll('[data-by]'))
    button.addEventListener('click', () => advance({ by: button.dataset.by }).catch(() => {}));
  for (const button of document.querySelectorAll('[data-to]')) {
    button.addEventListener('click', async () => {
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
  $('advance-form').addEventListener('submit', (e) => {
    e.preventDefault();
    advance({ by: $('advance-by').value.trim() }).catch(() => {});
  });
  $('open-bundled').addEventListener('submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      renderScript(await api('POST', '/_sim/scenario', { bundled: $('bundled').value }));
      await refresh();
    } catch {}
  });
  $('open-text').addEventListener('submit', async (e) => {
    e.preventDefault();
    show('');
    try {
      renderScript(await api('POST', '/_sim/scenario', { text: $('scenario-text').value, file: 'pasted.yaml' }));
      await refresh();
    } catch {}
  });
  $('step-next').addEventListener('click', async () => {
    try {
      renderScript(await api('POST', '/_sim/scenario/next'));
      await refresh();
    } catch {}
  });
  $('step-end').addEventListener('click', async () => {
    try {
      const view = await api('GET', '/_sim/scenario');
      renderScript(await api('POST', '/_sim/scenario/run-to', { step: view.total }));
      await refresh();
    } catch {}
  });
  $('reset').addEventListener('click', async () => {
    if (!window.confirm('Reset: a new, empty world (the record starts again)?')) return;
    try {
      await api('POST', '/_sim/reset', {});
      $('activity').replaceChildren();
      await refresh();
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
  await refresh();
  const events = new EventSource('/_sim/events');
  for (const type of ['member', 'cycle', 'log', 'clock', 'step'])
    events.addEventListener(type, (message) => {
      activity(JSON.parse(message.data));
      refreshSoon();
    });
}

start();
