/** A member's lane: coloured segments per state, other events as dots, and the soft-delete windows above them. */
import type { MemberStatus, MemberTimeline } from '../../scenario/result.ts';
import type { Scale } from './axis.ts';
import { CHAR_PX, LANE_H, MIN_SEGMENT_PX, PLOT_LEFT, PLOT_RIGHT, r, span, when, WIDTH } from './geometry.ts';
import { clip, dayLabel, escapeHtml as e, formatSpan, formatWhen } from './text.ts';

interface Segment {
  state: MemberStatus;
  from: number;
  to: number;
}

/** The events that moved the member to another state. */
const moves = (m: MemberTimeline) => m.events.map((ev) => ev.from !== ev.to);

function segmentsOf(m: MemberTimeline, moved: boolean[], end: number): Segment[] {
  const out: Segment[] = [];
  let current: Segment | undefined;
  m.events.forEach((ev, i) => {
    if (!moved[i]) return;
    const at = Date.parse(ev.at);
    if (current) out.push({ ...current, to: at });
    current = { state: ev.to, from: at, to: end };
  });
  if (current) out.push(current);
  return out;
}

/** One lane; a click anywhere on it opens the member's history (`panel`). */
export function memberLane(m: MemberTimeline, panel: string, scale: Scale, y: number, end: number): string {
  const name = m.name ?? m.userName;
  const barY = y + 17;
  const barH = 17;
  const out = [
    `<g class="lane" data-panel="${panel}" data-member="${e(m.userName)}" tabindex="0" role="button" aria-label="${e(`${name}: show history`)}">`,
    `<rect class="lane-bg" x="0" y="${y}" width="${WIDTH}" height="${LANE_H}"/>`,
    `<line class="sep" x1="0" x2="${WIDTH}" y1="${y + LANE_H}" y2="${y + LANE_H}"/>`,
    `<text class="lane-name" x="12" y="${m.name ? y + 19 : y + 26}">${e(clip(name, 30))}<title>${e(`${name} · ${m.userName} · now ${m.status}`)}</title></text>`,
    m.name ? `<text class="lane-mail" x="12" y="${y + 34}">${e(clip(m.userName, 38))}</text>` : '',
  ];
  let minX = -Infinity;
  const moved = moves(m);
  for (const seg of segmentsOf(m, moved, end)) {
    const x = Math.max(scale.x(seg.from), minX);
    const w = Math.max(MIN_SEGMENT_PX, Math.min(scale.x(seg.to), PLOT_RIGHT) - x);
    minX = x + w;
    const fill = seg.state === 'deleted' ? ' style="fill:url(#pat-deleted)"' : '';
    out.push(
      `<rect class="seg st-${e(seg.state)}" data-state="${e(seg.state)}" x="${r(x)}" y="${barY}" width="${r(w)}" height="${barH}"${fill}><title>${e(`${name}: ${seg.state}\n${span(seg.from, seg.to)}`)}</title></rect>`,
    );
    if (w > seg.state.length * CHAR_PX + 10)
      out.push(`<text class="seg-label sl-${e(seg.state)}" x="${r(x + 5)}" y="${barY + 12.5}">${e(seg.state)}</text>`);
  }
  out.push(windows(m, scale, y, end));
  m.events.forEach((ev, i) => {
    if (moved[i]) return;
    const at = Date.parse(ev.at);
    out.push(
      `<circle class="ev" cx="${r(scale.x(at))}" cy="${barY}" r="3"><title>${e(`${ev.type} · ${when(at)}${ev.detail ? `\n${ev.detail}` : ''}`)}</title></circle>`,
    );
  });
  out.push('</g>');
  return out.join('');
}

interface Window {
  from: number;
  deadline: number;
  windowMs: number;
  to: number;
  type: string;
  closedBy?: string;
}

/** Each soft delete opens a window (its deadline on the event) that the next move out of the state closes. */
function windowsOf(m: MemberTimeline): Window[] {
  const out: Window[] = [];
  m.events.forEach((ev, i) => {
    if (ev.purgeAt === undefined || ev.windowMs === undefined) return;
    const from = Date.parse(ev.at);
    const deadline = Date.parse(ev.purgeAt);
    const closing = m.events.slice(i + 1).find((x) => x.from === ev.to && x.to !== ev.to);
    out.push({
      from,
      deadline,
      windowMs: ev.windowMs,
      to: closing ? Date.parse(closing.at) : deadline,
      type: ev.type,
      ...(closing ? { closedBy: closing.type } : {}),
    });
  });
  return out;
}

/** The band and bracket of each window; the label goes inside, else after the band, else before it. */
function windows(m: MemberTimeline, scale: Scale, y: number, end: number): string {
  const list = windowsOf(m);
  const out: string[] = [];
  const top = y + 3;
  const bottom = y + 14;
  let freeFrom = PLOT_LEFT - 4;
  list.forEach((w, i) => {
    const name = windowName(w.windowMs);
    const outcome =
      w.closedBy === 'purged'
        ? `purged ${formatSpan(w.to - w.from)} after the ${w.type === 'suspended' ? 'suspension' : 'removal'}`
        : w.closedBy
          ? `${w.closedBy} after ${formatSpan(w.to - w.from)}`
          : `open: purge due ${formatWhen(w.deadline)}`;
    const x1 = scale.x(w.from);
    const open = w.to > end;
    const x2 = Math.max(x1 + MIN_SEGMENT_PX, open ? PLOT_RIGHT : scale.x(w.to));
    const title = `${name} (${w.type} ${when(w.from)}, deadline ${when(w.deadline)})\n${outcome}`;
    out.push(
      `<g class="win"><title>${e(title)}</title><rect class="win-band" x="${r(x1)}" y="${top}" width="${r(x2 - x1)}" height="${bottom - top}"/>` +
        `<path class="win-line" d="M${r(x1)} ${bottom}V${top}H${r(x2)}${open ? 'm-6 -3l6 3l-6 3' : `V${bottom}`}"/>`,
    );
    const label = `${name} · ${w.closedBy ?? `purge due ${dayLabel(w.deadline)}`}`;
    const width = label.length * 5.8;
    const nextStart = i + 1 < list.length ? scale.x(list[i + 1]!.from) : PLOT_RIGHT + 12;
    let at: { x: number; anchor: string } | undefined;
    if (width <= x2 - x1 - 10) at = { x: x1 + 4, anchor: '' };
    else if (x2 + 4 + width <= Math.min(nextStart, PLOT_RIGHT + 12)) at = { x: x2 + 4, anchor: '' };
    else if (x1 - 4 - width >= freeFrom) at = { x: x1 - 4, anchor: ' text-anchor="end"' };
    if (at) out.push(`<text class="win-label" x="${r(at.x)}" y="${bottom - 2}"${at.anchor}>${e(label)}</text>`);
    out.push('</g>');
    freeFrom = Math.max(x2, at && !at.anchor ? at.x + width : x2) + 4;
  });
  return out.join('');
}

/** "30-day window" for whole days (the NordPass setting is usually days), else the span ("36 h window"). */
function windowName(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days}-day window` : `${formatSpan(ms)} window`;
}
