// Source: sigstore/policy-controller v0.13 pkg/reconciler/clusterimagepolicy and
// pkg/apis/policy/v1alpha1/clusterimagepolicy_lifecycle.go: the reconciler inlines the policy's keys
// and policies and compiles it into the config-image-policies ConfigMap; its generated Knative
// reconciler then writes KeysInlined, PoliciesInlined, ConfigMapUpdated and the summary Ready
// (True conditions carry no reason) with observedGeneration. The CRD converts between versions
// through the controller's webhook, so charts write the stored version, v1alpha1.
import { knativeCondition } from './conditions.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'cosign-system';

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'policy-controller-webhook');
}

export const sigstore: OperatorModel = {
  group: 'policy.sigstore.dev',
  kinds: { ClusterImagePolicy: 'v1alpha1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'policy-controller-webhook' },
  webhook: { service: 'webhook', port: 443, targetPort: 8443, crds: ['clusterimagepolicies.policy.sigstore.dev'] },
  sample: (_kind, _name, _namespace, sovereign) => ({
    spec: {
      images: [{ glob: `registry.${sovereign}/**` }],
      authorities: [{
        keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github.com/openova-io/.+$' }] },
        ctlog: { url: 'https://rekor.sigstore.dev' },
      }],
      mode: 'warn',
    },
  }),
  status(obj, world) {
    if (!running(world)) return undefined;
    return {
      conditions: ['ConfigMapUpdated', 'KeysInlined', 'PoliciesInlined', 'Ready'].map((type) => knativeCondition(obj, type, 'True')),
      observedGeneration: obj.metadata.generation,
    };
  },
};
