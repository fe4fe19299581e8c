/**
 * How the sim's network model names destinations. Nothing here opens a connection: the
 * mothership hosts (github.com, ghcr.io, harbor.openova.io, xpkg.upbound.io, *.openova.io) and
 * every other outside host resolve to documentation addresses (TEST-NET-3, 203.0.113.0/24);
 * Services, the Sovereign's own hosts (reached through the Gateway, so in-cluster for Cilium)
 * and the local Gitea / Harbor resolve to cluster addresses.
 */
import { createHash } from 'node:crypto';

export type Entity = 'world' | 'cluster' | 'kube-apiserver';

export interface Endpoint {
  host: string;
  ip: string;
  port: number;
  protocol: 'TCP';
  entity: Entity;
}

/** The source the kubelet / containerd pull from: the node itself (host network). */
export const NODE_SOURCE = '';

const SCHEME_PORTS: Record<string, number> = { 'https:': 443, 'oci:': 443, 'http:': 80, 'ssh:': 22, 'git:': 9418 };
const API_SERVER_HOSTS = new Set(['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);

function hashOctets(seed: string): [number, number] {
  const d = createHash('sha256').update(seed).digest();
  return [d[0], (d[1] % 250) + 2];
}

function ipv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!ipv4(ip) || !ipv4(base)) return false;
  const n = Number(bits ?? 32);
  const toInt = (a: string) => a.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** `https://github.com/x`, `oci://ghcr.io/openova-io`, `ssh://git@github.com/x`, `git@github.com:x/y.git`. */
export function parseDestination(url: string): { host: string; port: number } | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)/.exec(url);
  if (scp) return { host: scp[1].toLowerCase(), port: 22 };
  try {
    const u = new URL(url);
    if (!u.hostname) return undefined;
    return { host: u.hostname.toLowerCase(), port: u.port ? Number(u.port) : SCHEME_PORTS[u.protocol] ?? 443 };
  } catch {
    return undefined;
  }
}

export function resolveHost(host: string, port: number, local: { sovereign: string; poolDomain: string }): Endpoint {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (API_SERVER_HOSTS.has(h)) return { host: h, ip: '10.43.0.1', port, protocol: 'TCP', entity: 'kube-apiserver' };
  if (ipv4(h)) {
    const cluster = ['10.42.0.0/16', '10.43.0.0/16'].some((c) => inCidr(h, c));
    return { host: h, ip: h, port, protocol: 'TCP', entity: cluster ? 'cluster' : 'world' };
  }
  const ours = [local.sovereign, local.poolDomain].some((d) => h === d || h.endsWith(`.${d}`));
  if (ours || h.endsWith('.svc') || h.endsWith('.cluster.local') || !h.includes('.')) {
    const [a, b] = hashOctets(h);
    return { host: h, ip: `10.43.${a}.${b}`, port, protocol: 'TCP', entity: 'cluster' };
  }
  const [, b] = hashOctets(h);
  return { host: h, ip: `203.0.113.${b}`, port, protocol: 'TCP', entity: 'world' };
}

export function resolveUrl(url: string, local: { sovereign: string; poolDomain: string }): Endpoint | undefined {
  const d = parseDestination(url);
  return d ? resolveHost(d.host, d.port, local) : undefined;
}
