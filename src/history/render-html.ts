/** The "since the last walk" section of index.html and of the history page (report styles). */
import type { GateStatus } from '../gates/types.js';
import { escapeHtml as h } from '../report/format.js';
import { nothingChanged, type HistoryComparison } from './compare.js';
import { describeShift } from './render-text.js';

const pill = (s: GateStatus) => `<span class="pill ${s}">${h(s)}</span>`;
const mono = (s: string) => `<span class="mono">${h(s)}</span>`;

function row(status: GateStatus, id: string, what: string): string {
  return `<li>${pill(status)}${mono(id)}<span>${what}</span><span class="blocks"></span></li>`;
}

export function historySectionHtml(c: HistoryComparison): string {
  const last = c.last;
  const sub = last ? `compared with run ${mono(last.runId)} (${h(last.scope)}, ${h(last.verdict)}) · ${c.earlierWalks} earlier walks in the history` : `${c.earlierWalks} earlier walks in the history`;
  const head = `<h2>Since the last walk <span class="sub">of ${h(c.sovereign)} · ${sub}</span></h2>`;
  const skipped = c.skippedEntries.map((p) => `<p class="notice">Skipped history entry ${mono(p.file)}: ${h(p.problem)}</p>`).join('');
  if (!c.earlierWalks) return `<section class="card" id="history">${head}${skipped}<p class="ok-note">None in the history; this walk is its first.</p></section>`;
  if (!last) return `<section class="card" id="history">${head}${skipped}<p>None of the earlier walks judged these gates.</p></section>`;
  if (nothingChanged(c)) {
    return `<section class="card" id="history">${head}${skipped}<p class="ok-note" data-testid="history-unchanged">Nothing changed: ${c.unchanged} gates as before${c.firstJudged ? `, ${c.firstJudged} judged for the first time` : ''}; no figure beyond its recent spread.</p></section>`;
  }
  const was = (x: { was: GateStatus; wasRunId: string }) => `was ${pill(x.was)}${x.wasRunId === last.runId ? '' : ` in run ${mono(x.wasRunId)}`}`;
  const groups: [string, string[]][] = [
    ['Newly failed', c.newlyFailed.map((x) => row(x.status, x.id, `${was(x)}${x.rootCause ? ` · blocked by ${mono(x.rootCause)}` : ''}`))],
    ['Newly passed', c.newlyPassed.map((x) => row(x.status, x.id, was(x)))],
    ['Still failing', c.stillFailing.map((x) => row(x.status, x.id, `for ${x.walks} walks, since run ${mono(x.sinceRunId)}${x.rootCause ? ` · blocked by ${mono(x.rootCause)}` : ''}`))],
    ['Flipping', c.flipping.map((x) => row(x.walks[x.walks.length - 1].status, x.id, `${x.changes} changes in its last ${x.walks.length} walks: ${x.walks.map((w) => pill(w.status)).join(' ')}`))],
  ];
  const lists = groups
    .filter(([, items]) => items.length)
    .map(([title, items]) => `<div class="sub-h" data-history-class="${h(title.toLowerCase())}">${title} (${items.length})</div><ul class="roots">${items.join('')}</ul>`);
  const figures = c.figures.length
    ? `<div class="sub-h" data-history-class="beyond recent spread">Beyond recent spread (${c.figures.length})</div><table><thead><tr><th>Figure</th><th>Now vs baseline</th><th>Baseline walks</th></tr></thead><tbody>${c.figures
        .map((f) => `<tr><td>${h(f.label)}</td><td>${h(describeShift(f).slice(f.label.length + 1))}</td><td class="mono">${h(f.baseline.fromRunId)} … ${h(f.baseline.toRunId)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<section class="card" id="history">${head}${skipped}<p>${c.unchanged} gates unchanged${c.firstJudged ? `, ${c.firstJudged} judged for the first time` : ''}.</p>${lists.join('')}${figures}</section>`;
}
