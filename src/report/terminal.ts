/** The walk's closing terminal summary: counts per suite, every gate that did not pass, the verifier line last. */
import type { Gate, GateStatus, Summary } from '../gates/types.js';
import { redact } from '../evidence/redact.js';
import { STATUSES, countGates, verifierLine } from './verdict.js';
import { durationMs, formatDuration } from './format.js';
import { historyTerminalLines } from '../history/render-text.js';

const ANSI: Record<GateStatus | 'dim' | 'bold', string> = {
  passed: '32', failed: '31', blocked: '33', error: '35', skipped: '90', dim: '2', bold: '1',
};

/** Terminal glyphs: the report's emoji would misalign columns in many terminals. */
export const TERMINAL_ICON: Record<GateStatus, string> = { passed: '✓', failed: '✗', blocked: '⊘', error: '!', skipped: '–' };

export function painter(color: boolean) {
  return (style: keyof typeof ANSI, text: string) => (color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}

function gateLine(g: Gate, paint: ReturnType<typeof painter>): string {
  const icon = paint(g.status, TERMINAL_ICON[g.status]);
  const what = g.status === 'blocked' ? `BLOCKED by ${g.rootCause ?? 'a failed dependency'} — ${g.reason}` : `${g.status.toUpperCase()} — ${g.reason}`;
  return `  ${icon} ${g.id}  ${paint(g.status === 'skipped' ? 'dim' : g.status, what)}`;
}

export function renderTerminalSummary(summary: Summary, opts: { color: boolean; runDir?: string }): string {
  const paint = painter(opts.color);
  const lines = [paint('bold', `${summary.tool.name} ${summary.tool.version} · ${summary.sovereign} (${summary.target}, ${summary.targetKind}) · run ${summary.runId}`)];
  const names = [...new Set([...summary.suites.map((s) => s.name), ...summary.gates.map((g) => g.suite)])];
  const width = Math.max(8, ...names.map((n) => n.length));
  for (const name of names) {
    const c = countGates(summary.gates.filter((g) => g.suite === name));
    const run = summary.suites.find((s) => s.name === name);
    const counts = STATUSES.filter((s) => c[s] > 0).map((s) => paint(s, `${c[s]} ${s}`)).join(', ') || paint('dim', 'no gates');
    const took = run ? paint('dim', ` (${formatDuration(durationMs(run.startedAt, run.finishedAt))})`) : '';
    lines.push(`  ${name.padEnd(width)}  ${counts}${took}${run?.error ? paint('error', ` — could not run: ${run.error}`) : ''}`);
  }
  const notPassed = summary.gates.filter((g) => g.status !== 'passed');
  if (notPassed.length) {
    lines.push('', paint('bold', 'Not passed:'));
    const order: GateStatus[] = ['failed', 'error', 'blocked', 'skipped'];
    for (const st of order) for (const g of notPassed.filter((x) => x.status === st)) lines.push(gateLine(g, paint));
  }
  if (summary.janitor.length) lines.push('', `Janitor reverted ${summary.janitor.length} fault(s) left by an earlier run.`);
  if (summary.history) lines.push('', ...historyTerminalLines(summary.history, { strong: (s) => paint('bold', s), good: (s) => paint('passed', s), bad: (s) => paint('failed', s) }));
  const dir = opts.runDir ?? '<run folder>';
  lines.push('', `Evidence and reports: ${dir}  (index.html, summary.md, junit.xml, summary.json, evidence/)`, '', paint(summary.verdict === 'pass' ? 'passed' : 'failed', verifierLine(summary.counts)));
  return redact(lines.join('\n'));
}
