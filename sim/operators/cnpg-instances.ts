// Source: cloudnative-pg 1.27 pkg/specs/pods.go (instance Pods `<cluster>-<serial>`, created one
// by one by the operator, no StatefulSet), pkg/specs/services.go (`-rw`, `-ro`, `-r`) and
// updateRoleLabelsOnPods (the current primary, or a replica cluster's designated primary, carries
// role/cnpg.io/instanceRole `primary`, every other instance `replica`).
import type { KubeObject } from '../kube-client/api.js';

export const OPERATOR_VERSION = '1.27.1';
export const DEFAULT_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:17.5';

/** CNPG fencing: a JSON list of instance names, `["*"]` for every instance of the Cluster. */
export const FENCED_INSTANCES = 'cnpg.io/fencedInstances';

/** Whether `instance` is fenced; an unreadable list fences nothing (CNPG's IsInstanceFenced). */
export function isInstanceFenced(cluster: KubeObject, instance: string): boolean {
  const raw = cluster.metadata.annotations?.[FENCED_INSTANCES];
  if (!raw) return false;
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) && (list.includes('*') || list.includes(instance));
  } catch {
    return false;
  }
}

export interface ClusterSpec {
  instances?: number;
  imageName?: string;
  replica?: { enabled?: boolean; source?: string };
}

export function imageOf(cluster: KubeObject): string {
  return (cluster.spec as ClusterSpec | undefined)?.imageName ?? DEFAULT_IMAGE;
}

function majorOf(image: string): string {
  return /:(\d+)/.exec(image)?.[1] ?? '';
}

export function commonLabels(cluster: KubeObject): Record<string, string> {
  return {
    'cnpg.io/cluster': cluster.metadata.name,
    'app.kubernetes.io/name': 'postgresql',
    'app.kubernetes.io/instance': cluster.metadata.name,
    'app.kubernetes.io/version': majorOf(imageOf(cluster)),
    'app.kubernetes.io/component': 'database',
    'app.kubernetes.io/managed-by': 'cloudnative-pg',
  };
}

/** `<cluster>-3` → 3. */
export function serialOf(cluster: string, pod: string): number {
  return pod.startsWith(`${cluster}-`) ? Number(pod.slice(cluster.length + 1)) || 0 : 0;
}

export function instancePod(cluster: KubeObject, serial: number, primary: string | undefined): Record<string, unknown> {
  const name = `${cluster.metadata.name}-${serial}`;
  const ns = cluster.metadata.namespace ?? '';
  const role = primary === undefined ? undefined : name === primary ? 'primary' : 'replica';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { ...commonLabels(cluster), 'cnpg.io/instanceName': name, 'cnpg.io/podRole': 'instance', ...(role ? { role, 'cnpg.io/instanceRole': role } : {}) },
      annotations: { 'cnpg.io/nodeSerial': String(serial), 'cnpg.io/operatorVersion': OPERATOR_VERSION },
    },
    spec: {
      hostname: name,
      serviceAccountName: cluster.metadata.name,
      terminationGracePeriodSeconds: 1800,
      securityContext: { runAsUser: 26, runAsGroup: 26, runAsNonRoot: true, fsGroup: 26, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'postgres',
        image: imageOf(cluster),
        command: ['/controller/manager', 'instance', 'run'],
        env: [
          { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
          { name: 'POD_NAME', value: name },
          { name: 'NAMESPACE', value: ns },
          { name: 'CLUSTER_NAME', value: cluster.metadata.name },
          { name: 'PGPORT', value: '5432' },
          { name: 'PGHOST', value: '/controller/run' },
          { name: 'TMPDIR', value: '/controller/tmp' },
        ],
        ports: [
          { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
          { name: 'status', containerPort: 8000, protocol: 'TCP' },
        ],
        readinessProbe: { httpGet: { path: '/readyz', port: 8000 }, periodSeconds: 10, timeoutSeconds: 5 },
      }],
    },
  };
}

export function clusterServices(cluster: KubeObject): Record<string, unknown>[] {
  const name = cluster.metadata.name;
  const selectors: [string, Record<string, string>][] = [
    ['rw', { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'primary' }],
    ['ro', { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'replica' }],
    ['r', { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' }],
  ];
  return selectors.map(([suffix, selector]) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${name}-${suffix}`, namespace: cluster.metadata.namespace, labels: commonLabels(cluster) },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'postgres', protocol: 'TCP', port: 5432, targetPort: 'postgresql' }] },
  }));
}
