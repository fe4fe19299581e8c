import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../sim/kube-client/api.js';
import { knative as model } from '../sim/operators/knative.js';
import { FakeWorld, conditionOf, deployment } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';

const NS = 'knative';

/** The operator running and the Serving Deployments it owns present, ready unless named in `down`. */
function world(serving: KubeObject, down: string[] = []): FakeWorld {
  const w = new FakeWorld().operatorUp(model);
  for (const d of model.owned!(serving, w)!) {
    const name = (d.metadata as { name: string }).name;
    w.add(deployment(NS, name, { ready: down.includes(name) ? 0 : 1 })).setReady('Deployment', NS, name, !down.includes(name));
  }
  return w;
}

describe('operator.knative.dev model', () => {
  it('renders a KnativeServing with Kourier that the operator v0.42.2 CRD accepts', () => {
    assertAccepted(sampleObject(model, 'KnativeServing', 'knative', NS));
  });

  it('owns the Serving and Kourier Deployments in its namespace', () => {
    const serving = sampleObject(model, 'KnativeServing', 'knative', NS);
    const names = model.owned!(serving, new FakeWorld().operatorUp(model))!.map((d) => `${String((d.metadata as { namespace: string }).namespace)}/${String((d.metadata as { name: string }).name)}`);
    assert.deepEqual(names, ['knative/activator', 'knative/autoscaler', 'knative/controller', 'knative/webhook', 'knative/autoscaler-hpa', 'knative/net-kourier-controller', 'knative/3scale-kourier-gateway']);
  });

  it('every Deployment available: the four install conditions and Ready are True, with the version', () => {
    const serving = sampleObject(model, 'KnativeServing', 'knative', NS);
    const status = model.status(serving, world(serving))!;
    assertStatusAccepted(serving, status);
    assert.deepEqual((status.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`), [
      'DependenciesInstalled=True',
      'DeploymentsAvailable=True',
      'InstallSucceeded=True',
      'Ready=True',
      'VersionMigrationEligible=True',
    ]);
    assert.equal(conditionOf(status, 'Ready')!.reason, undefined);
    assert.equal(status.version, '1.15.2');
    assert.equal(status.observedGeneration, 1);
  });

  it('a stopped operator writes nothing and creates nothing', () => {
    const serving = sampleObject(model, 'KnativeServing', 'knative', NS);
    const w = world(serving).setReady('Deployment', model.workload.namespace, model.workload.name, false);
    assert.equal(model.status(serving, w), undefined);
    assert.equal(model.owned!(serving, w), undefined);
  });

  it('Deployments not available: DeploymentsAvailable and Ready False, NotReady, naming them', () => {
    const serving = sampleObject(model, 'KnativeServing', 'knative', NS);
    const status = model.status(serving, world(serving, ['activator', 'webhook']))!;
    assertStatusAccepted(serving, status);
    for (const type of ['DeploymentsAvailable', 'Ready']) {
      const c = conditionOf(status, type)!;
      assert.deepEqual([c.status, c.reason, c.message], ['False', 'NotReady', 'Waiting on deployments: activator, webhook']);
    }
    assert.equal(conditionOf(model.status(serving, new FakeWorld().operatorUp(model)), 'Ready')!.message, 'Waiting on deployments: all');
  });
});
