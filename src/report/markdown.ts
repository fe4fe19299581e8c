/**
 * summary.md, short enough to paste into an issue: the verdict, one row per root cause with what
 * it blocks, the gates that did not pass (blocked and skipped ones folded away), one line per
 * suite for everything that passed, what the walk cost, and the verifier (or stopped) line last.
 */
import type { Gate, Summary } from '../gates/types.js';
import { STATUS_ICON, STATUSES, countGates, faultsLine, finalLine, headline } from './verdict.js';
import { durationMs, formatDuration, formatTime } from './format.js';
import { blockedCount, rootCauses } from './root-causes.js';
import { historyMarkdownLines } from '../history/render-text.js';
import { apiRequestNotes, suiteCosts, topRequests } from './walk-cost.js';

/** One table cell: no pipes or line breaks may escape it. */
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
const code = (id: string) => `\`${cell(id)}\``;
/** The id, and the title when it says more. */
const named = (g: Gate) => (g.title && g.title !== g.id ? `${code(g.id)} ${cell(g.title)}` : code(g.id));

function folded(title: string, header: string, rows: string[]): string[] {
  return rows.length ? ['<details>', `<summary>${title}</summary>`, '', header, ...rows, '', '</details>', ''] : [];
}

/** Each suite's judging and reporting time, then one line of API requests per region (its three most sent). */
function costLines(summary: Summary): string[] {
  const lines = ['## Cost of this walk', ''];
  const suites = suiteCosts(summary);
  if (suites.length) lines.push('| Suite | Judging | Reporting |', '|---|---|---|', ...suites.map((c) => `| ${cell(c.name)} | ${c.judging} | ${c.reporting} |`), '');
  for (const note of apiRequestNotes(summary)) lines.push(`> ℹ️ ${cell(note)}`, '');
  const regions = (summary.apiRequests ?? []).map((r) => {
    const { top, more } = topRequests(r, 3);
    const most = top.map((l) => `${code(`${l.verb} ${l.resource}`)} ${l.count}`).join(' · ');
    return `**${cell(r.region)}** ${r.total}${most ? ` (${most}${more ? ` · ${more} more` : ''})` : ''}`;
  });
  if (regions.length) lines.push(`API requests: ${regions.join(' · ')}`);
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

export function renderMarkdown(summary: Summary, links: string[]): string {
  const c = summary.counts;
  const roots = rootCauses(summary);
  const lines = [
    `# ${summary.tool.name} — ${summary.sovereign} — ${headline(summary)}`,
    '',
    `\`${summary.target}\` (${summary.targetKind}) · run \`${summary.runId}\` · ${formatTime(summary.startedAt)} → ${formatTime(summary.finishedAt)} (${formatDuration(durationMs(summary.startedAt, summary.finishedAt))})`,
    '',
    `${roots.length ? `**${roots.length} root cause${roots.length === 1 ? '' : 's'}** · ` : ''}${STATUSES.map((st) => `${c[st]} ${st}`).join(' · ')}`,
    '',
  ];
  for (const caveat of summary.caveats ?? []) lines.push(`> ℹ️ the target says: ${cell(caveat)}`, '');
  if (summary.stopped) lines.push(`> ⏹ stopped by ${summary.stopped.signal}${summary.stopped.during ? ` during ${summary.stopped.during}` : ''}: the gates below are what was judged before the stop`, '');
  for (const s of summary.suites.filter((x) => x.error)) lines.push(`> ⚠️ suite **${cell(s.name)}** could not run: ${cell(s.error ?? '')}`, '');
  if (summary.faults?.length) {
    lines.push(`> 💥 ${faultsLine(summary.faults)}: ${summary.faults.map((f) => `${cell(f.kind)} on ${cell(f.target)} (applied ${f.appliedAt ? formatTime(f.appliedAt) : '—'}, reverted ${f.revertedAt ? formatTime(f.revertedAt) : 'NO'})`).join(', ')}`, '');
  }
  if (summary.janitor.length) {
    lines.push(`> 🧹 the janitor reverted ${summary.janitor.length} fault(s) left by an earlier run: ${summary.janitor.map((f) => `${cell(f.kind)} on ${cell(f.target)}`).join(', ')}`, '');
  }
  if (roots.length) {
    lines.push('## Root causes', '', '| | Gate | Reason | Blocks |', '|---|---|---|---|');
    for (const r of roots) lines.push(`| ${STATUS_ICON[r.gate?.status ?? 'blocked']} | ${r.gate ? named(r.gate) : `${code(r.id)} (not a gate of this run)`} | ${cell(r.gate?.reason ?? '')} | ${blockedCount(r)} |`);
    lines.push('');
  }
  const blocked = summary.gates.filter((g) => g.status === 'blocked');
  lines.push(...folded(`${blocked.length} blocked gate${blocked.length === 1 ? '' : 's'}: not judged, or failing only because of a root cause above`, '| | Gate | Blocked by | Reason |\n|---|---|---|---|', blocked.map((g) => `| ${STATUS_ICON.blocked} | ${named(g)} | ${g.rootCause ? code(g.rootCause) : ''} | ${cell(g.reason)} |`)));
  const skipped = summary.gates.filter((g) => g.status === 'skipped');
  lines.push(...folded(`${skipped.length} skipped gate${skipped.length === 1 ? '' : 's'}: not applicable to this walk`, '| | Gate | Reason |\n|---|---|---|', skipped.map((g) => `| ${STATUS_ICON.skipped} | ${named(g)} | ${cell(g.reason)} |`)));
  if (summary.history) lines.push(...historyMarkdownLines(summary.history), '');
  lines.push('## Suites', '', '| Suite | Gates | Took |', '|---|---|---|');
  const names = [...new Set([...summary.suites.map((s) => s.name), ...summary.gates.map((g) => g.suite)])];
  for (const name of names) {
    const n = countGates(summary.gates.filter((g) => g.suite === name));
    const run = summary.suites.find((s) => s.name === name);
    const result = STATUSES.filter((st) => n[st]).map((st) => `${STATUS_ICON[st]} ${n[st]} ${st}`).join(' · ') || 'no gates';
    lines.push(`| ${cell(name)} | ${result} | ${run ? formatDuration(durationMs(run.startedAt, run.finishedAt)) : ''} |`);
  }
  lines.push('', ...costLines(summary));
  lines.push('', `Reports: ${links.map((f) => `[${f}](${f})`).join(' · ')}`, '', finalLine(summary));
  return `${lines.join('\n')}\n`;
}
