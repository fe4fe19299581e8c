/**
 * The cutover suite against one cut-over embedded Sovereign, on real traffic: enforce passes every
 * gate and leaves nothing behind; the backstop Job really deletes the policy at its expiry; the
 * policy agent's rules follow the policies in the API server; the real source-controller cannot
 * fetch from ghcr.io or github.com under the block while the Sovereign's own registry serves; and
 * without Cilium the block is a NetworkPolicy per namespace that really isolates (last: it
 * removes the CiliumClusterwideNetworkPolicy CRD).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSim } from '../sim/index.js';
import { reach, type Reach } from '../sim/cutover/egress-client.js';
import { Harness } from '../src/run/harness.js';
import { judgeCutover } from '../src/suites/cutover/suite.js';
import { judgeOnce } from '../src/walk/judge-once.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { HARNESS_NAMESPACE } from '../src/suites/cutover/constants.js';
import { TETHERS, tetherGateId } from '../src/suites/cutover/tethers.js';
import { applyEgressBlock, ensureHarnessNamespace } from '../src/suites/cutover/enforce.js';
import { backstopObjects, ciliumPolicy } from '../src/suites/cutover/policy.js';
import { condition, type KubeObject } from '../src/target/objects.js';
import type { Gate } from '../src/gates/types.js';
import { cutoverContext, startCutoverSim } from './cutover-fixture.js';
import { tempDir } from './helpers/temp.js';

process.env.SW_STATE_DIR = tempDir('cutover-state-');

const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
const POLICY = 'sovereign-walk-egress-block';
const REGISTRY = 'https://registry.sim.sovereign-walk.test/v2/';
let sim: RunningSim;

before(async () => {
  ({ sim } = await startCutoverSim([]));
});

after(async () => {
  await sim?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** A request from `from` through the primary region's egress path, as its workloads make them. */
function probe(url: string, from = 'flux-system'): Promise<Reach> {
  return reach({ proxyUrl: sim.ctx.primary.proxy.url, from, url, timeoutMs: 2000, ca: readFileSync(sim.ctx.world.pki.bundlePath, 'utf8') });
}

async function withHarness<T>(fn: (h: Harness) => Promise<T>): Promise<T> {
  const h = new Harness(cutoverContext(sim.target));
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

const byId = (gates: Gate[], id: string) => gates.find((g) => g.id === `cutover/${id}`)!;
const policyInput = (faultId: string, inMs = 3_600_000) => ({ faultId, runLabel: 'test', expiresAt: new Date(Date.now() + inMs).toISOString() });

test('enforce on a cut-over Sovereign: the audit finds every tether pivoted, every hold gate passes on real traffic, and nothing is left behind', async () => {
  const ctx = cutoverContext(sim.target, { holdMs: 6000 });
  const h = new Harness(ctx);
  try {
    const gates = [...(await judgeOnce(ctx.runDir, 'cutover', () => judgeCutover(ctx, h))).values()];
    assert.equal(gates.length, 14);
    for (const g of gates) assert.equal(g.status, 'passed', `${g.id}: ${g.reason}`);
    assert.deepEqual(gates.slice(0, TETHERS.length).map((g) => g.id), TETHERS.map(tetherGateId));
    assert.match(byId(gates, 'tether-registries').reason, /^pivoted: 4 checked/);
    assert.match(byId(gates, 'tether-crossplane').reason, /^pivoted: 2 checked/);
    assert.match(byId(gates, 'tether-ocirepository').reason, /^pivoted: 1 checked/);
    const hold = byId(gates, 'hold');
    assert.ok((hold.metrics?.heldMs ?? 0) >= 6000, `held ${hold.metrics?.heldMs} ms`);
    const evidence = JSON.parse(readFileSync(join(ctx.runDir, hold.evidence[0].path), 'utf8')) as { start: { object: string }[]; end: unknown[]; flips: unknown[]; watched: string[] };
    assert.ok(evidence.start.length > 20 && evidence.end.length === evidence.start.length, `${evidence.start.length} / ${evidence.end.length} objects`);
    assert.ok(evidence.start.some((s) => s.object.startsWith('HelmChart ')), 'the HelmCharts are watched');
    assert.ok(!evidence.start.some((s) => s.object.startsWith('HelmRepository ')), 'OCI HelmRepositories have no status to watch');
    assert.deepEqual(evidence.flips, []);
    const reconcile = byId(gates, 'forced-reconcile');
    assert.match(reconcile.reason, /GitRepository flux-system\/openova reconciled from local sources .*Kustomization flux-system\/bootstrap-kit reconciled/);
    const callHome = byId(gates, 'call-home');
    assert.match(callHome.reason, /could not connect to any of https:\/\/github\.com\/, https:\/\/ghcr\.io\/, https:\/\/harbor\.openova\.io\/, https:\/\/xpkg\.upbound\.io\/, https:\/\/console\.openova\.io\/healthz \(curl exit 28\)/);
    const attempts = JSON.parse(readFileSync(join(ctx.runDir, callHome.evidence[0].path), 'utf8')) as { attempts: { curlExit: number }[] };
    assert.deepEqual(attempts.attempts.map((a) => a.curlExit), [28, 28, 28, 28, 28], 'every curl timed out against the dropped connection');
    assert.match(byId(gates, 'fresh-pull').reason, /Deployment crossplane-system\/crossplane restarted at .* pulled and Ready/);
    assert.equal(await h.primary.get(CCNP, undefined, POLICY), undefined, 'the policy is gone');
    assert.deepEqual((await h.primary.list('jobs.batch', { labelSelector: 'sovereign-walk.openova.io/fault' })).items.map((j) => j.metadata.name), [], 'the backstop is gone');
    const ledger = FaultLedger.forSovereign(h.sovereign).entries().filter((e) => e.runId === h.ctx.runId);
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].state, 'reverted');
    const again = await judgeOnce(ctx.runDir, 'cutover', () => Promise.reject(new Error('judged twice')));
    assert.deepEqual(again.get('cutover/hold'), JSON.parse(JSON.stringify(hold)), 'a restarted worker reads the hold instead of holding again');
    assert.equal((await probe('https://github.com/')).ok, true, 'the mothership is reachable again');
  } finally {
    await h.close();
  }
});

test('the backstop Job really runs: it sleeps until the expiry and deletes the policy through the API server with its own token', () =>
  withHarness(async (h) => {
    const p = policyInput('egress-block-backstop', 1500);
    await ensureHarnessNamespace(h.primary);
    for (const o of [...backstopObjects(p, 'cilium', [], 'docker.io/curlimages/curl:8.10.1'), ciliumPolicy(p)]) await h.primary.create(o);
    await until('the agent to enforce the policy', 10_000, async () => (await probe('https://github.com/')).ok === false);
    await until('the backstop to delete the policy', 20_000, async () => !(await h.primary.get(CCNP, undefined, POLICY)));
    assert.ok(Date.now() >= Date.parse(p.expiresAt) - 1000, 'not before its expiry (second precision)');
    const job = await until('the backstop Job to complete', 10_000, async () => {
      const j = await h.primary.get('jobs.batch', HARNESS_NAMESPACE, `sw-backstop-${p.faultId}`);
      return condition(j!, 'Complete')?.status === 'True' && j;
    });
    assert.equal(job.status?.succeeded, 1);
    const pods = await h.primary.list('pods', { namespace: HARNESS_NAMESPACE, labelSelector: `sovereign-walk.openova.io/fault=${p.faultId}` });
    const terminated = (pods.items[0].status as { containerStatuses: { state: { terminated: { exitCode: number; message: string } } }[] }).containerStatuses[0].state.terminated;
    assert.equal(terminated.exitCode, 0);
    assert.match(terminated.message, /DELETE \/apis\/cilium\.io\/v2\/ciliumclusterwidenetworkpolicies\/sovereign-walk-egress-block -> 200/);
    assert.equal((await probe('https://github.com/')).ok, true, 'the mothership is reachable again');
    for (const [resource, ns] of [['jobs.batch', HARNESS_NAMESPACE], ['pods', HARNESS_NAMESPACE], ['serviceaccounts', HARNESS_NAMESPACE], ['clusterrolebindings.rbac.authorization.k8s.io', undefined], ['clusterroles.rbac.authorization.k8s.io', undefined]] as const) {
      for (const o of (await h.primary.list(resource, { namespace: ns, labelSelector: `sovereign-walk.openova.io/fault=${p.faultId}` })).items) await h.primary.delete(resource, o.metadata.namespace, o.metadata.name);
    }
  }));

test("the policy agent's rules follow a CiliumClusterwideNetworkPolicy created and deleted through the API server", () =>
  withHarness(async (h) => {
    assert.deepEqual(await probe('https://github.com/'), { ok: true, status: 404 }, 'before: the mothership answers');
    await h.primary.create(ciliumPolicy(policyInput('egress-block-agent')));
    const dropped = await until('the policy to be enforced', 10_000, async () => {
      const r = await probe('https://github.com/');
      return !r.ok && r;
    });
    assert.equal(dropped.error, 'timeout', 'dropped, not refused: the client waits for its own timeout');
    for (const from of ['flux-system', 'catalyst-system/catalyst-api-x', 'reserved:host']) assert.equal((await probe('https://ghcr.io/v2/', from)).ok, false, from);
    assert.equal((await probe(REGISTRY)).ok, true, "the Sovereign's registry serves");
    assert.equal((await probe('http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git/info/refs?service=git-upload-pack')).ok, true, 'the local Gitea serves');
    await h.primary.delete(CCNP, undefined, POLICY);
    await until('the policy to be lifted', 10_000, async () => (await probe('https://github.com/')).ok);
  }));

const SOURCE = 'source.toolkit.fluxcd.io/v1';
const probeSources = (sov: string): KubeObject[] => [
  { apiVersion: SOURCE, kind: 'OCIRepository', metadata: { name: 'probe-ghcr', namespace: 'flux-system' }, spec: { interval: '1m', timeout: '5s', url: 'oci://ghcr.io/openova-io/blueprints', ref: { tag: '1.0.0' }, secretRef: { name: 'ghcr-pull' } } },
  { apiVersion: SOURCE, kind: 'OCIRepository', metadata: { name: 'probe-local', namespace: 'flux-system' }, spec: { interval: '1m', timeout: '5s', url: `oci://registry.${sov}/openova-io/blueprints`, ref: { tag: '1.0.0' }, secretRef: { name: 'ghcr-pull' } } },
  { apiVersion: SOURCE, kind: 'GitRepository', metadata: { name: 'probe-github', namespace: 'flux-system' }, spec: { interval: '1m', timeout: '5s', url: 'https://github.com/openova-io/openova', ref: { branch: 'main' } } },
  { apiVersion: SOURCE, kind: 'HelmRepository', metadata: { name: 'probe-ghcr', namespace: 'flux-system' }, spec: { type: 'oci', interval: '1m', timeout: '5s', url: 'oci://ghcr.io/openova-io', secretRef: { name: 'ghcr-pull' } } },
  { apiVersion: SOURCE, kind: 'HelmChart', metadata: { name: 'probe-ghcr', namespace: 'flux-system' }, spec: { interval: '1m', chart: 'bp-cilium', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'probe-ghcr' } } },
];
const RESOURCES: Record<string, string> = { OCIRepository: 'ocirepositories.source.toolkit.fluxcd.io', GitRepository: 'gitrepositories.source.toolkit.fluxcd.io', HelmRepository: 'helmrepositories.source.toolkit.fluxcd.io', HelmChart: 'helmcharts.source.toolkit.fluxcd.io' };

test("with egress denied the real source-controller's fetches from github.com and ghcr.io never reach the mothership while the Sovereign's registry serves", () =>
  withHarness(async (h) => {
    const sources = probeSources(sim.ctx.sovereign);
    const hits = sim.ctx.world.mothership.hits;
    await h.primary.create(ciliumPolicy(policyInput('egress-block-sources')));
    await until('the policy to be enforced', 10_000, async () => (await probe('https://github.com/')).ok === false);
    const before = { github: hits.get('github.com') ?? 0, ghcr: hits.get('ghcr.io') ?? 0 };
    const get = (o: KubeObject) => h.primary.get(RESOURCES[o.kind ?? ''], 'flux-system', o.metadata.name);
    try {
      for (const o of sources) await h.primary.create(o);
      const [ghcrOci, localOci, github, , ghcrChart] = sources;
      await until('the OCIRepository on registry.<sov> to be Ready', 30_000, async () => condition((await get(localOci))!, 'Ready')?.status === 'True');
      // go-git sends no deadline with its request: the transport's one-minute CONNECT timeout ends it.
      const failed = await until('the GitRepository on github.com to fail', 120_000, async () => {
        const c = condition((await get(github))!, 'Ready');
        return c?.status === 'False' && c;
      });
      assert.match(failed.message ?? '', /github\.com\/openova-io\/openova.*context deadline exceeded/);
      for (const o of [ghcrOci, ghcrChart]) {
        const obj = (await get(o))!;
        assert.notEqual(condition(obj, 'Ready')?.status, 'True', `${o.kind} ${o.metadata.name} has no chart from ghcr.io`);
        assert.equal((obj.status as { artifact?: unknown } | undefined)?.artifact, undefined, `${o.kind} ${o.metadata.name} stored no artifact`);
      }
      assert.deepEqual({ github: hits.get('github.com') ?? 0, ghcr: hits.get('ghcr.io') ?? 0 }, before, 'no request reached the mothership');
    } finally {
      await h.primary.delete(CCNP, undefined, POLICY);
      for (const o of sources) await h.primary.delete(RESOURCES[o.kind ?? ''], 'flux-system', o.metadata.name);
    }
  }));

test('without Cilium the egress block is a NetworkPolicy per namespace that really isolates, and the revert removes them all', async () => {
  await sim.ctx.primary.api.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: CCNP } });
  await until('the CRD to go', 30_000, async () => !(await sim.ctx.primary.api.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, CCNP)));
  await withHarness(async (h) => {
    const ledger = FaultLedger.forSovereign(h.sovereign);
    await ensureHarnessNamespace(h.primary);
    // The revision each Job was created at, as its first watch event carries it.
    const created = new Map<string, number>();
    const jobs = await h.primary.watch('jobs.batch', { namespace: HARNESS_NAMESPACE }, (type, o) => {
      if (type === 'ADDED' && !created.has(o.metadata.name)) created.set(o.metadata.name, Number(o.metadata.resourceVersion));
    });
    const block = await applyEgressBlock({ region: h.primary, ledger, runId: 'np-run', holdMs: 10_000, image: 'docker.io/curlimages/curl:8.10.1' });
    assert.equal(block.mode, 'networkpolicy');
    const nps = (await h.primary.list('networkpolicies.networking.k8s.io')).items;
    const namespaces = (await h.primary.list('namespaces')).items.map((n) => n.metadata.name).sort();
    assert.deepEqual(nps.map((n) => n.metadata.namespace).sort(), namespaces);
    for (const np of nps) {
      assert.equal(np.metadata.labels?.['sovereign-walk.openova.io/fault'], block.fault.id);
      assert.ok(np.metadata.annotations?.['sovereign-walk.openova.io/expires-at']);
    }
    const job = (await h.primary.list('jobs.batch', { namespace: HARNESS_NAMESPACE, labelSelector: `sovereign-walk.openova.io/fault=${block.fault.id}` })).items[0];
    assert.match(JSON.stringify(job.spec), /\/apis\/networking\.k8s\.io\/v1\/namespaces\/flux-system\/networkpolicies\/sovereign-walk-egress-block/);
    const jobCreated = await until('the backstop Job in the watch', 5000, async () => created.get(job.metadata.name));
    jobs.stop();
    assert.ok(nps.every((n) => Number(n.metadata.resourceVersion) > jobCreated), 'the backstop exists before any policy');

    await until('the NetworkPolicies to be enforced', 10_000, async () => (await probe('https://github.com/')).ok === false);
    assert.equal((await probe('https://ghcr.io/v2/', 'catalyst-system')).ok, false);
    assert.equal((await probe('http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git/info/refs?service=git-upload-pack')).ok, true, 'namespaceSelector peers keep the cluster reachable');

    await block.fault.revert();
    assert.equal((await h.primary.list('networkpolicies.networking.k8s.io')).items.length, 0);
    for (const resource of ['jobs.batch', 'serviceaccounts', 'clusterroles.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io']) {
      assert.equal((await h.primary.list(resource, { labelSelector: `sovereign-walk.openova.io/fault=${block.fault.id}` })).items.length, 0, resource);
    }
    assert.equal(ledger.entries().find((e) => e.id === block.fault.id)?.state, 'reverted');
    await until('the isolation to be lifted', 10_000, async () => (await probe('https://github.com/')).ok);
  });
});
