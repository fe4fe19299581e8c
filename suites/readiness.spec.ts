/** Readiness: every kit slot's HelmRelease Ready and its surface answering, in dependsOn order. */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { reportGate } from '../src/pw/report-gate.js';
import { gateFor } from '../src/pw/judge-once.js';
import { judgeSuite } from '../src/suites/judges.js';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog } from '../probes/catalog.js';
import type { Gate } from '../src/gates/types.js';

const ctx = loadRunContext();
const kit = loadKit(ctx.options.kitPath);
const catalog = buildCatalog(kit, ctx.discoveredSlots);
let gates: Map<string, Gate>;

test.beforeAll(async () => {
  gates = await judgeSuite(ctx, 'readiness');
});

for (const probe of catalog) {
  test(probe.id, async ({}, info) => {
    await reportGate(ctx.runDir, info, gateFor(gates, probe.id, 'readiness'));
  });
}
