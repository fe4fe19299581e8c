/**
 * The embedded Sovereign's pod network: each region gets a /16 that is routed to this host as a
 * `local` route, so a product model can listen on the pod IP kwok assigned to its pod, and the
 * kube-apiserver's service proxy, which refuses loopback endpoints, reaches it like a real pod.
 * Needs CAP_NET_ADMIN (root); each instance takes /16s no other instance holds.
 */
import { execFileSync } from 'node:child_process';
import type { Ownership } from './ownership.js';

const FIRST = 160;
const LAST = 223;

export class PodNetworkError extends Error {}

function taken(): Set<number> {
  const out = execFileSync('ip', ['-4', 'route', 'show', 'table', 'local'], { encoding: 'utf8' });
  return new Set([...out.matchAll(/\b10\.(\d+)\.0\.0\/16\b/g)].map((m) => Number(m[1])));
}

/** `count` pod CIDRs (10.N.0.0/16), each routed locally and recorded in the instance's ledger. */
export function allocatePodCidrs(owner: Ownership, count: number): string[] {
  const cidrs: string[] = [];
  for (let n = FIRST; n <= LAST && cidrs.length < count; n++) {
    if (taken().has(n)) continue;
    const cidr = `10.${n}.0.0/16`;
    owner.route(cidr);
    try {
      execFileSync('ip', ['route', 'add', 'local', cidr, 'dev', 'lo'], { stdio: ['ignore', 'ignore', 'pipe'] });
      cidrs.push(cidr);
    } catch (err) {
      const msg = String((err as { stderr?: Buffer }).stderr ?? err);
      if (/File exists/.test(msg)) continue; // another instance took it meanwhile
      throw new PodNetworkError(`cannot route the pod network ${cidr} locally (ip route add local ${cidr} dev lo: ${msg.trim()}); the embedded Sovereign needs root or CAP_NET_ADMIN`);
    }
  }
  if (cidrs.length < count) throw new PodNetworkError(`no free pod network in 10.${FIRST}-${LAST}.0.0/16: stop other embedded Sovereigns or run npm run clean`);
  return cidrs;
}
