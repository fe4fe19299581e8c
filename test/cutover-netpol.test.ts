/**
 * Enforce mode without Cilium: the harness detects that CiliumClusterwideNetworkPolicies are not
 * served and applies one Kubernetes NetworkPolicy per namespace (backstop first), all labelled
 * with the fault id, and its revert removes every one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACE_TYPE, NODE_TYPE, POD_TYPE, ObjectStore, createSimPki, startKubeApiServer, writeKubeconfig, type ResourceType } from '../sim/kube/index.js';
import { JOB, NETWORKPOLICY } from '../sim/resources.js';
import { ensureNamespace } from '../sim/runtime/objects.js';
import { RegionClient } from '../src/target/kube.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { applyEgressBlock } from '../src/suites/cutover/enforce.js';

const RBAC: ResourceType[] = [
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, hasStatus: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, hasStatus: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, hasStatus: false },
];

test('without Cilium the egress block is a NetworkPolicy per namespace, and the revert removes them all', async () => {
  const d = mkdtempSync(join(tmpdir(), 'cutover-netpol-'));
  const store = new ObjectStore();
  for (const rt of [NAMESPACE_TYPE, NODE_TYPE, POD_TYPE, NETWORKPOLICY, JOB, ...RBAC]) store.registerType(rt);
  for (const ns of ['flux-system', 'gitea', 'kube-system']) ensureNamespace(store, ns, 'test');
  store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as never);
  store.updateStatus('v1', 'Node', undefined, 'n1', (o) => {
    o.status = { addresses: [{ type: 'InternalIP', address: '10.0.0.7' }] };
  });
  const pki = await createSimPki(join(d, 'pki'), ['127.0.0.1']);
  const api = await startKubeApiServer({ store, token: 'tok-netpol', tls: { cert: pki.certPem, key: pki.keyPem } });
  try {
    const kubeconfigPath = join(d, 'kc');
    await writeKubeconfig(kubeconfigPath, { clusterName: 'kind-a', server: api.url, caPem: pki.caPem, token: 'tok-netpol' });
    const region = new RegionClient({ name: 'kind-a', role: 'primary', kubeconfigPath });
    const ledger = FaultLedger.forSovereign('kind.sovereign-walk.test', d);
    const block = await applyEgressBlock({ region, ledger, runId: 'np-run', holdMs: 10_000, image: 'curl:test' });
    assert.equal(block.mode, 'networkpolicy');
    const nps = store.list('networking.k8s.io/v1', 'NetworkPolicy');
    assert.deepEqual(nps.map((n) => n.metadata.namespace).sort(), ['flux-system', 'gitea', 'kube-system', 'sovereign-walk']);
    for (const np of nps) {
      assert.equal(np.metadata.labels?.['sovereign-walk.openova.io/fault'], block.fault.id);
      assert.ok(np.metadata.annotations?.['sovereign-walk.openova.io/expires-at']);
    }
    const egress = JSON.stringify(nps[0].spec);
    assert.match(egress, /10\.0\.0\.7\/32/, 'node IPs stay reachable');
    assert.match(egress, /"port":53/);
    const job = store.list('batch/v1', 'Job', { namespace: 'sovereign-walk' })[0];
    assert.match(JSON.stringify(job.spec), /\/apis\/networking\.k8s\.io\/v1\/namespaces\/gitea\/networkpolicies\/sovereign-walk-egress-block/);
    assert.equal(store.list('rbac.authorization.k8s.io/v1', 'ClusterRole')[0].metadata.name, `sw-backstop-${block.fault.id}`);
    const jobCreated = Number(job.metadata.resourceVersion);
    assert.ok(nps.every((n) => Number(n.metadata.resourceVersion) > jobCreated), 'the backstop exists before any policy');

    await block.fault.revert();
    assert.equal(store.list('networking.k8s.io/v1', 'NetworkPolicy').length, 0);
    for (const [apiVersion, kind] of [['batch/v1', 'Job'], ['v1', 'ServiceAccount'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding']]) {
      assert.equal(store.list(apiVersion, kind).length, 0, kind);
    }
    assert.equal(ledger.entries()[0].state, 'reverted');
  } finally {
    await api.close();
  }
});
