/**
 * The tether audit against the simulated Sovereign: a cut-over sim is pivoted on all eight
 * tethers; with every tether fault each gate fails naming the object left on the mothership.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../src/run/harness.js';
import { TETHERS, auditTethers, tetherGateId } from '../src/suites/cutover/tethers.js';
import type { Gate } from '../src/gates/types.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';

async function audit(faults: string[]): Promise<Gate[]> {
  const { sim, target } = await startCutoverSim(faults);
  const h = new Harness(cutoverContext(target));
  try {
    return (await auditTethers({ region: h.primary, evidence: h.evidence })).gates;
  } finally {
    await h.close();
    await sim.stop();
  }
}

test('a cut-over sim is pivoted on every tether', async () => {
  const gates = await audit([]);
  assert.deepEqual(gates.map((g) => g.id), TETHERS.map(tetherGateId));
  for (const g of gates) assert.equal(g.status, 'passed', `${g.id}: ${g.reason}`);
  assert.match(gates.find((g) => g.id === 'cutover/tether-registries')!.reason, /^pivoted: 4 checked/);
  assert.match(gates.find((g) => g.id === 'cutover/tether-crossplane')!.reason, /^pivoted: 2 checked/);
  assert.match(gates.find((g) => g.id === 'cutover/tether-ocirepository')!.reason, /^pivoted: 1 checked/);
});

test('every tether fault fails its own gate, naming the object and the mothership reference', async () => {
  const gates = await audit(TETHERS.map((t) => `tether:${t}`));
  const expected: Record<string, RegExp> = {
    gitrepository: /GitRepository flux-system\/openova spec\.url https:\/\/github\.com\/openova-io\/openova: on github\.com/,
    ocirepository: /OCIRepository flux-system\/openova-blueprints spec\.url oci:\/\/ghcr\.io\/openova-io\/blueprints: on ghcr\.io\/openova-io/,
    helmrepository: /HelmRepository flux-system\/bp-librechat spec\.url oci:\/\/ghcr\.io\/openova-io: on ghcr\.io\/openova-io/,
    images: /Deployment org-services\/notification container notification image ghcr\.io\/openova-io\/notification:[\d.]+: on ghcr\.io\/openova-io/,
    'catalyst-api-env': /Deployment catalyst-system\/catalyst-api container catalyst-api env CATALYST_GITOPS_REPO_URL https:\/\/github\.com\/openova-io\/openova: on github\.com/,
    registries: /Node fsn-cp-1 registriesYaml v1: pulls go through the mothership Harbor/,
    crossplane: /Provider provider-kubernetes spec\.package xpkg\.upbound\.io\/crossplane-contrib\/provider-kubernetes:v[\d.]+: on xpkg\.upbound\.io/,
    smtp: /Deployment org-services\/notification container notification env SMTP_HOST mail\.openova\.io: relays through mail\.openova\.io/,
  };
  for (const t of TETHERS) {
    const g = gates.find((x) => x.id === tetherGateId(t))!;
    assert.equal(g.status, 'failed', `${g.id}: ${g.reason}`);
    assert.match(g.reason, expected[t], g.id);
    assert.equal(g.metrics?.tethered, g.id === 'cutover/tether-registries' ? 4 : 1, `${g.id}: ${g.reason}`);
    assert.ok(g.evidence.some((e) => e.name.includes(`cutover-tether-${t}`)), `${g.id} attaches its audit`);
  }
});
