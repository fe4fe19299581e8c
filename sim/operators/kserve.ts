// Source: kserve v0.15 in RawDeployment mode (the Sovereign's KServe config makes it the default;
// Serverless would need Knative Services). The predictor is a Deployment and a Service
// `<name>-predictor` (pkg/controller/v1beta1/inferenceservice/reconcilers/raw);
// PropagateRawStatus copies the Deployment's Available condition into PredictorReady
// (MarkTrue drops reason and message); the raw ingress reconciler sets IngressReady=False reason
// "Predictor ingress not created" while the predictor is not ready, else True with status.url
// and status.address; Ready follows its dependents through Knative's ConditionSet (the last
// dependent marked False gives its reason). modelStatus: Pending/InProgress until the predictor
// is ready, then Loaded/UpToDate with the pod count as copies.
import type { KubeObject } from '../kube-client/api.js';
import { knativeCondition } from './conditions.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'kserve';

interface PredictorSpec {
  minReplicas?: number;
  containers?: Record<string, unknown>[];
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'kserve-controller-manager');
}

function predictorName(obj: KubeObject): string {
  return `${obj.metadata.name}-predictor`;
}

function predictor(obj: KubeObject): PredictorSpec {
  return ((obj.spec as { predictor?: PredictorSpec } | undefined)?.predictor) ?? {};
}

function podLabels(obj: KubeObject): Record<string, string> {
  return { ...obj.metadata.labels, app: `isvc.${predictorName(obj)}`, component: 'predictor', 'serving.kserve.io/inferenceservice': obj.metadata.name };
}

function containerPort(obj: KubeObject): number {
  const ports = (predictor(obj).containers?.[0]?.ports as { containerPort?: number }[] | undefined) ?? [];
  return ports[0]?.containerPort ?? 8080;
}

/** The predictor Deployment's Available condition, as the Deployment controller wrote it. */
function available(obj: KubeObject, world: OperatorWorld): { status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string } {
  const d = world.get('apps/v1', 'Deployment', obj.metadata.namespace, predictorName(obj));
  const c = ((d?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((x) => x.type === 'Available');
  if (!c) return { status: 'Unknown' };
  return { status: c.status === 'True' ? 'True' : 'False', reason: c.reason, message: c.message };
}

export const kserve: OperatorModel = {
  group: 'serving.kserve.io',
  kinds: { InferenceService: 'v1beta1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'kserve-controller-manager' },
  sample: (_kind, name) => ({
    spec: {
      predictor: {
        minReplicas: 1,
        containers: [{
          name: 'kserve-container',
          image: 'vllm/vllm-openai:v0.9.2',
          args: ['--model', 'Qwen/Qwen2.5-0.5B-Instruct', '--served-model-name', name, '--port', '8080'],
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        }],
      },
    },
  }),
  owned(obj, world) {
    if (!running(world)) return undefined;
    const name = predictorName(obj);
    const ns = obj.metadata.namespace;
    const labels = podLabels(obj);
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels },
        spec: {
          replicas: predictor(obj).minReplicas ?? 1,
          selector: { matchLabels: { app: labels.app } },
          template: { metadata: { labels, annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } }, spec: { containers: predictor(obj).containers ?? [] } },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, labels },
        spec: { type: 'ClusterIP', selector: { app: labels.app }, ports: [{ name: 'http', port: 80, targetPort: containerPort(obj), protocol: 'TCP' }] },
      },
    ];
  },
  status(obj, world) {
    if (!running(world)) return undefined;
    const ns = obj.metadata.namespace ?? '';
    const domain = world.sovereign;
    const pred = available(obj, world);
    const ready = pred.status === 'True';
    const pods = world.list('v1', 'Pod', ns).filter((p) => p.metadata.labels?.['serving.kserve.io/inferenceservice'] === obj.metadata.name && p.metadata.labels?.component === 'predictor');
    const before = (obj.status ?? {}) as { url?: string; address?: unknown; modelStatus?: { states?: { activeModelState?: string } } };
    return {
      ...(ready
        ? { url: `http://${obj.metadata.name}-${ns}.${domain}`, address: { url: `http://${predictorName(obj)}.${ns}.svc.cluster.local` } }
        : { ...(before.url ? { url: before.url } : {}), ...(before.address ? { address: before.address } : {}) }),
      components: { predictor: ready ? { url: `http://${predictorName(obj)}-${ns}.${domain}` } : {} },
      conditions: [
        knativeCondition(obj, 'IngressReady', ready ? 'True' : 'False', 'Predictor ingress not created'),
        knativeCondition(obj, 'PredictorReady', pred.status, pred.reason, pred.message),
        knativeCondition(obj, 'Ready', ready ? 'True' : 'False', 'Predictor ingress not created'),
      ],
      deploymentMode: 'RawDeployment',
      modelStatus: ready
        ? { states: { activeModelState: 'Loaded', targetModelState: 'Loaded' }, transitionStatus: 'UpToDate', copies: { failedCopies: 0, totalCopies: pods.length } }
        : { states: { activeModelState: before.modelStatus?.states?.activeModelState ?? '', targetModelState: 'Pending' }, transitionStatus: 'InProgress' },
      observedGeneration: obj.metadata.generation,
    };
  },
};
