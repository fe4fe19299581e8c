/**
 * What bp-self-sovereign-cutover left in a region that has cut over: its ServiceAccount and RBAC,
 * the status ConfigMap catalyst-api kept up to date (every step, every node's registry-pivot
 * acknowledgement) and the eleven step Jobs it stamped, which run on the region's nodes and are
 * completed by the real Job controller. The status ConfigMap is written first: the nodes' image
 * pulls follow its registries.yaml record.
 */
import type { SimRegion } from '../context.js';
import { nodeNames } from '../controlplane/nodes.js';
import { STATUS_CM } from './pulls.js';

export const CUTOVER_NAMESPACE = STATUS_CM.namespace;
export const CUTOVER_INSTANCE = 'self-sovereign-cutover';
export const STEP_IMAGE = 'registry.k8s.io/kubectl:v1.30.6';

export const CUTOVER_STEPS = [
  'gitea-mirror',
  'harbor-projects',
  'harbor-prewarm',
  'registry-pivot',
  'flux-gitrepository-patch',
  'helmrepository-patches',
  'catalyst-api-env-patch',
  'egress-block-test',
  'gitea-token-mint',
  'vcluster-registry-pivot',
  'crossplane-provider-pivot',
] as const;

/** Per-step wall time of the cutover (s); step 08 holds the deny for its 600 s. */
const STEP_SECONDS = [180, 60, 420, 90, 30, 120, 30, 660, 20, 30, 40];

export function stepJobName(index: number): string {
  return `cutover-step-${String(index + 1).padStart(2, '0')}-${CUTOVER_STEPS[index]}`;
}

export function stepLabels(index: number): Record<string, string> {
  return { 'app.kubernetes.io/instance': CUTOVER_INSTANCE, 'bp.openova.io/cutover-order': String(index + 1), 'bp.openova.io/cutover-step': CUTOVER_STEPS[index] };
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The status ConfigMap's data after a cutover that finished at `finishedMs`; `registries` is what every node acknowledged. */
export function statusData(nodes: string[], finishedMs: number, registries: 'v1' | 'v2'): Record<string, string> {
  const data: Record<string, string> = {};
  let at = finishedMs - STEP_SECONDS.reduce((a, b) => a + b, 0) * 1000;
  const startedMs = at;
  CUTOVER_STEPS.forEach((step, i) => {
    data[`step.${step}.startedAt`] = rfc3339(at);
    at += STEP_SECONDS[i] * 1000;
    data[`step.${step}.finishedAt`] = rfc3339(at);
    data[`step.${step}.result`] = 'success';
    data[`step.${step}.jobName`] = stepJobName(i);
  });
  for (const n of nodes) data[`node.${n}.registriesYaml`] = registries;
  return {
    ...data,
    cutoverComplete: 'true',
    cutoverStartedAt: rfc3339(startedMs),
    cutoverFinishedAt: rfc3339(at),
    currentStep: CUTOVER_STEPS[CUTOVER_STEPS.length - 1],
    currentStepIndex: String(CUTOVER_STEPS.length),
    totalSteps: String(CUTOVER_STEPS.length),
    progressPercent: '100',
    failedStep: '',
    lastError: '',
    registriesYamlActive: registries,
  };
}

/** An object the world's actors apply. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

/** The chart's ServiceAccount: its steps patch Flux sources, Deployments and the egress-block policy. */
function rbac(): Manifest[] {
  const meta = { name: CUTOVER_INSTANCE, labels: { 'app.kubernetes.io/instance': CUTOVER_INSTANCE, 'app.kubernetes.io/managed-by': 'Helm' } };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta, namespace: CUTOVER_NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta,
      rules: [
        { apiGroups: ['cilium.io'], resources: ['ciliumclusterwidenetworkpolicies'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
        { apiGroups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io'], resources: ['*'], verbs: ['get', 'list', 'watch', 'patch'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'] },
      ],
    } as Manifest,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CUTOVER_INSTANCE },
      subjects: [{ kind: 'ServiceAccount', name: CUTOVER_INSTANCE, namespace: CUTOVER_NAMESPACE }],
    } as Manifest,
  ];
}

function stepJob(index: number): Manifest {
  const labels = stepLabels(index);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: stepJobName(index), namespace: CUTOVER_NAMESPACE, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: { restartPolicy: 'Never', serviceAccountName: CUTOVER_INSTANCE, containers: [{ name: CUTOVER_STEPS[index], image: STEP_IMAGE }] },
      },
    },
  };
}

export async function seedCutoverState(region: SimRegion, registries: 'v1' | 'v2'): Promise<void> {
  const { api } = region;
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: CUTOVER_NAMESPACE } }, 'helm-controller');
  for (const o of rbac()) await api.apply(o, 'helm-controller');
  const status: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: STATUS_CM.name,
      namespace: CUTOVER_NAMESPACE,
      labels: { 'app.kubernetes.io/instance': CUTOVER_INSTANCE, 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'helm.sh/resource-policy': 'keep' },
    },
    data: statusData(nodeNames(region.name), Date.now(), registries),
  };
  await api.apply(status, 'catalyst-api');
  await Promise.all(CUTOVER_STEPS.map((_, i) => api.get('batch/v1', 'Job', CUTOVER_NAMESPACE, stepJobName(i)).then((j) => (j ? undefined : api.apply(stepJob(i), 'catalyst-api')))));
}
