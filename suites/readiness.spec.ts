/** Readiness: every kit slot's HelmRelease Ready and its surface answering, in dependsOn order. */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import { Harness } from '../src/run/harness.js';
import { reportGate } from '../src/pw/report-gate.js';
import { loadKit } from '../src/kit/load.js';
import { buildCatalog } from '../probes/catalog.js';
import { ReadinessSweep } from '../src/suites/readiness/sweep.js';
import { slotGate } from '../src/suites/readiness/gate.js';

const ctx = loadRunContext();
const kit = loadKit(ctx.options.kitPath);
const catalog = buildCatalog(kit, ctx.discoveredSlots);

test.describe.configure({ mode: 'serial' });

let h: Harness;
let sweep: ReadinessSweep;

test.beforeAll(async () => {
  h = new Harness(ctx);
  sweep = new ReadinessSweep(
    { region: h.primary, http: h.http, sovereign: h.sovereign, placeholder: kit.sovPlaceholder ?? '<sov>' },
    catalog,
    { deadlineMs: ctx.options.slotDeadlineMs, settleMs: ctx.options.settleMs },
  );
  await sweep.start();
});

test.afterAll(async () => {
  sweep?.stop();
  await h?.close();
});

for (const probe of catalog) {
  test(probe.id, async ({}, info) => {
    const r = await sweep.result(probe.id);
    await reportGate(ctx.runDir, info, slotGate(r, h.primary.name, h.evidence));
  });
}
