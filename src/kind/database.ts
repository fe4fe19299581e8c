/**
 * The counter app's database as a cross-region CNPG pair, the kind stand-in for bp-cnpg-pair:
 * the primary region runs `sw-counter-fsn`, the secondary runs `sw-counter-hel` as a replica
 * cluster streaming from the primary's nodes over a NodePort (the kind stand-in for ClusterMesh).
 *
 * ADR-0004 makes the cross-region standby synchronous (RPO = 0). Synchronous replication is
 * switched on only after the replica streams (`primaryCluster(…, { synchronous: true })`,
 * applied last): with it on from the start the primary's bootstrap writes would wait for a
 * standby that does not exist yet.
 *
 * The replica is promoted by the platform's DR controller (src/kind/continuum.ts), as on a Sovereign.
 */
import { generatedValue } from './generated.js';
import type { Manifest } from './steps.js';
import { COUNTER, NODE_PORTS, cnpgClusterName, nodeContainers, type KindRegion } from './topology.js';

const PAIR_LABEL = 'catalyst.openova.io/cnpg-pair';
const ROLE_LABEL = 'openova.io/cnpg-role';
const REPLICATOR_SECRET = 'sw-counter-replicator';
const STORAGE = { size: '1Gi' };
const PG_HBA = [`host replication ${COUNTER.replicationUser} all scram-sha-256`];

export function counterNamespace(): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COUNTER.namespace, labels: { 'app.kubernetes.io/part-of': 'sovereign-walk' } } };
}

/** `<cluster>-app`, the Secret CNPG would generate, written by us so both regions share the password. */
export function appSecret(region: KindRegion): Manifest {
  const cluster = cnpgClusterName(region);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${cluster}-app`, namespace: COUNTER.namespace, labels: { 'cnpg.io/cluster': cluster } },
    type: 'kubernetes.io/basic-auth',
    stringData: {
      username: COUNTER.owner,
      password: generatedValue(COUNTER.passwordId),
      dbname: COUNTER.database,
      host: `${cluster}-rw`,
      port: '5432',
    },
  };
}

export function replicatorSecret(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: REPLICATOR_SECRET, namespace: COUNTER.namespace },
    type: 'kubernetes.io/basic-auth',
    stringData: { username: COUNTER.replicationUser, password: generatedValue(COUNTER.replicationPasswordId) },
  };
}

/** The region's primary (or designated primary) instance on a fixed NodePort. */
export function crossRegionService(region: KindRegion): Manifest {
  const cluster = cnpgClusterName(region);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${cluster}-cross-region`, namespace: COUNTER.namespace, labels: { [PAIR_LABEL]: 'sw-counter' } },
    spec: {
      type: 'NodePort',
      selector: { 'cnpg.io/cluster': cluster, 'cnpg.io/instanceRole': 'primary' },
      ports: [{ name: 'postgres', port: 5432, targetPort: 5432, nodePort: NODE_PORTS.postgres }],
    },
  };
}

function clusterBase(region: KindRegion, role: 'primary' | 'replica'): Manifest & { spec: Record<string, unknown> } {
  const name = cnpgClusterName(region);
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name, namespace: COUNTER.namespace, labels: { [PAIR_LABEL]: 'sw-counter', [ROLE_LABEL]: role } },
    spec: {
      instances: 1,
      storage: STORAGE,
      postgresql: { pg_hba: PG_HBA },
      managed: {
        roles: [
          { name: COUNTER.replicationUser, ensure: 'present', login: true, replication: true, passwordSecret: { name: REPLICATOR_SECRET } },
        ],
      },
    },
  };
}

export function primaryCluster(primary: KindRegion, replica: KindRegion, opts: { synchronous: boolean }): Manifest {
  const base = clusterBase(primary, 'primary');
  const postgresql = opts.synchronous
    ? {
        ...(base.spec.postgresql as Record<string, unknown>),
        // FIRST 1 (<replica>): every commit waits until the other region has applied it.
        parameters: { synchronous_commit: 'remote_apply' },
        // CNPG 1.27's CEL rule reads dataDurability unconditionally: without it the Cluster is refused.
        synchronous: { method: 'first', number: 1, maxStandbyNamesFromCluster: 0, standbyNamesPre: [`${cnpgClusterName(replica)}-1`], dataDurability: 'required' },
      }
    : base.spec.postgresql;
  return {
    ...base,
    spec: {
      ...base.spec,
      postgresql,
      bootstrap: { initdb: { database: COUNTER.database, owner: COUNTER.owner, secret: { name: `${cnpgClusterName(primary)}-app` } } },
    },
  };
}

export function replicaCluster(replica: KindRegion, primary: KindRegion, workers: number): Manifest {
  const base = clusterBase(replica, 'replica');
  const source = cnpgClusterName(primary);
  return {
    ...base,
    spec: {
      ...base.spec,
      bootstrap: {
        pg_basebackup: { source, database: COUNTER.database, owner: COUNTER.owner, secret: { name: `${cnpgClusterName(replica)}-app` } },
      },
      replica: { enabled: true, source },
      externalClusters: [
        {
          name: source,
          connectionParameters: {
            // libpq tries each node of the primary region in turn (kind node names resolve on the `kind` network).
            host: nodeContainers(primary.cluster, workers).join(','),
            port: String(NODE_PORTS.postgres),
            user: COUNTER.replicationUser,
            dbname: 'postgres',
            sslmode: 'require',
          },
          password: { name: REPLICATOR_SECRET, key: 'password' },
        },
      ],
    },
  };
}
