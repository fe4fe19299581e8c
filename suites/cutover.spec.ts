/**
 * Cutover: the tether audit (eight gates), then the deny-egress hold and its checks (six gates),
 * judged once per walk. `--cutover enforce` applies the harness's own policy through the fault
 * ledger (reverted on pass, failure, SIGINT/SIGTERM, by the next walk's janitor, or by the
 * in-cluster backstop); `--cutover observe` judges the platform's own step-08 hold.
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { gateFor } from '../src/pw/judge-once.js';
import { judgeSuite } from '../src/suites/judges.js';
import { CUTOVER_GATE_IDS } from '../src/suites/cutover/ids.js';
import type { Gate } from '../src/gates/types.js';

const ctx = loadRunContext();
let gates: Map<string, Gate>;

test.beforeAll(async () => {
  gates = await judgeSuite(ctx, 'cutover');
});

for (const id of CUTOVER_GATE_IDS) {
  test(id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, id, 'cutover'));
  });
}
