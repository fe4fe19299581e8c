/**
 * Reports a suite the walk judged: for each gate the suite reports (src/suites/judges.ts), in
 * order, the gate file summary.json is built from, its Allure result, and its progress line. A
 * gate the suite should have judged and did not is a harness error, never a pass; a failure an
 * earlier suite's gate already explains is reported blocked by that root cause
 * (src/gates/attribution.ts), as journeys' gates are by `reportGate`.
 */
import type { Gate } from '../gates/types.js';
import { readGates, writeGate } from '../gates/recorder.js';
import { attributeSymptoms } from '../gates/attribution.js';
import { gateFor } from './judge-once.js';
import { AllureGateWriter } from '../report/allure-gate.js';

export function reportSuite(runDir: string, suite: string, ids: readonly string[], judged: Map<string, Gate>, shown: (g: Gate) => void): Gate[] {
  const earlier = readGates(runDir).filter((g) => g.suite !== suite);
  const allure = new AllureGateWriter(runDir);
  const listed = new Set(ids);
  const reported: Gate[] = [];
  for (const id of [...ids, ...[...judged.keys()].filter((id) => !listed.has(id))]) {
    const gate = attributeSymptoms([...earlier, gateFor(judged, id, suite)]).at(-1)!;
    writeGate(runDir, gate);
    allure.write(gate);
    shown(gate);
    reported.push(gate);
  }
  return reported;
}
