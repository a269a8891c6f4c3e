// Deep links: every object the console opens has a URL (#member/ID, #log/ID, #why/user/ID, #why/member/ID), so
// a link can be shared and the browser's back and forward buttons move between what was opened.
import { onNewWorld, serially } from './core.js';

const places = new Map();

/** `kind` opens with `open(rest of the hash)`; `close()` is called when the URL moves elsewhere. */
export function place(kind, open, close) {
  places.set(kind, { open, close });
}

/** Opens a place by changing the URL (a history entry), or opens it again when the URL is already there. */
export function go(hash) {
  if (location.hash === hash) serially(apply).catch(() => {});
  else location.hash = hash;
}

/** The hash for a place: its kind and its parts, each encoded. */
export const hashFor = (kind, ...parts) => `#${[kind, ...parts.map(encodeURIComponent)].join('/')}`;

export async function apply() {
  const [kind, ...parts] = location.hash.slice(1).split('/');
  const here = places.get(kind);
  for (const [other, p] of places) if (other !== kind) p.close();
  if (here) await here.open(...parts.map(decodeURIComponent));
}

export function listen() {
  window.addEventListener('hashchange', () => serially(apply).catch(() => {}));
}

// Another world: the objects the URL named are not in it. The places close and the URL forgets them.
onNewWorld(() => {
  const kind = location.hash.slice(1).split('/')[0];
  if (!places.has(kind)) return;
  for (const p of places.values()) p.close();
  history.replaceState(null, '', location.pathname + location.search);
});
