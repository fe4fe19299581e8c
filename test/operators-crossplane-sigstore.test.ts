import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../sim/kube-client/api.js';
import { crossplane } from '../sim/operators/crossplane.js';
import { sigstore } from '../sim/operators/sigstore.js';
import { FakeWorld, SOVEREIGN } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';
import { crdSchema } from './helpers/crd-schema.js';

describe('apiextensions.crossplane.io model', () => {
  it('renders a pipeline-mode Composition that the v2.1.0 CRD accepts; Compositions have no status', () => {
    const comp = sampleObject(crossplane, 'Composition', 'crossplane-claims', undefined);
    assertAccepted(comp);
    assert.equal((comp.spec as { mode: string }).mode, 'Pipeline');
    assert.equal(crdSchema('apiextensions.crossplane.io', 'Composition', 'v1').hasStatusSubresource, false);
    assert.equal(crossplane.status(comp, new FakeWorld().operatorUp(crossplane)), undefined);
  });

  it('a running Crossplane snapshots the Composition into a CompositionRevision the CRD accepts; stopped, it creates nothing', () => {
    const comp = sampleObject(crossplane, 'Composition', 'crossplane-claims', undefined);
    const [rev] = crossplane.owned!(comp, new FakeWorld().operatorUp(crossplane))!;
    assertAccepted(rev);
    assert.match((rev.metadata as { name: string }).name, /^crossplane-claims-[0-9a-f]{7}$/);
    assert.equal((rev.spec as { revision: number }).revision, 1);
    assert.equal(crossplane.owned!(comp, new FakeWorld()), undefined);
  });

  it('a changed Composition gets the next revision number; an unchanged one keeps its revision', () => {
    const comp = sampleObject(crossplane, 'Composition', 'crossplane-claims', undefined);
    const world = new FakeWorld().operatorUp(crossplane);
    const [first] = crossplane.owned!(comp, world)!;
    world.add(first as unknown as KubeObject);
    assert.equal((crossplane.owned!(comp, world)![0].spec as { revision: number }).revision, 1);
    const changed = { ...comp, spec: { ...(comp.spec as object), writeConnectionSecretsToNamespace: 'crossplane-system' } } as KubeObject;
    assert.equal((crossplane.owned!(changed, world)![0].spec as { revision: number }).revision, 2);
    assert.equal(crossplane.owned!(first as unknown as KubeObject, world), undefined, 'a revision owns nothing');
  });
});

describe('policy.sigstore.dev model', () => {
  it('renders a keyless ClusterImagePolicy for the Sovereign registry at the stored version v1alpha1', () => {
    const cip = sampleObject(sigstore, 'ClusterImagePolicy', 'sigstore', undefined);
    assertAccepted(cip);
    const schema = crdSchema('policy.sigstore.dev', 'ClusterImagePolicy', 'v1alpha1');
    assert.equal(schema.storage, 'v1alpha1', 'v1beta1 writes would need the conversion webhook');
    assert.deepEqual((cip.spec as { images: unknown }).images, [{ glob: `registry.${SOVEREIGN}/**` }]);
  });

  it('a running policy-controller marks the policy compiled and Ready; stopped, it writes nothing', () => {
    const cip = sampleObject(sigstore, 'ClusterImagePolicy', 'sigstore', undefined);
    const status = sigstore.status(cip, new FakeWorld().operatorUp(sigstore));
    assertStatusAccepted(cip, status);
    assert.deepEqual((status!.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`), ['ConfigMapUpdated=True', 'KeysInlined=True', 'PoliciesInlined=True', 'Ready=True']);
    assert.equal(status!.observedGeneration, 1);
    assert.equal(sigstore.status(cip, new FakeWorld()), undefined);
  });
});
