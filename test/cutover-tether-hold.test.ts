/**
 * Each tether fault under `--cutover enforce`: the audit names the tether, and the hold fails
 * naming the objects that lost Ready (or the restarted pod that could not pull).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Harness } from '../src/run/harness.js';
import { judgeCutover } from '../src/suites/cutover/suite.js';
import type { Gate } from '../src/gates/types.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';

process.env.SW_STATE_DIR = mkdtempSync(join(tmpdir(), 'cutover-state-'));

async function walk(tether: string): Promise<Record<string, Gate>> {
  const { sim, target } = await startCutoverSim([`tether:${tether}`]);
  const ctx = cutoverContext(target, { holdMs: 5000 });
  const h = new Harness(ctx);
  try {
    const out: Record<string, Gate> = {};
    for (const g of await judgeCutover(ctx, h)) out[g.id.replace('cutover/', '')] = g;
    assert.equal(out.revert.status, 'passed', `revert: ${out.revert.reason}`);
    return out;
  } finally {
    await h.close();
    await sim.stop();
  }
}

function failedNaming(g: Gate, ...names: RegExp[]): void {
  assert.equal(g.status, 'failed', `${g.id}: ${g.reason}`);
  for (const n of names) assert.match(g.reason, n, g.id);
}

test('gitrepository: the root source loses Ready and the forced reconcile fails on github.com', async () => {
  const g = await walk('gitrepository');
  failedNaming(g['tether-gitrepository'], /GitRepository flux-system\/openova/);
  failedNaming(g.hold, /lost Ready during the hold: GitRepository flux-system\/openova Ready=False at \S+Z \(GitOperationFailed: .*github\.com/);
  failedNaming(g['forced-reconcile'], /GitRepository flux-system\/openova handled the reconcile at \S+ but is Ready=False/);
  assert.equal(g['call-home'].status, 'passed');
});

test('helmrepository: the chart source and its HelmRelease lose Ready', async () => {
  const g = await walk('helmrepository');
  failedNaming(g['tether-helmrepository'], /HelmRepository flux-system\/bp-librechat/);
  failedNaming(g.hold, /HelmRepository flux-system\/bp-librechat Ready=False at \S+Z \(FetchFailed: .*ghcr\.io/, /HelmRelease flux-system\/bp-librechat Ready=False at \S+Z \(HelmChartNotReady/);
});

test('images: the restarted Deployment cannot pull its mothership image', async () => {
  const g = await walk('images');
  failedNaming(g['tether-images'], /Deployment org-services\/notification/);
  failedNaming(g['fresh-pull'], /Pod org-services\/notification-\S+ \(new pod of Deployment org-services\/notification\) could not pull ghcr\.io\/openova-io\/notification:\S+: ImagePullBackOff/);
  failedNaming(g.hold, /image pulls failed: Pod org-services\/notification-\S+ ImagePullBackOff at \S+Z \(ghcr\.io\/openova-io\/notification/);
});

test('catalyst-api-env: catalyst-api loses availability while its GitOps remote is github.com', async () => {
  const g = await walk('catalyst-api-env');
  failedNaming(g['tether-catalyst-api-env'], /CATALYST_GITOPS_REPO_URL https:\/\/github\.com/);
  failedNaming(g.hold, /Deployment catalyst-system\/catalyst-api Available=False at \S+Z \(MinimumReplicasUnavailable/);
});

test('registries: nodes on registries.yaml v1 pull through the mothership, so a fresh pull fails', async () => {
  const g = await walk('registries');
  failedNaming(g['tether-registries'], /Node fsn-cp-1 registriesYaml v1/);
  failedNaming(g['fresh-pull'], /could not pull .*ImagePullBackOff .*via harbor\.openova\.io/);
  failedNaming(g.hold, /image pulls failed: Pod \S+ ImagePullBackOff/);
  assert.equal(g['call-home'].status, 'error', 'the probe image cannot be pulled either: no verdict');
  assert.match(g['call-home'].reason, /probe image .* could not be pulled/);
});

test('crossplane: the Provider on xpkg.upbound.io turns unhealthy', async () => {
  const g = await walk('crossplane');
  failedNaming(g['tether-crossplane'], /Provider provider-kubernetes/);
  failedNaming(g.hold, /Provider provider-kubernetes Healthy=False at \S+Z \(UnhealthyPackageRevision: cannot resolve package xpkg\.upbound\.io/);
});
