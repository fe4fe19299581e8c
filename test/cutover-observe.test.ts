/**
 * Observe mode against the platform's own step-08 loop (`cutover-hold:45`): a real Job in
 * `catalyst`, run on the host runtime with the cutover chart's ServiceAccount, applies
 * cutover-egress-block with kubectl, holds it and deletes it in its exit trap. The walk judges that
 * hold without applying anything, and fails when the platform lifts its block before the hold is over.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../sim/index.js';
import { Harness } from '../src/run/harness.js';
import { judgeCutover } from '../src/suites/cutover/suite.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { RegionClient } from '../src/target/kube.js';
import { condition } from '../src/target/objects.js';
import type { Gate } from '../src/gates/types.js';
import type { WalkOptions } from '../src/run/context.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';
import { tempDir } from './helpers/temp.js';

process.env.SW_STATE_DIR = tempDir('cutover-state-');

const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
const PLATFORM_POLICY = 'cutover-egress-block';
let sim: RunningSim;
let region: RegionClient;

before(async () => {
  ({ sim } = await startCutoverSim(['cutover-hold:45']));
  region = new RegionClient(sim.target.regions.find((r) => r.role === 'primary')!);
});

after(async () => {
  region?.close();
  await sim?.stop();
});

async function until(what: string, ms: number, cond: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function observe(opts: Partial<WalkOptions>): Promise<{ gates: Gate[]; h: Harness }> {
  const ctx = cutoverContext(sim.target, { cutoverMode: 'observe', ...opts });
  const h = new Harness(ctx);
  try {
    return { gates: await judgeCutover(ctx, h), h };
  } finally {
    await h.close();
  }
}

const byId = (gates: Gate[], id: string) => gates.find((g) => g.id === `cutover/${id}`)!;

test("observe judges the platform's step-08 hold, run by a real Job, without applying anything", async () => {
  // Start at the beginning of a round, so the 45 s hold outlasts the in-hold checks.
  await until('a pause between rounds', 60_000, async () => !(await region.get(CCNP, undefined, PLATFORM_POLICY)));
  await until("the platform's policy", 30_000, async () => !!(await region.get(CCNP, undefined, PLATFORM_POLICY)));
  const policy = (await region.get(CCNP, undefined, PLATFORM_POLICY))!;
  assert.ok(policy.metadata.managedFields?.some((f) => /^kubectl/.test(f.manager ?? '')), 'applied by kubectl in the step-08 pod');
  const running = (await region.list('pods', { namespace: 'catalyst', labelSelector: 'bp.openova.io/cutover-step=egress-block-test' })).items.filter((p) => p.status?.phase === 'Running');
  assert.equal(running.length, 1, 'the step-08 pod is running');

  const { gates, h } = await observe({ holdMs: 5000 });
  for (const id of ['egress-policy', 'hold', 'forced-reconcile', 'call-home', 'fresh-pull']) assert.equal(byId(gates, id).status, 'passed', `${id}: ${byId(gates, id).reason}`);
  assert.match(byId(gates, 'egress-policy').reason, /cutover-egress-block held \d+s of the 5s hold/);
  assert.match(byId(gates, 'call-home').reason, /\(curl exit 28\)/);
  assert.equal(byId(gates, 'revert').status, 'skipped');
  assert.equal(FaultLedger.forSovereign(h.sovereign).entries().filter((e) => e.runId === h.ctx.runId).length, 0, 'observe writes no fault');
});

test('observe fails the egress-policy gate when the platform lifts its block before the hold is over; the step-08 Job completes', async () => {
  const { gates } = await observe({ holdMs: 60_000 });
  const policy = byId(gates, 'egress-policy');
  assert.equal(policy.status, 'failed', policy.reason);
  assert.match(policy.reason, /cutover-egress-block was removed at .*, \d+s into a 60s hold \(the platform lifted its block early\)/);
  const jobs = (await region.list('jobs.batch', { namespace: 'catalyst', labelSelector: 'bp.openova.io/cutover-step=egress-block-test' })).items;
  const done = jobs.filter((j) => /-r\d+$/.test(j.metadata.name) && condition(j, 'Complete')?.status === 'True');
  assert.ok(done.length >= 1, `a completed round: ${jobs.map((j) => j.metadata.name).join(', ')}`);
});
