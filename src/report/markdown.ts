/** summary.md: a header, the gate table (icon, gate, reason, root cause), the verifier line last. */
import type { Summary } from '../gates/types.js';
import { STATUS_ICON, verifierLine } from './verdict.js';
import { durationMs, formatDuration } from './format.js';
import { historyMarkdownLines } from '../history/render-text.js';

/** One table cell: no pipes or line breaks may escape it. */
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();

export function renderMarkdown(summary: Summary): string {
  const c = summary.counts;
  const counts = `${c.passed} passed · ${c.failed} failed · ${c.blocked} blocked · ${c.error} error · ${c.skipped} skipped`;
  const lines = [
    `# ${summary.tool.name} — ${summary.sovereign} — ${summary.verdict === 'pass' ? 'TRUE READY' : 'NOT READY'}`,
    '',
    `Target \`${summary.target}\` (${summary.targetKind}) · run \`${summary.runId}\` · ${summary.startedAt} → ${summary.finishedAt} (${formatDuration(durationMs(summary.startedAt, summary.finishedAt))})`,
    '',
    counts,
    '',
  ];
  for (const s of summary.suites.filter((x) => x.error)) lines.push(`> ⚠️ suite **${cell(s.name)}** could not run: ${cell(s.error ?? '')}`, '');
  if (summary.janitor.length) {
    lines.push(`> 🧹 the janitor reverted ${summary.janitor.length} fault(s) left by an earlier run: ${summary.janitor.map((f) => `${cell(f.kind)} on ${cell(f.target)}`).join(', ')}`, '');
  }
  if (summary.history) lines.push(...historyMarkdownLines(summary.history), '');
  lines.push('| | Gate | Reason | Root cause |', '|---|---|---|---|');
  for (const g of summary.gates) {
    lines.push(`| ${STATUS_ICON[g.status]} | \`${cell(g.id)}\` | ${cell(g.reason)} | ${g.rootCause ? `\`${cell(g.rootCause)}\`` : ''} |`);
  }
  lines.push('', 'Reports: [index.html](index.html) · [junit.xml](junit.xml) · [summary.json](summary.json) · [evidence/](evidence/)', '', verifierLine(summary.counts));
  return `${lines.join('\n')}\n`;
}
