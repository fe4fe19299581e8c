/**
 * A region's nftables, in its own network namespace: one table of this project's, rebuilt whole on
 * every change (`nft -f` replaces it atomically). Two chains: the Services' DNAT (kube-proxy's job in
 * nftables mode: a ClusterIP and port to a ready endpoint), and the egress filter the policy agent
 * compiles from the region's network policies (a denied destination is dropped, never rejected).
 */
import { execFile } from 'node:child_process';

export const TABLE = 'sovereign_world';

export interface ServiceRule {
  clusterIp: string;
  port: number;
  protocol: 'tcp' | 'udp';
  endpoint: { address: string; port: number };
}

export interface EgressDrop {
  /** A destination address or CIDR. */
  daddr: string;
  /** Only this port (all when absent). */
  port?: number;
  /** Why (the policy that denies it), kept in the rule's comment. */
  why: string;
}

function comment(text: string): string {
  return `comment "${text.replace(/["\\]/g, '').slice(0, 120)}"`;
}

export function ruleset(services: ServiceRule[], drops: EgressDrop[]): string {
  const dnat = services.map((s) => `    ip daddr ${s.clusterIp} ${s.protocol} dport ${s.port} dnat ip to ${s.endpoint.address}:${s.endpoint.port}`);
  const filter = drops.map((d) => `    ip daddr ${d.daddr}${d.port ? ` tcp dport ${d.port}` : ''} counter drop ${comment(d.why)}`);
  return [
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
    `table inet ${TABLE} {`,
    '  chain services {',
    '    type nat hook output priority -100; policy accept;',
    ...dnat,
    '  }',
    '  chain egress {',
    '    type filter hook output priority 0; policy accept;',
    ...filter,
    '  }',
    '}',
    '',
  ].join('\n');
}

function nft(netns: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['netns', 'exec', netns, 'nft', ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`nft ${args.join(' ')} in ${netns}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Replaces the region's table in one transaction. */
export function applyRuleset(netns: string, text: string): Promise<string> {
  return nft(netns, ['-f', '-'], text);
}

/** `nft list table`: the rules as the kernel holds them, with their counters (evidence). */
export function listRuleset(netns: string): Promise<string> {
  return nft(netns, ['list', 'table', 'inet', TABLE]);
}
