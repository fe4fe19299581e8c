/**
 * index.html: one self-contained file (inline CSS, JS and SVG; links only to files inside the
 * run folder), readable offline: verdict, root causes, suites, the filterable gate table with
 * expandable details, the readiness Gantt, every contributed timeline and the walk's own cost.
 */
import type { Evidence, FaultRecord, Gate, GateStatus, Summary, Timeline } from '../gates/types.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';
import { STATUSES, checkTotals, countGates, faultsLine, finalLine, headline } from './verdict.js';
import { durationMs, escapeHtml as h, formatDuration, formatTime, slug } from './format.js';
import { blockedCount, rootCauses as rootsOf } from './root-causes.js';
import { historySectionHtml } from '../history/render-html.js';
import type { ProofLink } from '../prove/latest.js';
import { apiRequestNotes, suiteCosts, topRequests, NOT_MEASURED } from './walk-cost.js';

export interface RenderedChart {
  svg?: string;
  error?: string;
}

export interface HtmlCharts {
  /** Absent when the run has no readiness gates. */
  gantt?: RenderedChart & { critical: string[] };
  timelines: (RenderedChart & { timeline: Timeline })[];
}

const anchor = (id: string) => `g-${slug(id)}`;
const pill = (s: GateStatus) => `<span class="pill ${s}">${s}</span>`;
const gateLink = (id: string) => `<a href="#${h(anchor(id))}">${h(id)}</a>`;

/** Vega names clip paths `clip1`, `clip2` … in every chart: scope ids so inline charts cannot collide. */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

function chart(c: RenderedChart, prefix: string): string {
  if (c.svg) return `<div class="chart">${scopeSvgIds(c.svg, prefix)}</div>`;
  return `<div class="chart-error">chart could not be rendered: ${h(c.error ?? 'no output')}</div>`;
}

function header(s: Summary, charts: HtmlCharts): string {
  const nav = [
    ['#overview', 'Overview'],
    ...(s.history ? [['#history', 'Since last walk']] : []),
    ['#gates', 'Gates'],
    ...(charts.gantt ? [['#readiness', 'Readiness']] : []),
    ...(charts.timelines.length ? [['#timelines', 'Timelines']] : []),
    ['#cost', 'Cost'],
    ['#run', 'Run'],
  ];
  return `<header class="top"><div class="brand">${h(s.tool.name)}<small>${h(s.tool.version)}</small></div>
<nav>${nav.map(([href, label]) => `<a href="${href}">${label}</a>`).join('')}</nav>
<div class="where"><b>${h(s.sovereign)}</b> · ${h(s.target)} (${h(s.targetKind)}) · run <span class="mono">${h(s.runId)}</span></div></header>`;
}

function verdict(s: Summary): string {
  const pass = s.verdict === 'pass';
  const look = s.stopped ? 'stopped' : pass ? 'pass' : 'fail';
  const { checks } = checkTotals(s.counts);
  const tiles = STATUSES.map(
    (st) => `<button class="tile ${st}${s.counts[st] === 0 ? ' zero' : ''}" data-jump-status="${st}" title="show ${st} gates"><span class="n">${s.counts[st]}</span><span class="l">${st}</span></button>`,
  ).join('');
  return `<section class="card verdict ${look}" id="overview">
<div><div class="headline" data-testid="verdict"><span class="mark">${s.stopped ? '■' : pass ? '✓' : '✕'}</span>${headline(s)}</div>
<div class="line">${h(finalLine(s).replace(/^\S+\s/, ''))}</div>
<div class="meta">${checks} checks · ${s.gates.length} gates · started ${h(formatTime(s.startedAt))} · took ${formatDuration(durationMs(s.startedAt, s.finishedAt))}</div></div>
<div class="tiles">${tiles}</div></section>`;
}

function rootCauses(s: Summary): string {
  const roots = rootsOf(s);
  const notices = [
    ...(s.caveats ?? []).map((c) => `<p class="notice" data-testid="caveat">The target says: ${h(c)}.</p>`),
    ...(s.stopped ? [`<p class="notice">Stopped by ${h(s.stopped.signal)}${s.stopped.during ? ` during ${h(s.stopped.during)}` : ''}: the gates are what was judged before the stop.</p>`] : []),
    ...s.suites.filter((x) => x.error).map((x) => `<p class="notice">Suite <b>${h(x.name)}</b> could not run: ${h(x.error ?? '')}</p>`),
    ...(s.faults?.length ? [`<p class="notice">Faults this walk applied: ${h(faultsLine(s.faults))} (see <a href="#run">Run</a>).</p>`] : []),
    ...(s.janitor.length ? [`<p class="notice">The janitor reverted ${s.janitor.length} fault(s) left by an earlier run before this walk started (see <a href="#run">Run</a>).</p>`] : []),
  ].join('');
  if (!roots.length) {
    const body = s.verdict === 'pass' ? `<p class="ok-note">Every check passed.</p>` : s.stopped ? '' : `<p class="notice">No check ran.</p>`;
    return `<section class="card"><h2>Root causes</h2>${notices}${body}</section>`;
  }
  const items = roots.map((r) => {
    const blocks = blockedCount(r);
    const what = r.gate ? `${pill(r.gate.status)}<span class="mono">${gateLink(r.id)}</span><span>${h(r.gate.reason)}</span>` : `${pill('blocked')}<span class="mono">${h(r.id)}</span><span>not a gate of this run</span>`;
    return `<li>${what}<span class="blocks">${blocks ? `blocks ${h(blocks)}` : ''}</span></li>`;
  });
  return `<section class="card"><h2>Root causes <span class="sub">one per independent failure; blocked gates, in any suite, name one of these</span></h2>${notices}<ul class="roots">${items.join('')}</ul></section>`;
}

function suites(s: Summary): string {
  const names = [...new Set([...s.suites.map((x) => x.name), ...s.gates.map((g) => g.suite)])];
  const rows = names.map((name) => {
    const run = s.suites.find((x) => x.name === name);
    const c = countGates(s.gates.filter((g) => g.suite === name));
    const cells = STATUSES.map((st) => `<td class="num${c[st] ? '' : ' z'}">${c[st]}</td>`).join('');
    const took = run ? formatDuration(durationMs(run.startedAt, run.finishedAt)) : '—';
    return `<tr><td><b>${h(name)}</b></td>${cells}<td class="num">${took}</td><td>${run?.error ? `<span class="pill error">error</span> ${h(run.error)}` : ''}</td></tr>`;
  });
  return `<section class="card"><h2>Suites</h2><table class="suites"><thead><tr><th>Suite</th>${STATUSES.map((st) => `<th class="num">${st}</th>`).join('')}<th class="num">Duration</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function evidenceItem(e: Evidence): string {
  const href = h(e.path);
  const preview = e.kind === 'screenshot' || e.kind === 'svg' ? `<a href="${href}"><img loading="lazy" src="${href}" alt="${h(e.name)}"></a>` : '';
  return `<li><span class="k">${h(e.kind)}</span><a href="${href}">${h(e.name)}</a>${e.description ? `<span class="d">${h(e.description)}</span>` : ''}${preview}</li>`;
}

function gateDetail(g: Gate): string {
  const labels = Object.entries(g.labels).filter(([, v]) => v !== undefined && v !== '');
  const facts: [string, string][] = [
    ...(g.title !== g.id ? ([['Title', h(g.title)]] as [string, string][]) : []),
    ['Reason', `<span class="reason">${h(g.reason)}</span>`],
    ...(g.rootCause ? ([['Root cause', gateLink(g.rootCause)]] as [string, string][]) : []),
    ['Time', `${h(formatTime(g.startedAt))} → ${h(formatTime(g.finishedAt))} (${formatDuration(durationMs(g.startedAt, g.finishedAt))})`],
    ...(g.dependsOn?.length ? ([['Depends on', g.dependsOn.map(gateLink).join(', ')]] as [string, string][]) : []),
    ...(labels.length ? ([['Labels', labels.map(([k, v]) => `${h(k)}=<b>${h(String(v))}</b>`).join(' · ')]] as [string, string][]) : []),
  ];
  const parts = [`<dl class="dgrid">${facts.map(([k, v]) => `<dt>${k}</dt><dd${k === 'Reason' ? ' class="reason"' : ''}>${v}</dd>`).join('')}</dl>`];
  if (g.steps?.length) {
    const rows = g.steps.map((st) => `<tr><td>${pill(st.status)}</td><td>${h(st.name)}</td><td class="num">${formatDuration(durationMs(st.startedAt, st.finishedAt))}</td><td class="detail">${h(st.detail ?? '')}</td></tr>`);
    parts.push(`<div class="sub-h">Steps</div><table class="steps"><tbody>${rows.join('')}</tbody></table>`);
  }
  if (g.evidence.length) parts.push(`<div class="sub-h">Evidence</div><ul class="evidence">${g.evidence.map(evidenceItem).join('')}</ul>`);
  const metrics = Object.entries(g.metrics ?? {});
  if (metrics.length) {
    parts.push(`<div class="sub-h">Metrics</div><table class="metrics"><tbody>${metrics.map(([k, v]) => `<tr><td class="mono">${h(k)}</td><td class="num mono">${v === null ? '—' : h(String(v))}</td></tr>`).join('')}</tbody></table>`);
  }
  return parts.join('');
}

function gateRow(g: Gate): string {
  const search = [g.id, g.title, g.reason, g.rootCause ?? '', ...Object.values(g.labels).map(String)].join(' ').toLowerCase();
  return `<tbody class="gate" id="${h(anchor(g.id))}" data-status="${g.status}" data-suite="${h(g.suite)}" data-search="${h(search)}">
<tr class="row"><td>${pill(g.status)}</td><td class="id"><span class="caret">▸</span>${h(g.id)}${g.title !== g.id ? `<span class="title">${h(g.title)}</span>` : ''}</td><td>${h(g.labels.dodGate ?? '')}</td><td>${h(g.labels.slot ?? '')}</td><td class="num dur">${formatDuration(durationMs(g.startedAt, g.finishedAt))}</td><td class="reason">${h(g.reason)}</td><td class="root">${g.rootCause ? gateLink(g.rootCause) : ''}</td></tr>
<tr class="detail"><td colspan="7">${gateDetail(g)}</td></tr></tbody>`;
}

function gates(s: Summary): string {
  const buttons = [`<button data-filter-status="all" aria-pressed="true">all<span class="c">${s.gates.length}</span></button>`]
    .concat(STATUSES.map((st) => `<button data-filter-status="${st}" aria-pressed="false">${st}<span class="c">${s.counts[st]}</span></button>`))
    .join('');
  const suiteNames = [...new Set(s.gates.map((g) => g.suite))];
  return `<section class="card" id="gates"><h2>Gates <span class="sub">click a row for steps, evidence and metrics</span></h2>
<div class="filters"><div class="seg" role="group" aria-label="status filter">${buttons}</div>
<select id="filter-suite" aria-label="suite filter"><option value="all">all suites</option>${suiteNames.map((n) => `<option value="${h(n)}">${h(n)}</option>`).join('')}</select>
<input id="filter-text" type="search" placeholder="filter: gate, reason, root cause, DoD id…" aria-label="text filter">
<span class="shown" id="shown"></span></div>
<table class="gates"><thead><tr><th>Status</th><th>Gate</th><th>DoD</th><th>Slot</th><th class="num">Duration</th><th>Reason</th><th>Root cause</th></tr></thead>
${s.gates.map(gateRow).join('\n')}</table></section>`;
}

function readiness(s: Summary, gantt: NonNullable<HtmlCharts['gantt']>): string {
  const ready = s.gates.filter((g) => g.suite === 'readiness');
  const last = gantt.critical.length ? s.gates.find((g) => g.id === gantt.critical[gantt.critical.length - 1]) : undefined;
  const first = ready.map((g) => Date.parse(g.startedAt)).filter(Number.isFinite).sort((a, b) => a - b)[0];
  const path = gantt.critical.length
    ? `<p class="critical" data-testid="critical-path"><span class="legend-key"></span>Critical path: ${gantt.critical.map((id) => `<code>${gateLink(id)}</code>`).join(' → ')}${
        last && first !== undefined ? ` · last readiness gate finished at ${h(formatTime(last.finishedAt))}, ${formatDuration(Date.parse(last.finishedAt) - first)} after the first started` : ''
      }</p>`
    : `<p class="critical">No gate was judged, so there is no critical path.</p>`;
  return `<section class="card" id="readiness"><h2>Readiness <span class="sub">${ready.length} gates, each from start to verdict; colour = status, outlined = critical path</span></h2>${chart(gantt, 'gantt')}${path}</section>`;
}

function timelines(charts: HtmlCharts['timelines']): string {
  const figs = charts.map(
    (c, i) => `<figure id="tl-${h(slug(c.timeline.id))}"><figcaption>${h(c.timeline.title)}<span class="sub">${h(c.timeline.suite)} · ${h(c.timeline.id)}${c.timeline.svgPath ? ` · <a href="${h(c.timeline.svgPath)}">SVG</a>` : ''}</span></figcaption>${chart(c, `tl${i}`)}</figure>`,
  );
  return `<section class="card" id="timelines"><h2>Timelines</h2>${figs.join('')}</section>`;
}

/** A figure that was not measured reads so, in the muted style, never as 0. */
const costCell = (text: string) => `<td class="num${text === NOT_MEASURED ? ' z' : ''}">${h(text)}</td>`;

function cost(s: Summary): string {
  const suiteRows = suiteCosts(s).map((c) => `<tr><td><b>${h(c.name)}</b></td>${costCell(c.judging)}${costCell(c.reporting)}</tr>`);
  const suitesTable = suiteRows.length
    ? `<table class="cost" data-testid="cost-suites"><thead><tr><th>Suite</th><th class="num">Judging</th><th class="num">Reporting</th></tr></thead><tbody>${suiteRows.join('')}</tbody></table>`
    : '';
  const regions = s.apiRequests ?? [];
  const regionRows = regions.map((r) => {
    const { top, more } = topRequests(r, 5);
    const lines = top.map((l) => `<span class="mono">${h(l.verb)} ${h(l.resource)}</span> ${l.count}`).join(' · ');
    const all = r.requests.map((l) => `<tr><td class="mono">${h(l.verb)}</td><td class="mono">${h(l.resource)}</td><td class="num">${l.count}</td></tr>`).join('');
    const rest = more ? ` · ${more} more <details class="requests"><summary>(all ${r.requests.length})</summary><table class="metrics"><tbody>${all}</tbody></table></details>` : '';
    return `<tr data-region="${h(r.region)}"><td><b>${h(r.region)}</b></td><td class="num">${r.total}</td><td>${lines || 'none'}${rest}</td></tr>`;
  });
  const requestsTable = regionRows.length
    ? `<table class="cost" data-testid="cost-api"><thead><tr><th>Region</th><th class="num">Requests</th><th>Most sent (verb resource count)</th></tr></thead><tbody>${regionRows.join('')}</tbody></table>`
    : '';
  const notes = apiRequestNotes(s).map((n) => `<p class="notice" data-testid="cost-note">${h(n)}.</p>`).join('');
  return `<section class="card" id="cost"><h2>Cost of this walk <span class="sub">time each suite spent judging and reporting, and the requests the walk sent to each region's API server (counted by the harness)</span></h2>
${suitesTable}<div class="sub-h">API requests</div>${notes}${requestsTable}</section>`;
}

function faultTable(title: string, faults: FaultRecord[]): string {
  if (!faults.length) return '';
  const rows = faults.map((f) => `<tr><td class="mono">${h(f.id)}</td><td>${h(f.kind)}</td><td>${h(f.target)}</td><td>${h(f.appliedAt ? formatTime(f.appliedAt) : '—')}</td><td>${h(f.revertedAt ? formatTime(f.revertedAt) : `NOT reverted${f.detail ? `: ${f.detail}` : ''}`)}</td><td class="mono">${h(f.runId)}</td></tr>`);
  return `<div class="sub-h">${title}</div><table><thead><tr><th>Fault</th><th>Kind</th><th>Target</th><th>Applied</th><th>Reverted</th><th>By run</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The Allure site is built on demand (`npm run report`), so it is linked only once it exists. */
function files(links: string[]): string {
  const linked = links.map((f) => `<a href="${h(f)}">${h(f)}</a>`).join(' · ');
  return links.includes('allure-report/index.html') ? linked : `${linked} · Allure site: <code>npm run report</code> builds allure-report/`;
}

/** `proof`: the newest `npm run prove` of this harness version in the report folder, if any. */
function run(s: Summary, links: string[], proof?: ProofLink): string {
  const facts: [string, string][] = [
    ['Sovereign', h(s.sovereign)],
    ['Target', `${h(s.target)} (${h(s.targetKind)})`],
    ['Run id', `<span class="mono">${h(s.runId)}</span>`],
    ['Started', h(formatTime(s.startedAt))],
    ['Finished', h(formatTime(s.finishedAt))],
    ['Tool', `${h(s.tool.name)} ${h(s.tool.version)}`],
    ['Files', files(links.filter((f) => f !== 'index.html'))],
    ...(proof ? ([['Proof', `<a href="${h(proof.href)}">${h(proof.line)}</a> (${h(formatTime(proof.finishedAt))}${proof.commit ? `, commit <span class="mono">${h(proof.commit.slice(0, 12))}</span>` : ''})`]] as [string, string][]) : []),
  ];
  const faults = faultTable('Faults this walk applied', s.faults ?? []) + faultTable('Faults reverted by the janitor, left by an earlier run', s.janitor);
  return `<section class="card" id="run"><h2>Run</h2><dl class="runinfo">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>${faults}
<div class="sub-h">Options</div><pre class="options">${h(JSON.stringify(s.options, null, 2))}</pre></section>`;
}

export function renderHtml(s: Summary, charts: HtmlCharts, links: string[], proof?: ProofLink): string {
  const body = [header(s, charts), '<main>', verdict(s), rootCauses(s), s.history ? historySectionHtml(s.history) : '', suites(s), gates(s), charts.gantt ? readiness(s, charts.gantt) : '', charts.timelines.length ? timelines(charts.timelines) : '', cost(s), run(s, links, proof), `<footer>${h(s.tool.name)} ${h(s.tool.version)} · generated ${h(formatTime(s.finishedAt))} · every time in this report is UTC (24-hour)</footer>`, '</main>'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${h(headline(s))} — ${h(s.sovereign)} — ${h(s.tool.name)}</title>
<style>${REPORT_CSS}</style></head>
<body>
${body.join('\n')}
<script>${REPORT_JS}</script>
</body></html>
`;
}
