/** The proof's counts and its one-line verdict, shared by every proof report. */
import type { Proof, ProofCell, ProofGate } from './proof.js';
import { durationMs, formatDuration } from '../report/format.js';

export interface ProofCounts {
  gates: number;
  faults: number;
  walks: number;
  expectedRed: number;
  caught: number;
  missed: number;
  /** Collateral reds, counted once per walk and gate (a walk's faults share them). */
  collateral: number;
  unproven: number;
}

const walkOf = (p: Proof, c: ProofCell) => (c.fault === 'healthy' ? 'healthy' : p.faults.find((f) => f.id === c.fault)?.walk ?? c.fault);

export function proofCounts(p: Proof): ProofCounts {
  const collateral = new Set(p.cells.filter((c) => c.mark === 'collateral').map((c) => `${walkOf(p, c)} ${c.gate}`));
  return {
    gates: p.gates.length,
    faults: p.faults.length,
    walks: p.walks.length,
    expectedRed: p.cells.filter((c) => c.mark === 'caught' || c.mark === 'missed').length,
    caught: p.cells.filter((c) => c.mark === 'caught').length,
    missed: p.cells.filter((c) => c.mark === 'missed').length,
    collateral: collateral.size,
    unproven: p.gates.filter((g) => g.unproven).length,
  };
}

export function proofHeadline(p: Proof): string {
  if (p.stopped) return 'STOPPED';
  return p.verdict === 'pass' ? 'PROVEN' : 'NOT PROVEN';
}

/** `✅ PROVEN — …` / `❌ NOT PROVEN — …`: what an approver reads first. */
export function proofVerdictLine(p: Proof): string {
  const c = proofCounts(p);
  const took = formatDuration(durationMs(p.startedAt, p.finishedAt));
  const unproven = `${c.unproven} of ${c.gates} gates unproven (no fault turns them red)`;
  if (p.stopped) return `⏹ STOPPED by ${p.stopped.signal} — ${c.walks} walks ran; ${c.caught} of ${c.expectedRed} expected reds caught; ${unproven}`;
  if (p.verdict === 'pass') return `✅ PROVEN — all ${c.expectedRed} expected reds of ${c.faults} faults caught in ${c.walks} walks (${took}), no collateral red; ${unproven}`;
  return `❌ NOT PROVEN — ${c.missed} missed, ${c.collateral} collateral; ${c.caught} of ${c.expectedRed} expected reds caught by ${c.faults} faults in ${c.walks} walks (${took}); ${unproven}`;
}

/** The gate's standing in one word. */
export function gateStanding(g: ProofGate): 'missed' | 'collateral' | 'unproven' | 'proven' {
  if (g.missedBy.length) return 'missed';
  if (g.collateralOf.length) return 'collateral';
  return g.unproven ? 'unproven' : 'proven';
}
