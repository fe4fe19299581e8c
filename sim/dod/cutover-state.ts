/**
 * What bp-self-sovereign-cutover leaves behind on a cut-over primary region: the status
 * ConfigMap catalyst-api kept up to date (every step, every node's registry-pivot ack) and the
 * eleven Jobs it stamped, all Complete. Already present objects (another module's cutover
 * model) are left as they are.
 */
import type { ObjectStore } from '../kube/store.js';
import { create, ensure, ensureNamespace, rfc3339, writeStatus } from '../runtime/objects.js';

export const CUTOVER_NAMESPACE = 'catalyst';
export const STATUS_CONFIGMAP = 'self-sovereign-cutover-status';
export const CUTOVER_INSTANCE = 'self-sovereign-cutover';

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

export function jobName(index: number): string {
  return `cutover-step-${String(index + 1).padStart(2, '0')}-${CUTOVER_STEPS[index]}`;
}

/** Per-step wall time in the sim's history (s); step 08 holds the deny for its 600 s. */
const STEP_SECONDS = [180, 60, 420, 90, 30, 120, 30, 660, 20, 30, 40];

export interface CutoverTimes {
  startedMs: number;
}

/** The status ConfigMap's data after a finished cutover. */
export function statusData(nodes: string[], t: CutoverTimes): Record<string, string> {
  const data: Record<string, string> = {};
  let at = t.startedMs;
  CUTOVER_STEPS.forEach((step, i) => {
    data[`step.${step}.startedAt`] = rfc3339(at);
    at += STEP_SECONDS[i] * 1000;
    data[`step.${step}.finishedAt`] = rfc3339(at);
    data[`step.${step}.result`] = 'success';
    data[`step.${step}.jobName`] = jobName(i);
  });
  for (const n of nodes) data[`node.${n}.registriesYaml`] = 'v2';
  return {
    ...data,
    cutoverComplete: 'true',
    cutoverStartedAt: rfc3339(t.startedMs),
    cutoverFinishedAt: rfc3339(at),
    currentStep: CUTOVER_STEPS[CUTOVER_STEPS.length - 1],
    currentStepIndex: String(CUTOVER_STEPS.length),
    totalSteps: String(CUTOVER_STEPS.length),
    progressPercent: '100',
    failedStep: '',
    lastError: '',
    registriesYamlActive: 'v2',
  };
}

/**
 * An unrecorded cutover: every Job finished, but catalyst-api never wrote the last step's
 * result nor cutoverComplete (what trusting Job completion alone misses).
 */
export function markUnrecorded(store: ObjectStore): void {
  const last = CUTOVER_STEPS[CUTOVER_STEPS.length - 1];
  store.mutate('v1', 'ConfigMap', CUTOVER_NAMESPACE, STATUS_CONFIGMAP, (o) => {
    const data = (o.data ?? {}) as Record<string, string>;
    data.cutoverComplete = 'false';
    data.progressPercent = String(Math.floor(((CUTOVER_STEPS.length - 1) * 100) / CUTOVER_STEPS.length));
    delete data.cutoverFinishedAt;
    delete data[`step.${last}.finishedAt`];
    delete data[`step.${last}.result`];
    o.data = data;
  }, 'catalyst-api');
}

export function seedCutoverState(store: ObjectStore, opts: { nodes: string[]; times: CutoverTimes }): void {
  ensureNamespace(store, CUTOVER_NAMESPACE, 'helm-controller');
  ensure(
    store,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: STATUS_CONFIGMAP,
        namespace: CUTOVER_NAMESPACE,
        labels: { 'app.kubernetes.io/instance': CUTOVER_INSTANCE, 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      data: statusData(opts.nodes, opts.times),
    },
    'catalyst-api',
  );
  let at = opts.times.startedMs;
  CUTOVER_STEPS.forEach((step, i) => {
    const started = at;
    at += STEP_SECONDS[i] * 1000;
    const name = jobName(i);
    const labels = { 'app.kubernetes.io/instance': CUTOVER_INSTANCE, 'bp.openova.io/cutover-order': String(i + 1), 'bp.openova.io/cutover-step': step };
    if (store.get('batch/v1', 'Job', CUTOVER_NAMESPACE, name)) return;
    create(
      store,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: CUTOVER_NAMESPACE, labels },
        spec: {
          backoffLimit: 0,
          ttlSecondsAfterFinished: 86_400,
          template: {
            metadata: { labels },
            spec: { restartPolicy: 'Never', serviceAccountName: CUTOVER_INSTANCE, containers: [{ name: step, image: 'registry.k8s.io/kubectl:v1.30.6' }] },
          },
        },
      },
      'catalyst-api',
    );
    writeStatus(store, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: CUTOVER_NAMESPACE } }, 'kube-controller-manager', (o) => {
      const done = rfc3339(at);
      o.status = {
        startTime: rfc3339(started),
        completionTime: done,
        succeeded: 1,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: done, lastTransitionTime: done },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: done, lastTransitionTime: done },
        ],
      };
    });
  });
}
