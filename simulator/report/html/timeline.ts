/**
 * The timeline: inline SVG swimlanes over virtual time. One lane per drawn member with coloured state
 * segments and its soft-delete windows, a lane of Entra provisioning cycles and a lane of admin actions.
 * Elements with `data-panel` open a details panel (see tables.ts and script.ts); hovering shows a <title>.
 */
import { type AzureMarker, MEMBER_STATUSES, type ScenarioResult } from '../../scenario/result.ts';
import { linearScale, ticks, type Scale } from './axis.ts';
import type { CycleLink } from './cycles.ts';
import { CHAR_PX, LANE_H, PLOT_LEFT, PLOT_RIGHT, r, when, WIDTH } from './geometry.ts';
import { memberLane } from './member-lane.ts';
import { clip, escapeHtml as e, formatSpan, num } from './text.ts';

const AXIS_H = 34;
const CYCLE_LANE_H = 32;
const ROW_H = 13;
const MAX_LABEL_ROWS = 3;

export interface ActionCluster {
  id: string;
  at: number;
  actions: AzureMarker[];
}

export interface Timeline {
  html: string;
  actionClusters: ActionCluster[];
  /** Clickable cycles, grouped as drawn: each group has one marker and one panel (`<first key>-p`). */
  cycleGroups: CycleLink[][];
}

/** Renders the chart, its legend, and the line about members not drawn. */
export function renderTimeline(
  s: ScenarioResult,
  prefix: string,
  cycles: CycleLink[],
  hint = 'Virtual time, UTC. Click a member lane, a blue cycle tick or an admin action for its details; hover for a summary.',
): Timeline {
  const start = Date.parse(s.start);
  let end = Date.parse(s.end);
  for (const m of s.markers) end = Math.max(end, Date.parse(m.at));
  for (const m of s.members) for (const ev of m.events) end = Math.max(end, Date.parse(ev.at));
  if (!(end - start >= 60_000)) end = start + 60_000;
  const scale = linearScale(start, end, PLOT_LEFT, PLOT_RIGHT);
  const failedAt = failureTime(s);

  const parts: string[] = [];
  let y = failedAt === undefined ? 0 : 16;
  const axisTicks = ticks(start, end);
  const axisTop = y;
  y += AXIS_H;
  const lanesTop = y;
  const clusters = clusterActions(
    s.markers.filter((m) => m.kind === 'action'),
    scale,
    prefix,
  );
  const actions = actionsLane(clusters, scale, y);
  parts.push(actions.svg);
  y += actions.height;
  const cycleLane = cyclesLane(cycles, scale, y);
  parts.push(cycleLane.svg);
  y += CYCLE_LANE_H;
  s.members.forEach((m, i) => {
    parts.push(memberLane(m, `${prefix}-pm${i}`, scale, y, end));
    y += LANE_H;
  });
  const lanesBottom = y;
  const bottomAxis = s.members.length > 8;
  const height = lanesBottom + (bottomAxis ? AXIS_H : 6);

  const grid = axisTicks
    .map(
      (t) =>
        `<line class="grid" x1="${r(scale.x(t.at))}" x2="${r(scale.x(t.at))}" y1="${lanesTop}" y2="${lanesBottom}"/>`,
    )
    .join('');
  const out = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of members, provisioning cycles and admin actions over virtual time">`,
    grid,
    axis(axisTicks, scale, axisTop + AXIS_H, 'top'),
    ...parts,
    bottomAxis ? axis(axisTicks, scale, lanesBottom, 'bottom') : '',
    failedAt === undefined ? '' : failureLine(s, scale, failedAt, lanesBottom),
    '</svg>',
  ];
  return {
    html: `<figure class="timeline">${legend()}${out.join('')}${othersLine(s)}<p class="hint">${e(hint)}</p></figure>`,
    actionClusters: clusters,
    cycleGroups: cycleLane.groups,
  };
}

function axis(list: ReturnType<typeof ticks>, scale: Scale, y: number, side: 'top' | 'bottom'): string {
  const out = [`<line class="axis" x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${y}" y2="${y}"/>`];
  for (const t of list) {
    const x = r(scale.x(t.at));
    const dir = side === 'top' ? -1 : 1;
    out.push(`<line class="axis" x1="${x}" x2="${x}" y1="${y}" y2="${y + dir * 4}"/>`);
    t.lines.forEach((line, i) => {
      const ty = side === 'top' ? y - 8 - (t.lines.length - 1 - i) * 12 : y + 15 + i * 12;
      out.push(`<text class="tick${i > 0 ? ' major' : ''}" x="${x}" y="${ty}" text-anchor="middle">${e(line)}</text>`);
    });
  }
  return out.join('');
}

function laneTitle(y: number, h: number, title: string, sub: string): string {
  return `<text class="lane-title" x="12" y="${y + h / 2 - 2}">${e(title)}</text><text class="lane-mail" x="12" y="${y + h / 2 + 11}">${e(sub)}</text>`;
}

/** Admin actions close together on screen share one marker; labels take the first of three rows that is free. */
function clusterActions(actions: AzureMarker[], scale: Scale, prefix: string): ActionCluster[] {
  const clusters: ActionCluster[] = [];
  let lastX = -Infinity;
  for (const a of actions) {
    const at = Date.parse(a.at);
    const x = scale.x(at);
    const current = clusters[clusters.length - 1];
    if (current && x - lastX < 5) current.actions.push(a);
    else {
      clusters.push({ id: `${prefix}-pa${clusters.length}`, at, actions: [a] });
      lastX = x;
    }
  }
  return clusters;
}

function actionsLane(clusters: ActionCluster[], scale: Scale, y: number): { svg: string; height: number } {
  const rowsEnd: number[] = [];
  const placed = clusters.map((c) => {
    const x = scale.x(c.at);
    const first = c.actions[0]!;
    const label = clip(first.label, 22) + (c.actions.length > 1 ? ` +${c.actions.length - 1}` : '');
    const w = label.length * CHAR_PX + 6;
    const right = x + 5 + w <= PLOT_RIGHT + 10;
    const [a, b] = right ? [x, x + 5 + w] : [x - 5 - w, x];
    let row = rowsEnd.findIndex((endX) => endX < a);
    if (row === -1 && rowsEnd.length < MAX_LABEL_ROWS) row = rowsEnd.length;
    if (row !== -1) rowsEnd[row] = b + 4;
    return { c, x, label, right, row };
  });
  const rows = Math.max(1, rowsEnd.length);
  const height = 12 + rows * ROW_H + 14;
  const markY = y + height - 9;
  const out = [
    `<line class="sep" x1="0" x2="${WIDTH}" y1="${y + height}" y2="${y + height}"/>`,
    laneTitle(y, height, 'Azure / admin actions', `${clusters.reduce((n, c) => n + c.actions.length, 0)} actions`),
  ];
  for (const p of placed) {
    const x = r(p.x);
    const detail = p.c.actions
      .map((a) => `${when(Date.parse(a.at))}  ${a.label}${a.detail ? `: ${a.detail}` : ''}`)
      .join('\n');
    const textY = y + 12 + (p.row === -1 ? 0 : p.row) * ROW_H;
    const label =
      p.row === -1
        ? ''
        : `<line class="act-stem" x1="${x}" x2="${x}" y1="${textY + 2}" y2="${markY - 5}"/><text class="act-label" x="${r(p.right ? p.x + 5 : p.x - 5)}" y="${textY}"${p.right ? '' : ' text-anchor="end"'}>${e(p.label)}</text>`;
    out.push(
      `<g class="mk act" data-panel="${p.c.id}" tabindex="0" role="button" aria-label="${e(`admin actions at ${when(p.c.at)}`)}"><title>${e(detail)}</title>` +
        `<rect class="hit" x="${r(p.x - 6)}" y="${markY - 8}" width="12" height="16"/>${label}` +
        `<path class="act-mark" d="M${x} ${markY - 5}l5 5l-5 5l-5 -5z"/></g>`,
    );
  }
  return { svg: out.join(''), height };
}

/**
 * Cycles with nothing to do are one grey path (a year holds 13,000 of them); the others are clickable ticks.
 * Ticks closer than a few pixels share one marker, so none hides another: its panel lists every cycle in it.
 */
function cyclesLane(cycles: CycleLink[], scale: Scale, y: number): { svg: string; groups: CycleLink[][] } {
  const mid = y + CYCLE_LANE_H / 2;
  const interval = typicalInterval(cycles);
  const sub = `${cycles.length} cycle${cycles.length === 1 ? '' : 's'}${interval ? `, every ${formatSpan(interval)}` : ''}`;
  const out = [
    `<line class="sep" x1="0" x2="${WIDTH}" y1="${y + CYCLE_LANE_H}" y2="${y + CYCLE_LANE_H}"/>`,
    laneTitle(y, CYCLE_LANE_H, 'Entra provisioning', sub),
  ];
  const seen = new Set<number>();
  const empty: string[] = [];
  let emptyCount = 0;
  const groups: CycleLink[][] = [];
  let groupX = -Infinity;
  for (const c of cycles) {
    const x = scale.x(c.at);
    if (c.logs.length > 0 || c.failed) {
      const last = groups[groups.length - 1];
      if (last && x - groupX < 6) last.push(c);
      else {
        groups.push([c]);
        groupX = x;
      }
      continue;
    }
    emptyCount++;
    const half = Math.round(x * 2) / 2;
    if (seen.has(half)) continue;
    seen.add(half);
    empty.push(`M${half} ${mid - 3}V${mid + 3}`);
  }
  if (empty.length)
    out.push(
      `<path class="cyc-empty" d="${empty.join('')}"><title>${emptyCount} cycle${emptyCount === 1 ? '' : 's'} with nothing to change</title></path>`,
    );
  for (const group of groups) {
    const first = group[0]!;
    const x = r(scale.x(first.at));
    const entries = group.reduce((n, c) => n + c.logs.length, 0);
    const failed = group.some((c) => c.failed);
    const what =
      group.length === 1
        ? `${first.marker.label} · ${when(first.at)}\n${first.marker.detail ?? ''}`
        : `${group.length} cycles · ${when(first.at)} → ${when(group[group.length - 1]!.at)}`;
    const title = `${what}\n${entries} log entr${entries === 1 ? 'y' : 'ies'} (click for details)`;
    out.push(
      `<g class="mk cyc${failed ? ' failed' : ''}" data-panel="${first.key}-p" data-cycle-marker="${first.key}" tabindex="0" role="button" aria-label="${e(`${group.length === 1 ? first.marker.label : `${group.length} cycles`} at ${when(first.at)}`)}"><title>${e(title)}</title>` +
        `<rect class="hit" x="${r(x - 5)}" y="${y + 3}" width="10" height="${CYCLE_LANE_H - 6}"/><line x1="${x}" x2="${x}" y1="${y + 6}" y2="${y + CYCLE_LANE_H - 6}"/>` +
        (group.length > 1 ? `<text class="cyc-count" x="${r(x + 4)}" y="${y + 11}">${group.length}</text>` : '') +
        '</g>',
    );
  }
  return { svg: out.join(''), groups };
}

function typicalInterval(cycles: CycleLink[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < cycles.length; i++) gaps.push(cycles[i]!.at - cycles[i - 1]!.at);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)];
  return median && median > 0 ? median : undefined;
}

function failureTime(s: ScenarioResult): number | undefined {
  if (s.passed || !s.failure) return undefined;
  const step = s.steps.find((st) => st.index === s.failure!.step);
  return Date.parse(step?.at ?? s.end);
}

function failureLine(s: ScenarioResult, scale: Scale, at: number, bottom: number): string {
  const x = r(scale.x(at));
  const label = `✘ failed at step ${s.failure!.step + 1} (${clip(s.failure!.name, 24)}), line ${s.failure!.line}`;
  const anchor =
    x > PLOT_RIGHT - label.length * 6.5 ? ' text-anchor="end"' : x < PLOT_LEFT + 40 ? '' : ' text-anchor="middle"';
  return `<line class="fail-line" x1="${x}" x2="${x}" y1="14" y2="${bottom}"/><text class="fail-label" x="${x}" y="12"${anchor}>${e(label)}</text>`;
}

function legend(): string {
  const states = MEMBER_STATUSES.map((st) => `<span><i class="sw st-${st}"></i>${st}</span>`).join('');
  return `<div class="legend">${states}<span><i class="sw win"></i>soft-delete window (to the purge deadline, or a restore or delete)</span><span><i class="sw ev"></i>other member event</span><span><i class="sw cyc"></i>cycle that changed something</span><span><i class="sw cyc-failed"></i>cycle with failures</span><span><i class="sw cyc-empty"></i>cycle with nothing to do</span><span><i class="sw act"></i>admin action</span></div>`;
}

function othersLine(s: ScenarioResult): string {
  const { count, byStatus } = s.otherMembers;
  if (!count) return '';
  const parts = Object.entries(byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([st, n]) => `${num(n)} ${st}`);
  return `<p class="others">…and ${num(count)} other member${count === 1 ? '' : 's'} not drawn: ${e(parts.join(', '))}.</p>`;
}

/** Patterns the charts share, defined once per document. */
export const SVG_DEFS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>
<pattern id="pat-window" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff4ec"/><line x1="0" y1="0" x2="0" y2="6" stroke="#D55E00" stroke-width="2" stroke-opacity=".55"/></pattern>
<pattern id="pat-deleted" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d4d4d4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a8a8a" stroke-width="1.5"/></pattern>
</defs></svg>`;
