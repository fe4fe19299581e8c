import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { externalSecrets as model } from '../sim/operators/external-secrets.js';
import type { KubeObject } from '../sim/kube-client/api.js';
import { FakeWorld, conditionOf, pod, service, stored } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject, withStatus } from './helpers/operator-samples.js';

const NS = 'external-secrets';

function store(): KubeObject {
  const [companion] = model.companions!('ExternalSecret', 'external-secrets', NS);
  const { apiVersion, kind, metadata, ...body } = companion as { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;
  return stored(apiVersion, kind, metadata.name, undefined, body);
}

/** OpenBao's pod and Service in the region, answering or not. */
function openbao(world: FakeWorld, up: boolean): FakeWorld {
  return world.add(service('openbao', 'openbao', { 'app.kubernetes.io/name': 'openbao' }), pod('openbao', 'openbao-0', { 'app.kubernetes.io/name': 'openbao' }, up));
}

function healthy(): { world: FakeWorld; es: KubeObject; css: KubeObject } {
  const world = openbao(new FakeWorld().operatorUp(model), true);
  const css = store();
  world.add(withStatus(css, model.status(css, world)));
  return { world, es: sampleObject(model, 'ExternalSecret', 'external-secrets', NS), css };
}

describe('external-secrets.io model', () => {
  it('renders an ExternalSecret and its OpenBao ClusterSecretStore that the v0.16.2 CRDs accept at the stored version', () => {
    const es = sampleObject(model, 'ExternalSecret', 'external-secrets', NS);
    assertAccepted(es);
    assertAccepted(store());
    assert.equal(model.kinds.ExternalSecret, 'v1');
  });

  it('a running ESO with OpenBao answering: the store is Valid and the ExternalSecret SecretSynced, and the target Secret exists', () => {
    const { world, es, css } = healthy();
    const storeStatus = model.status(css, world);
    assertStatusAccepted(css, storeStatus);
    assert.equal(storeStatus?.capabilities, 'ReadWrite');
    assert.deepEqual(pick(conditionOf(storeStatus, 'Ready')), { status: 'True', reason: 'Valid', message: 'store validated' });

    const status = model.status(es, world);
    assertStatusAccepted(es, status);
    assert.deepEqual(pick(conditionOf(status, 'Ready')), { status: 'True', reason: 'SecretSynced', message: 'secret synced' });
    assert.equal(conditionOf(status, 'Ready')!.observedGeneration, undefined);
    assert.deepEqual(status?.binding, { name: 'external-secrets' });
    assert.match(String(status?.syncedResourceVersion), /^1-[0-9a-f]{32}$/);
    assert.match(String(status?.refreshTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const [secret] = model.owned!(es, world)!;
    assert.equal(secret.kind, 'Secret');
    const meta = secret.metadata as { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
    assert.equal(meta.name, 'external-secrets');
    assert.equal(meta.namespace, NS);
    assert.equal(meta.labels['reconcile.external-secrets.io/managed'], 'true');
    assert.match(meta.labels['reconcile.external-secrets.io/created-by'], /^[0-9a-f]{32}$/);
    assert.match(meta.annotations['reconcile.external-secrets.io/data-hash'], /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(secret.data as object), ['password']);
  });

  it('keeps refreshTime while the sync is not due, as ESO skips the refresh', () => {
    const { world, es } = healthy();
    const first = model.status(es, world)!;
    const again = model.status(withStatus(es, { ...first, refreshTime: '2020-01-01T00:00:00Z' }), world)!;
    assert.notEqual(again.refreshTime, '2020-01-01T00:00:00Z', 'an hour-old refresh is due');
    const fresh = model.status(withStatus(es, first), world)!;
    assert.equal(fresh.refreshTime, first.refreshTime);
  });

  it('a stopped ESO writes nothing and creates nothing', () => {
    const { world, es, css } = healthy();
    world.setReady('Deployment', NS, 'external-secrets', false);
    assert.equal(model.status(es, world), undefined);
    assert.equal(model.status(css, world), undefined);
    assert.equal(model.owned!(es, world), undefined);
  });

  it('OpenBao down: the store cannot build its client and the ExternalSecret fails to sync, keeping its last sync', () => {
    const { world, es, css } = healthy();
    const synced = withStatus(es, model.status(es, world));
    openbao(world, false);
    const storeStatus = model.status(withStatus(css, { capabilities: 'ReadWrite' }), world);
    assertStatusAccepted(css, storeStatus);
    assert.deepEqual(pick(conditionOf(storeStatus, 'Ready')), { status: 'False', reason: 'InvalidProviderConfig', message: 'unable to create client' });
    assert.equal(storeStatus?.capabilities, 'ReadWrite');

    const status = model.status(synced, world);
    assertStatusAccepted(es, status);
    assert.deepEqual(pick(conditionOf(status, 'Ready')), { status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' });
    assert.equal(status?.refreshTime, synced.status?.refreshTime);
    assert.equal(model.owned!(synced, world), undefined, 'the Secret it wrote is left as it is');
  });

  it('a store not Ready is refused by the flood gate even while OpenBao answers', () => {
    const { world, es, css } = healthy();
    world.add(withStatus(css, { conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidProviderConfig', message: 'unable to create client' }] }));
    assert.equal(conditionOf(model.status(es, world), 'Ready')!.reason, 'SecretSyncedError');
  });
});

function pick(c: Record<string, unknown> | undefined): Record<string, unknown> {
  return { status: c?.status, reason: c?.reason, message: c?.message };
}
