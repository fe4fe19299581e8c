/**
 * The DoD suite: upstream's sovereign-dod-verify layers L1–L7 plus domain hygiene, one test
 * per check, every region. Test titles carry the layer id (`dod/L3.12 …`) the terminal shows;
 * gates keep stable ids (`dod/L3.<region>.<slot>-<name>`) for history. Checks are independent
 * (not serial): one failure never hides the rest.
 */
import { test } from '@playwright/test';
import { loadRunContext } from '../src/run/context.js';
import type { Harness } from '../src/run/harness.js';
import { reportGate } from '../src/pw/report-gate.js';
import { loadKit } from '../src/kit/load.js';
import { planDod } from '../src/suites/dod/plan.js';
import { loadHttpsHosts } from '../src/suites/dod/https-hosts.js';
import { DodSession } from '../src/suites/dod/session.js';
import { SUITE, runCheck } from '../src/suites/dod/check.js';

const ctx = loadRunContext();
const plan = planDod({ target: ctx.target, options: ctx.options, kit: loadKit(ctx.options.kitPath), hosts: loadHttpsHosts(ctx.options.dodHostsPath) });

test.describe.configure({ mode: 'default', timeout: 120_000 });

let h: Harness;
let session: DodSession;
test.beforeAll(async () => {
  // The runner process only declares tests; the cluster client loads in the worker.
  const { Harness } = await import('../src/run/harness.js');
  h = new Harness(ctx);
  session = new DodSession(h);
});
test.afterAll(async () => {
  await h?.close();
});

for (const check of plan) {
  test(`${SUITE}/${check.title}`, async ({}, info) => {
    await reportGate(ctx.runDir, info, await runCheck(check, session));
  });
}
