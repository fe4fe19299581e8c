/** The Helm templates of a platform chart: workloads, Services, HTTPRoutes with the labels Helm charts put on everything. */
import { helmBlock, helmYaml } from './helm-yaml.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface Workload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  container?: string;
  port?: number;
  /** Desired replicas of a Deployment or StatefulSet (values can override). */
  replicas?: number;
  env?: { name: string; value: string }[];
}

const WORKLOAD_KINDS: Record<string, WorkloadKind> = { deploy: 'Deployment', deployment: 'Deployment', sts: 'StatefulSet', statefulset: 'StatefulSet', ds: 'DaemonSet', daemonset: 'DaemonSet' };

export function workloadKind(word: string): WorkloadKind | undefined {
  return WORKLOAD_KINDS[word.toLowerCase()];
}

/** Labels Helm charts put on everything they render. */
export function labels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': '{{ .Release.Name }}',
    'app.kubernetes.io/part-of': component,
    'app.kubernetes.io/managed-by': '{{ .Release.Service }}',
    'helm.sh/chart': '{{ .Chart.Name }}-{{ .Chart.Version }}',
  };
}

function selector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': '{{ .Release.Name }}' };
}

export function workloadManifest(w: Workload, component: string, image: string): string {
  const podLabels = selector(w.name);
  const template = {
    // The chart's podAnnotations, and per workload `workloadPodAnnotations.<name>` (values win in that order).
    metadata: { labels: { ...podLabels, 'app.kubernetes.io/part-of': component }, annotations: helmBlock(`(merge (dict) (index .Values.workloadPodAnnotations "${w.name}" | default dict) .Values.podAnnotations)`) },
    spec: {
      containers: [{
        name: w.container ?? w.name,
        image: `${image}:{{ .Values.image.tag }}`,
        imagePullPolicy: 'IfNotPresent',
        ...(w.port ? { ports: [{ name: 'http', containerPort: w.port, protocol: 'TCP' }] } : {}),
        ...(w.env?.length ? { env: w.env } : {}),
        resources: { requests: { cpu: '50m', memory: '64Mi' } },
      }],
    },
  };
  const replicas = `{{ .Values.replicas | default ${w.replicas ?? 1} }}`;
  const spec = w.kind === 'DaemonSet'
    ? { selector: { matchLabels: podLabels }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }
    : w.kind === 'StatefulSet'
      ? { replicas, serviceName: w.name, selector: { matchLabels: podLabels }, template, podManagementPolicy: 'Parallel' }
      : { replicas, selector: { matchLabels: podLabels }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } };
  return helmYaml({ apiVersion: 'apps/v1', kind: w.kind, metadata: { name: w.name, namespace: w.namespace, labels: labels(w.name, component) }, spec });
}

export function serviceManifest(s: { namespace: string; name: string; port: number; targetPort: number; selectorName: string }, component: string): string {
  return helmYaml({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, labels: labels(s.name, component) },
    spec: { type: 'ClusterIP', selector: selector(s.selectorName), ports: [{ name: 'http', port: s.port, targetPort: s.targetPort, protocol: 'TCP' }] },
  });
}

export function routeManifest(r: { namespace: string; name: string; host: string; path: string; service: string; port: number }, component: string): string {
  return helmYaml({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: r.name, namespace: r.namespace, labels: labels(r.name, component) },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cilium-gateway', namespace: 'kube-system' }],
      hostnames: [r.host],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: r.path } }], backendRefs: [{ kind: 'Service', name: r.service, port: r.port }] }],
    },
  });
}

