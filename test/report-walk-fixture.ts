/**
 * Reports the gates already recorded in a run folder as the walk reports a suite it judged
 * (src/walk/report-suite.ts, shown by src/walk/judge-progress.ts in plain lines): per suite, its
 * gates in id order. The gate files, Allure results and progress lines are what a walk writes.
 */
import type { Gate } from '../src/gates/types.js';
import { readGates } from '../src/gates/recorder.js';
import { reportSuite } from '../src/walk/report-suite.js';
import { JudgeProgress } from '../src/walk/judge-progress.js';

export interface WalkReported {
  /** The progress output, as `npm run walk` prints it outside a terminal. */
  out: string;
  gates: Gate[];
}

/** `suites`: each reports the recorded gates whose id starts with `<suite>/`. */
export function reportGatesThroughWalk(runDir: string, suites: string[]): WalkReported {
  const recorded = readGates(runDir).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  let out = '';
  const progress = new JudgeProgress({ write: (s) => (out += s) });
  const gates: Gate[] = [];
  for (const suite of suites) {
    const judged = recorded.filter((g) => g.id.startsWith(`${suite}/`));
    progress.begin(suite);
    progress.end('judged');
    const reported = reportSuite(runDir, suite, judged.map((g) => g.id), new Map(judged.map((g) => [g.id, g])), (g) => progress.gate(g.id, g));
    progress.reported(reported);
    gates.push(...reported);
  }
  return { out, gates };
}
