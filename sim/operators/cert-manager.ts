// Source: cert-manager v1.21 pkg/issuer/ca (setup.go): a CA issuer is Ready=True reason KeyPairVerified
// "Signing CA verified" once its secretName holds a CA key pair in the cluster resource namespace
// (cert-manager); otherwise Ready=False reason ErrGetKeyPair "Error getting keypair for CA issuer: …".
import { condition } from './conditions.js';
import type { OperatorModel } from './types.js';

const NAMESPACE = 'cert-manager';

export const certManager: OperatorModel = {
  group: 'cert-manager.io',
  kinds: { ClusterIssuer: 'v1', Issuer: 'v1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'cert-manager' },
  companions: (kind, name) =>
    kind === 'ClusterIssuer'
      ? [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-ca`, namespace: NAMESPACE }, type: 'kubernetes.io/tls', data: { 'tls.crt': '{{ $ca := genCA "sovereign-walk issuer" 3650 }}{{ $ca.Cert | b64enc }}', 'tls.key': '{{ $ca.Key | b64enc }}' } }]
      : [],
  sample: (_kind, name) => ({ spec: { ca: { secretName: `${name}-ca` } } }),
  status(obj, world) {
    if (!world.workloadReady('Deployment', NAMESPACE, 'cert-manager')) return undefined;
    const secretName = (obj.spec as { ca?: { secretName?: string } } | undefined)?.ca?.secretName ?? '';
    const ns = obj.kind === 'ClusterIssuer' ? NAMESPACE : obj.metadata.namespace;
    const secret = world.get('v1', 'Secret', ns, secretName);
    const ok = !!secret?.data && 'tls.crt' in (secret.data as object) && 'tls.key' in (secret.data as object);
    return {
      conditions: [condition(obj, ok
        ? { type: 'Ready', status: 'True', reason: 'KeyPairVerified', message: 'Signing CA verified' }
        : { type: 'Ready', status: 'False', reason: 'ErrGetKeyPair', message: `Error getting keypair for CA issuer: secrets "${secretName}" not found` })],
    };
  },
};
