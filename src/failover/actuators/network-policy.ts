/**
 * Region isolation by NetworkPolicy: a deny-all (ingress and egress) policy in each of the
 * region's namespaces, labelled with the fault id so the heal deletes exactly these. The region
 * keeps running; enforcement is up to the CNI (asynchronous, and established connections may
 * survive), so this is weaker than a power-off.
 */
import type { RegionClient } from '../../target/kube.js';
import type { RegionKillSpec } from '../../target/types.js';
import { FAULT_LABEL } from '../../chaos/types.js';
import type { KillOutcome, KillPlan } from './types.js';

export { FAULT_LABEL };

type NetworkPolicySpec = Extract<RegionKillSpec, { kind: 'network-policy' }>;

const RESOURCE = 'networkpolicies.networking.k8s.io';

export function isolationPolicy(namespace: string, faultId: string): { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: Record<string, unknown> } {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `sovereign-walk-isolate-${faultId}`.slice(0, 63).replace(/-+$/, ''), namespace, labels: { [FAULT_LABEL]: faultId, 'app.kubernetes.io/part-of': 'sovereign-walk' } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function networkPolicyPlan(client: Pick<RegionClient, 'name' | 'create'>, spec: NetworkPolicySpec, faultId: string): KillPlan {
  if (!spec.namespaces.length) throw new Error('no namespace to isolate');
  return {
    actuator: 'network-policy',
    region: client.name,
    target: `${client.name}/networkpolicies in ${spec.namespaces.join(', ')}`,
    description: `deny-all NetworkPolicy in ${spec.namespaces.join(', ')}`,
    strength: 'isolation',
    heal: `delete the NetworkPolicies labelled ${FAULT_LABEL}=${faultId}`,
    revert: [{ kind: 'delete-fault-objects', region: client.name, resource: RESOURCE }],
    async apply(): Promise<KillOutcome> {
      const issuedAt = Date.now();
      for (const ns of spec.namespaces) await client.create(isolationPolicy(ns, faultId));
      return { issuedAt, killedAt: Date.now(), detail: `deny-all NetworkPolicy created in ${spec.namespaces.join(', ')}` };
    },
  };
}
