/**
 * The report's stylesheet. Member states use the Okabe–Ito palette (distinguishable with the common colour
 * vision deficiencies), and every state is also named in text: in the legend, inside wide segments, in tooltips.
 */
import { MEMBER_STATUSES, type MemberStatus } from '../../scenario/result.ts';

/** A colour for every member state: a state added to the model fails to compile here until it has one. */
const STATE_COLOURS: Record<MemberStatus, string> = {
  pending: '#56B4E9',
  active: '#009E73',
  suspended: '#E69F00',
  forbidden: '#CC79A7',
  deleted: '#B8B8B8',
};

/** Text colour that reads on each state's fill. */
const STATE_TEXT: Record<MemberStatus, string> = {
  pending: '#0b2a3b',
  active: '#ffffff',
  suspended: '#2b1c00',
  forbidden: '#2e0c22',
  deleted: '#333333',
};

const stateRules = MEMBER_STATUSES.map(
  (state) =>
    `.st-${state}{fill:${STATE_COLOURS[state]};background-color:${STATE_COLOURS[state]}}.sl-${state}{fill:${STATE_TEXT[state]}}`,
).join('\n');

export const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--fail-bg:#ffebe9;--pass-bg:#dafbe1;--link:#0969da;--window:#D55E00;--cycle:#0072B2}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
main,header.top{max-width:1280px;margin:0 auto;padding:0 24px}
a{color:var(--link)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
h1{font-size:24px;margin:24px 0 4px}
h2{font-size:20px;margin:0;line-height:1.3}
h3{font-size:15px;margin:20px 0 8px}
header.top{border-bottom:1px solid var(--line);padding-bottom:16px}
.banner{display:inline-block;font-size:18px;font-weight:600;padding:6px 14px;border-radius:6px;margin:8px 0}
.banner.pass{background:var(--pass-bg);color:var(--pass)}.banner.fail{background:var(--fail-bg);color:var(--fail)}
.meta-line{color:var(--muted);margin:2px 0}
ol.toc{list-style:none;padding:0;margin:12px 0 0;columns:1}
ol.toc li{padding:3px 0}
ol.toc li.failed a{color:var(--fail);font-weight:600}
.badge{display:inline-block;white-space:nowrap;min-width:64px;text-align:center;font-size:12px;font-weight:700;letter-spacing:.04em;padding:1px 8px;border-radius:10px;margin-right:8px;vertical-align:1px}
.badge.pass{background:var(--pass-bg);color:var(--pass)}.badge.fail{background:var(--fail);color:#fff}.badge.invalid{background:#fff8c5;color:#7d4e00}
section.scenario{border:1px solid var(--line);border-radius:8px;margin:28px 0;padding:18px 20px;scroll-margin-top:12px}
section.scenario.failed{border:2px solid var(--fail);box-shadow:0 0 0 3px var(--fail-bg)}
.scenario-head{display:flex;gap:10px;align-items:flex-start}
.scenario-head .badge{margin-top:4px}
.description{margin:6px 0 10px;max-width:900px}
dl.facts{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px;margin:8px 0;font-size:13px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.failure{border:2px solid var(--fail);background:var(--fail-bg);border-radius:6px;padding:12px 16px;margin:14px 0}
.failure h3{margin:0 0 6px;color:var(--fail)}
.failure .message{margin:4px 0 8px;white-space:pre-wrap}
.failure table{background:#fff}
.repro{display:flex;gap:8px;align-items:center;margin-top:8px}
.repro code{user-select:all;background:#fff;border:1px solid var(--line);padding:3px 8px;border-radius:4px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
td.arg code{overflow-wrap:anywhere}
tr.fail td{background:var(--fail-bg)}
td.expected{color:var(--pass);font-weight:600}td.actual{color:var(--fail);font-weight:600}
.ok{color:var(--pass);font-weight:600}.bad{color:var(--fail);font-weight:600}.skip{color:var(--muted)}
.rel{color:var(--muted);font-size:12px}
figure.timeline{margin:14px 0 4px}
figure.timeline svg.chart{display:block;width:100%;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;color:var(--muted);margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:22px;height:11px;border-radius:2px}
.sw.st-deleted{background-image:repeating-linear-gradient(135deg,transparent 0 3px,#7a7a7a 3px 4px)}
.sw.win{border-top:2px solid var(--window);height:9px;background:repeating-linear-gradient(135deg,transparent 0 3px,rgba(213,94,0,.45) 3px 4px)}
.sw.cyc{width:3px;height:13px;background:var(--cycle)}.sw.cyc-empty{width:2px;height:8px;background:#9a9a9a}
.sw.act{width:9px;height:9px;background:#333;transform:rotate(45deg)}
.sw.ev{width:8px;height:8px;border-radius:50%;background:#fff;border:2px solid #333}
.others{font-size:13px;color:var(--muted);margin:4px 0}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.lane-name{font-size:12.5px;font-weight:600;fill:#1f2328}.lane-mail{font-size:11px;fill:#59636e}
.lane-title{font-size:12px;font-weight:600;fill:#1f2328}
.tick{font-size:10.5px;fill:#59636e}.tick.major{fill:#1f2328;font-weight:600}
.grid{stroke:#eaeef2;stroke-width:1}.sep{stroke:#e5e9ee;stroke-width:1}.axis{stroke:#8c959f;stroke-width:1}
.lane-bg{fill:#fafbfc}
.seg-label{font-size:10.5px;pointer-events:none}
.win-band{fill:url(#pat-window)}.win-line{fill:none;stroke:var(--window);stroke-width:1.5}
.win-label{font-size:10px;fill:#7a3100;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round;pointer-events:none}
.ev{fill:#fff;stroke:#333;stroke-width:1.5}
.cyc-empty{stroke:#b4b4b4;stroke-width:1}
.cyc-count{font-size:9.5px;fill:var(--cycle);font-weight:700}
.cyc line{stroke:var(--cycle);stroke-width:2.5}.cyc.failed line{stroke:#D55E00}.sw.cyc-failed{width:3px;height:13px;background:#D55E00}
.act-mark{fill:#333}.act-label{font-size:10.5px;fill:#1f2328;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.act-stem{stroke:#8c959f;stroke-width:1;stroke-dasharray:2 2}
.fail-line{stroke:var(--fail);stroke-width:1.5;stroke-dasharray:5 3}.fail-label{font-size:11px;font-weight:700;fill:var(--fail);paint-order:stroke;stroke:#fff;stroke-width:3px}
.hit{fill:transparent}
[data-panel]{cursor:pointer}
[data-panel]:focus{outline:none}
[data-panel]:focus-visible .hit,[data-panel]:hover .hit{fill:rgba(9,105,218,.12)}
.lane:hover .lane-bg,.lane.selected .lane-bg{fill:#eef5ff}
.mk.selected .hit{fill:rgba(9,105,218,.25)}
.panels{margin:8px 0}
.panel{border:1px solid #8cb6ea;background:#f5f9ff;border-radius:6px;padding:10px 14px;margin:8px 0}
.panel-head{display:flex;justify-content:space-between;gap:12px;align-items:baseline}
.panel h4{margin:0 0 6px;font-size:14px}
.panel table{background:#fff}
.panel .x-list{padding:4px 0 4px 18px}
.hint{color:var(--muted);font-size:12.5px;margin:2px 0 0}
button.close{border:1px solid var(--line);background:#fff;border-radius:4px;padding:1px 8px;cursor:pointer;font:inherit;font-size:12px}
details.section{margin:14px 0}
details.section>summary{cursor:pointer;font-weight:600;font-size:15px;padding:4px 0}
details.x{border-bottom:1px solid var(--line);padding:2px 0}
details.x>summary{cursor:pointer;font-size:12.5px;list-style-position:outside}
details.x .bodies{padding:4px 0 8px 16px}
details.x h5{margin:6px 0 2px;font-size:12px;color:var(--muted)}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px;margin:0;max-height:360px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.st{font-weight:600}.s2{color:var(--pass)}.s3{color:var(--muted)}.s4{color:#9a6700}.s5,.sx{color:var(--fail)}
.status-success{color:var(--pass);font-weight:600}.status-failure{color:var(--fail);font-weight:600}.status-skipped{color:var(--muted)}
.scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:4px}
.scroll th{position:sticky;top:0}
.variants{background:#fff;border:1px solid var(--line,#d0d7de);border-radius:8px;padding:12px 16px;margin:16px 0}
.variants-scroll{overflow-x:auto}.variants th[scope=row]{text-align:left;font-weight:400;white-space:normal;min-width:240px;max-width:340px}
.variants th[scope=row] .note{display:block;font-size:12px}.variants thead th{font-size:12px;vertical-align:bottom;word-break:break-word;min-width:90px}
.variants td{text-align:center;white-space:nowrap}.variant-flag{background:#fff8c5;color:#7d4e00;font-weight:700}
.variants tr.flagged th[scope=row]{font-weight:700}
.note{color:var(--muted)}
:target{scroll-margin-top:12px}
tr:target td,details:target>summary{background:#fff8c5}
@media print{details.section{display:block}section.scenario{break-inside:avoid-page}}
${stateRules}
`;
