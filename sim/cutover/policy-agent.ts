/**
 * The embedded Sovereign's CNI, one agent per region: it watches the region's
 * CiliumClusterwideNetworkPolicies, CiliumNetworkPolicies and NetworkPolicies in its real API
 * server and is the egress rule set of the region's egress proxy, the network path of the pods
 * the host runtime runs and of the kubelet's pulls (and of the Flux controllers on loopback). A
 * connection the policies deny is dropped there, so the client waits for its own timeout. Where
 * the region is a host of its own, the agent also compiles the policies into the region's
 * nftables: every world host the Flux controllers (flux-system, the processes of that network
 * namespace) may not reach becomes a drop rule for its address, so their fetches are really dropped.
 */
import type { SimRegion } from '../context.js';
import type { Informer } from '../kube-client/api.js';
import type { Destination, EgressRules, Resolved } from '../net/egress-proxy.js';
import type { EgressDrop } from '../net/nft.js';
import { egressAllowed, type PolicySet, type Source } from './cilium-policy.js';
import { endpointOf, type ClusterView } from './destinations.js';

/** The proxy identity of the node's own traffic (Cilium's reserved:host). */
export const HOST_IDENTITY = 'reserved:host';

/** The proxy identity of a pod's traffic. */
export function podIdentity(namespace: string, pod: string): string {
  return `${namespace}/${pod}`;
}

/** A host outside the cluster at its address on the world network (a mothership host). */
export interface WorldHost {
  host: string;
  address: string;
  port: number;
}

/** Who the processes of a region's network namespace are: the Flux controllers. */
const NAMESPACE_PROCESSES: Source = { host: false, namespace: 'flux-system' };

const allowAll: EgressRules = { allows: () => true };
export class PolicyAgent implements EgressRules {
  private readonly unsubscribe: (() => void)[] = [];

  private constructor(private readonly region: SimRegion, private readonly view: Omit<ClusterView, 'gatewayAddress'>, private readonly informers: Informer[]) {}

  /** `worldHosts`: the hosts whose addresses the region's nftables drop when the policies deny them. */
  static async start(region: SimRegion, view: Omit<ClusterView, 'gatewayAddress'>, worldHosts: readonly WorldHost[] = []): Promise<PolicyAgent> {
    const informers = await Promise.all([
      region.api.informer('cilium.io/v2', 'CiliumClusterwideNetworkPolicy'),
      region.api.informer('cilium.io/v2', 'CiliumNetworkPolicy'),
      region.api.informer('networking.k8s.io/v1', 'NetworkPolicy'),
    ]);
    const agent = new PolicyAgent(region, view, informers);
    region.proxy.setRules(agent);
    const firewall = region.firewall;
    if (firewall) {
      const compile = () => firewall.setDrops(agent.drops(worldHosts));
      for (const i of informers) agent.unsubscribe.push(i.on(compile, false));
      compile();
      await firewall.flush();
    }
    return agent;
  }

  allows(from: string, to: Destination, resolved: Resolved): boolean {
    return egressAllowed(this.policies(), this.source(from), endpointOf(to, resolved, { ...this.view, gatewayAddress: () => this.gatewayAddress() }));
  }

  /** The drop rules of the region's nftables: each world host the namespace's processes may not reach. */
  drops(hosts: readonly WorldHost[]): EgressDrop[] {
    const policies = this.policies();
    return hosts
      .filter((h) => !egressAllowed(policies, NAMESPACE_PROCESSES, { host: h.host, ip: h.address, port: h.port, protocol: 'TCP', entity: 'world' }))
      .map((h) => ({ daddr: h.address, port: h.port, why: `${h.host}: egress from flux-system denied by ${this.selecting().join(', ')}` }));
  }

  private policies(): PolicySet {
    const [clusterwide, namespaced, networkPolicies] = this.informers.map((i) => i.list());
    return { clusterwide, namespaced, networkPolicies };
  }

  private selecting(): string[] {
    return this.informers.flatMap((i) => i.list().filter((o) => !o.metadata.namespace || o.metadata.namespace === 'flux-system').map((o) => `${i.kind}/${o.metadata.name}`));
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
    for (const off of this.unsubscribe.splice(0)) off();
    this.region.firewall?.setDrops([]);
    this.region.proxy.setRules(allowAll);
    for (const i of this.informers) i.stop();
  }
}
