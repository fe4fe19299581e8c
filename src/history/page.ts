/**
 * The history page (`npm run history -- --html`): one offline file in the report's styles, with
 * the comparison, the per-gate timeline and the figure trend rendered to SVG.
 */
import type { HistoryComparison } from './compare.js';
import type { HistoryEntry } from './entry.js';
import { scopeName } from './entry.js';
import { historySectionHtml } from './render-html.js';
import { renderVegaLite } from '../report/charts.js';
import { REPORT_CSS } from '../report/html-assets.js';
import { escapeHtml as h } from '../report/format.js';
import { scopeSvgIds } from '../report/html.js';
import { redact } from '../evidence/redact.js';
import { figureTrendSpec, gateTimelineSpec } from './timeline.js';

async function chart(spec: Record<string, unknown>, prefix: string): Promise<string> {
  try {
    return `<div class="chart">${scopeSvgIds(await renderVegaLite(spec), prefix)}</div>`;
  } catch (e) {
    return `<div class="chart-error">chart could not be rendered: ${h((e as Error).message)}</div>`;
  }
}

/** `walks` oldest first, the compared walk last. */
export async function renderHistoryPage(sovereign: string, walks: HistoryEntry[], comparison: HistoryComparison): Promise<string> {
  const trend = figureTrendSpec(walks);
  const rows = [...walks].reverse().map((w) => {
    const failing = w.gates.filter((g) => g.status === 'failed' || g.status === 'blocked' || g.status === 'error').length;
    return `<tr><td class="mono">${h(w.runId)}</td><td>${h(w.startedAt)}</td><td>${h(scopeName(w.scope))}</td><td><span class="pill ${w.verdict === 'pass' ? 'passed' : 'failed'}">${w.verdict}</span></td><td class="num">${w.gates.length}</td><td class="num">${failing}</td></tr>`;
  });
  const body = [
    `<header class="top"><div class="brand">sovereign-walk<small>history</small></div><div class="where"><b>${h(sovereign)}</b> · ${walks.length} walks</div></header><main>`,
    historySectionHtml(comparison),
    `<section class="card" id="timeline"><h2>Gates across the walks <span class="sub">one column per walk, oldest left; an empty cell: not in that walk</span></h2>${await chart(gateTimelineSpec(walks), 'tl')}</section>`,
    trend ? `<section class="card" id="figures"><h2>Figures across the walks</h2>${await chart(trend, 'fig')}</section>` : '',
    `<section class="card" id="walks"><h2>Walks</h2><table><thead><tr><th>Run</th><th>Started</th><th>Scope</th><th>Verdict</th><th class="num">Gates</th><th class="num">Not passing</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`,
    '</main>',
  ];
  return redact(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'">
<title>History — ${h(sovereign)} — sovereign-walk</title>
<style>${REPORT_CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`);
}
