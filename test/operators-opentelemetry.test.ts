import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../sim/kube-client/api.js';
import { openTelemetry as model } from '../sim/operators/opentelemetry.js';
import { FakeWorld, deployment } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';

const NS = 'opentelemetry';

function collector(): KubeObject {
  const obj = sampleObject(model, 'OpenTelemetryCollector', 'opentelemetry', NS);
  obj.metadata.labels = { 'app.kubernetes.io/name': 'opentelemetry', 'app.kubernetes.io/instance': 'bp-opentelemetry' };
  return obj;
}

/** The collector Deployment the operator owns, as the Deployment controller reports it. */
function world(ready: number): FakeWorld {
  const w = new FakeWorld().operatorUp(model);
  const owned = model.owned!(collector(), w)!;
  const d = owned.find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { containers: { image: string }[] } } } };
  return w.add(deployment(NS, 'opentelemetry-collector', { replicas: 1, ready, image: d.spec.template.spec.containers[0].image }));
}

describe('opentelemetry.io model', () => {
  it('renders an OpenTelemetryCollector the v0.135.0 CRD accepts at its stored version v1beta1', () => {
    assertAccepted(collector());
    assert.equal(model.kinds.OpenTelemetryCollector, 'v1beta1');
  });

  it('owns the collector Deployment `<name>-collector` and its ServiceAccount, ConfigMap and Services', () => {
    const w = new FakeWorld().operatorUp(model);
    const owned = model.owned!(collector(), w)!;
    assert.deepEqual(owned.map((o) => `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`.replace(/-[0-9a-f]{8}$/, '-<hash>')), [
      'ServiceAccount/opentelemetry-collector',
      'ConfigMap/opentelemetry-collector-<hash>',
      'Deployment/opentelemetry-collector',
      'Service/opentelemetry-collector',
      'Service/opentelemetry-collector-monitoring',
    ]);
    const d = owned.find((o) => o.kind === 'Deployment') as { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: { ports: { name: string; containerPort: number }[] }[] } } } };
    assert.deepEqual(d.spec.selector.matchLabels, {
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/instance': 'opentelemetry.opentelemetry',
      'app.kubernetes.io/part-of': 'opentelemetry',
      'app.kubernetes.io/component': 'opentelemetry-collector',
    });
    assert.equal(d.spec.template.metadata.labels['app.kubernetes.io/name'], 'opentelemetry', "the object's own name label is kept");
    assert.deepEqual(d.spec.template.spec.containers[0].ports.map((p) => `${p.name}:${p.containerPort}`), ['otlp-grpc:4317', 'otlp-http:4318', 'metrics:8888']);
  });

  it('a running collector: version, image and scale "1/1", and no phase', () => {
    const obj = collector();
    const status = model.status(obj, world(1));
    assertStatusAccepted(obj, status);
    assert.equal(status!.version, '0.135.0');
    assert.equal(status!.image, 'otel/opentelemetry-collector-k8s:0.135.0');
    assert.deepEqual(status!.scale, {
      replicas: 1,
      selector: 'app.kubernetes.io/component=opentelemetry-collector,app.kubernetes.io/instance=opentelemetry.opentelemetry,app.kubernetes.io/managed-by=opentelemetry-operator,app.kubernetes.io/name=opentelemetry,app.kubernetes.io/part-of=opentelemetry,app.kubernetes.io/version=0.135.0',
      statusReplicas: '1/1',
    });
    assert.equal(status!.phase, undefined);
  });

  it('a stopped operator writes nothing and creates nothing', () => {
    const w = world(1).setReady('Deployment', model.workload.namespace, model.workload.name, false);
    assert.equal(model.status(collector(), w), undefined);
    assert.equal(model.owned!(collector(), w), undefined);
  });

  it('collector pods not ready: statusReplicas "0/1"; no Deployment yet: nothing written', () => {
    const obj = collector();
    const status = model.status(obj, world(0));
    assertStatusAccepted(obj, status);
    assert.equal((status!.scale as { statusReplicas: string }).statusReplicas, '0/1');
    assert.equal(model.status(obj, new FakeWorld().operatorUp(model)), undefined);
  });
});
