/**
 * Tethers left on the mothership under `--cutover enforce`, on real traffic: the audit names each
 * one, and during the hold the real source-controller's forced fetch from github.com, catalyst-api's
 * readiness, the Crossplane package and a fresh image pull fail because the block really drops
 * their connections. One Sovereign carries every tether but the registries one (which takes every
 * pull through the mothership, the probe's included), which gets one of its own. A Sovereign whose
 * CNI agents are down (policy-agent:down) accepts the block and enforces nothing: the call-home
 * from inside reaches the mothership, and the gate names what answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../src/run/harness.js';
import { judgeCutover } from '../src/suites/cutover/suite.js';
import { TETHERS, tetherGateId } from '../src/suites/cutover/tethers.js';
import type { Flip, ImagePullFailure } from '../src/suites/cutover/hold.js';
import type { Gate } from '../src/gates/types.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';
import { tempDir } from './helpers/temp.js';

process.env.SW_STATE_DIR = tempDir('cutover-state-');

interface Walked {
  gates: Record<string, Gate>;
  hold: { flips: Flip[]; imagePull: ImagePullFailure[] };
}

async function walk(faults: string[]): Promise<Walked> {
  const { sim, target } = await startCutoverSim(faults);
  const ctx = cutoverContext(target, { holdMs: 5000 });
  const h = new Harness(ctx);
  try {
    const gates: Record<string, Gate> = {};
    for (const g of await judgeCutover(ctx, h)) gates[g.id.replace('cutover/', '')] = g;
    assert.equal(gates.revert.status, 'passed', `revert: ${gates.revert.reason}`);
    const hold = JSON.parse(readFileSync(join(ctx.runDir, gates.hold.evidence[0].path), 'utf8')) as Walked['hold'];
    return { gates, hold };
  } finally {
    await h.close();
    await sim.stop();
  }
}

function failedNaming(g: Gate, ...names: RegExp[]): void {
  assert.equal(g.status, 'failed', `${g.id}: ${g.reason}`);
  for (const n of names) assert.match(g.reason, n, g.id);
}

const flip = (w: Walked, object: string) => w.hold.flips.find((f) => f.object === object);
const TETHERED = TETHERS.filter((t) => t !== 'registries');

test('every tether but registries: each audit gate names its object, and the hold fails where the block drops a tether', async () => {
  const w = await walk(TETHERED.map((t) => `tether:${t}`));
  const audit: Record<string, RegExp> = {
    gitrepository: /GitRepository flux-system\/openova spec\.url https:\/\/github\.com\/openova-io\/openova: on github\.com/,
    ocirepository: /OCIRepository flux-system\/openova-blueprints spec\.url oci:\/\/ghcr\.io\/openova-io\/blueprints: on ghcr\.io\/openova-io/,
    helmrepository: /HelmRepository flux-system\/bp-catalyst-platform spec\.url oci:\/\/ghcr\.io\/openova-io: on ghcr\.io\/openova-io/,
    images: /Deployment org-services\/notification container notification image ghcr\.io\/openova-io\/notification:[\d.]+: on ghcr\.io\/openova-io/,
    'catalyst-api-env': /Deployment catalyst-system\/catalyst-api container catalyst-api env CATALYST_GITOPS_REPO_URL https:\/\/github\.com\/openova-io\/openova: on github\.com/,
    crossplane: /Provider provider-kubernetes spec\.package xpkg\.upbound\.io\/crossplane-contrib\/provider-kubernetes:v[\d.]+: on xpkg\.upbound\.io/,
    smtp: /Deployment org-services\/notification container notification env SMTP_HOST mail\.openova\.io: relays through mail\.openova\.io/,
  };
  for (const t of TETHERED) {
    const g = w.gates[tetherGateId(t).replace('cutover/', '')];
    failedNaming(g, audit[t]);
    assert.equal(g.metrics?.tethered, 1, `${g.id}: ${g.reason}`);
  }
  assert.equal(w.gates['tether-registries'].status, 'passed');

  failedNaming(w.gates.hold, /lost Ready during the hold/, /image pulls failed: Pod org-services\/notification-\S+ ImagePullBackOff at \S+Z \(ghcr\.io\/openova-io\/notification/);
  assert.deepEqual([...new Set(w.hold.imagePull.map((p) => p.image))], ['ghcr.io/openova-io/notification:1.4.17'], 'only the tethered image failed to pull');
  // The real source-controller's fetch from github.com hangs on the dropped connection; go-git gives
  // up only at the transport's one-minute CONNECT timeout, after this hold: the reconcile is never handled.
  failedNaming(w.gates['forced-reconcile'], /GitRepository flux-system\/openova did not handle the reconcile requested at \S+ within \d+s/);
  const provider = flip(w, 'Provider provider-kubernetes');
  assert.equal(provider?.status, 'False');
  assert.match(`${provider?.reason}: ${provider?.message}`, /UnhealthyPackageRevision: cannot resolve package xpkg\.upbound\.io\/\S+: dial tcp 203\.0\.113\.\d+:443: i\/o timeout/);
  const api = flip(w, 'Deployment catalyst-system/catalyst-api');
  assert.equal(api?.status, 'False');
  assert.equal(api?.reason, 'MinimumReplicasUnavailable');
  assert.ok(!flip(w, 'Provider provider-helm'), 'the pivoted Provider stays Healthy');
  failedNaming(w.gates['fresh-pull'], /Pod org-services\/notification-\S+ \(new pod of Deployment org-services\/notification\) could not pull ghcr\.io\/openova-io\/notification:\S+: ImagePullBackOff \(.*dial tcp 203\.0\.113\.\d+:443: i\/o timeout\)/);
  assert.equal(w.gates['call-home'].status, 'passed', w.gates['call-home'].reason);
});

test('registries: nodes on registries.yaml v1 pull through the mothership Harbor, so a fresh pull and the probe image fail', async () => {
  const w = await walk(['tether:registries']);
  failedNaming(w.gates['tether-registries'], /Node fsn-cp-1 registriesYaml v1: pulls go through the mothership Harbor/);
  assert.equal(w.gates['tether-registries'].metrics?.tethered, 4);
  failedNaming(w.gates['fresh-pull'], /could not pull .*ImagePullBackOff .*via harbor\.openova\.io\).*i\/o timeout/);
  failedNaming(w.gates.hold, /image pulls failed: Pod \S+ ImagePullBackOff/);
  assert.equal(w.gates['call-home'].status, 'error', 'the probe image cannot be pulled either: no verdict');
  assert.match(w.gates['call-home'].reason, /probe image docker\.io\/curlimages\/curl:\S+ could not be pulled \(ImagePullBackOff: .*via harbor\.openova\.io/);
});

test('policy-agent:down: the block is accepted and enforced by nothing; the call-home reaches the mothership and its gate names what answered', async () => {
  const w = await walk(['policy-agent:down']);
  assert.equal(w.gates['egress-policy'].status, 'passed', 'the API server holds the policy');
  failedNaming(w.gates['call-home'], /reached the mothership from inside the cluster/, /https:\/\/github\.com\/ \(curl exit 0, http 404\)/, /https:\/\/ghcr\.io\/ \(curl exit 0, http 401\)/);
  for (const t of TETHERS) assert.equal(w.gates[`tether-${t}`].status, 'passed', `tether-${t}: nothing is tethered`);
});
