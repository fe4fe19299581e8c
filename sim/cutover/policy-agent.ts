/**
 * The embedded Sovereign's CNI, one agent per region: it watches the region's
 * CiliumClusterwideNetworkPolicies, CiliumNetworkPolicies and NetworkPolicies in its real API
 * server and is the egress rule set of the region's egress proxy, the one network path of the
 * Flux controllers, of the pods the host runtime runs and of the kubelet's pulls. A connection the
 * policies deny is dropped there, so the client waits for its own timeout.
 */
import type { SimRegion } from '../context.js';
import type { Informer } from '../kube-client/api.js';
import type { Destination, EgressRules, Resolved } from '../net/egress-proxy.js';
import { egressAllowed, type PolicySet, type Source } from './cilium-policy.js';
import { endpointOf, type ClusterView } from './destinations.js';

/** The proxy identity of the node's own traffic (Cilium's reserved:host). */
export const HOST_IDENTITY = 'reserved:host';

/** The proxy identity of a pod's traffic. */
export function podIdentity(namespace: string, pod: string): string {
  return `${namespace}/${pod}`;
}

const allowAll: EgressRules = { allows: () => true };
export class PolicyAgent implements EgressRules {
  private constructor(private readonly region: SimRegion, private readonly view: Omit<ClusterView, 'gatewayAddress'>, private readonly informers: Informer[]) {}

  static async start(region: SimRegion, view: Omit<ClusterView, 'gatewayAddress'>): Promise<PolicyAgent> {
    const informers = await Promise.all([
      region.api.informer('cilium.io/v2', 'CiliumClusterwideNetworkPolicy'),
      region.api.informer('cilium.io/v2', 'CiliumNetworkPolicy'),
      region.api.informer('networking.k8s.io/v1', 'NetworkPolicy'),
    ]);
    const agent = new PolicyAgent(region, view, informers);
    region.proxy.setRules(agent);
    return agent;
  }

  allows(from: string, to: Destination, resolved: Resolved): boolean {
    const [clusterwide, namespaced, networkPolicies] = this.informers.map((i) => i.list());
    const policies: PolicySet = { clusterwide, namespaced, networkPolicies };
    return egressAllowed(policies, this.source(from), endpointOf(to, resolved, { ...this.view, gatewayAddress: () => this.gatewayAddress() }));
  }

  private source(from: string): Source {
    if (from === HOST_IDENTITY) return { host: true };
    const [namespace, pod] = from.split('/');
    if (!pod) return { host: false, namespace };
    return { host: false, namespace, labels: this.region.pods.get(namespace, pod)?.metadata.labels ?? {} };
  }

  private gatewayAddress(): string | undefined {
    const gateway = this.region.services.list('kube-system').find((s) => s.metadata.name.startsWith('cilium-gateway-'));
    return (gateway?.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
  }

  stop(): void {
    this.region.proxy.setRules(allowAll);
    for (const i of this.informers) i.stop();
  }
}
