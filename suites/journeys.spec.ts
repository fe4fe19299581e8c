/**
 * Journeys (GitHub issue 5): the Pillar-1 flow in Chromium, hop by hop, D35, and the negative
 * paths. The flow is one stateful walk, so it runs once (in beforeAll) and each test reports
 * one gate. Gate files are written as soon as the walk ends: if Playwright replaces the worker
 * after a failed test, the new worker reports the remaining gates from them instead of walking
 * the flow again.
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { Harness } from '../src/run/harness.js';
import { reportGate } from '../src/pw/report-gate.js';
import { readGates, writeGate, writeTimeline } from '../src/gates/recorder.js';
import type { Gate } from '../src/gates/types.js';
import { journeyConfig } from '../src/suites/journeys/config.js';
import { JOURNEY_STEPS, runJourneys } from '../src/suites/journeys/run.js';

const ctx = loadRunContext();

test.describe.configure({ mode: 'default', timeout: 15 * 60_000 });

let gates: Map<string, Gate>;

test.beforeAll(async () => {
  const earlier = readGates(ctx.runDir).filter((g) => g.suite === 'journeys');
  if (earlier.length) {
    gates = new Map(earlier.map((g) => [g.id, g]));
    return;
  }
  const h = new Harness(ctx);
  try {
    const walked = await runJourneys(h, journeyConfig(ctx));
    for (const g of walked.gates) writeGate(ctx.runDir, g);
    writeTimeline(ctx.runDir, walked.timeline);
    gates = new Map(walked.gates.map((g) => [g.id, g]));
  } finally {
    await h.close();
  }
});

for (const step of JOURNEY_STEPS) {
  test(step.id, async ({}, info) => {
    const gate: Gate = gates.get(step.id) ?? {
      id: step.id,
      suite: 'journeys',
      title: step.id,
      status: 'error',
      reason: 'the journey walk ended before judging this gate',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      labels: {},
      evidence: [],
    };
    await reportGate(ctx.runDir, info, gate);
  });
}
