/**
 * The in-cluster backstop on the simulated Sovereign: the Job the harness creates next to its
 * policy deletes the policy at its expiry, with nobody outside the cluster involved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../src/run/harness.js';
import { HARNESS_NAMESPACE } from '../src/suites/cutover/constants.js';
import { ensureHarnessNamespace } from '../src/suites/cutover/enforce.js';
import { backstopObjects, ciliumPolicy } from '../src/suites/cutover/policy.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';

test('the backstop Job deletes the policy at its expiry', async () => {
  const { sim, target } = await startCutoverSim([]);
  const h = new Harness(cutoverContext(target));
  try {
    const p = { faultId: 'egress-block-backstop', runLabel: 'crashed-run', expiresAt: new Date(Date.now() + 1500).toISOString() };
    await ensureHarnessNamespace(h.primary);
    for (const o of [...backstopObjects(p, 'cilium', [], 'docker.io/curlimages/curl:8.10.1'), ciliumPolicy(p)]) await h.primary.create(o);
    assert.ok(await h.primary.get('ciliumclusterwidenetworkpolicies.cilium.io', undefined, 'sovereign-walk-egress-block'));
    const deadline = Date.now() + 15_000;
    while (await h.primary.get('ciliumclusterwidenetworkpolicies.cilium.io', undefined, 'sovereign-walk-egress-block')) {
      assert.ok(Date.now() < deadline, 'the backstop did not delete the policy');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(Date.now() >= Date.parse(p.expiresAt) - 1000, 'not before its expiry (second precision)');
    const succeeded = async () => (await h.primary.get('jobs.batch', HARNESS_NAMESPACE, `sw-backstop-${p.faultId}`))?.status?.succeeded === 1;
    const deadlineJob = Date.now() + 5000;
    while (!(await succeeded())) {
      assert.ok(Date.now() < deadlineJob, 'the backstop Job did not complete');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pods = await h.primary.list('pods', { namespace: HARNESS_NAMESPACE, labelSelector: `sovereign-walk.openova.io/fault=${p.faultId}` });
    const message = (pods.items[0].status as { containerStatuses: { state: { terminated: { message: string } } }[] }).containerStatuses[0].state.terminated.message;
    assert.match(message, /DELETE \/apis\/cilium\.io\/v2\/ciliumclusterwidenetworkpolicies\/sovereign-walk-egress-block -> 200/);
  } finally {
    await h.close();
    await sim.stop();
  }
});
