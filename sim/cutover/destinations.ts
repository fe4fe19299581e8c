/**
 * What a connection's destination is for the policy agent, once the region's egress proxy has
 * resolved the name to a server of this world. The API server (the default/kubernetes Service) is
 * the kube-apiserver entity; cluster names and the Sovereign's own hosts (its Gateway, which
 * Cilium's load balancer keeps inside the cluster) are cluster destinations at cluster addresses;
 * everything else is the world at a public address. The mothership's hosts keep the documentation
 * range (TEST-NET-3, 203.0.113.0/24) as their public IPs, one per name, so toCIDR rules name them.
 */
import { createHash } from 'node:crypto';
import type { Destination, Resolved } from '../net/egress-proxy.js';
import { KUBERNETES_SERVICE_IP } from '../world/start.js';

export type Entity = 'world' | 'cluster' | 'kube-apiserver';

export interface Endpoint {
  host: string;
  ip: string;
  port: number;
  protocol: 'TCP';
  entity: Entity;
}

const API_SERVER_NAMES = new Set([KUBERNETES_SERVICE_IP, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);

export function isIpv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!isIpv4(ip) || !isIpv4(base)) return false;
  const n = Number(bits ?? 32);
  const toInt = (a: string) => a.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** The public address a host outside the cluster resolves to (what a toCIDR rule of its /32 names). */
export function publicAddress(host: string): string {
  const d = createHash('sha256').update(host.toLowerCase()).digest();
  return `203.0.113.${(d[1] % 250) + 2}`;
}

export interface ClusterView {
  sovereign: string;
  poolDomain: string;
  /** The address of the Sovereign's Gateway (its LoadBalancer Service), when it has one. */
  gatewayAddress(): string | undefined;
}

export function endpointOf(to: Destination, resolved: Resolved, view: ClusterView): Endpoint {
  const host = to.host.toLowerCase().replace(/\.$/, '');
  const base = { host, port: to.port, protocol: 'TCP' as const };
  if (API_SERVER_NAMES.has(host)) return { ...base, ip: KUBERNETES_SERVICE_IP, entity: 'kube-apiserver' };
  if (resolved.scope === 'cluster') return { ...base, ip: isIpv4(host) ? host : resolved.address, entity: 'cluster' };
  const ours = [view.sovereign, view.poolDomain].some((d) => host === d || host.endsWith(`.${d}`));
  if (ours) return { ...base, ip: view.gatewayAddress() ?? resolved.address, entity: 'cluster' };
  return { ...base, ip: isIpv4(host) ? host : publicAddress(host), entity: 'world' };
}
