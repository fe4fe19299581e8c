/**
 * Which Hetzner Cloud servers a region kill may power off: those the operator's label selector
 * matches, and only when they are exactly the region's own nodes as its API server reports them
 * (by provider id `hcloud://<id>`, by name, or by address). Anything else (a server that is no
 * node of the region, a node no selected server accounts for, no server at all) is refused
 * before any fault.
 */
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import { serverAddresses, type HcloudApi, type HcloudServer } from './hcloud-api.js';

export interface ScopeNode {
  name: string;
  providerID?: string;
  addresses: string[];
}

export interface KillScope {
  region: string;
  labelSelector: string;
  /** Every selected server with the node it is, for the evidence. */
  matched: { server: { id: number; name: string; status: string; addresses: string[] }; node: string; by: string }[];
}

export class ScopeError extends Error {
  override name = 'ScopeError';
}

export function scopeNode(n: KubeObject): ScopeNode {
  const addresses = ((n.status?.addresses as { type: string; address: string }[] | undefined) ?? []).map((a) => a.address);
  return { name: n.metadata.name, providerID: typeof n.spec?.providerID === 'string' ? n.spec.providerID : undefined, addresses };
}

function sameMachine(s: HcloudServer, n: ScopeNode): string | undefined {
  if (n.providerID === `hcloud://${s.id}`) return `providerID ${n.providerID}`;
  if (n.name === s.name || n.addresses.includes(s.name)) return `name ${s.name}`;
  const ip = serverAddresses(s).find((a) => n.addresses.includes(a));
  return ip ? `address ${ip}` : undefined;
}

/** The selected servers paired with the region's nodes one to one, or a ScopeError saying what differs. */
export function matchScope(region: string, labelSelector: string, servers: HcloudServer[], nodes: ScopeNode[]): KillScope {
  if (!servers.length) throw new ScopeError(`no Hetzner Cloud server matches ${labelSelector}`);
  if (!nodes.length) throw new ScopeError(`the API server of ${region} lists no node to compare the servers matching ${labelSelector} with`);
  const matched: KillScope['matched'] = [];
  const strays: string[] = [];
  for (const s of servers) {
    const hits = nodes.map((n) => ({ n, by: sameMachine(s, n) })).filter((x) => x.by);
    if (hits.length !== 1) {
      strays.push(`${s.name} (${s.id})${hits.length > 1 ? ` is ambiguous (${hits.map((h) => h.n.name).join(', ')})` : ''}`);
      continue;
    }
    matched.push({ server: { id: s.id, name: s.name, status: s.status, addresses: serverAddresses(s) }, node: hits[0].n.name, by: hits[0].by! });
  }
  const twice = nodes.filter((n) => matched.filter((m) => m.node === n.name).length > 1).map((n) => n.name);
  const missing = nodes.filter((n) => !matched.some((m) => m.node === n.name)).map((n) => n.name);
  const problems = [
    strays.length ? `server(s) ${strays.join(', ')} matching ${labelSelector} are not nodes of ${region}` : '',
    twice.length ? `node(s) ${twice.join(', ')} of ${region} match more than one server` : '',
    missing.length ? `node(s) ${missing.join(', ')} of ${region} are not among the servers matching ${labelSelector}` : '',
  ].filter(Boolean);
  if (problems.length) throw new ScopeError(`refusing the hcloud kill of ${region}: ${problems.join('; ')} (the selector must name exactly this region's servers)`);
  return { region, labelSelector, matched };
}

/** Lists the selected servers and the region's nodes and pairs them (read-only: nothing is powered off). */
export async function hcloudKillScope(region: Pick<RegionClient, 'name' | 'list'>, labelSelector: string, api: HcloudApi): Promise<KillScope> {
  const [servers, nodes] = await Promise.all([api.servers(labelSelector), region.list('nodes')]);
  return matchScope(region.name, labelSelector, servers, nodes.items.map(scopeNode));
}
