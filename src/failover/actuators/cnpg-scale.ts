/**
 * The weakest region kill, upstream D31's own: the primary CNPG Cluster scaled to
 * `spec.instances: 0`. Only the database stops; the region's apps, API server and network keep
 * running. Heal: restore the previous instance count.
 */
import type { RegionClient } from '../../target/kube.js';
import type { RegionKillSpec } from '../../target/types.js';
import type { KillOutcome, KillPlan } from './types.js';

type CnpgScaleSpec = Extract<RegionKillSpec, { kind: 'cnpg-scale' }>;

const RESOURCE = 'clusters.postgresql.cnpg.io';

export async function cnpgScalePlan(client: Pick<RegionClient, 'name' | 'get' | 'mergePatch'>, spec: CnpgScaleSpec): Promise<KillPlan> {
  const cluster = await client.get(RESOURCE, spec.namespace, spec.cluster);
  if (!cluster) throw new Error(`CNPG Cluster ${spec.namespace}/${spec.cluster} not found in ${client.name}`);
  const instances = cluster.spec?.instances;
  if (typeof instances !== 'number' || instances < 1) throw new Error(`CNPG Cluster ${spec.namespace}/${spec.cluster} has spec.instances ${String(instances)}: nothing to scale down`);
  return {
    actuator: 'cnpg-scale',
    region: client.name,
    target: `${client.name}/${RESOURCE}/${spec.namespace}/${spec.cluster}`,
    description: `spec.instances ${instances} → 0 on CNPG Cluster ${spec.namespace}/${spec.cluster} (weakest mode: only the database stops)`,
    strength: 'weakest',
    heal: `spec.instances back to ${instances}`,
    revert: [{ kind: 'cnpg-instances', region: client.name, namespace: spec.namespace, cluster: spec.cluster, instances }],
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      await client.mergePatch(RESOURCE, spec.namespace, spec.cluster, { spec: { instances: 0 } });
      return { issuedAt, killedAt: Date.now(), detail: `scaled ${spec.namespace}/${spec.cluster} from ${instances} to 0 instances` };
    },
  };
}
