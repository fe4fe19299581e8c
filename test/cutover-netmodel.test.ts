/**
 * The policy agent's Cilium semantics, as pure functions of the policies and a connection: the
 * harness's default-deny policy, the platform's legacy deny-list, selectors, FQDN rules and
 * Kubernetes NetworkPolicies; and how a destination the egress proxy resolved is classified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../sim/kube-client/api.js';
import { egressAllowed, type PolicySet, type Source } from '../sim/cutover/cilium-policy.js';
import { endpointOf, publicAddress, type ClusterView } from '../sim/cutover/destinations.js';
import { ciliumPolicy, networkPolicies } from '../src/suites/cutover/policy.js';

const VIEW: ClusterView = { sovereign: 'sim.sovereign-walk.test', poolDomain: 'homes.sovereign-walk.test', gatewayAddress: () => '10.160.255.254' };
const input = { faultId: 'egress-block-test', runLabel: 'run', expiresAt: '2030-01-01T00:00:00Z' };
const pod = (namespace: string, labels?: Record<string, string>): Source => ({ host: false, namespace, ...(labels ? { labels } : {}) });
const HOST: Source = { host: true };

/** Where the region's proxy would send `url`: cluster names to a pod, the rest outside. */
function ep(url: string) {
  const u = new URL(url);
  const host = u.hostname;
  const cluster = host.endsWith('.svc.cluster.local') || host.endsWith('.svc');
  return endpointOf({ host, port: Number(u.port) || 443 }, { address: cluster ? '10.160.1.7' : '127.0.0.1', port: 1, scope: cluster ? 'cluster' : 'external' }, VIEW);
}

function policies(...objects: unknown[]): PolicySet {
  const all = objects as KubeObject[];
  return {
    clusterwide: all.filter((o) => o.kind === 'CiliumClusterwideNetworkPolicy'),
    namespaced: all.filter((o) => o.kind === 'CiliumNetworkPolicy'),
    networkPolicies: all.filter((o) => o.kind === 'NetworkPolicy'),
  };
}

test('destinations: the mothership is the world at documentation addresses; Services, the Sovereign and the API server are in the cluster', () => {
  assert.equal(ep('https://github.com/x').entity, 'world');
  assert.match(ep('https://ghcr.io/v2/').ip, /^203\.0\.113\.\d+$/);
  assert.equal(ep('https://ghcr.io/v2/').ip, publicAddress('ghcr.io'));
  assert.deepEqual([ep('https://registry.sim.sovereign-walk.test/v2/').entity, ep('https://registry.sim.sovereign-walk.test/v2/').ip], ['cluster', '10.160.255.254']);
  assert.deepEqual([ep('http://gitea-http.gitea.svc.cluster.local:3000/x').entity, ep('http://gitea-http.gitea.svc.cluster.local:3000/x').port], ['cluster', 3000]);
  assert.equal(ep('https://kubernetes.default.svc/apis').entity, 'kube-apiserver');
  assert.equal(ep('https://10.96.0.1/apis').entity, 'kube-apiserver');
});

test("the harness's default-deny CCNP blocks the mothership for pods and the node, and keeps the cluster reachable", () => {
  const none = policies();
  assert.equal(egressAllowed(none, pod('flux-system'), ep('https://github.com/openova-io/openova')), true, 'no policy: everything reachable');
  const p = policies(ciliumPolicy(input));
  for (const url of ['https://github.com/openova-io/openova', 'https://ghcr.io/v2/', 'https://harbor.openova.io/', 'https://xpkg.upbound.io/', 'https://console.openova.io/healthz']) {
    assert.equal(egressAllowed(p, pod('flux-system'), ep(url)), false, url);
    assert.equal(egressAllowed(p, HOST, ep(url)), false, `${url} from the node`);
  }
  assert.equal(egressAllowed(p, pod('flux-system'), ep('http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git')), true);
  assert.equal(egressAllowed(p, HOST, ep('https://registry.sim.sovereign-walk.test/v2/')), true);
  assert.equal(egressAllowed(p, pod('sovereign-walk'), ep('https://kubernetes.default.svc/apis')), true);
});

test('a legacy deny-list CCNP (egressDeny toCIDRSet of the resolved /32s) blocks only the listed hosts; FQDN and namespace selectors apply', () => {
  const deny = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'cutover-egress-block' }, spec: { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDRSet: [{ cidr: `${publicAddress('github.com')}/32` }] }] } };
  assert.equal(egressAllowed(policies(deny), pod('flux-system'), ep('https://github.com/x')), false);
  assert.equal(egressAllowed(policies(deny), pod('flux-system'), ep('https://quay.io/')), true, 'not listed: still reachable');
  const harbor = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumClusterwideNetworkPolicy',
    metadata: { name: 'harbor-only-quay' },
    spec: { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'harbor' } }, egress: [{ toFQDNs: [{ matchPattern: '*.quay.io' }] }] },
  };
  const p = policies(deny, harbor);
  assert.equal(egressAllowed(p, pod('harbor'), ep('https://cdn.quay.io/')), true, 'allowed by toFQDNs matchPattern');
  assert.equal(egressAllowed(p, pod('harbor'), ep('https://quay.io/')), false, 'harbor is isolated: only *.quay.io allowed');
  assert.equal(egressAllowed(p, pod('flux-system'), ep('https://quay.io/')), true, 'the namespace selector does not select flux-system');
  assert.equal(egressAllowed(p, HOST, ep('https://quay.io/')), true, 'a namespace-scoped policy never selects the node');
});

test('pod labels: a CiliumNetworkPolicy selects only matching pods of its namespace; pods of unknown labels are judged by namespace', () => {
  const cnp = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'api-egress', namespace: 'catalyst-system' }, spec: { endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'catalyst-api' } }, egress: [{ toEntities: ['cluster'] }] } };
  const p = policies(cnp);
  assert.equal(egressAllowed(p, pod('catalyst-system', { 'app.kubernetes.io/name': 'catalyst-api' }), ep('https://github.com/')), false);
  assert.equal(egressAllowed(p, pod('catalyst-system', { 'app.kubernetes.io/name': 'catalyst-ui' }), ep('https://github.com/')), true, 'another pod of the namespace');
  assert.equal(egressAllowed(p, pod('catalyst-system'), ep('https://github.com/')), false, 'labels unknown: selected by namespace');
  assert.equal(egressAllowed(p, pod('other', { 'app.kubernetes.io/name': 'catalyst-api' }), ep('https://github.com/')), true, 'another namespace');
  const expr = { ...cnp, spec: { endpointSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['edge'] }] }, egress: [{ toEntities: ['cluster'] }] } };
  assert.equal(egressAllowed(policies(expr), pod('catalyst-system', { tier: 'edge' }), ep('https://github.com/')), true);
  assert.equal(egressAllowed(policies(expr), pod('catalyst-system', { tier: 'core' }), ep('https://github.com/')), false);
});

test('toPorts: a port-only rule allows that port anywhere and nothing else', () => {
  const dns = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'dns-only' }, spec: { endpointSelector: {}, egress: [{ toPorts: [{ ports: [{ port: '53', protocol: 'TCP' }] }] }] } };
  assert.equal(egressAllowed(policies(dns), pod('a'), endpointOf({ host: 'ns1.openova.io', port: 53 }, { address: '127.0.0.1', port: 53, scope: 'external' }, VIEW)), true);
  assert.equal(egressAllowed(policies(dns), pod('a'), ep('https://github.com/')), false);
});

test('Kubernetes NetworkPolicies (the fallback without Cilium) isolate a namespace for egress', () => {
  const p = policies(...networkPolicies(input, ['flux-system'], ['10.0.0.2']));
  assert.equal(egressAllowed(p, pod('flux-system'), ep('https://github.com/x')), false);
  assert.equal(egressAllowed(p, pod('flux-system'), ep('http://gitea-http.gitea.svc.cluster.local:3000/x')), true);
  assert.equal(egressAllowed(p, pod('flux-system'), endpointOf({ host: '10.0.0.2', port: 6443 }, { address: '10.0.0.2', port: 6443, scope: 'external' }, VIEW)), true, 'node IP allowed');
  assert.equal(egressAllowed(p, pod('catalyst'), ep('https://github.com/x')), true, 'another namespace has no policy');
  assert.equal(egressAllowed(p, HOST, ep('https://github.com/x')), true, 'NetworkPolicies never select the node');
});
