/**
 * Counting gates and the verdict, shared by every report format.
 *
 * The platform verifier convention (`sovereign-dod-verify.sh`) ends with one line:
 * `✅ TRUE READY — all N checks pass.` or `❌ NOT READY — F of N checks failed.`
 * Here N counts every gate that was due to be judged (all but `skipped`: a skipped gate was
 * not applicable to this target or run, so it is neither a check nor a pass), and F counts
 * every gate that did not pass: `failed` + `blocked` + `error` (a blocked or unjudgeable check
 * is not a passing one).
 */
import type { Gate, GateStatus, Summary } from '../gates/types.js';

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
