/**
 * `--load k6-operator` against the embedded Sovereign's real API server with the k6-operator's
 * TestRun CRD (sim/controlplane/crds/k6.io_testruns.yaml). No runner pod can run there, so this
 * test plays the operator: it writes `status.stage` as the operator would. Covered: refusal where
 * the CRD is not served, apply (TestRun + script ConfigMap, both labelled with the ledger's fault
 * id), following to finished or error, the deadline, and removal afterwards, recorded and reverted
 * in the fault ledger. Also the kind target's DR-controller check against real HelmReleases.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSim, type RunningSim } from '../sim/index.js';
import { FaultLedger } from '../src/chaos/index.js';
import { FAULT_LABEL } from '../src/chaos/types.js';
import { drControllerMissing } from '../src/failover/dr-controller.js';
import { recordsInLog, requireInClusterLoad, requireTestRunServed, runInClusterLoad, type InClusterLoadOptions } from '../src/failover/in-cluster-load.js';
import { chooseWriter } from '../src/suites/failover/writers.js';
import { RegionClient } from '../src/target/kube.js';
import { SetupError } from '../src/target/errors.js';
import { REPO_ROOT } from '../src/repo-root.js';
import { kitOf } from './helpers/kits.js';

const NS = 'sovereign-walk';
let sim: RunningSim;
let stateDir: string;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sw-in-cluster-load-'));
  sim = await startSim({ kit: kitOf(['bp-cilium']), faults: [], modules: [] });
});

after(async () => {
  await sim?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A fresh client (its discovery is not cached from before the CRD existed). */
const harness = () => new RegionClient(sim.target.regions[0]);
const api = () => sim.ctx.primary.api;
/** The world alone has no data plane; the counter URL is all the in-cluster writer needs of one. */
const withCounter = () => ({ ...sim.target, counterUrl: 'https://counter.sim.sovereign-walk.test/' });

function testRunOptions(name: string, over: Partial<InClusterLoadOptions> = {}): InClusterLoadOptions {
  return {
    region: harness(),
    ledger: FaultLedger.forSovereign(sim.target.sovereign, stateDir),
    runId: 'run-1',
    testRun: { name, namespace: NS, parallelism: 2, rate: 40, duration: '45s', baseUrl: 'https://counter.sim.sovereign-walk.test' },
    timeoutMs: 20_000,
    pollMs: 100,
    onRecord: () => {},
    ...over,
  };
}

/** The operator's part: once the TestRun exists, report `stages` one after another. */
async function operator(name: string, stages: string[], seen: { configMap?: Record<string, unknown>; labels?: Record<string, string> }): Promise<void> {
  const deadline = Date.now() + 15_000;
  let run;
  while (!(run = await api().get('k6.io/v1alpha1', 'TestRun', NS, name))) {
    if (Date.now() > deadline) throw new Error(`TestRun ${name} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
  seen.labels = run.metadata.labels as Record<string, string>;
  seen.configMap = (await api().get('v1', 'ConfigMap', NS, `${name}-script`)) as unknown as Record<string, unknown>;
  for (const stage of stages) {
    await api().applyStatus({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name, namespace: NS }, status: { stage } }, 'k6-operator');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function gone(name: string): Promise<void> {
  assert.equal(await api().get('k6.io/v1alpha1', 'TestRun', NS, name), undefined, 'the TestRun is removed');
  assert.equal(await api().get('v1', 'ConfigMap', NS, `${name}-script`), undefined, 'its script ConfigMap is removed');
}

test('recordsInLog reads the SWH lines of a runner log and nothing else', () => {
  const record = { key: 'k6v3-1', writer: 'k6v3', seq: 1, sentAt: 1, ackAt: 2, id: 7, error: null, endpoint: 'hz-hel-rtz-prod' };
  assert.deepEqual(recordsInLog(`time="…" level=info msg="starting"\nSWH ${JSON.stringify(record)}\n\n`), [record]);
  assert.throws(() => recordsInLog('SWH {"event":"kill","at":1}'), /an event, not a write record/);
});

test('--load k6-operator is refused in one line where the k6-operator CRD is not served', async () => {
  await assert.rejects(requireTestRunServed(harness()), (e: unknown) => {
    assert.ok(e instanceof SetupError);
    assert.match(e.message, /^--load k6-operator: hz-fsn-rtz-prod does not serve testruns\.k6\.io \(.*\); install the k6-operator there, or walk without --load$/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  await assert.rejects(requireInClusterLoad(withCounter()), /^SetupError: --load k6-operator: hz-hel-rtz-prod does not serve testruns\.k6\.io/, 'the load runs in the surviving region');
  await assert.rejects(requireInClusterLoad({ ...withCounter(), counterUrl: undefined }), /^SetupError: --load k6-operator: the target has no counter URL/);
});

test('with the CRD served: applied, followed to finished, removed; the ledger records the fault and its revert', { timeout: 90_000 }, async () => {
  const crd = parse(readFileSync(join(REPO_ROOT, 'sim/controlplane/crds/k6.io_testruns.yaml'), 'utf8')) as Parameters<ReturnType<typeof api>['apply']>[0];
  await api().apply(crd);
  await api().apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await requireTestRunServed(harness());
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const seen: { configMap?: Record<string, unknown>; labels?: Record<string, string> } = {};
  const playing = operator('load-finished', ['initialization', 'initialized', 'created', 'started', 'finished'], seen);
  const result = await runInClusterLoad(testRunOptions('load-finished'));
  await playing;
  assert.equal(result.outcome, 'finished');
  assert.deepEqual(result.stages.filter((s) => ['initialization', 'started', 'finished'].includes(s)), ['initialization', 'started', 'finished']);
  assert.deepEqual([result.runners, result.records], [[], 0], 'no runner pod can run in the embedded Sovereign');
  assert.equal(seen.labels?.[FAULT_LABEL], result.faultId, 'the TestRun carries the fault label');
  assert.equal((seen.configMap?.metadata as { labels: Record<string, string> }).labels[FAULT_LABEL], result.faultId);
  assert.equal((seen.configMap?.data as Record<string, string>)['counter-http.js'], readFileSync(join(REPO_ROOT, 'fixtures/k6/counter-http.js'), 'utf8'));
  await gone('load-finished');
  const entry = FaultLedger.forSovereign(sim.target.sovereign, stateDir).entries().find((e) => e.id === result.faultId);
  assert.equal(entry?.kind, 'in-cluster-load');
  assert.equal(entry?.state, 'reverted');
  assert.deepEqual(entry?.revert.map((s) => s.kind === 'delete-fault-objects' && s.resource), ['testruns.k6.io', 'configmaps']);
});

test('the failover suite\'s k6-operator writer: its TestRun applied, followed to finished and removed', { timeout: 60_000 }, async () => {
  const inCluster = { region: harness(), ledger: FaultLedger.forSovereign(sim.target.sovereign, stateDir), runId: 'run-2' };
  const writer = await chooseWriter(withCounter(), undefined as never, { inCluster });
  assert.equal(writer.kind, 'k6-operator');
  assert.match(writer.description, /^k6-operator TestRun default\/sovereign-walk-failover \(parallelism 2\) in hz-fsn-rtz-prod over HTTP to https:\/\/counter\./);
  const playing = (async () => {
    while (!(await api().get('k6.io/v1alpha1', 'TestRun', 'default', 'sovereign-walk-failover'))) await new Promise((r) => setTimeout(r, 50));
    for (const stage of ['initialization', 'started', 'finished']) {
      await api().applyStatus({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'sovereign-walk-failover', namespace: 'default' }, status: { stage } }, 'k6-operator');
    }
  })();
  const stats = await writer.run({ ratePerSec: 10, durationMs: 5_000, signal: new AbortController().signal, onRecord: () => {} });
  await playing;
  assert.equal(stats.sent, 0, 'no runner pod wrote');
  assert.equal(await api().get('k6.io/v1alpha1', 'TestRun', 'default', 'sovereign-walk-failover'), undefined);
});

test('a TestRun the operator reports in error is followed to its end and removed', { timeout: 60_000 }, async () => {
  const playing = operator('load-error', ['initialization', 'error'], {});
  const result = await runInClusterLoad(testRunOptions('load-error'));
  await playing;
  assert.equal(result.outcome, 'error');
  assert.deepEqual(result.stages.at(-1), 'error');
  await gone('load-error');
});

test('a TestRun nobody runs is followed until the deadline, then removed', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const result = await runInClusterLoad(testRunOptions('load-stuck', { timeoutMs: 1_500 }));
  assert.equal(result.outcome, 'timed out');
  assert.deepEqual(result.stages, []);
  assert.ok(Date.now() - started >= 1_500);
  await gone('load-stuck');
  assert.equal(FaultLedger.forSovereign(sim.target.sovereign, stateDir).entries().find((e) => e.id === result.faultId)?.state, 'reverted');
});

test('the kind target\'s DR-controller check: missing, not Ready, then Ready', { timeout: 60_000 }, async () => {
  const dr = { namespace: 'flux-system', name: 'bp-continuum' };
  assert.match((await drControllerMissing(dr, [harness()])) ?? '', /HelmRelease flux-system\/bp-continuum\) is not installed in hz-fsn-rtz-prod: nothing would promote the survivor/);
  const ref = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: dr.name, namespace: dr.namespace } };
  await api().apply({ ...ref, spec: { suspend: true, interval: '10m', chart: { spec: { chart: 'bp-continuum', sourceRef: { kind: 'HelmRepository', name: 'openova-io' } } } } });
  await api().applyStatus({ ...ref, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'ChartPullFailed', message: 'failed to pull chart: unauthorized', lastTransitionTime: new Date().toISOString() }] } });
  assert.match((await drControllerMissing(dr, [harness()])) ?? '', /is not Ready \(ChartPullFailed: failed to pull chart: unauthorized\) in hz-fsn-rtz-prod/);
  await api().applyStatus({ ...ref, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'ok', lastTransitionTime: new Date().toISOString() }] } });
  assert.equal(await drControllerMissing(dr, [harness()]), undefined);
  assert.equal(await drControllerMissing(undefined, [harness()]), undefined, 'a target without a DR controller is walked as before');
});
