// Source: opentelemetry-operator v0.135 internal/manifests/collector (the collector Deployment
// `<name>-collector`, its ServiceAccount, config ConfigMap `<name>-collector-<hash>` and Services;
// labels from manifestutils.Labels/SelectorLabels: the object's own labels, `app.kubernetes.io/name`
// kept when already set) and internal/status/collector (status.version is the operator's collector
// version; for a Deployment status.image is its first container's image and status.scale is
// replicas, the label selector and "<ready>/<replicas>" read from the Deployment; nothing is
// written while the Deployment cannot be read). No phase, no conditions. Only mode `deployment`
// is modelled: collectors in other modes get nothing.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { KubeObject } from '../kube-client/api.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'opentelemetry-operator-system';
const COLLECTOR_VERSION = '0.135.0';
const DEFAULT_IMAGE = `otel/opentelemetry-collector-k8s:${COLLECTOR_VERSION}`;

interface CollectorSpec {
  mode?: string;
  replicas?: number;
  image?: string;
  config?: { receivers?: Record<string, { protocols?: Record<string, { endpoint?: string }> } | null> };
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'opentelemetry-operator');
}

function spec(obj: KubeObject): CollectorSpec {
  return (obj.spec ?? {}) as CollectorSpec;
}

function selectorLabels(obj: KubeObject): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/instance': `${obj.metadata.namespace}.${obj.metadata.name}`.slice(0, 63),
    'app.kubernetes.io/part-of': 'opentelemetry',
    'app.kubernetes.io/component': 'opentelemetry-collector',
  };
}

function labels(obj: KubeObject): Record<string, string> {
  const tag = (spec(obj).image ?? DEFAULT_IMAGE).split(':');
  return {
    'app.kubernetes.io/name': `${obj.metadata.name}-collector`,
    ...obj.metadata.labels,
    ...selectorLabels(obj),
    'app.kubernetes.io/version': tag.length === 2 ? tag[1].slice(0, 63) : 'latest',
  };
}

/** `k=v,k2=v2` with keys sorted, as labels.Selector.String() prints it. */
function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}

/** Ports the receivers listen on (`0.0.0.0:4317` under otlp.protocols.grpc → otlp-grpc 4317). */
function receiverPorts(obj: KubeObject): { name: string; port: number }[] {
  const out: { name: string; port: number }[] = [];
  for (const [receiver, cfg] of Object.entries(spec(obj).config?.receivers ?? {})) {
    for (const [protocol, p] of Object.entries(cfg?.protocols ?? {})) {
      const port = Number(/:(\d+)$/.exec(p?.endpoint ?? '')?.[1]);
      if (port) out.push({ name: `${receiver}-${protocol}`.slice(0, 15), port });
    }
  }
  return out;
}

function deploymentMode(obj: KubeObject): boolean {
  return (spec(obj).mode ?? 'deployment') === 'deployment';
}

function collectorName(obj: KubeObject): string {
  return `${obj.metadata.name}-collector`;
}

function owned(obj: KubeObject): Record<string, unknown>[] {
  const name = collectorName(obj);
  const ns = obj.metadata.namespace;
  const config = stringify(spec(obj).config ?? {});
  const hash = createHash('sha256').update(config).digest('hex');
  const configMap = `${name}-${hash.slice(0, 8)}`;
  const ports = receiverPorts(obj);
  const meta = (n: string, extra: Record<string, string> = {}) => ({ name: n, namespace: ns, labels: { ...labels(obj), ...extra } });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(configMap), data: { 'collector.yaml': config } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: spec(obj).replicas ?? 1,
        selector: { matchLabels: selectorLabels(obj) },
        template: {
          metadata: { labels: labels(obj), annotations: { 'opentelemetry-operator-config/sha256': hash } },
          spec: {
            serviceAccountName: name,
            containers: [{
              name: 'otc-container',
              image: spec(obj).image ?? DEFAULT_IMAGE,
              args: ['--config=/conf/collector.yaml'],
              ports: [...ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })), { name: 'metrics', containerPort: 8888, protocol: 'TCP' }],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              volumeMounts: [{ name: 'otc-internal', mountPath: '/conf' }],
            }],
            volumes: [{ name: 'otc-internal', configMap: { name: configMap, items: [{ key: 'collector.yaml', path: 'collector.yaml' }] } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, { 'operator.opentelemetry.io/collector-service-type': 'base' }),
      spec: { type: 'ClusterIP', selector: selectorLabels(obj), ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' })) },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${name}-monitoring`, { 'operator.opentelemetry.io/collector-service-type': 'monitoring' }),
      spec: { type: 'ClusterIP', selector: selectorLabels(obj), ports: [{ name: 'monitoring', port: 8888, targetPort: 8888, protocol: 'TCP' }] },
    },
  ];
}

export const openTelemetry: OperatorModel = {
  group: 'opentelemetry.io',
  kinds: { OpenTelemetryCollector: 'v1beta1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'opentelemetry-operator' },
  sample: () => ({
    spec: {
      mode: 'deployment',
      replicas: 1,
      image: DEFAULT_IMAGE,
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
        processors: { batch: { timeout: '5s' } },
        exporters: {
          'otlp/tempo': { endpoint: 'tempo.tempo.svc.cluster.local:4317', tls: { insecure: true } },
          'otlphttp/mimir': { endpoint: 'http://mimir.mimir.svc.cluster.local:8080/otlp' },
          'otlphttp/loki': { endpoint: 'http://loki.loki.svc.cluster.local:3100/otlp' },
        },
        service: {
          pipelines: {
            traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp/tempo'] },
            metrics: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlphttp/mimir'] },
            logs: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlphttp/loki'] },
          },
        },
      },
    },
  }),
  owned(obj, world) {
    return running(world) && deploymentMode(obj) ? owned(obj) : undefined;
  },
  status(obj, world) {
    if (!running(world) || !deploymentMode(obj)) return undefined;
    const deployment = world.get('apps/v1', 'Deployment', obj.metadata.namespace, collectorName(obj));
    if (!deployment) return undefined;
    const s = (deployment.status ?? {}) as { replicas?: number; readyReplicas?: number };
    const containers = ((deployment.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers) ?? [];
    return {
      version: COLLECTOR_VERSION,
      image: containers[0]?.image ?? '',
      scale: { replicas: s.replicas ?? 0, selector: selectorString(labels(obj)), statusReplicas: `${s.readyReplicas ?? 0}/${s.replicas ?? 0}` },
    };
  },
};
