/**
 * The Kubernetes objects of the sim's counter database: a CNPG Cluster per region, and the
 * CNPGPair and Continuum (dr.openova.io/v1) that bp-cnpg-pair and bp-continuum render, present in
 * both regions as on a split-side Sovereign. The shapes follow the CRDs (openova facts §5, §7).
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { ensure, ensureNamespace, setCondition, writeStatus } from '../runtime/objects.js';
import type { PairNames } from './pair.js';

export const MANAGER = 'sim-dataplane';
export const NAMESPACE = 'sw-counter';
export const PAIR_NAME = 'sw-counter';
export const CONTINUUM_NAME = 'sw-counter';
export const PAIR_LABEL = 'catalyst.openova.io/cnpg-pair';
export const ROLE_LABEL = 'openova.io/cnpg-role';

export const CNPG_API = 'postgresql.cnpg.io/v1';
export const DR_API = 'dr.openova.io/v1';

/** Lease timing, scaled down from the platform's 30 s TTL / 10 s renew (same 3:1 ratio). */
export const LEASE = { ttlMs: 600, renewMs: 200 } as const;

export interface Ref {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

export const continuumRef: Ref = { apiVersion: DR_API, kind: 'Continuum', metadata: { name: CONTINUUM_NAME, namespace: NAMESPACE } };
export const pairRef: Ref = { apiVersion: DR_API, kind: 'CNPGPair', metadata: { name: PAIR_NAME, namespace: NAMESPACE } };
export function clusterRef(name: string): Ref {
  return { apiVersion: CNPG_API, kind: 'Cluster', metadata: { name, namespace: NAMESPACE } };
}

/** RFC 3339 with milliseconds: the sim's lease runs in fractions of a second. */
export function at(ms: number): string {
  return new Date(ms).toISOString();
}

/** A Go `time.Duration` string (`850ms`, `1.234s`, `1m5.2s`), as metav1.Duration serialises. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = Number(((whole % 60_000) / 1000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

function instanceName(cluster: string): string {
  return `${cluster}-1`;
}

export function seedPrimaryRegion(store: ObjectStore, names: PairNames, seededAt: number): void {
  ensureNamespace(store, NAMESPACE, MANAGER);
  seedCluster(store, names.primaryCluster, 'primary', names, seededAt);
  seedPairAndContinuum(store, names, seededAt);
}

export function seedReplicaRegion(store: ObjectStore, names: PairNames, seededAt: number): void {
  ensureNamespace(store, NAMESPACE, MANAGER);
  seedCluster(store, names.replicaCluster, 'replica', names, seededAt);
  seedPairAndContinuum(store, names, seededAt);
}

function seedCluster(store: ObjectStore, name: string, role: 'primary' | 'replica', names: PairNames, seededAt: number): void {
  const ref = clusterRef(name);
  ensure(
    store,
    {
      ...ref,
      metadata: { ...ref.metadata, labels: { [PAIR_LABEL]: PAIR_NAME, [ROLE_LABEL]: role } },
      spec: {
        instances: 1,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:15',
        bootstrap: role === 'primary' ? { initdb: { database: names.database, owner: names.owner } } : { pg_basebackup: { source: names.primaryCluster } },
        replica: role === 'replica' ? { enabled: true, source: names.primaryCluster } : { enabled: false },
        postgresql: role === 'primary' ? { synchronous: { method: 'first', number: 1 } } : {},
        storage: { size: '1Gi' },
      },
    },
    MANAGER,
  );
  writeStatus(store, ref, MANAGER, (o) => {
    o.status = {
      instances: 1,
      readyInstances: 1,
      phase: 'Cluster in healthy state',
      currentPrimary: instanceName(name),
      targetPrimary: instanceName(name),
      currentPrimaryTimestamp: at(seededAt),
      timelineID: 1,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterIsReady', message: 'Cluster is Ready', lastTransitionTime: at(seededAt) }],
    };
  });
}

function seedPairAndContinuum(store: ObjectStore, names: PairNames, seededAt: number): void {
  ensure(
    store,
    {
      ...pairRef,
      metadata: { ...pairRef.metadata, labels: { [PAIR_LABEL]: PAIR_NAME } },
      spec: {
        primaryCluster: names.primaryCluster,
        replicaCluster: names.replicaCluster,
        primaryRegion: names.primaryRegion,
        replicaRegion: names.replicaRegion,
        rpoSeconds: 0,
        rtoSeconds: 30,
        topology: 'active-hot-standby',
      },
    },
    MANAGER,
  );
  ensure(
    store,
    {
      ...continuumRef,
      spec: {
        applicationRef: { name: 'sw-counter', namespace: NAMESPACE },
        cnpgPairRef: { name: PAIR_NAME, namespace: NAMESPACE },
        primaryRegion: names.primaryRegion,
        hotStandbyRegions: [names.replicaRegion],
        leaseClient: { kind: 'k8s-lease', config: { ttlSeconds: LEASE.ttlMs / 1000, renewSeconds: LEASE.renewMs / 1000 } },
        luaRecord: { selector: 'ifurlup', healthCheck: { url: '/healthz', intervalSeconds: 1, timeoutSeconds: 1 } },
        rto: '30s',
        rpo: '0s',
        autoFailover: true,
        switchover: { mechanism: 'cnpg-promote' },
      },
    },
    MANAGER,
  );
  writePairStatus(store, { phase: 'Streaming', streaming: true, currentPrimaryRegion: names.primaryRegion, walLagSeconds: 0 }, seededAt);
  writeContinuumStatus(store, { phase: 'Healthy', primaryRegion: names.primaryRegion, leaseHolder: names.primaryRegion, leaseExpiresAt: at(seededAt + LEASE.ttlMs), standbyAvailable: true, lagMs: { [names.replicaRegion]: 0 } }, seededAt);
}

export interface PairStatus {
  phase: string;
  streaming: boolean;
  currentPrimaryRegion: string;
  walLagSeconds: number;
}

export function writePairStatus(store: ObjectStore, s: PairStatus, now: number): void {
  writeStatus(store, pairRef, MANAGER, (o) => {
    o.status = { ...(o.status ?? {}), phase: s.phase, streaming: s.streaming, currentPrimaryRegion: s.currentPrimaryRegion, walLagSeconds: s.walLagSeconds, observedGeneration: o.metadata.generation };
    setCondition(
      o,
      s.streaming
        ? { type: 'Streaming', status: 'True', reason: 'WalStreaming', message: 'the replica streams WAL from the primary' }
        : { type: 'Streaming', status: 'False', reason: 'WalStreamDown', message: 'no WAL stream from the primary' },
      now,
    );
  });
}

export interface ContinuumStatus {
  phase: string;
  primaryRegion: string;
  leaseHolder: string;
  leaseExpiresAt: string;
  standbyAvailable: boolean;
  /** Replication lag per standby region (ms). */
  lagMs: Record<string, number>;
  lastSwitchover?: Record<string, string>;
  message?: string;
}

export function writeContinuumStatus(store: ObjectStore, s: ContinuumStatus, now: number): void {
  writeStatus(store, continuumRef, MANAGER, (o) => {
    const lag = Object.fromEntries(Object.entries(s.lagMs).map(([region, ms]) => [region, goDuration(ms)]));
    o.status = {
      ...(o.status ?? {}),
      phase: s.phase,
      primaryRegion: s.primaryRegion,
      leaseHolder: s.leaseHolder,
      leaseExpiresAt: s.leaseExpiresAt,
      replicationLag: lag,
      maxReplicationLag: goDuration(Math.max(0, ...Object.values(s.lagMs))),
      standbyAvailable: s.standbyAvailable,
      observedGeneration: o.metadata.generation,
      ...(s.lastSwitchover ? { lastSwitchover: s.lastSwitchover } : {}),
    };
    setCondition(
      o,
      s.standbyAvailable
        ? { type: 'StandbyAvailable', status: 'True', reason: 'ReplicaReady', message: 'the hot standby is ready' }
        : { type: 'StandbyAvailable', status: 'False', reason: 'NoReplica', message: 'no hot standby' },
      now,
    );
    const ready = s.phase === 'Healthy' || s.phase === 'FailedOver';
    setCondition(o, { type: 'Ready', status: ready ? 'True' : 'False', reason: s.phase, message: s.message ?? s.phase }, now);
  });
}

/** The replica cluster after promotion: no longer a replica, on a new timeline. */
export function markPromoted(store: ObjectStore, cluster: string, now: number): void {
  const ref = clusterRef(cluster);
  store.mutate(ref.apiVersion, ref.kind, ref.metadata.namespace, ref.metadata.name, (o: KubeObject) => {
    o.spec = { ...(o.spec ?? {}), replica: { enabled: false } };
  }, MANAGER);
  writeStatus(store, ref, MANAGER, (o) => {
    const status = (o.status ?? {}) as Record<string, unknown>;
    const timeline = typeof status.timelineID === 'number' ? status.timelineID : 1;
    o.status = { ...status, timelineID: timeline + 1, currentPrimary: instanceName(cluster), targetPrimary: instanceName(cluster), currentPrimaryTimestamp: at(now), phase: 'Cluster in healthy state' };
  });
}
