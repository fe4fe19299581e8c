/**
 * A proof: the planned walks one after another (the healthy one first), then the comparison and
 * its reports. Returns the exit code: 0 every expected red caught and nothing unexpected, 1
 * otherwise, 2 when a walk could not start (set-up), 128 + n when stopped by signal n (the
 * running walk reverts its faults and writes its reports first; the proof covers what ran).
 */
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative } from 'node:path';
import type { DeclaredGate } from './gate-universe.js';
import type { PlannedWalk } from './plan.js';
import { walkArgs } from './plan.js';
import type { Walker } from './walker.js';
import { compareWalks, type WalkOutcome } from './compare.js';
import { writeProofReports } from './write-proof.js';
import { renderProofTerminal } from './render-terminal.js';
import { formatDuration } from '../report/format.js';

export interface ProveIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

export interface ProveRun {
  walks: PlannedWalk[];
  declared: DeclaredGate[];
  notApplicable: { id: string; why: string }[];
  /** Added to every walk (`--kit`). */
  commonArgs: string[];
  proofDir: string;
  tool: { name: string; version: string };
  commit?: string;
  kit: string;
  suites: string[];
  json: boolean;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runProve(run: ProveRun, walker: Walker, io: ProveIo): Promise<number> {
  const startedAt = new Date().toISOString();
  const reportDir = join(run.proofDir, 'walks');
  mkdirSync(reportDir, { recursive: true });
  const outcomes: WalkOutcome[] = [];
  let stop: NodeJS.Signals | undefined;
  let child: { kill: (s: NodeJS.Signals) => void } | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    stop ??= sig;
    child?.kill(sig);
  };
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  let setupError: string | undefined;
  try {
    for (const [i, walk] of run.walks.entries()) {
      if (stop) break;
      const args = [...run.commonArgs, ...walkArgs(walk)];
      io.err(`prove: ${walk.id} (${i + 1}/${run.walks.length}): walk ${args.join(' ')}\n`);
      const started = new Date();
      const r = await walker({ args, reportDir, onLine: (l) => io.err(`[${walk.id}] ${l}\n`), onStart: (c) => (child = c) });
      child = undefined;
      const finishedAt = new Date().toISOString();
      io.err(`prove: ${walk.id} ended with exit ${r.exitCode} after ${formatDuration(Date.parse(finishedAt) - started.getTime())}\n`);
      outcomes.push({ walk, summary: r.summary, exitCode: r.exitCode, ...(r.runDir ? { runDir: relative(run.proofDir, r.runDir) } : {}), startedAt: started.toISOString(), finishedAt, ...(r.error ? { error: r.error } : {}) });
      if (r.exitCode === 2) {
        setupError = `${walk.id}: ${r.error ?? 'the walk refused to start'}`;
        break;
      }
    }
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
  const proof = compareWalks({ declared: run.declared, outcomes, notApplicable: run.notApplicable, tool: run.tool, commit: run.commit, kit: run.kit, suites: run.suites, startedAt, finishedAt: new Date().toISOString(), ...(stop ? { stopped: { signal: stop } } : {}) });
  await writeProofReports(run.proofDir, proof);
  if (run.json) io.out(`${JSON.stringify(proof, null, 2)}\n`);
  else io.out(`${renderProofTerminal(proof, { color: io.color, proofDir: run.proofDir })}\n`);
  if (setupError) {
    io.err(`prove: ${setupError}\n`);
    return 2;
  }
  if (stop) return 128 + (constants.signals[stop] ?? 0);
  return proof.verdict === 'pass' ? 0 : 1;
}
