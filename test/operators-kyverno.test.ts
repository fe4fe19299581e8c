import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kyverno as model } from '../sim/operators/kyverno.js';
import { FakeWorld, conditionOf } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject } from './helpers/operator-samples.js';

describe('kyverno.io model', () => {
  it('renders a disallow-latest-tag ClusterPolicy in Audit mode that the 1.19.1 CRD accepts', () => {
    const policy = sampleObject(model, 'ClusterPolicy', 'kyverno', undefined);
    assertAccepted(policy);
    const rules = (policy.spec as { rules: { validate: { failureAction: string } }[] }).rules;
    assert.deepEqual(rules.map((r) => r.validate.failureAction), ['Audit', 'Audit']);
  });

  it('a running admission controller: Ready=True Succeeded, no status.ready, rule counts and the Pod-controller autogen rules', () => {
    const policy = sampleObject(model, 'ClusterPolicy', 'kyverno', undefined);
    const status = model.status(policy, new FakeWorld().operatorUp(model));
    assertStatusAccepted(policy, status);
    const ready = conditionOf(status, 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['True', 'Succeeded', 'Ready']);
    assert.equal('ready' in status!, false);
    assert.deepEqual(status!.rulecount, { validate: 2, generate: 0, mutate: 0, verifyimages: 0 });
    const auto = (status!.autogen as { rules: { name: string; match: { any: { resources: { kinds: string[] } }[] }; validate: { pattern: unknown } }[] }).rules;
    assert.deepEqual(auto.map((r) => r.name), ['autogen-require-image-tag', 'autogen-cronjob-require-image-tag', 'autogen-validate-image-tag', 'autogen-cronjob-validate-image-tag']);
    assert.deepEqual(auto[0].match.any[0].resources.kinds, ['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
    assert.deepEqual(auto[0].validate.pattern, { spec: { template: { spec: { containers: [{ image: '*:*' }] } } } });
    assert.deepEqual(auto[1].match.any[0].resources.kinds, ['CronJob']);
    assert.deepEqual(auto[1].validate.pattern, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: '*:*' }] } } } } } });
    assert.deepEqual(status!.validatingadmissionpolicy, { generated: false, message: '' });
  });

  it('a stopped admission controller writes nothing', () => {
    assert.equal(model.status(sampleObject(model, 'ClusterPolicy', 'kyverno', undefined), new FakeWorld()), undefined);
  });
});
