/**
 * The Kubernetes objects of the counter database, as the platform's charts render them in each
 * region: a CNPG Cluster per region (bp-cnpg-pair: the primary, and the replica cluster streaming
 * from it), and the CNPGPair and Continuum (dr.openova.io/v1, bp-cnpg-pair and bp-continuum),
 * present in both regions as on a split-side Sovereign. The status shapes follow the CRDs
 * (sim/controlplane/crds/); the Clusters' status is the CNPG operator's.
 */
import type { ObjectRef } from '../kube-client/api.js';
import type { PairNames } from './pair.js';

/** Field manager of the objects the charts render. */
export const MANAGER = 'sim-dataplane';
/** Field manager of everything the Continuum controller writes. */
export const CONTINUUM_MANAGER = 'continuum';
export const NAMESPACE = 'sw-counter';
export const PAIR_NAME = 'sw-counter';
export const CONTINUUM_NAME = 'sw-counter';
export const PAIR_LABEL = 'catalyst.openova.io/cnpg-pair';
export const ROLE_LABEL = 'openova.io/cnpg-role';
export const REPLICATION_USER = 'streaming_replica';

export const CNPG_API = 'postgresql.cnpg.io/v1';
export const DR_API = 'dr.openova.io/v1';

/** Lease timing, scaled down from the platform's 30 s TTL / 10 s renew (same 3:1 ratio). */
/**
 * The platform's lease is renewed every 10 s and expires at 30 s; the embedded Sovereign keeps the
 * walk short with 500 ms / 5 s. A renewal is a query on the primary (probeTimeoutMs each), so only
 * a primary that answers nothing for 5 s loses the lease: a machine busy installing a kit must not
 * fail the pair over before the walk has begun.
 */
export const LEASE = { ttlMs: 5_000, renewMs: 500, probeTimeoutMs: 2_000 } as const;

type Body = ObjectRef & { metadata: { labels?: Record<string, string> } } & Record<string, unknown>;

export const continuumRef: ObjectRef = { apiVersion: DR_API, kind: 'Continuum', metadata: { name: CONTINUUM_NAME, namespace: NAMESPACE } };
export const pairRef: ObjectRef = { apiVersion: DR_API, kind: 'CNPGPair', metadata: { name: PAIR_NAME, namespace: NAMESPACE } };
export function clusterRef(name: string): ObjectRef {
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

export function namespaceObject(): Body {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
}

/**
 * A region's CNPG Cluster. The primary's synchronous standby is the replica cluster's designated
 * primary, named by its application_name (the replica cluster's name); with `synchronous` off
 * (the async-detached fault) the primary replicates asynchronously.
 */
export function clusterObject(role: 'primary' | 'replica', names: PairNames, opts: { synchronous: boolean }): Body {
  const name = role === 'primary' ? names.primaryCluster : names.replicaCluster;
  const ref = clusterRef(name);
  const base = {
    instances: 1,
    imageName: 'ghcr.io/cloudnative-pg/postgresql:15',
    storage: { size: '1Gi' },
    managed: { roles: [{ name: REPLICATION_USER, ensure: 'present', login: true, replication: true }] },
  };
  const postgresql = {
    pg_hba: [`host replication ${REPLICATION_USER} all scram-sha-256`],
    ...(role === 'primary' && opts.synchronous
      ? { parameters: { synchronous_commit: 'remote_apply' }, synchronous: { method: 'first', number: 1, maxStandbyNamesFromCluster: 0, standbyNamesPre: [names.replicaCluster], dataDurability: 'required' } }
      : {}),
  };
  const spec =
    role === 'primary'
      ? { ...base, postgresql, bootstrap: { initdb: { database: names.database, owner: names.owner } } }
      : {
          ...base,
          postgresql,
          bootstrap: { pg_basebackup: { source: names.primaryCluster, database: names.database, owner: names.owner } },
          replica: { enabled: true, source: names.primaryCluster },
          // Cilium ClusterMesh serves the primary region's -rw Service under its own name in every region.
          externalClusters: [{ name: names.primaryCluster, connectionParameters: { host: `${names.primaryCluster}-rw.${NAMESPACE}.svc`, user: REPLICATION_USER, dbname: 'postgres' } }],
        };
  return { ...ref, metadata: { ...ref.metadata, labels: { [PAIR_LABEL]: PAIR_NAME, [ROLE_LABEL]: role } }, spec };
}

export function pairObject(names: PairNames): Body {
  return {
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
  };
}

export function continuumObject(names: PairNames): Body {
  return {
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
  };
}
