/**
 * The workload controllers of one region, as kube-controller-manager, the scheduler and the
 * kubelet together behave: Deployments own ReplicaSets own Pods, StatefulSets own ordinal
 * Pods, DaemonSets own one Pod per node; a Pod is scheduled, then started by the kubelet after
 * a short delay (or fails as the region's pod-health rules say); the owners' status follows
 * their Pods exactly as `kubectl rollout status` reads it. Deleted Pods are replaced.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject, OwnerReference } from '../kube/types.js';
import type { RegionHooks } from '../region-hooks.js';
import { DAEMONSET, DEPLOYMENT, NODE, POD, STATEFULSET } from '../resources.js';
import { between, WorkQueue } from '../runtime/queue.js';
import { create, inform, isTrue, record, rfc3339, statusOf, writeStatus } from '../runtime/objects.js';

const CONTROLLER = 'kube-controller-manager';
const KUBELET = 'k3s';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface WorkloadOptions {
  /** Delay between a Pod's creation and the kubelet reporting it (ms). */
  podStartMs: [number, number];
}

/** Like Kubernetes' rand.SafeEncodeString over a hash: a stable pod-template-hash. */
function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE_ALPHABET[digest[i] % SAFE_ALPHABET.length];
  return out;
}

function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function ownedBy(obj: KubeObject, kind: string, name: string): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller && r.kind === kind && r.name === name);
}

/** Status counters the API omits when zero (`json:",omitempty"`). */
function dropZero(status: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  for (const k of keys) if (status[k] === 0) delete status[k];
  return status;
}

function podReady(pod: KubeObject): boolean {
  return isTrue(pod, 'Ready');
}

function templateOf(w: KubeObject): { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> } {
  const t = record(record(w.spec).template);
  const meta = record(t.metadata);
  return {
    metadata: { labels: { ...(record(meta.labels) as Record<string, string>) }, ...(meta.annotations ? { annotations: record(meta.annotations) as Record<string, string> } : {}) },
    spec: { ...record(t.spec) },
  };
}

function podSpec(owner: KubeObject, template: ReturnType<typeof templateOf>, nodeName?: string): Record<string, unknown> {
  const containers = Array.isArray(template.spec.containers) && template.spec.containers.length
    ? template.spec.containers
    : [{ name: owner.metadata.name, image: `${owner.metadata.name}:latest` }];
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    ...template.spec,
    containers,
    ...(nodeName ? { nodeName } : {}),
  };
}

/** Installs the controllers and the kubelet model on one region; returns the stop function. */
export function installWorkloadControllers(store: ObjectStore, hooks: RegionHooks, opts: WorkloadOptions): () => void {
  const seenGeneration = new Map<string, number>();
  let nextPodIp = 2;
  let roundRobin = 0;

  const readyNodes = (): KubeObject[] => store.list('v1', 'Node').filter((n) => isTrue(n, 'Ready') && !record(n.spec).unschedulable);

  const listPods = (ns: string, kind: string, name: string): KubeObject[] =>
    store.list('v1', 'Pod', { namespace: ns }).filter((p) => ownedBy(p, kind, name) && !p.metadata.deletionTimestamp);

  const createPod = (owner: KubeObject, template: ReturnType<typeof templateOf>, meta: { name?: string; generateName?: string; labels: Record<string, string> }, nodeName?: string) => {
    create(
      store,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...(meta.name ? { name: meta.name } : { generateName: meta.generateName }),
          namespace: owner.metadata.namespace,
          labels: meta.labels,
          ...(template.metadata.annotations ? { annotations: template.metadata.annotations } : {}),
          ownerReferences: [controllerRef(owner)],
        },
        spec: podSpec(owner, template, nodeName),
      },
      CONTROLLER,
    );
  };

  const deletePods = (pods: KubeObject[]) => {
    for (const p of pods) store.delete('v1', 'Pod', p.metadata.namespace, p.metadata.name);
  };

  const reconcileDeployment = (ns: string, name: string) => {
    const d = store.get('apps/v1', 'Deployment', ns, name);
    const ownedSets = store.list('apps/v1', 'ReplicaSet', { namespace: ns }).filter((rs) => ownedBy(rs, 'Deployment', name));
    if (!d) {
      for (const rs of ownedSets) {
        deletePods(listPods(ns, 'ReplicaSet', rs.metadata.name));
        store.delete('apps/v1', 'ReplicaSet', ns, rs.metadata.name);
      }
      return;
    }
    const replicas = typeof record(d.spec).replicas === 'number' ? (record(d.spec).replicas as number) : 1;
    const template = templateOf(d);
    const hash = templateHash(template);
    const rsName = `${name}-${hash}`;
    const podLabels = { ...template.metadata.labels, 'pod-template-hash': hash };
    const selector = record(record(d.spec).selector);
    let rs = store.get('apps/v1', 'ReplicaSet', ns, rsName);
    if (!rs) {
      const revision = String(ownedSets.length + 1);
      rs = create(
        store,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rsName,
            namespace: ns,
            labels: podLabels,
            annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': revision },
            ownerReferences: [controllerRef(d)],
          },
          spec: {
            replicas,
            selector: { matchLabels: { ...(record(selector.matchLabels) as Record<string, string>), 'pod-template-hash': hash } },
            template: { metadata: { ...template.metadata, labels: podLabels }, spec: template.spec },
          },
        },
        CONTROLLER,
      );
    } else if (record(rs.spec).replicas !== replicas) {
      rs = store.mutate('apps/v1', 'ReplicaSet', ns, rsName, (o) => {
        record(o.spec).replicas = replicas;
      }, CONTROLLER);
    }
    for (const old of ownedSets.filter((s) => s.metadata.name !== rsName)) {
      deletePods(listPods(ns, 'ReplicaSet', old.metadata.name));
      if (record(old.spec).replicas !== 0) {
        store.mutate('apps/v1', 'ReplicaSet', ns, old.metadata.name, (o) => {
          record(o.spec).replicas = 0;
        }, CONTROLLER);
      }
      writeStatus(store, old, CONTROLLER, (o) => {
        o.status = { replicas: 0, observedGeneration: o.metadata.generation };
      });
    }
    const pods = listPods(ns, 'ReplicaSet', rsName);
    for (let i = pods.length; i < replicas; i++) createPod(rs, template, { generateName: `${rsName}-`, labels: podLabels }, undefined);
    deletePods(pods.slice(replicas));
    const current = listPods(ns, 'ReplicaSet', rsName);
    const ready = current.filter(podReady).length;
    writeStatus(store, rs, CONTROLLER, (o) => {
      o.status = {
        replicas: current.length,
        fullyLabeledReplicas: current.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: o.metadata.generation,
      };
    });
    writeStatus(store, d, CONTROLLER, (o) => {
      const done = current.length === replicas && ready === replicas;
      const status = statusOf(o);
      const now = rfc3339();
      const prev = (type: string) => (Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : []).find((c) => c.type === type);
      const cond = (type: string, s: string, reason: string, message: string) => {
        const p = prev(type);
        return {
          type,
          status: s,
          lastUpdateTime: p && p.reason === reason ? p.lastUpdateTime : now,
          lastTransitionTime: p && p.status === s ? p.lastTransitionTime : now,
          reason,
          message,
        };
      };
      o.status = dropZero(
        {
          observedGeneration: o.metadata.generation,
          replicas: current.length,
          updatedReplicas: current.length,
          readyReplicas: ready,
          availableReplicas: ready,
          unavailableReplicas: Math.max(0, replicas - ready),
          conditions: [
            ready >= replicas
              ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
              : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
            done
              ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
              : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
          ],
        },
        ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
      );
    });
  };

  const reconcileStatefulSet = (ns: string, name: string) => {
    const s = store.get('apps/v1', 'StatefulSet', ns, name);
    if (!s) {
      deletePods(listPods(ns, 'StatefulSet', name));
      return;
    }
    const replicas = typeof record(s.spec).replicas === 'number' ? (record(s.spec).replicas as number) : 1;
    const template = templateOf(s);
    const revision = `${name}-${templateHash(template)}`;
    let pods = listPods(ns, 'StatefulSet', name);
    deletePods(pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision || !/-(\d+)$/.test(p.metadata.name) || Number(/-(\d+)$/.exec(p.metadata.name)?.[1]) >= replicas));
    pods = listPods(ns, 'StatefulSet', name);
    for (let i = 0; i < replicas; i++) {
      const podName = `${name}-${i}`;
      if (pods.some((p) => p.metadata.name === podName) || store.get('v1', 'Pod', ns, podName)) continue;
      createPod(s, template, {
        name: podName,
        labels: { ...template.metadata.labels, 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i) },
      });
    }
    const current = listPods(ns, 'StatefulSet', name);
    const ready = current.filter(podReady).length;
    writeStatus(store, s, CONTROLLER, (o) => {
      o.status = dropZero({
        observedGeneration: o.metadata.generation,
        replicas: current.length,
        readyReplicas: ready,
        availableReplicas: ready,
        currentReplicas: current.length,
        updatedReplicas: current.length,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      }, ['readyReplicas', 'currentReplicas', 'updatedReplicas']);
    });
  };

  const reconcileDaemonSet = (ns: string, name: string) => {
    const ds = store.get('apps/v1', 'DaemonSet', ns, name);
    if (!ds) {
      deletePods(listPods(ns, 'DaemonSet', name));
      return;
    }
    const template = templateOf(ds);
    const hash = templateHash(template);
    const nodes = readyNodes().map((n) => n.metadata.name);
    const labels = { ...template.metadata.labels, 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation) };
    let pods = listPods(ns, 'DaemonSet', name);
    deletePods(pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash || !nodes.includes(String(record(p.spec).nodeName))));
    pods = listPods(ns, 'DaemonSet', name);
    for (const node of nodes) {
      if (!pods.some((p) => record(p.spec).nodeName === node)) createPod(ds, template, { generateName: `${name}-`, labels }, node);
    }
    const current = listPods(ns, 'DaemonSet', name);
    const ready = current.filter(podReady).length;
    writeStatus(store, ds, CONTROLLER, (o) => {
      o.status = dropZero({
        observedGeneration: o.metadata.generation,
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: current.length,
        updatedNumberScheduled: current.length,
        numberMisscheduled: 0,
        numberReady: ready,
        numberAvailable: ready,
        numberUnavailable: Math.max(0, nodes.length - ready),
      }, ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']);
    });
  };

  const queue = new WorkQueue(async (key) => {
    const [kind, ns, name] = key.split('/') as [WorkloadKind, string, string];
    if (kind === 'Deployment') reconcileDeployment(ns, name);
    else if (kind === 'StatefulSet') reconcileStatefulSet(ns, name);
    else reconcileDaemonSet(ns, name);
  });

  /** The kubelet: schedules an unscheduled Pod, then starts its containers (or fails them). */
  const kubeletStart = (ns: string, name: string) => {
    const pod = store.get('v1', 'Pod', ns, name);
    if (!pod || record(pod.status).phase === 'Running' || record(pod.status).startTime) return;
    let nodeName = record(pod.spec).nodeName as string | undefined;
    if (!nodeName) {
      const nodes = readyNodes();
      if (!nodes.length) return;
      nodeName = nodes[roundRobin++ % nodes.length].metadata.name;
      store.mutate('v1', 'Pod', ns, name, (o) => {
        record(o.spec).nodeName = nodeName;
      }, 'default-scheduler');
    }
    const node = store.get('v1', 'Node', undefined, nodeName);
    const hostIP = ((record(node?.status).addresses as { type: string; address: string }[] | undefined) ?? []).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.2';
    const podCidr = String(record(node?.spec).podCIDR ?? '10.42.0.0/24');
    const podIP = podCidr.replace(/\.0\/24$/, `.${(nextPodIp++ % 250) + 2}`);
    const failure = hooks.podFailure(pod);
    const now = rfc3339();
    const containers = (record(pod.spec).containers as { name: string; image: string }[] | undefined) ?? [];
    const running = failure?.reason === 'CrashLoopBackOff';
    const ok = !failure;
    const cond = (type: string, status: boolean, reason?: string, message?: string) => ({
      type,
      status: status ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: now,
      ...(reason ? { reason, message } : {}),
    });
    const names = containers.map((c) => c.name).join(' ');
    writeStatus(store, pod, KUBELET, (o) => {
      o.status = {
        phase: ok || running ? 'Running' : 'Pending',
        conditions: [
          cond('PodReadyToStartContainers', true),
          cond('Initialized', true),
          cond('Ready', ok, ok ? undefined : 'ContainersNotReady', `containers with unready status: [${names}]`),
          cond('ContainersReady', ok, ok ? undefined : 'ContainersNotReady', `containers with unready status: [${names}]`),
          cond('PodScheduled', true),
        ],
        hostIP,
        hostIPs: [{ ip: hostIP }],
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: now,
        qosClass: 'BestEffort',
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: ok || running ? `${c.image.replace(/:[^:/]+$/, '')}@sha256:${createHash('sha256').update(c.image).digest('hex')}` : '',
          ready: ok,
          started: ok,
          restartCount: running ? 3 : 0,
          ...(ok || running ? { containerID: `containerd://${createHash('sha256').update(`${ns}/${name}/${c.name}`).digest('hex')}` } : {}),
          state: ok ? { running: { startedAt: now } } : { waiting: { reason: failure?.reason, message: failure?.message } },
          ...(running ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } } } : {}),
        })),
      };
    });
  };

  const kubeletTimers = new Set<NodeJS.Timeout>();
  const ownerKey = (pod: KubeObject): string | undefined => {
    const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
    if (!ref) return undefined;
    const ns = pod.metadata.namespace ?? '';
    if (ref.kind === 'ReplicaSet') {
      const rs = store.get('apps/v1', 'ReplicaSet', ns, ref.name);
      const d = (rs?.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Deployment');
      return d ? `Deployment/${ns}/${d.name}` : undefined;
    }
    if (ref.kind === 'StatefulSet' || ref.kind === 'DaemonSet') return `${ref.kind}/${ns}/${ref.name}`;
    return undefined;
  };

  const unsubscribe = [
    ...[DEPLOYMENT, STATEFULSET, DAEMONSET].map((rt) =>
      inform(store, rt, (type, obj) => {
        const key = `${rt.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
        if (type === 'DELETED') {
          seenGeneration.delete(key);
          queue.enqueue(key);
          return;
        }
        if (seenGeneration.get(key) === obj.metadata.generation) return;
        seenGeneration.set(key, obj.metadata.generation);
        queue.enqueue(key);
      }),
    ),
    inform(store, POD, (type, pod) => {
      const key = ownerKey(pod);
      if (key) queue.enqueue(key, 5);
      if (type === 'ADDED' && !record(pod.status).phase) {
        const timer = setTimeout(() => {
          kubeletTimers.delete(timer);
          kubeletStart(pod.metadata.namespace ?? '', pod.metadata.name);
        }, between(...opts.podStartMs));
        kubeletTimers.add(timer);
      }
    }),
    inform(store, NODE, () => {
      for (const ds of store.list('apps/v1', 'DaemonSet')) queue.enqueue(`DaemonSet/${ds.metadata.namespace}/${ds.metadata.name}`, 5);
    }),
  ];

  return () => {
    queue.stop();
    for (const t of kubeletTimers) clearTimeout(t);
    for (const u of unsubscribe) u();
  };
}
