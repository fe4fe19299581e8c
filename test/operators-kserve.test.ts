import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kserve as model } from '../sim/operators/kserve.js';
import { FakeWorld, SOVEREIGN, conditionOf, deployment, pod } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';

const NS = 'cortex';
const LABELS = { app: 'isvc.vllm-predictor', component: 'predictor', 'serving.kserve.io/inferenceservice': 'vllm' };

function world(ready: boolean): FakeWorld {
  return new FakeWorld().operatorUp(model).add(deployment(NS, 'vllm-predictor', { ready: ready ? 1 : 0 }), pod(NS, 'vllm-predictor-7d9f-abcde', LABELS, ready));
}

describe('serving.kserve.io model', () => {
  it('renders a vLLM InferenceService that the v0.15.2 CRD accepts', () => {
    assertAccepted(sampleObject(model, 'InferenceService', 'vllm', NS));
  });

  it('owns the predictor Deployment and Service `<name>-predictor` running the predictor container', () => {
    const owned = model.owned!(sampleObject(model, 'InferenceService', 'vllm', NS), new FakeWorld().operatorUp(model))!;
    assert.deepEqual(owned.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`), ['Deployment/vllm-predictor', 'Service/vllm-predictor']);
    const d = owned[0] as { spec: { selector: { matchLabels: unknown }; template: { spec: { containers: { name: string }[] } } } };
    assert.deepEqual(d.spec.selector.matchLabels, { app: 'isvc.vllm-predictor' });
    assert.equal(d.spec.template.spec.containers[0].name, 'kserve-container');
  });

  it('the predictor Deployment available: PredictorReady, IngressReady and Ready True, with the URL', () => {
    const isvc = sampleObject(model, 'InferenceService', 'vllm', NS);
    const status = model.status(isvc, world(true))!;
    assertStatusAccepted(isvc, status);
    assert.deepEqual((status.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`), ['IngressReady=True', 'PredictorReady=True', 'Ready=True']);
    assert.equal(conditionOf(status, 'PredictorReady')!.reason, undefined);
    assert.equal(status.url, `http://vllm-cortex.${SOVEREIGN}`);
    assert.deepEqual(status.address, { url: 'http://vllm-predictor.cortex.svc.cluster.local' });
    assert.deepEqual(status.modelStatus, { states: { activeModelState: 'Loaded', targetModelState: 'Loaded' }, transitionStatus: 'UpToDate', copies: { failedCopies: 0, totalCopies: 1 } });
  });

  it('a stopped KServe controller writes nothing and creates nothing', () => {
    const isvc = sampleObject(model, 'InferenceService', 'vllm', NS);
    const w = world(true).setReady('Deployment', model.workload.namespace, model.workload.name, false);
    assert.equal(model.status(isvc, w), undefined);
    assert.equal(model.owned!(isvc, w), undefined);
  });

  it("the predictor not available: PredictorReady carries the Deployment's reason, no ingress, Ready False", () => {
    const isvc = sampleObject(model, 'InferenceService', 'vllm', NS);
    const status = model.status(isvc, world(false))!;
    assertStatusAccepted(isvc, status);
    const pred = conditionOf(status, 'PredictorReady')!;
    assert.deepEqual([pred.status, pred.reason, pred.message], ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
    assert.deepEqual([conditionOf(status, 'IngressReady')!.status, conditionOf(status, 'IngressReady')!.reason], ['False', 'Predictor ingress not created']);
    assert.deepEqual([conditionOf(status, 'Ready')!.status, conditionOf(status, 'Ready')!.reason], ['False', 'Predictor ingress not created']);
    assert.equal(status.url, undefined);
    assert.deepEqual(status.modelStatus, { states: { activeModelState: '', targetModelState: 'Pending' }, transitionStatus: 'InProgress' });
  });
});
