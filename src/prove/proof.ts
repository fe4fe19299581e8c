/** The result of `npm run prove` (proof.json, proofVersion 1), which every proof report renders. */
import type { GateStatus } from '../gates/types.js';

export const PROOF_VERSION = 1;

/**
 * caught: an expected red happened as the catalogue says; missed: it did not (green, another
 * status, another root cause or reason, or the gate was absent); collateral: a gate turned red
 * (or went absent) that no fault of its walk expected; held: a gate the fault acts on stayed
 * green as required; ignored: the catalogue says the fault breaks the gate along the way, so its
 * verdict is not compared.
 */
export type CellMark = 'caught' | 'missed' | 'collateral' | 'held' | 'ignored';

export interface ProofCell {
  /** A catalogue entry id, or `healthy`. */
  fault: string;
  gate: string;
  mark: CellMark;
  /** What the catalogue expected (`failed`, `blocked by readiness/…`, `green`). */
  expected: string;
  /** What the walk judged (`passed`, `blocked by …`, `absent`). */
  observed: string;
  reason?: string;
}

export interface ProofWalk {
  id: string;
  suites: string[];
  faults: string[];
  entries: string[];
  exitCode: number | null;
  /** The walk's run folder, relative to the proof's folder. */
  runDir?: string;
  startedAt: string;
  finishedAt: string;
  /** Why the walk gave no summary. */
  error?: string;
}

export interface ProofFault {
  id: string;
  why: string;
  faults: string[];
  walk: string;
  suites: string[];
  expectedRed: number;
  caught: number;
  missed: number;
  collateral: number;
  held: number;
}

export interface ProofGate {
  id: string;
  suite: string;
  title: string;
  /** Status in the healthy walk (`absent` when it did not produce the gate). */
  healthy: GateStatus | 'absent';
  /** Not declared by the suites, but produced by a walk (a slot the target deploys beyond the kit). */
  undeclared?: boolean;
  caughtBy: string[];
  missedBy: string[];
  collateralOf: string[];
  /** No fault turned it red as expected: nothing shows the gate can fail. */
  unproven: boolean;
}

export interface Proof {
  proofVersion: number;
  tool: { name: string; version: string };
  commit?: string;
  kit: string;
  suites: string[];
  startedAt: string;
  finishedAt: string;
  /** pass: every expected red was caught and nothing unexpected happened. */
  verdict: 'pass' | 'fail';
  stopped?: { signal: string };
  walks: ProofWalk[];
  faults: ProofFault[];
  gates: ProofGate[];
  cells: ProofCell[];
  notApplicable: { id: string; why: string }[];
}
