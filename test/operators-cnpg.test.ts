import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../sim/kube-client/api.js';
import { cnpg as model } from '../sim/operators/cnpg.js';
import { FakeWorld, conditionOf } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject, withStatus } from './helpers/operator-samples.js';

const NS = 'cnpg';

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; labels?: Record<string, string> } };

/** Applies what the operator owns, pods ready or not as `ready` says, the way kwok runs them. */
function materialise(world: FakeWorld, owned: Record<string, unknown>[], ready: (pod: string) => boolean): void {
  for (const o of owned as Obj[]) {
    const status = o.kind === 'Pod' ? { phase: 'Running', podIP: '10.244.1.7', conditions: [{ type: 'Ready', status: ready(o.metadata.name) ? 'True' : 'False' }] } : undefined;
    world.add({ ...o, ...(status ? { status } : {}) } as KubeObject);
  }
}

/** Runs operator and kubelet until nothing changes, returning the Cluster with its last status. */
function converge(world: FakeWorld, cluster: KubeObject, ready: (pod: string) => boolean = () => true): KubeObject {
  let current = cluster;
  for (let i = 0; i < 20; i++) {
    materialise(world, model.owned!(current, world)!, ready);
    const next = withStatus(current, model.status(current, world));
    if (JSON.stringify(next.status) === JSON.stringify(current.status)) return next;
    current = next;
  }
  throw new Error('did not converge');
}

function pods(world: FakeWorld): Obj[] {
  return world.list('v1', 'Pod', NS) as unknown as Obj[];
}

describe('postgresql.cnpg.io model', () => {
  it('renders a Cluster the CNPG 1.27.1 CRD accepts; instances below 1 are rejected by the CRD', () => {
    const cluster = sampleObject(model, 'Cluster', 'cnpg', NS);
    assertAccepted(cluster);
    assert.throws(() => assertAccepted({ ...cluster, spec: { ...(cluster.spec as object), instances: 0 } }), /instances must be >= 1/);
  });

  it('creates the primary first, then one replica at a time, and reports the cluster healthy', () => {
    const world = new FakeWorld().operatorUp(model);
    const cluster = sampleObject(model, 'Cluster', 'cnpg', NS);

    const first = model.status(cluster, world)!;
    assertStatusAccepted(cluster, first);
    assert.equal(first.phase, 'Setting up primary');
    assert.equal(first.phaseReason, 'Creating primary instance cnpg-1');
    assert.equal(first.targetPrimary, 'cnpg-1');
    assert.equal(first.currentPrimary, undefined);
    assert.deepEqual(pick(conditionOf(first, 'Ready')), { status: 'False', reason: 'ClusterIsNotReady', message: 'Cluster Is Not Ready' });
    const firstOwned = model.owned!(cluster, world)!.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`);
    assert.deepEqual(firstOwned, ['ServiceAccount/cnpg', 'Service/cnpg-rw', 'Service/cnpg-ro', 'Service/cnpg-r', 'Pod/cnpg-1']);

    materialise(world, model.owned!(cluster, world)!, () => true);
    const second = model.status(withStatus(cluster, first), world)!;
    assert.equal(second.phase, 'Creating a new replica');
    assert.equal(second.phaseReason, 'Creating replica cnpg-2-join');
    assert.equal(second.currentPrimary, 'cnpg-1');

    const done = converge(world, cluster);
    assertStatusAccepted(cluster, done.status);
    assert.equal(done.status!.phase, 'Cluster in healthy state');
    assert.equal(done.status!.phaseReason, undefined);
    assert.equal(done.status!.instances, 3);
    assert.equal(done.status!.readyInstances, 3);
    assert.equal(done.status!.currentPrimary, 'cnpg-1');
    assert.equal(done.status!.targetPrimary, 'cnpg-1');
    assert.deepEqual(done.status!.instancesStatus, { healthy: ['cnpg-1', 'cnpg-2', 'cnpg-3'] });
    assert.deepEqual(pick(conditionOf(done.status, 'Ready')), { status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready' });

    const roles = Object.fromEntries(pods(world).map((p) => [p.metadata.name, [p.metadata.labels!['cnpg.io/instanceRole'], p.metadata.labels!.role, p.metadata.labels!['cnpg.io/instanceName']]]));
    assert.deepEqual(roles, { 'cnpg-1': ['primary', 'primary', 'cnpg-1'], 'cnpg-2': ['replica', 'replica', 'cnpg-2'], 'cnpg-3': ['replica', 'replica', 'cnpg-3'] });
    const rw = world.get('v1', 'Service', NS, 'cnpg-rw')!;
    assert.deepEqual((rw.spec as { selector: unknown }).selector, { 'cnpg.io/cluster': 'cnpg', 'cnpg.io/instanceRole': 'primary' });
  });

  it('a replica cluster runs its designated primary as the instance the -rw Service selects', () => {
    const world = new FakeWorld().operatorUp(model);
    const base = sampleObject(model, 'Cluster', 'cnpg-hel', NS);
    const replica = { ...base, spec: { ...(base.spec as object), instances: 1, replica: { enabled: true, source: 'cnpg-fsn' }, externalClusters: [{ name: 'cnpg-fsn', connectionParameters: { host: 'cnpg-fsn-rw.cnpg.svc', user: 'streaming_replica' } }] } } as KubeObject;
    assertAccepted(replica);
    const done = converge(world, replica);
    assert.equal(done.status!.phase, 'Cluster in healthy state');
    assert.equal(done.status!.currentPrimary, 'cnpg-hel-1');
    assert.equal(pods(world).find((p) => p.metadata.name === 'cnpg-hel-1')!.metadata.labels!['cnpg.io/instanceRole'], 'primary');
  });

  it('a stopped operator writes nothing and creates nothing', () => {
    const world = new FakeWorld();
    const cluster = sampleObject(model, 'Cluster', 'cnpg', NS);
    assert.equal(model.status(cluster, world), undefined);
    assert.equal(model.owned!(cluster, world), undefined);
  });

  it('a replica not ready: waiting for the instances, readyInstances counts the pods that are', () => {
    const world = new FakeWorld().operatorUp(model);
    const healthy = converge(world, sampleObject(model, 'Cluster', 'cnpg', NS));
    materialise(world, model.owned!(healthy, world)!, (p) => p !== 'cnpg-3');
    const status = model.status(healthy, world)!;
    assertStatusAccepted(healthy, status);
    assert.equal(status.phase, 'Waiting for the instances to become active');
    assert.equal(status.phaseReason, 'Some instances are not yet active. Please wait.');
    assert.equal(status.readyInstances, 2);
    assert.deepEqual(status.instancesStatus, { healthy: ['cnpg-1', 'cnpg-2'], replicating: ['cnpg-3'] });
    assert.equal(conditionOf(status, 'Ready')!.status, 'False');
  });

  it('the primary not ready: fails over to a ready replica, which then carries the primary role', () => {
    const world = new FakeWorld().operatorUp(model);
    const healthy = converge(world, sampleObject(model, 'Cluster', 'cnpg', NS));
    const down = (p: string) => p !== 'cnpg-1';
    materialise(world, model.owned!(healthy, world)!, down);
    const failing = model.status(healthy, world)!;
    assert.equal(failing.phase, 'Failing over');
    assert.equal(failing.phaseReason, 'Failing over from cnpg-1 to cnpg-2');
    assert.equal(failing.currentPrimary, 'cnpg-1');
    assert.equal(failing.targetPrimary, 'cnpg-2');

    const promoted = model.status(withStatus(healthy, failing), world)!;
    assert.equal(promoted.currentPrimary, 'cnpg-2');
    assert.equal(promoted.timelineID, 2);
    assert.equal(promoted.phase, 'Waiting for the instances to become active');
    materialise(world, model.owned!(withStatus(healthy, promoted), world)!, down);
    assert.equal(pods(world).find((p) => p.metadata.name === 'cnpg-2')!.metadata.labels!['cnpg.io/instanceRole'], 'primary');
    assert.equal(pods(world).find((p) => p.metadata.name === 'cnpg-1')!.metadata.labels!['cnpg.io/instanceRole'], 'replica');
  });
});

function pick(c: Record<string, unknown> | undefined): Record<string, unknown> {
  return { status: c?.status, reason: c?.reason, message: c?.message };
}
