/**
 * Cutover: the tether audit (eight gates), then the deny-egress hold and its checks (six gates),
 * judged once per walk. `--cutover enforce` applies the harness's own policy through the fault
 * ledger (reverted on pass, failure, SIGINT/SIGTERM, by the next walk's janitor, or by the
 * in-cluster backstop); `--cutover observe` judges the platform's own step-08 hold.
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { judgeWithHarness, gateFor } from '../src/pw/judge-once.js';
import { CUTOVER_GATE_IDS } from '../src/suites/cutover/ids.js';
import type { Gate } from '../src/gates/types.js';

const ctx = loadRunContext();
let gates: Map<string, Gate>;

test.beforeAll(async () => {
  // The suite's code loads in the worker, not in the runner that only declares the tests.
  gates = await judgeWithHarness(ctx, 'cutover', async (h) => (await import('../src/suites/cutover/suite.js')).judgeCutover(ctx, h));
});

for (const id of CUTOVER_GATE_IDS) {
  test(id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, id, 'cutover'));
  });
}
