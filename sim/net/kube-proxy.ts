/**
 * kube-proxy for a region's host, in nftables mode: every Service's ClusterIP and port goes to a
 * ready endpoint of it (from the EndpointSlices the real endpointslice controller keeps), for the
 * processes that run in the region's namespace (the Flux controllers, the databases).
 */
import type { Informer } from '../kube-client/api.js';
import type { RegionFirewall } from './firewall.js';
import type { ServiceRule } from './nft.js';

interface Slice {
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

export function serviceRules(services: Informer, slices: Informer): ServiceRule[] {
  const rules: ServiceRule[] = [];
  for (const svc of services.list()) {
    const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
    if (!spec.clusterIP || spec.clusterIP === 'None') continue;
    const mine = slices.list(svc.metadata.namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
    for (const p of spec.ports ?? []) {
      for (const slice of mine as unknown as Slice[]) {
        const target = (slice.ports ?? []).find((sp) => (sp.name ?? '') === (p.name ?? ''))?.port;
        const ready = (slice.endpoints ?? []).find((e) => e.conditions?.ready !== false && e.addresses.length);
        if (!target || !ready) continue;
        rules.push({ clusterIp: spec.clusterIP, port: p.port, protocol: (p.protocol ?? 'TCP').toLowerCase() === 'udp' ? 'udp' : 'tcp', endpoint: { address: ready.addresses[0], port: target } });
        break;
      }
    }
  }
  return rules;
}

export function startKubeProxy(services: Informer, slices: Informer, firewall: RegionFirewall): () => void {
  const sync = () => firewall.setServices(serviceRules(services, slices));
  const stops = [services.on(sync), slices.on(sync)];
  sync();
  return () => stops.forEach((s) => s());
}
