/**
 * The proof's index.html: one offline file in the walk report's style, with the full fault × gate
 * grid (one row per gate, one column per fault; hover a cell for what was expected and judged).
 */
import { REPORT_CSS } from '../report/html-assets.js';
import { durationMs, escapeHtml as h, formatDuration, formatTime, slug } from '../report/format.js';
import type { Proof, ProofCell, ProofGate } from './proof.js';
import { problemLines } from './compare.js';
import { gateStanding, proofCounts, proofHeadline, proofVerdictLine } from './verdict.js';

const MARK = { caught: '●', missed: '✗', collateral: '!', held: '○', ignored: '·' } as const;

const PROOF_CSS = `
table.matrix { border-collapse: separate; border-spacing: 0; width: auto; font-size: 12px; }
table.matrix th, table.matrix td { border-top: 0; border-bottom: 1px solid #eef1f4; padding: 2px 3px; }
table.matrix thead th { position: sticky; top: 46px; z-index: 2; background: #fafbfc; vertical-align: bottom; }
table.matrix thead th.f { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-family: var(--mono); font-weight: 500; text-transform: none; letter-spacing: 0; max-height: 260px; }
table.matrix td.g { position: sticky; left: 0; background: #fff; font-family: var(--mono); white-space: nowrap; z-index: 1; }
table.matrix td.c { width: 18px; min-width: 18px; text-align: center; font-weight: 700; }
table.matrix td.n { background: repeating-linear-gradient(45deg, #f4f6f8, #f4f6f8 3px, #fff 3px, #fff 6px); }
table.matrix td.caught { background: var(--passed-bg); color: #1f7a47; }
table.matrix td.held { color: #1f7a47; }
table.matrix td.ignored { background: var(--skipped-bg); color: var(--faint); }
table.matrix td.missed { background: var(--failed); color: #fff; }
table.matrix td.collateral { background: var(--error); color: #fff; }
table.matrix tr.suite td { background: #16202a; color: #fff; font-weight: 600; position: sticky; left: 0; }
.st { font-size: 11px; font-weight: 600; text-transform: uppercase; padding: 0 6px; border-radius: 8px; }
.st.proven { background: var(--passed-bg); color: #1f7a47; } .st.missed { background: var(--failed); color: #fff; }
.st.collateral { background: var(--error); color: #fff; } .st.unproven { background: var(--blocked-bg); color: #9a6210; }
.legend span { margin-right: 14px; } .legend b { display: inline-block; width: 18px; text-align: center; }
ul.problems { margin: 0; padding-left: 18px; font-family: var(--mono); font-size: 12px; } ul.problems li { margin: 3px 0; }
`;

const FILTER_JS = `
document.querySelectorAll('[data-show]').forEach(function (b) { b.addEventListener('click', function () {
  var want = b.getAttribute('data-show');
  document.querySelectorAll('[data-show]').forEach(function (x) { x.setAttribute('aria-pressed', String(x === b)); });
  document.querySelectorAll('tr[data-standing]').forEach(function (r) {
    var s = r.getAttribute('data-standing');
    r.style.display = want === 'all' || (want === 'problems' ? s === 'missed' || s === 'collateral' : s === want) ? '' : 'none';
  });
}); });`;

function grid(p: Proof): string {
  const columns = [{ id: 'healthy', suites: p.suites, why: 'the healthy walk: every gate green' }, ...p.faults.map((f) => ({ id: f.id, suites: f.suites, why: f.why }))];
  const cells = new Map<string, ProofCell>(p.cells.map((c) => [`${c.fault}\u0000${c.gate}`, c]));
  const head = `<thead><tr><th>gate</th><th>standing</th>${columns.map((c) => `<th class="f" title="${h(c.why)}">${c.id === 'healthy' ? 'healthy' : `<a href="#f-${h(slug(c.id))}">${h(c.id)}</a>`}</th>`).join('')}</tr></thead>`;
  const row = (g: ProofGate) => {
    const standing = gateStanding(g);
    const tds = columns.map((c) => {
      if (!c.suites.includes(g.suite)) return '<td class="c n"></td>';
      const x = cells.get(`${c.id}\u0000${g.id}`);
      if (!x) return '<td class="c"></td>';
      const tip = `${c.id} × ${g.id}: ${x.mark}; expected ${x.expected}, judged ${x.observed}${x.reason ? ` — ${x.reason}` : ''}`;
      return `<td class="c ${x.mark}" title="${h(tip)}">${MARK[x.mark]}</td>`;
    });
    return `<tr data-standing="${standing}"><td class="g" title="${h(g.title)}">${h(g.id)}${g.undeclared ? ' <small>(not declared)</small>' : ''}</td><td><span class="st ${standing}">${standing}</span></td>${tds.join('')}</tr>`;
  };
  const body = p.suites.flatMap((suite) => {
    const gates = p.gates.filter((g) => g.suite === suite);
    return gates.length ? [`<tr class="suite"><td colspan="${columns.length + 2}">${h(suite)} · ${gates.length} gates · ${gates.filter((g) => g.unproven).length} unproven</td></tr>`, ...gates.map(row)] : [];
  });
  return `<table class="matrix">${head}<tbody>${body.join('\n')}</tbody></table>`;
}

function faults(p: Proof): string {
  const walkDir = new Map(p.walks.map((w) => [w.id, w.runDir]));
  const rows = p.faults.map((f) => {
    const dir = walkDir.get(f.walk);
    const ok = !f.missed && !f.collateral;
    return `<tr id="f-${h(slug(f.id))}"><td><span class="st ${ok ? 'proven' : 'missed'}">${ok ? 'caught' : 'not as expected'}</span></td><td class="mono">${h(f.id)}</td><td class="mono">${h(f.faults.join(' '))}</td><td>${dir ? `<a href="${h(dir)}/index.html">${h(f.walk)}</a>` : h(f.walk)}</td><td class="num">${f.caught} / ${f.expectedRed}</td><td class="num">${f.missed}</td><td class="num">${f.collateral}</td><td class="num">${f.held}</td><td>${h(f.why)}</td></tr>`;
  });
  const na = p.notApplicable.map((n) => `<tr><td><span class="pill skipped">not walked</span></td><td class="mono">${h(n.id)}</td><td></td><td></td><td></td><td></td><td></td><td></td><td>${h(n.why)}</td></tr>`);
  return `<table><thead><tr><th></th><th>Fault</th><th>--sim-fault</th><th>Walk</th><th class="num">Caught / expected red</th><th class="num">Missed</th><th class="num">Collateral</th><th class="num">Held green</th><th>What it does</th></tr></thead><tbody>${[...rows, ...na].join('')}</tbody></table>`;
}

function walks(p: Proof): string {
  const rows = p.walks.map((w) => `<tr><td>${w.runDir ? `<a href="${h(w.runDir)}/index.html">${h(w.id)}</a>` : h(w.id)}</td><td>${h(w.suites.join(', '))}</td><td class="mono">${h(w.faults.join(' ') || 'none')}</td><td class="num">${w.exitCode ?? '—'}</td><td class="num">${formatDuration(durationMs(w.startedAt, w.finishedAt))}</td><td>${h(w.error ?? '')}</td></tr>`);
  return `<table><thead><tr><th>Walk</th><th>Suites</th><th>Faults</th><th class="num">Exit</th><th class="num">Took</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderProofHtml(p: Proof): string {
  const c = proofCounts(p);
  const look = p.stopped ? 'stopped' : p.verdict === 'pass' ? 'pass' : 'fail';
  const tiles = ([['caught', c.caught, 'passed'], ['missed', c.missed, 'failed'], ['collateral', c.collateral, 'error'], ['unproven', c.unproven, 'blocked']] as const)
    .map(([label, n, st]) => `<div class="tile ${st}${n === 0 ? ' zero' : ''}"><span class="n">${n}</span><span class="l">${label}</span></div>`).join('');
  const problems = problemLines(p);
  const body = [
    `<header class="top"><div class="brand">${h(p.tool.name)}<small>${h(p.tool.version)} proof</small></div><nav><a href="#overview">Overview</a><a href="#matrix">Matrix</a><a href="#faults">Faults</a><a href="#walks">Walks</a></nav><div class="where">kit <b>${h(p.kit)}</b>${p.commit ? ` · commit <span class="mono">${h(p.commit.slice(0, 12))}</span>` : ''}</div></header>`,
    '<main>',
    `<section class="card verdict ${look}" id="overview"><div><div class="headline" data-testid="verdict"><span class="mark">${p.stopped ? '■' : look === 'pass' ? '✓' : '✕'}</span>${h(proofHeadline(p))}</div><div class="line">${h(proofVerdictLine(p).replace(/^\S+\s/, ''))}</div><div class="meta">${c.gates} gates of ${h(p.suites.join(', '))} · ${c.faults} faults · ${c.walks} walks · started ${h(formatTime(p.startedAt))} · took ${formatDuration(durationMs(p.startedAt, p.finishedAt))}</div></div><div class="tiles">${tiles}</div></section>`,
    problems.length ? `<section class="card"><h2>Problems <span class="sub">each makes the proof exit 1</span></h2><ul class="problems">${problems.map((l) => `<li>${h(l)}</li>`).join('')}</ul></section>` : '',
    `<section class="card" id="matrix"><h2>Matrix <span class="sub">gates × faults; hover a cell for what was expected and judged</span></h2>
<p class="legend"><span><b class="caught">●</b> caught: red as the catalogue expects</span><span><b>✗</b> missed</span><span><b>!</b> collateral: red, expected green</span><span><b>○</b> held green as required</span><span><b>·</b> ignored: broken along the way</span><span>blank: green · hatched: suite not walked with this fault</span></p>
<div class="filters"><div class="seg" role="group" aria-label="show"><button data-show="all" aria-pressed="true">all</button><button data-show="problems" aria-pressed="false">missed and collateral</button><button data-show="unproven" aria-pressed="false">unproven</button></div></div>
<div style="overflow-x:auto">${grid(p)}</div></section>`,
    `<section class="card" id="faults"><h2>Faults <span class="sub">fixtures/fault-catalogue.json</span></h2>${faults(p)}</section>`,
    `<section class="card" id="walks"><h2>Walks <span class="sub">each links to its own report</span></h2>${walks(p)}</section>`,
    `<footer>${h(p.tool.name)} ${h(p.tool.version)} · generated ${h(formatTime(p.finishedAt))} · every time in this report is UTC (24-hour)</footer>`,
    '</main>',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${h(proofHeadline(p))} — proof — ${h(p.tool.name)}</title>
<style>${REPORT_CSS}${PROOF_CSS}</style></head>
<body>
${body.join('\n')}
<script>${FILTER_JS}</script>
</body></html>
`;
}
