/**
 * Failover (D31): kill the primary region under a constant write load and judge what the
 * clients saw against what the survivor holds. The region is killed once per walk; each gate
 * is one test (a worker restarted after a failed gate reads the saved gates back).
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { Harness } from '../src/run/harness.js';
import { reportGate } from '../src/pw/report-gate.js';
import type { Gate } from '../src/gates/types.js';
import { failoverGateIds, runFailoverSuite } from '../src/suites/failover/suite.js';

const ctx = loadRunContext();
const ids = Object.values(failoverGateIds(ctx.options));

test.describe.configure({ mode: 'default' });

let h: Harness;
let gates: Promise<Map<string, Gate>> | undefined;

test.beforeAll(() => {
  h = new Harness(ctx);
});

test.afterAll(async () => {
  await gates?.catch(() => undefined);
  await h?.close();
});

for (const id of ids) {
  test(id, async ({}, info) => {
    gates ??= runFailoverSuite(h).then((list) => new Map(list.map((g) => [g.id, g])));
    const gate = (await gates).get(id);
    if (!gate) throw new Error(`the failover run produced no gate ${id}`);
    await reportGate(ctx.runDir, info, gate);
  });
}
