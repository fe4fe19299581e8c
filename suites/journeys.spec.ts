/**
 * Journeys (GitHub issue 5): the Pillar-1 flow in Chromium, hop by hop, D35, and the negative
 * paths. The flow is one stateful walk, so it runs once (in beforeAll) and each test reports
 * one gate; if Playwright replaces the worker after a failed test, the new worker reports the
 * judged gates instead of walking the flow again.
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { judgeWithHarness, gateFor } from '../src/pw/judge-once.js';
import { writeTimeline } from '../src/gates/recorder.js';
import type { Gate } from '../src/gates/types.js';
import { JOURNEY_GATE_ORDER } from '../src/suites/journeys/gates.js';

const ctx = loadRunContext();

test.describe.configure({ mode: 'default', timeout: 15 * 60_000 });

let gates: Map<string, Gate>;

test.beforeAll(async () => {
  // The suite's code loads in the worker, not in the runner that only declares the tests.
  gates = await judgeWithHarness(ctx, 'journeys', async (h) => {
    const [{ runJourneys }, { journeyConfig }] = await Promise.all([import('../src/suites/journeys/run.js'), import('../src/suites/journeys/config.js')]);
    const walked = await runJourneys(h, journeyConfig(ctx));
    writeTimeline(ctx.runDir, walked.timeline);
    return walked.gates;
  });
});

for (const id of JOURNEY_GATE_ORDER) {
  test(id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, id, 'journeys'));
  });
}
