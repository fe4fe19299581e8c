/**
 * The harness's own egress block (enforce mode) and its in-cluster backstop, as manifests.
 * With Cilium: one CiliumClusterwideNetworkPolicy selecting every endpoint, default-deny egress
 * with intra-cluster destinations and DNS allowed (the shape of step 08's defaultDenyEgress).
 * Without Cilium: one Kubernetes NetworkPolicy per namespace with the same allow-list (note:
 * NetworkPolicies only add allows, so a namespace whose own policies allow the world stays open;
 * the call-home probe is the proof either way).
 */
import type { KubeObject } from '../../target/objects.js';
import { ANNOTATION_EXPIRES, HARNESS_NAMESPACE, HARNESS_POLICY, INTRA_CLUSTER_CIDRS, LABEL_FAULT, LABEL_RUN, MANAGED_BY } from './constants.js';

export type PolicyMode = 'cilium' | 'networkpolicy';

export interface PolicyInput {
  faultId: string;
  runLabel: string;
  expiresAt: string;
}

function meta(name: string, p: PolicyInput, namespace?: string, extra: Record<string, string> = {}): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...MANAGED_BY, [LABEL_FAULT]: p.faultId, [LABEL_RUN]: p.runLabel, ...extra },
    annotations: { [ANNOTATION_EXPIRES]: p.expiresAt, 'sovereign-walk.openova.io/purpose': 'cutover egress block: no route to the mothership during the hold' },
  };
}

export function ciliumPolicy(p: PolicyInput): KubeObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumClusterwideNetworkPolicy',
    metadata: meta(HARNESS_POLICY, p),
    spec: {
      description: 'sovereign-walk cutover hold: default-deny egress, intra-cluster and DNS allowed',
      endpointSelector: {},
      enableDefaultDeny: { egress: true, ingress: false },
      egress: [
        { toEntities: ['kube-apiserver', 'host', 'remote-node', 'cluster'] },
        { toCIDR: [...INTRA_CLUSTER_CIDRS] },
        { toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] },
      ],
    },
  };
}

/** `nodeIps`: the nodes' InternalIPs, so host-network endpoints (API server, kubelet) stay reachable. */
export function networkPolicies(p: PolicyInput, namespaces: readonly string[], nodeIps: readonly string[]): KubeObject[] {
  return namespaces.map((ns) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(HARNESS_POLICY, p, ns),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [{ namespaceSelector: {} }] },
        { to: [...INTRA_CLUSTER_CIDRS, ...nodeIps.map((ip) => `${ip}/32`)].map((cidr) => ({ ipBlock: { cidr } })) },
        { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      ],
    },
  }));
}

/** API paths the backstop deletes (relative to the API server). */
export function policyPaths(mode: PolicyMode, namespaces: readonly string[]): string[] {
  return mode === 'cilium'
    ? [`/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/${HARNESS_POLICY}`]
    : namespaces.map((ns) => `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${HARNESS_POLICY}`);
}

const BACKSTOP_SCRIPT = [
  'set -u',
  'SA=/var/run/secrets/kubernetes.io/serviceaccount',
  'now=$(date +%s)',
  'if [ "$now" -lt "$EXPIRES_AT_EPOCH" ]; then sleep $((EXPIRES_AT_EPOCH - now)); fi',
  'rc=0',
  'for p in $DELETE_PATHS; do',
  '  code=$(curl -sS -o /dev/null -w "%{http_code}" --cacert "$SA/ca.crt" -H "Authorization: Bearer $(cat $SA/token)" -X DELETE "https://kubernetes.default.svc$p")',
  '  echo "DELETE $p -> $code" | tee -a /dev/termination-log',
  '  case "$code" in 200|202|404) ;; *) rc=1 ;; esac',
  'done',
  'exit $rc',
].join('\n');

/**
 * A dead-man switch that needs no laptop: a ServiceAccount allowed to delete only the policy,
 * and a Job that sleeps until the policy's expiry and deletes it. Created before the policy.
 */
export function backstopObjects(p: PolicyInput, mode: PolicyMode, namespaces: readonly string[], image: string, now = Date.now()): KubeObject[] {
  const name = `sw-backstop-${p.faultId}`.slice(0, 63);
  const role = { [LABEL_FAULT]: p.faultId };
  const expiresEpoch = Math.ceil(Date.parse(p.expiresAt) / 1000);
  const rule = mode === 'cilium'
    ? { apiGroups: ['cilium.io'], resources: ['ciliumclusterwidenetworkpolicies'], resourceNames: [HARNESS_POLICY], verbs: ['get', 'delete'] }
    : { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], resourceNames: [HARNESS_POLICY], verbs: ['get', 'delete'] };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, p, HARNESS_NAMESPACE, role) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name, p, undefined, role), rules: [rule] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(name, p, undefined, role),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: HARNESS_NAMESPACE }],
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(name, p, HARNESS_NAMESPACE, { ...role, 'sovereign-walk.openova.io/role': 'backstop' }),
      spec: {
        backoffLimit: 20,
        activeDeadlineSeconds: Math.max(60, expiresEpoch - Math.floor(now / 1000)) + 1800,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels: { ...MANAGED_BY, [LABEL_FAULT]: p.faultId, 'sovereign-walk.openova.io/role': 'backstop' } },
          spec: {
            serviceAccountName: name,
            restartPolicy: 'OnFailure',
            containers: [
              {
                name: 'backstop',
                image,
                command: ['sh', '-c', BACKSTOP_SCRIPT],
                env: [
                  { name: 'EXPIRES_AT_EPOCH', value: String(expiresEpoch) },
                  { name: 'DELETE_PATHS', value: policyPaths(mode, namespaces).join(' ') },
                ],
                resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '32Mi' } },
              },
            ],
          },
        },
      },
    },
  ];
}
