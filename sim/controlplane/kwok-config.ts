/**
 * kwok's configuration: its options, kwok's own upstream Stages (nodes initialise and keep a lease;
 * pods become Ready, Job pods complete, deleted pods go), and two Stages of this project for
 * containers that cannot run: a pod whose template carries `sim.openova.io/container-state`
 * (`CrashLoopBackOff`, `ImagePullBackOff`, `ErrImagePull`) stays Running-not-Ready or Pending with that
 * reason, the way a kubelet reports a crashing container or an image it cannot pull.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { cachedFiles } from './assets.js';

export const CONTAINER_STATE = 'sim.openova.io/container-state';
/** The message the kubelet reports with that state (default: kwok's back-off line). */
export const CONTAINER_MESSAGE = 'sim.openova.io/container-message';
/** Set while a kubelet pull model has not pulled the pod's images yet: kwok does not start it. */
export const IMAGE_PULL = 'sim.openova.io/image-pull';
/** `host`: a host runtime runs the pod's containers for real and reports its status, not kwok. */
export const RUNTIME = 'sim.openova.io/runtime';
/** Namespaces whose pods a host runtime runs (the walk's probe and backstop Jobs). */
export const HOST_RUN_NAMESPACES = ['sovereign-walk'];

function options(kubeletPort: number): string {
  return stringify({
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokConfiguration',
    options: {
      nodeIP: '127.0.0.1',
      nodePort: kubeletPort,
      serverAddress: `127.0.0.1:${kubeletPort}`,
      // Its documented default is not applied when options come from --config.
      enableDebuggingHandlers: true,
      manageNodesWithAnnotationSelector: 'kwok.x-k8s.io/node=fake',
      enableCRDs: ['Exec', 'ClusterExec', 'Logs', 'ClusterLogs'],
      podPlayStageParallelism: 16,
      nodePlayStageParallelism: 4,
      nodeLeaseParallelism: 4,
      podsOnNodeSyncParallelism: 4,
      nodeLeaseDurationSeconds: 40,
      enablePodsOnNodeSyncListPager: true,
      enablePodsOnNodeSyncStreamWatch: true,
    },
  });
}

const NOT_FAULTED = `    - key: '.metadata.annotations["${CONTAINER_STATE}"]'
      operator: 'DoesNotExist'`;

const NOT_HOST_RUN = `    - key: '.metadata.namespace'
      operator: 'NotIn'
      values: [${HOST_RUN_NAMESPACES.map((n) => `'${n}'`).join(', ')}]
    - key: '.metadata.annotations["${RUNTIME}"]'
      operator: 'DoesNotExist'`;

const PULLED = `    - key: '.metadata.annotations["${IMAGE_PULL}"]'
      operator: 'DoesNotExist'`;

/**
 * Upstream's pod-ready stage must leave faulted pods to the stages below and wait for the pull
 * model; neither it nor pod-complete may touch the pods a host runtime runs.
 */
function guardPodStages(doc: string): string {
  const guards = /name: pod-ready\b/.test(doc) ? [NOT_FAULTED, PULLED, NOT_HOST_RUN] : /name: pod-complete\b/.test(doc) ? [NOT_HOST_RUN] : [];
  if (!guards.length) return doc;
  return doc.replace(/(  selector:\n    matchExpressions:\n)/, `$1${guards.join('\n')}\n`);
}

const FAULT_STAGES = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sim-container-crashloop
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.metadata.annotations["${CONTAINER_STATE}"]'
      operator: 'In'
      values: ['CrashLoopBackOff']
    - key: '.status.phase'
      operator: 'In'
      values: ['Pending']
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - {lastTransitionTime: {{ $now | Quote }}, status: "True", type: Initialized}
      - {lastTransitionTime: {{ $now | Quote }}, status: "False", type: Ready, reason: ContainersNotReady}
      - {lastTransitionTime: {{ $now | Quote }}, status: "False", type: ContainersReady, reason: ContainersNotReady}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 5
        lastState:
          terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}
        state:
          waiting:
            reason: CrashLoopBackOff
            message: {{ printf "back-off 2m40s restarting failed container=%s" .name | Quote }}
      {{ end }}
      {{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      {{ with $podIPs }}
      podIP: {{ index . 0 | Quote }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: sim-image-pull-backoff
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.metadata.annotations["${CONTAINER_STATE}"]'
      operator: 'In'
      values: ['ImagePullBackOff', 'ErrImagePull']
    - key: '.status.containerStatuses'
      operator: 'DoesNotExist'
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $reason := index .metadata.annotations "${CONTAINER_STATE}" }}
      {{ $message := index .metadata.annotations "${CONTAINER_MESSAGE}" }}
      conditions:
      - {lastTransitionTime: {{ $now | Quote }}, status: "True", type: PodScheduled}
      - {lastTransitionTime: {{ $now | Quote }}, status: "False", type: Ready, reason: ContainersNotReady}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        state:
          waiting:
            reason: {{ $reason | Quote }}
            message: {{ if $message }}{{ $message | Quote }}{{ else }}{{ printf "Back-off pulling image %q" .image | Quote }}{{ end }}
      {{ end }}
      phase: Pending
`;

export function kwokConfig(o: { kubeletPort: number }): string {
  const stages = cachedFiles('kwok-stages').map((f) => guardPodStages(readFileSync(f, 'utf8').trim()));
  return [options(o.kubeletPort).trim(), ...stages, FAULT_STAGES.trim()].join('\n---\n') + '\n';
}
