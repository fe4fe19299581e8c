/**
 * The weakest region kill: the primary CNPG Cluster fenced whole (CloudNativePG's documented
 * `cnpg.io/fencedInstances: '["*"]'`): every instance's postmaster is shut down and its Pod kept
 * but not Ready, with no failover inside the region. Only the database stops; the region's apps,
 * API server and network keep running. Heal: the fence lifted (the annotation removed), after
 * which CNPG starts the instances again without a failover. Scaling the Cluster to
 * `spec.instances: 0` is no kill: CNPG's CRD refuses it (minimum 1).
 */
import type { RegionClient } from '../../target/kube.js';
import type { RegionKillSpec } from '../../target/types.js';
import type { KillOutcome, KillPlan } from './types.js';

type CnpgFenceSpec = Extract<RegionKillSpec, { kind: 'cnpg-fence' }>;

const RESOURCE = 'clusters.postgresql.cnpg.io';
export const FENCED_INSTANCES = 'cnpg.io/fencedInstances';
const ALL_INSTANCES = '["*"]';

export async function cnpgFencePlan(client: Pick<RegionClient, 'name' | 'get' | 'mergePatch'>, spec: CnpgFenceSpec): Promise<KillPlan> {
  const cluster = await client.get(RESOURCE, spec.namespace, spec.cluster);
  if (!cluster) throw new Error(`CNPG Cluster ${spec.namespace}/${spec.cluster} not found in ${client.name}`);
  const fenced = cluster.metadata.annotations?.[FENCED_INSTANCES];
  // The heal removes the annotation: a fence someone else set is not this kill's to lift.
  if (fenced !== undefined && fenced !== '[]') throw new Error(`CNPG Cluster ${spec.namespace}/${spec.cluster} is already fenced (${FENCED_INSTANCES}: ${fenced}): refusing to fence it again and lift a fence the harness did not set`);
  return {
    actuator: 'cnpg-fence',
    region: client.name,
    target: `${client.name}/${RESOURCE}/${spec.namespace}/${spec.cluster}`,
    description: `${FENCED_INSTANCES}: '${ALL_INSTANCES}' on CNPG Cluster ${spec.namespace}/${spec.cluster}: every instance's PostgreSQL shut down (weakest mode: only the database stops)`,
    strength: 'weakest',
    heal: `fence lifted (${FENCED_INSTANCES} removed)`,
    revert: [{ kind: 'cnpg-unfence', region: client.name, namespace: spec.namespace, cluster: spec.cluster }],
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      await client.mergePatch(RESOURCE, spec.namespace, spec.cluster, { metadata: { annotations: { [FENCED_INSTANCES]: ALL_INSTANCES } } });
      return { issuedAt, killedAt: Date.now(), detail: `fenced every instance of ${spec.namespace}/${spec.cluster}` };
    },
  };
}
