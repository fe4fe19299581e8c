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

/** Upstream's pod-ready stage must leave faulted pods to the stages below. */
function guardPodReady(doc: string): string {
  if (!/name: pod-ready\b/.test(doc)) return doc;
  return doc.replace(/(  selector:\n    matchExpressions:\n)/, `$1${NOT_FAULTED}\n`);
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
            message: {{ printf "Back-off pulling image %q" .image | Quote }}
      {{ end }}
      phase: Pending
`;

export function kwokConfig(o: { kubeletPort: number }): string {
  const stages = cachedFiles('kwok-stages').map((f) => guardPodReady(readFileSync(f, 'utf8').trim()));
  return [options(o.kubeletPort).trim(), ...stages, FAULT_STAGES.trim()].join('\n---\n') + '\n';
}
