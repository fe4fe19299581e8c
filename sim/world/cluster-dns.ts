/**
 * Cluster DNS and service routing for a region's egress proxy: `<svc>.<ns>.svc[.cluster.local]`
 * resolves to a ready endpoint of that Service (its EndpointSlices, maintained by the real
 * endpointslice controller from the pods kwok runs), at the target port behind the asked port.
 */
import type { Informer } from '../kube-client/api.js';

const SUFFIXES = ['.svc.cluster.local', '.svc'];

export function serviceName(host: string): { name: string; namespace: string } | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  for (const suffix of SUFFIXES) {
    if (!h.endsWith(suffix)) continue;
    const [name, namespace, ...rest] = h.slice(0, -suffix.length).split('.');
    if (name && namespace && !rest.length) return { name, namespace };
  }
  return undefined;
}

interface Slice {
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number }[];
}

export class ClusterDns {
  constructor(private readonly services: Informer, private readonly slices: Informer) {}

  /** A ready pod address and port for `host:port`, or undefined (no such Service, no ready endpoint). */
  resolve(host: string, port: number): { address: string; port: number } | undefined {
    const svc = serviceName(host);
    if (!svc) return undefined;
    const service = this.services.get(svc.namespace, svc.name);
    const ports = (service?.spec?.ports ?? []) as { name?: string; port: number }[];
    const asked = ports.find((p) => p.port === port);
    if (!asked) return undefined;
    for (const slice of this.slices.list(svc.namespace)) {
      if (slice.metadata.labels?.['kubernetes.io/service-name'] !== svc.name) continue;
      const s = slice as unknown as Slice;
      const target = (s.ports ?? []).find((p) => (p.name ?? '') === (asked.name ?? ''))?.port;
      const ready = (s.endpoints ?? []).find((e) => e.conditions?.ready !== false && e.addresses.length);
      if (target && ready) return { address: ready.addresses[0], port: target };
    }
    return undefined;
  }
}
