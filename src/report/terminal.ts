/** The walk's closing terminal summary: counts per suite, the root causes with what each blocks, the other gates that did not pass, the verifier (or stopped) line last. */
import type { Gate, GateStatus, Summary } from '../gates/types.js';
import { redact } from '../evidence/redact.js';
import { STATUSES, countGates, faultsLine, finalLine } from './verdict.js';
import { blockedCount, rootCauses } from './root-causes.js';
import { runLinks } from './run-dirs.js';

/** Blocked or skipped gates listed before the rest are left to summary.md and index.html. */
const MAX_LISTED = 20;
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

/** A reported gate in the walk's progress: `✓ readiness/01-bp-cilium (1.2s)`, then why when it did not pass. */
export function progressGateText(paint: ReturnType<typeof painter>, status: GateStatus, title: string, tookMs: number, detail: string | undefined): string {
  let tail = '';
  if (status === 'blocked') tail = ` ${paint('blocked', `BLOCKED by ${detail ?? 'a failed dependency'}`)}`;
  else if (status === 'failed') tail = ` ${paint('failed', `FAILED: ${detail ?? ''}`)}`;
  else if (status === 'error') tail = ` ${paint('error', `HARNESS ERROR: ${detail ?? ''}`)}`;
  else if (status === 'skipped' && detail) tail = ` ${paint('dim', `SKIPPED: ${detail}`)}`;
  return `${paint(status, TERMINAL_ICON[status])} ${title} ${paint('dim', `(${formatDuration(tookMs)})`)}${tail}`;
}

/** A suite's counters in the walk's progress: `✓ 46  ✗ 1  ⊘ 1  ! 0  – 0  48/48`. */
export function progressCounterText(paint: ReturnType<typeof painter>, c: Record<GateStatus, number>, total: number): string {
  const done = c.passed + c.failed + c.blocked + c.error + c.skipped;
  const parts = (['passed', 'failed', 'blocked', 'error', 'skipped'] as GateStatus[]).map((s) => paint(c[s] ? s : 'dim', `${TERMINAL_ICON[s]} ${c[s]}`));
  return `${parts.join('  ')}  ${paint('dim', `${done}/${total}`)}`;
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
  const roots = rootCauses(summary);
  if (roots.length) {
    lines.push('', paint('bold', `Root cause${roots.length === 1 ? '' : 's'} (${roots.length}):`));
    for (const r of roots) {
      const blocks = blockedCount(r);
      lines.push(`${r.gate ? gateLine(r.gate, paint) : `  ${paint('blocked', TERMINAL_ICON.blocked)} ${r.id}  not a gate of this run`}${blocks ? paint('dim', ` · blocks ${blocks}`) : ''}`);
    }
  }
  for (const [status, title] of [['blocked', 'Blocked'], ['skipped', 'Skipped']] as const) {
    const listed = summary.gates.filter((g) => g.status === status);
    if (!listed.length) continue;
    lines.push('', paint('bold', `${title} (${listed.length}):`), ...listed.slice(0, MAX_LISTED).map((g) => gateLine(g, paint)));
    if (listed.length > MAX_LISTED) lines.push(paint('dim', `  … and ${listed.length - MAX_LISTED} more in summary.md and index.html`));
  }
  for (const caveat of summary.caveats ?? []) lines.push('', paint('dim', `The target says: ${caveat}.`));
  if (summary.faults?.length) lines.push('', `Faults this walk applied: ${faultsLine(summary.faults)}.`);
  if (summary.janitor.length) lines.push('', `Janitor reverted ${summary.janitor.length} fault(s) left by an earlier run.`);
  if (summary.history) lines.push('', ...historyTerminalLines(summary.history, { strong: (s) => paint('bold', s), good: (s) => paint('passed', s), bad: (s) => paint('failed', s) }));
  const files = opts.runDir ? runLinks(opts.runDir) : ['index.html', 'summary.md', 'junit.xml', 'summary.json'];
  const last = finalLine(summary);
  lines.push('', `Evidence and reports: ${opts.runDir ?? '<run folder>'}  (${files.join(', ')})`, '', paint(summary.stopped ? 'blocked' : summary.verdict === 'pass' ? 'passed' : 'failed', last));
  return redact(lines.join('\n'));
}
