/**
 * Counting gates and the verdict, shared by every report format.
 *
 * The platform verifier convention (`sovereign-dod-verify.sh`) ends with one line:
 * `✅ TRUE READY — all N checks pass.` or `❌ NOT READY — F of N checks failed.`
 * Here N counts every gate that was due to be judged (all but `skipped`: a skipped gate was
 * not applicable to this target or run, so it is neither a check nor a pass), and F counts
 * every gate that did not pass: `failed` + `blocked` + `error` (a blocked or unjudgeable check
 * is not a passing one).
 * A walk a signal stopped has no verdict: it ends `⏹ STOPPED — …` with what was judged before the
 * stop and what became of the faults it applied.
 */
import type { FaultRecord, Gate, GateStatus, Summary } from '../gates/types.js';

export const STATUSES: readonly GateStatus[] = ['failed', 'error', 'blocked', 'passed', 'skipped'];

export const NOT_PASSING: readonly GateStatus[] = ['failed', 'blocked', 'error'];

export const STATUS_ICON: Record<GateStatus, string> = {
  passed: '✅',
  failed: '❌',
  blocked: '⊘',
  error: '⚠️',
  skipped: '⏭️',
};

export function countGates(gates: readonly Gate[]): Record<GateStatus, number> {
  const counts: Record<GateStatus, number> = { passed: 0, failed: 0, blocked: 0, skipped: 0, error: 0 };
  for (const g of gates) counts[g.status]++;
  return counts;
}

/** `pass` iff no gate failed, was blocked or errored, and at least one gate ran. */
export function verdictOf(counts: Record<GateStatus, number>): Summary['verdict'] {
  const bad = NOT_PASSING.reduce((n, s) => n + counts[s], 0);
  return bad === 0 && counts.passed > 0 ? 'pass' : 'fail';
}

export function checkTotals(counts: Record<GateStatus, number>): { checks: number; notPassing: number } {
  const notPassing = NOT_PASSING.reduce((n, s) => n + counts[s], 0);
  return { checks: notPassing + counts.passed, notPassing };
}

/** The verifier-convention last line. */
export function verifierLine(counts: Record<GateStatus, number>): string {
  const { checks, notPassing } = checkTotals(counts);
  if (verdictOf(counts) === 'pass') return `✅ TRUE READY — all ${checks} checks pass.`;
  const tail = checks === 0 ? ' No check ran.' : '';
  return `❌ NOT READY — ${notPassing} of ${checks} checks failed.${tail}`;
}

/** `1 fault applied, 1 reverted` (with the ones not reverted named), or `no fault applied`. */
export function faultsLine(faults: readonly FaultRecord[]): string {
  if (!faults.length) return 'no fault applied';
  const open = faults.filter((f) => !f.revertedAt);
  const tail = open.length ? `; NOT reverted: ${open.map((f) => `${f.kind} on ${f.target}`).join(', ')}` : '';
  return `${faults.length} fault${faults.length === 1 ? '' : 's'} applied, ${faults.length - open.length} reverted${tail}`;
}

/** The last line of every report: the verifier line, or the stopped line. */
export function finalLine(summary: Pick<Summary, 'counts' | 'stopped' | 'faults'>): string {
  if (!summary.stopped) return verifierLine(summary.counts);
  const { checks, notPassing } = checkTotals(summary.counts);
  const { signal, during } = summary.stopped;
  return `⏹ STOPPED — by ${signal}${during ? ` during ${during}` : ''}, before a verdict: ${checks} check${checks === 1 ? '' : 's'} judged, ${notPassing} not passing; ${faultsLine(summary.faults ?? [])}.`;
}

/** The verdict in two words: `TRUE READY`, `NOT READY` or `STOPPED`. */
export function headline(s: Pick<Summary, 'verdict' | 'stopped'>): string {
  return s.stopped ? 'STOPPED' : s.verdict === 'pass' ? 'TRUE READY' : 'NOT READY';
}
