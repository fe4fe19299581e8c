/**
 * Failover (D31): kill the primary region under a constant write load and judge what the
 * clients saw against what the survivor holds. The region is killed once per walk; each gate
 * is one test (a worker restarted after a failed gate reads the judged gates back).
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { gateFor } from '../src/pw/judge-once.js';
import { judgeSuite } from '../src/suites/judges.js';
import type { Gate } from '../src/gates/types.js';
import { failoverGateIds } from '../src/suites/failover/ids.js';

const ctx = loadRunContext();
let gates: Map<string, Gate>;

test.beforeAll(async () => {
  gates = await judgeSuite(ctx, 'failover');
});

for (const id of Object.values(failoverGateIds())) {
  test(id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, id, 'failover'));
  });
}
