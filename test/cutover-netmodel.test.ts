/**
 * The sim's network model for the cutover suite: the harness's default-deny policy, the
 * platform's legacy deny-list, Kubernetes NetworkPolicies, and the image-pull model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '../sim/kube/store.js';
import { CONFIGMAP, NAMESPACE, NETWORKPOLICY, POD } from '../sim/resources.js';
import { ensureNamespace } from '../sim/runtime/objects.js';
import type { KubeObject } from '../sim/kube/types.js';
import { NODE_SOURCE, parseDestination, resolveHost, resolveUrl } from '../sim/cutover/dns.js';
import { egressAllowed } from '../sim/cutover/policy-model.js';
import { pullFailure } from '../sim/cutover/pulls.js';
import { ciliumPolicy, networkPolicies } from '../src/suites/cutover/policy.js';

const LOCAL = { sovereign: 'sim.sovereign-walk.test', poolDomain: 'homes.sovereign-walk.test' };
const CCNP_TYPE = { group: 'cilium.io', version: 'v2', kind: 'CiliumClusterwideNetworkPolicy', plural: 'ciliumclusterwidenetworkpolicies', singular: 'ciliumclusterwidenetworkpolicy', namespaced: false, hasStatus: false };

function world(): ObjectStore {
  const store = new ObjectStore();
  for (const rt of [NAMESPACE, NETWORKPOLICY, POD, CONFIGMAP, CCNP_TYPE]) store.registerType(rt);
  for (const ns of ['flux-system', 'harbor', 'sovereign-walk', 'catalyst']) ensureNamespace(store, ns, 'test');
  return store;
}

const reach = (store: ObjectStore, ns: string, url: string) => egressAllowed(store, ns, resolveUrl(url, LOCAL)!);
const input = { faultId: 'egress-block-test', runLabel: 'run', expiresAt: '2030-01-01T00:00:00Z' };

test('destinations: mothership hosts resolve to documentation addresses, the Sovereign and Services to cluster addresses', () => {
  assert.equal(resolveHost('github.com', 443, LOCAL).entity, 'world');
  assert.match(resolveHost('ghcr.io', 443, LOCAL).ip, /^203\.0\.113\.\d+$/);
  assert.equal(resolveHost('registry.sim.sovereign-walk.test', 443, LOCAL).entity, 'cluster');
  assert.equal(resolveHost('gitea-http.gitea.svc.cluster.local', 3000, LOCAL).entity, 'cluster');
  assert.equal(resolveHost('kubernetes.default.svc', 443, LOCAL).entity, 'kube-apiserver');
  assert.deepEqual(parseDestination('git@github.com:openova-io/openova.git'), { host: 'github.com', port: 22 });
  assert.deepEqual(parseDestination('oci://ghcr.io/openova-io'), { host: 'ghcr.io', port: 443 });
  assert.deepEqual(parseDestination('http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git'), { host: 'gitea-http.gitea.svc.cluster.local', port: 3000 });
});

test("the harness's default-deny CCNP blocks the mothership and keeps the cluster reachable", () => {
  const store = world();
  assert.equal(reach(store, 'flux-system', 'https://github.com/openova-io/openova'), true, 'no policy: everything reachable');
  store.create(ciliumPolicy(input) as never);
  for (const url of ['https://github.com/openova-io/openova', 'oci://ghcr.io/openova-io', 'https://harbor.openova.io', 'https://xpkg.upbound.io', 'https://console.openova.io/healthz']) {
    assert.equal(reach(store, 'flux-system', url), false, url);
    assert.equal(reach(store, NODE_SOURCE, url), false, `${url} from the node`);
  }
  assert.equal(reach(store, 'flux-system', 'http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git'), true);
  assert.equal(reach(store, 'flux-system', 'oci://registry.sim.sovereign-walk.test/openova-io'), true);
  assert.equal(reach(store, 'sovereign-walk', 'https://kubernetes.default.svc/apis'), true);
  store.delete('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', undefined, 'sovereign-walk-egress-block');
  assert.equal(reach(store, 'flux-system', 'https://github.com/openova-io/openova'), true, 'reverted: reachable again');
});

test('a legacy deny-list CCNP (egressDeny toCIDRSet of the resolved /32s) blocks only the listed hosts; FQDN and namespace selectors apply', () => {
  const store = world();
  const ghIp = resolveHost('github.com', 443, LOCAL).ip;
  store.create({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'cutover-egress-block' }, spec: { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDRSet: [{ cidr: `${ghIp}/32` }] }] } } as never);
  assert.equal(reach(store, 'flux-system', 'https://github.com/x'), false);
  assert.equal(reach(store, 'flux-system', 'https://quay.io/'), true, 'not listed: still reachable');
  store.create({
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumClusterwideNetworkPolicy',
    metadata: { name: 'harbor-only-local' },
    spec: { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'harbor' } }, egress: [{ toFQDNs: [{ matchPattern: '*.quay.io' }] }] },
  } as never);
  assert.equal(reach(store, 'harbor', 'https://cdn.quay.io/'), true, 'allowed by toFQDNs matchPattern');
  assert.equal(reach(store, 'harbor', 'https://quay.io/'), false, 'harbor is isolated: only *.quay.io allowed');
  assert.equal(reach(store, 'flux-system', 'https://quay.io/'), true, 'the namespace selector does not select flux-system');
});

test('Kubernetes NetworkPolicies (the fallback without Cilium) isolate a namespace for egress', () => {
  const store = world();
  for (const np of networkPolicies(input, ['flux-system'], ['10.0.0.2'])) store.create(np as never);
  assert.equal(reach(store, 'flux-system', 'https://github.com/x'), false);
  assert.equal(reach(store, 'flux-system', 'http://gitea-http.gitea.svc.cluster.local:3000/x'), true);
  assert.equal(reach(store, 'flux-system', 'https://10.0.0.2:6443/'), true, 'node IP allowed');
  assert.equal(reach(store, 'catalyst', 'https://github.com/x'), true, 'another namespace has no policy');
});

function pod(image: string, node: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'catalyst', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '' }, spec: { nodeName: node, containers: [{ name: 'c', image }] } };
}

test('image pulls follow registries.yaml: v2 serves local and warmed images, v1 goes through the mothership Harbor', () => {
  const store = world();
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'self-sovereign-cutover-status', namespace: 'catalyst' }, data: { 'node.a.registriesYaml': 'v2', 'node.b.registriesYaml': 'v1' } } as never);
  const c = { store, local: LOCAL };
  store.create(ciliumPolicy(input) as never);
  assert.equal(pullFailure(c, pod('registry.sim.sovereign-walk.test/openova-io/x:1', 'a')), undefined);
  assert.equal(pullFailure(c, pod('docker.io/library/nginx:1', 'a')), undefined, 'warmed proxy cache');
  assert.match(pullFailure(c, pod('ghcr.io/openova-io/x:1', 'a'))?.message ?? '', /ghcr\.io\/openova-io\/x:1.*i\/o timeout/);
  const v1 = pullFailure(c, pod('docker.io/library/nginx:1', 'b'));
  assert.equal(v1?.reason, 'ImagePullBackOff');
  assert.match(v1?.message ?? '', /via harbor\.openova\.io/);
  assert.match(pullFailure(c, pod('registry.sim.sovereign-walk.test/openova-io/x:1', 'b'))?.message ?? '', /via harbor\.openova\.io/, 'the v1 wildcard mirror covers the local registry too');
  store.delete('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', undefined, 'sovereign-walk-egress-block');
  assert.equal(pullFailure(c, pod('ghcr.io/openova-io/x:1', 'b')), undefined, 'no block: the mothership answers');
});
