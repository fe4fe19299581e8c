/**
 * Turns a judged Gate into the Playwright test's outcome: the gate file for summary.json,
 * Allure labels and attachments, and the test status (failed → assertion error, blocked →
 * skipped with `BLOCKED` so Allure's categories tell it apart, error → a non-assertion error).
 * A failure an earlier suite's gate already explains is reported blocked by its root cause
 * (src/gates/attribution.ts), so every report counts it the same way. The progress reporter
 * shows the gate's own duration (an annotation), not how long reporting it took.
 */
import { join } from 'node:path';
import { test, type TestInfo } from '@playwright/test';
import * as allure from 'allure-js-commons';
import { Status } from 'allure-js-commons';
import type { Gate } from '../gates/types.js';
import { readGates, writeGate } from '../gates/recorder.js';
import { attributeSymptoms } from '../gates/attribution.js';
import { durationMs } from '../report/format.js';
import { GATE_DURATION_ANNOTATION } from '../report/progress-protocol.js';
import { gateVerdictText } from '../report/allure-gate.js';

export class GateFailure extends Error {
  override name = 'GateFailure';
}

export class HarnessError extends Error {
  override name = 'HarnessError';
}

/** The gates of the suites that ran before this one: final by the time this suite reports. */
let earlier: { runDir: string; suite: string; gates: Gate[] } | undefined;

function earlierGates(runDir: string, suite: string): Gate[] {
  if (earlier?.runDir !== runDir || earlier.suite !== suite) earlier = { runDir, suite, gates: readGates(runDir).filter((g) => g.suite !== suite) };
  return earlier.gates;
}

export async function reportGate(runDir: string, info: TestInfo, judged: Gate): Promise<void> {
  const gate = attributeSymptoms([...earlierGates(runDir, judged.suite), judged]).at(-1)!;
  writeGate(runDir, gate);
  info.annotations.push({ type: GATE_DURATION_ANNOTATION, description: String(durationMs(gate.startedAt, gate.finishedAt)) });
  if (gate.title !== gate.id) await allure.displayName(gate.title);
  await allure.parentSuite(gate.suite);
  if (gate.labels.dodGate) await allure.label('dodGate', gate.labels.dodGate);
  if (gate.labels.slot) await allure.label('slot', gate.labels.slot);
  if (gate.labels.layer) await allure.label('layer', gate.labels.layer);
  if (gate.labels.region) await allure.label('region', gate.labels.region);
  await allure.severity(gate.labels.severity ?? 'critical');
  await allure.historyId(gate.id);
  for (const s of gate.steps ?? []) {
    const status = s.status === 'passed' ? Status.PASSED : s.status === 'skipped' || s.status === 'blocked' ? Status.SKIPPED : Status.FAILED;
    await allure.logStep(`${s.name}${s.detail ? ` — ${s.detail}` : ''}`, status);
  }
  for (const e of gate.evidence) {
    await info.attach(e.name, { path: join(runDir, e.path), contentType: e.contentType });
  }
  const verdict = gateVerdictText(gate);
  switch (gate.status) {
    case 'passed':
      return;
    case 'failed':
      throw new GateFailure(verdict);
    case 'error':
      throw new HarnessError(verdict);
    case 'blocked':
    case 'skipped':
      test.skip(true, verdict);
      return;
  }
}
