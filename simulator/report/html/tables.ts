/** The parts under the chart: details panels (hidden until a click), steps, provisioning log and HTTP exchanges. */
import type { ExchangeResult, LogEntryResult, ScenarioResult, StepResult } from '../../scenario/result.ts';
import type { CycleLink } from './cycles.ts';
import type { ActionCluster } from './timeline.ts';
import { when } from './geometry.ts';
import { clip, clockTime, dayLabel, describeArgument, escapeHtml as e, formatOffset, num, prettyBody } from './text.ts';

/** Above this many rows the provisioning log starts collapsed. */
const LOG_OPEN_MAX = 40;
const ARG_CHARS = 160;

/** A time cell: the virtual instant and its offset from the scenario's start. */
function timeCell(at: string, start: number): string {
  const t = Date.parse(at);
  return `<td class="time" title="${e(at)}">${e(`${dayLabel(t)} ${clockTime(t)}`)} <span class="rel">${e(formatOffset(t - start))}</span></td>`;
}

function panel(id: string, title: string, body: string): string {
  return `<div class="panel" id="${id}" hidden><div class="panel-head"><h4>${title}</h4><button type="button" class="close" data-close="${id}">Close</button></div>${body}</div>`;
}

/** Hidden panels the chart opens: one per member lane, per clickable cycle, per admin-action marker. */
export function renderPanels(
  s: ScenarioResult,
  prefix: string,
  cycleGroups: CycleLink[][],
  clusters: ActionCluster[],
): string {
  const start = Date.parse(s.start);
  const out: string[] = [];
  s.members.forEach((m, i) => {
    const rows = m.events.map(
      (ev) =>
        `<tr>${timeCell(ev.at, start)}<td>${e(ev.type)}</td><td>${ev.from ? `${e(ev.from)} → ${e(ev.to)}` : ''}</td><td>${e(ev.by)}</td><td>${e(ev.detail)}</td></tr>`,
    );
    const title = `${e(m.name ?? m.userName)} <span class="note">${m.name ? e(m.userName) : ''} · member ${e(m.id)} · now <b>${e(m.status)}</b></span>`;
    out.push(
      panel(
        `${prefix}-pm${i}`,
        title,
        `<table><thead><tr><th>Virtual time</th><th>Event</th><th>State</th><th>By</th><th>Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      ),
    );
  });
  for (const group of cycleGroups) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const at = (t: number) => `${when(t)} (${formatOffset(t - start)})`;
    const title =
      group.length === 1
        ? `${e(first.marker.label)} <span class="note">${e(at(first.at))}</span>`
        : `${group.length} provisioning cycles <span class="note">${e(at(first.at))} → ${e(at(last.at))}</span>`;
    const blocks = group.map((c) => {
      const head =
        group.length === 1
          ? `<p>${e(c.marker.detail)}</p>`
          : `<p><b>${e(c.marker.label)}</b> · ${e(at(c.at))} · ${e(c.marker.detail)}</p>`;
      const logs = c.logs.length
        ? `<div class="cycle-logs" data-fill="${c.key}"></div>`
        : '<p class="note">No provisioning log entries for this cycle.</p>';
      return head + logs;
    });
    out.push(panel(`${first.key}-p`, title, blocks.join('')));
  }
  for (const c of clusters) {
    const rows = c.actions.map(
      (a) => `<tr>${timeCell(a.at, start)}<td>${e(a.label)}</td><td class="arg"><code>${e(a.detail)}</code></td></tr>`,
    );
    out.push(
      panel(
        c.id,
        `Admin action${c.actions.length > 1 ? 's' : ''}`,
        `<table><thead><tr><th>Virtual time</th><th>Action</th><th>Argument</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      ),
    );
  }
  return `<div class="panels" id="${prefix}-panels">${out.join('')}</div>`;
}

export function renderSteps(s: ScenarioResult): string {
  const start = Date.parse(s.start);
  const rows = s.steps.map((st) => stepRow(st, start));
  const notRun = s.passed ? '' : `<p class="note">Steps after the failing one did not run.</p>`;
  return `<h3>Steps</h3><table class="steps"><thead><tr><th>#</th><th>Line</th><th>Virtual time</th><th>Step</th><th>Argument</th><th>Result</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>${notRun}`;
}

function stepRow(st: StepResult, start: number): string {
  const arg = describeArgument(st.args);
  const argCell =
    arg.length > ARG_CHARS ? `<code title="${e(arg)}">${e(clip(arg, ARG_CHARS))}</code>` : `<code>${e(arg)}</code>`;
  const result = st.ok ? '<span class="ok">✔ ok</span>' : `<span class="bad">✘ failed</span>`;
  const note = [st.note ? e(st.note) : '', st.ok || !st.message ? '' : `<div class="bad">${e(st.message)}</div>`].join(
    '',
  );
  return `<tr class="${st.ok ? '' : 'fail'}"><td class="num">${e(st.index + 1)}</td><td class="num">${e(st.line)}</td>${timeCell(st.at, start)}<td><b>${e(st.name)}</b></td><td class="arg">${argCell}</td><td>${result}</td><td>${note}</td></tr>`;
}

/** Log rows carry their cycle key and exchange seqs; the script clones them into a cycle's panel. */
export function renderLogs(s: ScenarioResult, prefix: string, cycleOfLog: Array<string | undefined>): string {
  const start = Date.parse(s.start);
  const kept = new Set(s.exchanges.map((x) => x.seq));
  const rows = s.logs.map((l, i) => logRow(l, i, start, prefix, cycleOfLog[i], kept));
  const shown =
    s.logs.length < s.logsTotal ? `the last ${num(s.logs.length)} of ${num(s.logsTotal)}` : num(s.logs.length);
  const table = s.logs.length
    ? `<div class="scroll"><table class="logs"><thead><tr><th>Virtual time</th><th>Action</th><th>Status</th><th>User</th><th>Error code</th><th>Reason</th><th>HTTP</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
    : '<p class="note">No provisioning log entries.</p>';
  return `<details class="section logs-section" id="${prefix}-logs"${s.logs.length <= LOG_OPEN_MAX ? ' open' : ''}><summary>Provisioning log (${shown} entr${s.logs.length === 1 ? 'y' : 'ies'})</summary>${table}</details>`;
}

function logRow(
  l: LogEntryResult,
  i: number,
  start: number,
  prefix: string,
  cycle: string | undefined,
  kept: Set<number>,
): string {
  const links = l.exchanges
    .map((seq) =>
      kept.has(seq)
        ? `<a href="#${prefix}-x${e(seq)}">#${e(seq)}</a>`
        : `<span class="note" title="not kept in this report">#${e(seq)}</span>`,
    )
    .join(' ');
  const status = e(l.status);
  const attrs = `id="${prefix}-l${i}"${cycle ? ` data-cycle="${cycle}"` : ''} data-x="${e(l.exchanges.join(' '))}"`;
  const modified = l.modified?.length
    ? `<div class="note">${l.modified.map((m) => `${e(m.displayName)}: ${e(m.oldValue ?? '∅')} → ${e(m.newValue ?? '∅')}`).join('<br>')}</div>`
    : '';
  return `<tr ${attrs}>${timeCell(l.at, start)}<td>${e(l.action)}</td><td class="status-${status}">${status}</td><td>${e(l.user)}</td><td>${e(l.errorCode)}</td><td>${e(l.reason)}${modified}</td><td>${links}</td></tr>`;
}

/** Every exchange once, collapsed; panels and log links point here. */
export function renderExchanges(s: ScenarioResult, prefix: string): string {
  const start = Date.parse(s.start);
  const shown =
    s.exchanges.length < s.exchangesTotal
      ? `the last ${num(s.exchanges.length)} of ${num(s.exchangesTotal)}`
      : num(s.exchanges.length);
  const items = s.exchanges.map((x) => exchange(x, prefix, start)).join('');
  return `<details class="section xs-section" id="${prefix}-xs"><summary>HTTP exchanges between Entra and NordPass (${shown})</summary>${items || '<p class="note">No HTTP exchanges.</p>'}</details>`;
}

function exchange(x: ExchangeResult, prefix: string, start: number): string {
  const t = Date.parse(x.at);
  const status =
    x.status === undefined
      ? `<span class="st sx">${e(x.error ?? 'no response')}</span>`
      : `<span class="st s${Math.floor(Number(x.status) / 100)}">${e(x.status)}</span>`;
  const bodies =
    [
      x.requestBody !== undefined ? `<h5>Request body</h5><pre>${e(prettyBody(x.requestBody))}</pre>` : '',
      x.responseBody !== undefined ? `<h5>Response body</h5><pre>${e(prettyBody(x.responseBody))}</pre>` : '',
      x.error ? `<h5>Error</h5><pre>${e(x.error)}</pre>` : '',
    ].join('') || '<p class="note">No bodies.</p>';
  return `<details class="x" id="${prefix}-x${e(x.seq)}"><summary><span class="mono">#${e(x.seq)}</span> <span class="rel">${e(`${dayLabel(t)} ${clockTime(t)} ${formatOffset(t - start)}`)}</span> <b class="mono">${e(x.method)}</b> <span class="mono">${e(x.path)}</span> → ${status}</summary><div class="bodies">${bodies}</div></details>`;
}
