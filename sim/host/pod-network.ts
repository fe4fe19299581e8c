/**
 * The embedded Sovereign's pod network: each region gets a /16 of its own. Where the regions share
 * loopback it is routed to this host as a `local` route; where a region is a host of its own it is
 * local inside the region's namespace and routed to the region's address from here (netns.ts). The
 * region's pod relay listens on the pod IPs kwok assigns from it, so the kube-apiserver's service
 * proxy, which refuses loopback endpoints, reaches a pod like a real one.
 * Needs CAP_NET_ADMIN (root); each instance takes /16s no other instance holds.
 */
import { execFileSync } from 'node:child_process';
import type { Ownership } from './ownership.js';

const FIRST = 160;
const LAST = 223;

export class PodNetworkError extends Error {}

/** /16s of the range another instance routes: locally (loopback) or to its regions (hosts). */
function taken(): Set<number> {
  const out = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  return new Set([...out.matchAll(/\b10\.(\d+)\.0\.0\/16\b/g)].map((m) => Number(m[1])));
}

/**
 * `count` pod CIDRs (10.N.0.0/16), the i-th routed by `route(cidr, i)`, which throws an error
 * whose message says "File exists" when another instance took the /16 meanwhile.
 */
export function allocatePodCidrs(count: number, route: (cidr: string, index: number) => void): string[] {
  const cidrs: string[] = [];
  for (let n = FIRST; n <= LAST && cidrs.length < count; n++) {
    if (taken().has(n)) continue;
    const cidr = `10.${n}.0.0/16`;
    try {
      route(cidr, cidrs.length);
      cidrs.push(cidr);
    } catch (err) {
      const msg = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message ?? err);
      if (/File exists/.test(msg)) continue;
      throw new PodNetworkError(`cannot route the pod network ${cidr}: ${msg.trim()}; the embedded Sovereign needs root or CAP_NET_ADMIN`);
    }
  }
  if (cidrs.length < count) throw new PodNetworkError(`no free pod network in 10.${FIRST}-${LAST}.0.0/16: stop other embedded Sovereigns or run npm run clean`);
  return cidrs;
}

/** Routes `cidr` to this host (`ip route add local <cidr> dev lo`), recorded in the instance's ledger first. */
export function routeLocally(owner: Ownership): (cidr: string) => void {
  return (cidr) => {
    owner.route(cidr);
    execFileSync('ip', ['route', 'add', 'local', cidr, 'dev', 'lo'], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
}
