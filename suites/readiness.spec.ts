/** Readiness: every kit slot's HelmRelease Ready and its surface answering, in dependsOn order. */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { judgeOnce, gateFor } from '../src/pw/judge-once.js';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog } from '../probes/catalog.js';
import type { Gate } from '../src/gates/types.js';

const ctx = loadRunContext();
const kit = loadKit(ctx.options.kitPath);
const catalog = buildCatalog(kit, ctx.discoveredSlots);
let gates: Map<string, Gate>;

test.beforeAll(async () => {
  gates = await judgeOnce(ctx.runDir, 'readiness', async () => {
    // The runner process only declares tests; what judges loads in the worker.
    const [{ Harness }, { judgeReadiness }] = await Promise.all([import('../src/run/harness.js'), import('../src/suites/readiness/judge.js')]);
    const h = new Harness(ctx);
    try {
      return await judgeReadiness(h, kit, catalog);
    } finally {
      await h.close();
    }
  });
});

for (const probe of catalog) {
  test(probe.id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, probe.id, 'readiness'));
  });
}
