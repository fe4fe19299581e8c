// Source: cloudnative-pg 1.27 api/v1/cluster_types.go (phase strings), cluster_create.go
// (createPrimaryInstance registers "Setting up primary" / "Creating primary instance <pod>",
// joinReplicaInstance "Creating a new replica" / "Creating replica <pod>-join", one instance at a
// time once the others are ready), cluster_controller.go ("Waiting for the instances to become
// active" / "Some instances are not yet active. Please wait."; failover "Failing over" /
// "Failing over from <old> to <new>" when the current primary is not ready and a replica is),
// RegisterPhase (condition Ready: ClusterIsReady "Cluster is Ready" only in "Cluster in healthy
// state", else ClusterIsNotReady "Cluster Is Not Ready"; no observedGeneration) and
// utils.ListStatusPods (instancesStatus healthy / replicating / failed). Instance storage (PVCs)
// and the initdb/join Jobs are not modelled: the instance Pods are created directly.
// Fencing (docs/src/fencing.md, handleSwitchover): a fenced instance's postmaster is shut down, its
// Pod kept but not Ready (the kubelet's readiness probe fails), and a fenced primary is not failed
// over. instancesReportedState: a replica cluster's designated primary reports isPrimary false
// (it replays from its source); once `spec.replica.enabled` is false it is promoted onto a new
// timeline and reports isPrimary true.
import type { KubeObject } from '../kube-client/api.js';
import { clusterServices, imageOf, instancePod, isInstanceFenced, serialOf, type ClusterSpec } from './cnpg-instances.js';
import { condition, rfc3339 } from './conditions.js';
import { podReady } from './endpoints.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'cnpg-system';
const WORKLOAD = 'cnpg-cloudnative-pg';

const PHASE = {
  firstPrimary: 'Setting up primary',
  creatingReplica: 'Creating a new replica',
  waiting: 'Waiting for the instances to become active',
  failOver: 'Failing over',
  healthy: 'Cluster in healthy state',
} as const;

interface PriorStatus {
  currentPrimary?: string;
  currentPrimaryTimestamp?: string;
  targetPrimary?: string;
  targetPrimaryTimestamp?: string;
  latestGeneratedNode?: number;
  timelineID?: number;
  instancesReportedState?: Record<string, { isPrimary?: boolean }>;
}

interface Plan {
  phase: string;
  reason: string;
  current?: string;
  target: string;
  timeline: number;
  /** Instance serials 1..created the operator keeps. */
  created: number;
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, WORKLOAD);
}

function instances(cluster: KubeObject, world: OperatorWorld): KubeObject[] {
  const name = cluster.metadata.name;
  return world
    .list('v1', 'Pod', cluster.metadata.namespace)
    .filter((p) => p.metadata.labels?.['cnpg.io/cluster'] === name && p.metadata.labels?.['cnpg.io/podRole'] === 'instance' && !p.metadata.deletionTimestamp)
    .sort((a, b) => serialOf(name, a.metadata.name) - serialOf(name, b.metadata.name));
}

/** Ready, and not fenced (a fenced instance's Pod may not have turned unready yet). */
function instanceReady(cluster: KubeObject, pod: KubeObject): boolean {
  return podReady(pod) && !isInstanceFenced(cluster, pod.metadata.name);
}

function replicaMode(cluster: KubeObject): boolean {
  return (cluster.spec as ClusterSpec | undefined)?.replica?.enabled === true;
}

/** The Pod conditions the kubelet reports for a running instance: Ready unless fenced. */
function probedStatus(cluster: KubeObject, pod: KubeObject | undefined): Record<string, unknown> | undefined {
  const status = pod?.status as { phase?: string; conditions?: Record<string, unknown>[] } | undefined;
  if (!pod || status?.phase !== 'Running') return undefined;
  const ready = isInstanceFenced(cluster, pod.metadata.name) ? 'False' : 'True';
  const conditions = (status.conditions ?? []).map((c) => {
    if ((c.type !== 'Ready' && c.type !== 'ContainersReady') || c.status === ready) return c;
    const { reason: _reason, message: _message, ...rest } = c;
    return { ...rest, status: ready, lastTransitionTime: rfc3339(), ...(ready === 'False' ? { reason: 'ContainersNotReady', message: 'containers with unready status: [postgres]' } : {}) };
  });
  return { conditions };
}

/** CNPG timestamps are RFC 3339 with microseconds. */
function timestamp(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function plan(cluster: KubeObject, pods: KubeObject[]): Plan {
  const name = cluster.metadata.name;
  const wanted = Math.max(1, (cluster.spec as ClusterSpec | undefined)?.instances ?? 1);
  const prior = (cluster.status ?? {}) as PriorStatus;
  const ready = (pod: string | undefined) => pods.some((p) => p.metadata.name === pod && instanceReady(cluster, p));
  const latest = Math.max(prior.latestGeneratedNode ?? 0, ...pods.map((p) => serialOf(name, p.metadata.name)));
  const created = Math.min(wanted, Math.max(latest, 1));
  let current = prior.currentPrimary;
  const target = prior.targetPrimary ?? `${name}-1`;
  let timeline = prior.timelineID ?? 1;
  // The instance manager of the target reports itself primary once it runs.
  if (current && target !== current && ready(target)) {
    current = target;
    timeline += 1;
  }
  if (!current && ready(target)) current = target;
  if (current && current === prior.currentPrimary && !replicaMode(cluster) && prior.instancesReportedState?.[current]?.isPrimary === false) timeline += 1;
  if (!current) return { phase: PHASE.firstPrimary, reason: `Creating primary instance ${target}`, target, timeline, created };
  const kept = Array.from({ length: created }, (_, i) => `${name}-${i + 1}`);
  if (!ready(current) && !isInstanceFenced(cluster, current)) {
    const candidate = kept.find((p) => p !== current && ready(p));
    if (candidate) return { phase: PHASE.failOver, reason: `Failing over from ${current} to ${candidate}`, current, target: candidate, timeline, created };
  }
  if (kept.some((p) => !ready(p))) return { phase: PHASE.waiting, reason: 'Some instances are not yet active. Please wait.', current, target: current, timeline, created };
  if (created < wanted) return { phase: PHASE.creatingReplica, reason: `Creating replica ${name}-${created + 1}-join`, current, target: current, timeline, created: created + 1 };
  return { phase: PHASE.healthy, reason: '', current, target: current, timeline, created };
}

function instancesStatus(cluster: KubeObject, pods: KubeObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of pods) {
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    const group = instanceReady(cluster, p) ? 'healthy' : phase === 'Succeeded' || phase === 'Failed' ? 'failed' : 'replicating';
    (out[group] ??= []).push(p.metadata.name);
  }
  return out;
}

export const cnpg: OperatorModel = {
  group: 'postgresql.cnpg.io',
  kinds: { Cluster: 'v1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: WORKLOAD },
  sample: () => ({
    spec: {
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5',
      primaryUpdateStrategy: 'unsupervised',
      storage: { size: '10Gi' },
      bootstrap: { initdb: { database: 'app', owner: 'app' } },
    },
  }),
  owned(obj, world) {
    if (!running(world)) return undefined;
    const p = plan(obj, instances(obj, world));
    return [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace } },
      ...clusterServices(obj),
      ...Array.from({ length: p.created }, (_, i) => {
        const pod = instancePod(obj, i + 1, p.current);
        const probed = probedStatus(obj, world.get('v1', 'Pod', obj.metadata.namespace, `${obj.metadata.name}-${i + 1}`));
        return probed ? { ...pod, status: probed } : pod;
      }),
    ];
  },
  status(obj, world) {
    if (!running(world)) return undefined;
    const pods = instances(obj, world);
    const p = plan(obj, pods);
    const prior = (obj.status ?? {}) as PriorStatus;
    const healthy = p.phase === PHASE.healthy;
    const reporting = pods.filter((x) => instanceReady(obj, x));
    return {
      instances: pods.length,
      readyInstances: reporting.length,
      instanceNames: pods.map((x) => x.metadata.name),
      instancesStatus: instancesStatus(obj, pods),
      // Left out when no instance reports: server-side apply turns an empty map into a null the CRD refuses.
      ...(reporting.length
        ? {
            instancesReportedState: Object.fromEntries(reporting.map((x) => [x.metadata.name, {
              isPrimary: x.metadata.name === p.current && !replicaMode(obj),
              timeLineID: p.timeline,
              ...((x.status as { podIP?: string } | undefined)?.podIP ? { ip: (x.status as { podIP: string }).podIP } : {}),
            }])),
          }
        : {}),
      latestGeneratedNode: p.created,
      phase: p.phase,
      ...(p.reason ? { phaseReason: p.reason } : {}),
      targetPrimary: p.target,
      targetPrimaryTimestamp: prior.targetPrimary === p.target && prior.targetPrimaryTimestamp ? prior.targetPrimaryTimestamp : timestamp(),
      ...(p.current
        ? {
            currentPrimary: p.current,
            currentPrimaryTimestamp: prior.currentPrimary === p.current && prior.timelineID === p.timeline && prior.currentPrimaryTimestamp ? prior.currentPrimaryTimestamp : timestamp(),
            timelineID: p.timeline,
          }
        : {}),
      image: imageOf(obj),
      writeService: `${obj.metadata.name}-rw`,
      readService: `${obj.metadata.name}-r`,
      conditions: [condition(obj, healthy
        ? { type: 'Ready', status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready' }
        : { type: 'Ready', status: 'False', reason: 'ClusterIsNotReady', message: 'Cluster Is Not Ready' }, false)],
    };
  },
};
