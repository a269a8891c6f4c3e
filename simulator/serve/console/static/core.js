// The console's core: DOM helpers, the one way to call the server (documented routes only, with the session
// cookie and, for a change, the CSRF token the sign-in set), actions one at a time, and the views' redraw.
// Everything that came from the server is put on the page as text, never as HTML.

export const $ = (id) => document.getElementById(id);

/** The CSRF token the sign-in left in a cookie the page can read. */
function csrfToken() {
  const found = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('scimsim_csrf='));
  return found ? found.slice('scimsim_csrf='.length) : '';
}

/** One call to the simulator; a refusal is shown on the page and thrown. */
export async function api(method, path, body) {
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
    throw Object.assign(new Error(data.error?.message ?? String(response.status)), { status: response.status });
  }
  $('signed-out').hidden = true;
  return data;
}

export const graph = (method, path, body) => api(method, `/azure/v1.0${path}`, body);

/** A problem shown at the top of the page ('' hides it). */
export function show(message) {
  const problem = $('problem');
  problem.textContent = message;
  problem.hidden = message === '';
}

/** An element with text content and attributes; children are elements or text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** A table body's rows, or one row saying there is nothing. */
export function rows(tbody, list, columns, empty) {
  tbody.replaceChildren(...(list.length ? list : [el('tr', {}, el('td', { colspan: String(columns) }, empty))]));
}

/** A step as a scenario writes it: `name` or `name: argument`. */
export function stepText(step) {
  if (typeof step === 'string') return step;
  const [name, args] = Object.entries(step)[0];
  return `${name}: ${typeof args === 'string' ? args : JSON.stringify(args)}`;
}

/** A virtual instant as people read it: "2026-03-02 08:40 UTC". */
export const when = (iso) =>
  `${iso
    .replace('T', ' ')
    .replace(/:00\.000Z$|\.000Z$/, '')
    .replace(/Z$/, '')} UTC`;

/** The virtual now the page last heard, epoch ms. */
export const nowMs = () => Date.parse($('now').getAttribute('datetime') ?? '');

/** "12 days 3 h" from milliseconds (the time left before a purge). */
export function span(ms) {
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} h`);
  if (!days && minutes) parts.push(`${minutes} min`);
  return parts.join(' ') || 'less than a minute';
}

// One thing at a time: an action, then the page drawn again, then the next. A redraw that began before a reset
// must not go on asking the new world about the old one's objects.
let queue = Promise.resolve();
export function serially(work) {
  const turn = queue.then(work, work);
  queue = turn.catch(() => {});
  return turn;
}

/**
 * A listener whose work waits its turn. A submitted form is kept from reloading the page, and its fields are
 * disabled until its turn is over: the handler reads them when its turn comes, and what was typed next must not
 * be sent instead (focus comes back to where it was).
 */
export function on(target, type, handler) {
  target.addEventListener(type, (event) => {
    const form = type === 'submit' ? target : undefined;
    if (form) event.preventDefault();
    const fields = form ? [...form.elements].filter((f) => !f.disabled) : [];
    const focused = document.activeElement;
    for (const f of fields) f.disabled = true;
    serially(() => handler(event))
      .catch(() => {})
      .finally(() => {
        for (const f of fields) f.disabled = false;
        if (form?.contains(focused)) focused.focus();
      });
  });
}

// The views: each registers how it draws itself; `first` ones (the world's header) draw before the rest.
const firstViews = [];
const views = [];
export function addView(draw, { first = false } = {}) {
  (first ? firstViews : views).push(draw);
}

export async function refreshNow() {
  try {
    for (const draw of firstViews) await draw();
    await Promise.all(views.map((draw) => draw()));
  } catch {
    // Shown already (signed out, or a refusal).
  }
}
export const refresh = () => serially(refreshNow);

// A new world (reset, a scenario opened, back to a step): what the page showed of the last one goes.
const newWorldListeners = [];
export const onNewWorld = (listener) => newWorldListeners.push(listener);
export const newWorld = () => {
  for (const listener of newWorldListeners) listener();
};

/**
 * A control that makes one change: the problem line cleared, the change made, then the page drawn again. A
 * refusal is shown by api() and stops there (on() swallows it).
 */
export function act(target, type, run) {
  on(target, type, async () => {
    show('');
    await run();
    await refreshNow();
  });
}

/** A button that does one change, then redraws the page; `name` says what it acts on, for its label. */
export function button(label, name, run) {
  const b = el('button', { type: 'button' }, label);
  b.setAttribute('aria-label', `${label}: ${name}`);
  act(b, 'click', run);
  return b;
}

/** A link to a place in the console (deep links: see router.js). */
export function link(hash, text, label) {
  const a = el('a', { href: hash }, text);
  if (label) a.setAttribute('aria-label', label);
  return a;
}
