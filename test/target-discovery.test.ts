/**
 * Resource discovery from the API server's aggregated answer (GET /api and GET /apis, every group,
 * version and resource at once): preferred version first, a type served only in another version
 * of its group still served, an unserved group or type named as such, discovery asked afresh
 * once before a type is called unserved, and a server that refuses the aggregated form discovered
 * per group version; a transient refusal (a booting server's 403) or failure is never remembered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { NotServedError } from '../src/target/errors.js';
import { AGGREGATED_DISCOVERY, DiscoveryStatusError, ResourceResolver } from '../src/target/resources.js';

const res = (resource: string, kind: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced') => ({ resource, responseKind: { group: '', version: '', kind }, scope, singularResource: kind.toLowerCase(), verbs: ['get', 'list', 'watch'] });

const CORE = { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items: [{ metadata: {}, versions: [{ version: 'v1', resources: [res('pods', 'Pod'), res('namespaces', 'Namespace', 'Cluster')] }] }] };
const groups = (withWidgets: boolean) => ({
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  items: [
    { metadata: { name: 'apps' }, versions: [{ version: 'v1', resources: [res('deployments', 'Deployment')] }] },
    { metadata: { name: 'kyverno.io' }, versions: [{ version: 'v2', resources: [res('policyexceptions', 'PolicyException')] }, { version: 'v1', resources: [res('clusterpolicies', 'ClusterPolicy', 'Cluster')] }] },
    ...(withWidgets ? [{ metadata: { name: 'example.com' }, versions: [{ version: 'v1', resources: [res('widgets', 'Widget')] }] }] : []),
  ],
});

/** A resolver over a server whose aggregated answer gains the widgets group after `installAfter` discoveries. */
function resolver(installAfter = 0): { r: ResourceResolver; gets: string[] } {
  const gets: string[] = [];
  const get = async (path: string, accept: string) => {
    assert.equal(accept, AGGREGATED_DISCOVERY);
    gets.push(path);
    return path === '/api' ? CORE : groups(gets.filter((p) => p === '/apis').length > installAfter);
  };
  // The aggregated answer is all it reads: the per-group-version fallback (and so the KubeConfig) is never used.
  return { r: new ResourceResolver({} as KubeConfig, get), gets };
}

test('aggregated discovery resolves core and group resources from two requests, preferred version first, another version still served', async () => {
  const { r, gets } = resolver();
  assert.deepEqual(await r.resolve('pods'), { group: '', version: 'v1', apiVersion: 'v1', plural: 'pods', kind: 'Pod', namespaced: true });
  assert.deepEqual(await r.resolve('deployments.apps'), { group: 'apps', version: 'v1', apiVersion: 'apps/v1', plural: 'deployments', kind: 'Deployment', namespaced: true });
  assert.deepEqual(await r.resolve('clusterpolicies.kyverno.io'), { group: 'kyverno.io', version: 'v1', apiVersion: 'kyverno.io/v1', plural: 'clusterpolicies', kind: 'ClusterPolicy', namespaced: false });
  assert.equal((await r.byKind('apps/v1', 'Deployment'))?.name, 'deployments');
  assert.deepEqual(gets.sort(), ['/api', '/apis']);
});

test('an unserved group or type is NotServed after one fresh discovery; a CRD installed since is found by it', async () => {
  const { r, gets } = resolver(1);
  await assert.rejects(r.resolve('gadgets.example.org'), (e) => e instanceof NotServedError && /API group example.org is not served/.test(e.message));
  await assert.rejects(r.resolve('replicasets.apps'), (e) => e instanceof NotServedError && /no replicasets in apps\/v1/.test(e.message));
  const fresh = resolver(1);
  assert.equal((await fresh.r.resolve('widgets.example.com')).kind, 'Widget');
  assert.equal(fresh.gets.filter((p) => p === '/apis').length, 2, 'discovered afresh once');
  assert.ok(gets.length >= 4);
});

test('a server that refuses the aggregated form (it answers with a status) is discovered per group version; a network error is not hidden', async () => {
  const calls: string[] = [];
  const kc = { makeApiClient: () => ({ getAPIResources: async () => (calls.push('GET /api/v1'), { resources: [{ name: 'pods', kind: 'Pod', namespaced: true, singularName: 'pod', verbs: ['list'] }] }) }) } as unknown as KubeConfig;
  const refused = new ResourceResolver(kc, async (path) => {
    throw new DiscoveryStatusError(`GET ${path}: HTTP 404`, 404);
  });
  assert.deepEqual(await refused.resolve('pods'), { group: '', version: 'v1', apiVersion: 'v1', plural: 'pods', kind: 'Pod', namespaced: true });
  assert.deepEqual(calls, ['GET /api/v1']);
  const down = new ResourceResolver(kc, async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.1:6443');
  });
  await assert.rejects(down.resolve('pods'), /ECONNREFUSED/);
});

test('a 403 from a server that just booted (its RBAC not synced yet) is not remembered: the next lookup discovers afresh and finds the type', async () => {
  let booting = true;
  const gets: string[] = [];
  const kc = { makeApiClient: () => assert.fail('a server that forbids discovery for a moment is not discovered per group version') } as unknown as KubeConfig;
  const r = new ResourceResolver(kc, async (path) => {
    gets.push(path);
    if (booting) throw new DiscoveryStatusError(`GET ${path}: HTTP 403 forbidden: User "sovereign-walk" cannot get path "${path}"`, 403);
    return path === '/api' ? CORE : groups(false);
  });
  await assert.rejects(r.resolve('deployments.apps'), (e) => e instanceof DiscoveryStatusError && e.status === 403);
  booting = false;
  assert.equal((await r.resolve('deployments.apps')).kind, 'Deployment');
  assert.deepEqual(gets.sort(), ['/api', '/api', '/apis', '/apis']);
});

test('per group version, a failed list of the groups is not remembered either', async () => {
  let fail = true;
  const kc = {
    makeApiClient: () => ({
      getAPIVersions: async () => {
        if (fail) throw new Error('HTTP-Code: 503 the server is currently unable to handle the request');
        return { groups: [{ name: 'apps', preferredVersion: { version: 'v1' }, versions: [{ version: 'v1' }] }] };
      },
      getAPIResources: async () => ({ resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true, singularName: 'deployment', verbs: ['list'] }] }),
    }),
  } as unknown as KubeConfig;
  const r = new ResourceResolver(kc, async (path) => {
    throw new DiscoveryStatusError(`GET ${path}: HTTP 404`, 404);
  });
  await assert.rejects(r.resolve('deployments.apps'), /503/);
  fail = false;
  assert.equal((await r.resolve('deployments.apps')).kind, 'Deployment');
});
