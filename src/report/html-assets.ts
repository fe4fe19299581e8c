/** The HTML report's inline stylesheet and script (the report is one offline file). */
import { STATUS_COLOR } from './gantt.js';

const statusVars = Object.entries(STATUS_COLOR)
  .map(([s, c]) => `--${s}: ${c};`)
  .join(' ');

export const REPORT_CSS = `
:root { ${statusVars}
  --ink: #1d2731; --muted: #5f6b78; --faint: #8893a0; --line: #e1e6eb; --bg: #f4f6f8; --card: #fff;
  --passed-bg: #e7f5ed; --failed-bg: #fdeced; --blocked-bg: #fdf3e2; --error-bg: #f3ebfb; --skipped-bg: #eef1f4;
  --mono: ui-monospace, SFMono-Regular, "JetBrains Mono", Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; scroll-padding-top: 56px; }
body { margin: 0; font: 13.5px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
a { color: #1f5fa8; text-decoration: none; } a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
header.top { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 22px; padding: 0 24px; height: 46px; background: #16202a; color: #dce3ea; }
header.top .brand { font-weight: 650; letter-spacing: .2px; color: #fff; white-space: nowrap; }
header.top .brand small { font-weight: 400; color: #8fa0b1; margin-left: 6px; }
header.top nav { display: flex; gap: 16px; }
header.top nav a { color: #b9c6d3; font-size: 13px; } header.top nav a:hover { color: #fff; text-decoration: none; }
header.top .where { margin-left: auto; color: #8fa0b1; font-size: 12.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header.top .where b { color: #e9eef3; font-weight: 600; }
main { max-width: 1320px; margin: 0 auto; padding: 18px 24px 48px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
h2 { font-size: 15px; margin: 0 0 12px; display: flex; align-items: baseline; gap: 10px; }
h2 .sub { font-weight: 400; color: var(--muted); font-size: 12.5px; }
.verdict { display: flex; align-items: center; gap: 26px; border-left: 6px solid var(--failed); background: linear-gradient(90deg, var(--failed-bg), #fff 70%); }
.verdict.pass { border-left-color: var(--passed); background: linear-gradient(90deg, var(--passed-bg), #fff 70%); }
.verdict .headline { font-size: 24px; font-weight: 750; letter-spacing: .3px; white-space: nowrap; }
.verdict .mark { display: inline-flex; align-items: center; justify-content: center; width: 30px; height: 30px; border-radius: 50%; color: #fff; font-size: 18px; margin-right: 10px; vertical-align: 3px; background: var(--failed); }
.verdict.pass .mark { background: var(--passed); }
.verdict.fail .headline { color: #b3262e; } .verdict.pass .headline { color: #1f7a47; }
.verdict.stopped { border-left-color: var(--skipped); background: linear-gradient(90deg, var(--skipped-bg), #fff 70%); }
.verdict.stopped .mark { background: var(--skipped); } .verdict.stopped .headline { color: var(--muted); }
table.gates td.id .title { display: block; font-family: system-ui, sans-serif; color: var(--muted); white-space: normal; margin-left: 12px; }
.verdict .line { font-family: var(--mono); font-size: 13px; color: var(--ink); margin-top: 4px; }
.verdict .meta { color: var(--muted); font-size: 12.5px; margin-top: 6px; }
.tiles { display: flex; gap: 8px; margin-left: auto; }
.tile { min-width: 84px; padding: 8px 12px; border-radius: 7px; border: 1px solid var(--line); background: #fff; text-align: left; cursor: pointer; font: inherit; color: inherit; }
.tile:hover { border-color: #b8c1ca; }
.tile .n { display: block; font-size: 22px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.tile .l { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .5px; }
.tile.passed .n { color: var(--passed); } .tile.failed .n { color: var(--failed); } .tile.blocked .n { color: #b97712; }
.tile.error .n { color: var(--error); } .tile.skipped .n { color: var(--faint); } .tile.zero .n { color: #c5ccd3; }
.pill { display: inline-block; min-width: 64px; padding: 1px 8px; border-radius: 10px; font-size: 11.5px; font-weight: 600; text-align: center; text-transform: uppercase; letter-spacing: .4px; }
.pill.passed { background: var(--passed-bg); color: #1f7a47; } .pill.failed { background: var(--failed-bg); color: #b3262e; }
.pill.blocked { background: var(--blocked-bg); color: #9a6210; } .pill.error { background: var(--error-bg); color: #6e35a3; }
.pill.skipped { background: var(--skipped-bg); color: var(--muted); }
.roots { list-style: none; margin: 0; padding: 0; }
.roots li { display: grid; grid-template-columns: 82px minmax(220px, max-content) 1fr auto; gap: 12px; align-items: baseline; padding: 7px 0; border-top: 1px solid var(--line); }
.roots li:first-child { border-top: 0; }
.roots .blocks { color: #9a6210; font-size: 12.5px; white-space: nowrap; }
.ok-note { color: #1f7a47; }
.notice { padding: 8px 12px; border-radius: 6px; background: var(--blocked-bg); color: #6b4608; margin: 0 0 10px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; padding: 6px 8px; border-bottom: 1px solid var(--line); background: #fafbfc; }
td { padding: 5px 8px; border-top: 1px solid #eef1f4; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.suites td.z { color: #c5ccd3; }
table.cost { margin-bottom: 6px; }
table.cost td.z { color: var(--muted); font-style: italic; }
details.requests { display: inline; }
details.requests summary { display: inline; cursor: pointer; color: var(--muted); }
details.requests[open] table { margin-top: 4px; }
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
.seg { display: inline-flex; border: 1px solid var(--line); border-radius: 7px; overflow: hidden; }
.seg button { border: 0; border-left: 1px solid var(--line); background: #fff; padding: 5px 10px; font: inherit; font-size: 12.5px; color: var(--ink); cursor: pointer; }
.seg button:first-child { border-left: 0; }
.seg button[aria-pressed="true"] { background: #1d2731; color: #fff; }
.seg button .c { color: var(--faint); margin-left: 4px; font-variant-numeric: tabular-nums; }
.seg button[aria-pressed="true"] .c { color: #b9c6d3; }
.filters select, .filters input { font: inherit; font-size: 12.5px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 7px; background: #fff; color: var(--ink); }
.filters input { min-width: 260px; }
.filters .shown { margin-left: auto; color: var(--muted); font-size: 12.5px; }
table.gates tbody.gate > tr.row { cursor: pointer; }
table.gates tbody.gate > tr.row:hover td { background: #f5f8fb; }
table.gates tbody.gate.open > tr.row td { background: #eef4fa; }
table.gates td.id { font-family: var(--mono); font-size: 12.5px; white-space: nowrap; }
table.gates td.id .caret { display: inline-block; width: 12px; color: var(--faint); transition: transform .12s; }
table.gates tbody.gate.open td.id .caret { transform: rotate(90deg); }
table.gates td.reason { color: #34404c; max-width: 560px; }
table.gates td.root { font-family: var(--mono); font-size: 12px; white-space: nowrap; }
table.gates td.dur { white-space: nowrap; }
tr.detail { display: none; } tbody.gate.open > tr.detail { display: table-row; }
tr.detail > td { background: #fbfcfd; padding: 12px 16px 16px 36px; border-top: 0; }
.dgrid { display: grid; grid-template-columns: 120px 1fr; gap: 4px 14px; margin-bottom: 10px; }
.dgrid dt { color: var(--muted); } .dgrid dd { margin: 0; }
.dgrid dd.reason { white-space: pre-wrap; }
.sub-h { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; margin: 12px 0 4px; }
table.metrics { width: auto; min-width: 280px; }
table.steps td, table.metrics td { padding: 3px 8px; font-size: 12.5px; }
table.steps td.detail { color: #4a5663; font-family: var(--mono); font-size: 12px; white-space: pre-wrap; word-break: break-word; }
ul.evidence { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 10px; }
ul.evidence li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; background: #fff; max-width: 340px; }
ul.evidence li .k { font-size: 10.5px; text-transform: uppercase; color: var(--faint); margin-right: 6px; }
ul.evidence li .d { display: block; color: var(--muted); font-size: 12px; }
ul.evidence img { display: block; max-width: 320px; max-height: 200px; margin-top: 6px; border: 1px solid var(--line); border-radius: 4px; }
figure { margin: 0 0 18px; } figure:last-child { margin-bottom: 0; }
figcaption { font-size: 13px; font-weight: 600; margin-bottom: 6px; display: flex; gap: 10px; align-items: baseline; }
figcaption .sub { font-weight: 400; color: var(--muted); font-size: 12.5px; }
.chart { overflow-x: auto; } .chart svg { max-width: 100%; height: auto; display: block; }
.chart-error { padding: 8px 12px; border-radius: 6px; background: var(--error-bg); color: #6e35a3; font-family: var(--mono); font-size: 12px; }
.critical { margin: 8px 0 0; color: var(--muted); font-size: 12.5px; }
.critical code { color: var(--ink); }
.legend-key { display: inline-block; width: 14px; height: 10px; border: 2px solid #111820; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
pre.options { background: #fafbfc; border: 1px solid var(--line); border-radius: 6px; padding: 10px; font-size: 12px; max-height: 320px; overflow: auto; margin: 0; }
.runinfo { display: grid; grid-template-columns: 130px 1fr; gap: 4px 14px; margin-bottom: 12px; }
.runinfo dt { color: var(--muted); } .runinfo dd { margin: 0; }
footer { color: var(--faint); font-size: 12px; text-align: center; padding: 10px; }
`;

/** Filters (status, suite, free text), expandable rows, and `#g-<id>` deep links. */
export const REPORT_JS = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tbody.gate'));
  var state = { status: 'all', suite: 'all', text: '' };
  var statusButtons = Array.prototype.slice.call(document.querySelectorAll('[data-filter-status]'));
  var suiteSelect = document.getElementById('filter-suite');
  var textInput = document.getElementById('filter-text');
  var shown = document.getElementById('shown');
  function apply() {
    var n = 0;
    rows.forEach(function (r) {
      var ok = (state.status === 'all' || r.getAttribute('data-status') === state.status) &&
        (state.suite === 'all' || r.getAttribute('data-suite') === state.suite) &&
        (state.text === '' || r.getAttribute('data-search').indexOf(state.text) !== -1);
      r.hidden = !ok;
      if (ok) n++;
    });
    statusButtons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter-status') === state.status)); });
    shown.textContent = n + ' of ' + rows.length + ' gates';
  }
  function setStatus(s) { state.status = s; apply(); }
  statusButtons.forEach(function (b) { b.addEventListener('click', function () { setStatus(b.getAttribute('data-filter-status')); }); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-jump-status]'), function (b) {
    b.addEventListener('click', function () {
      setStatus(b.getAttribute('data-jump-status'));
      document.getElementById('gates').scrollIntoView();
    });
  });
  suiteSelect.addEventListener('change', function () { state.suite = suiteSelect.value; apply(); });
  textInput.addEventListener('input', function () { state.text = textInput.value.trim().toLowerCase(); apply(); });
  rows.forEach(function (r) {
    r.querySelector('tr.row').addEventListener('click', function (e) {
      if (e.target.closest('a')) return;
      r.classList.toggle('open');
    });
  });
  function openFromHash() {
    var el = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (!el || !el.classList.contains('gate')) return;
    if (el.hidden) { state.status = 'all'; state.suite = 'all'; state.text = ''; suiteSelect.value = 'all'; textInput.value = ''; apply(); }
    el.classList.add('open');
    el.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', openFromHash);
  apply();
  openFromHash();
})();
`;
