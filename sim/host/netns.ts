/**
 * The embedded Sovereign's network of hosts: a "world" bridge in the root namespace and one network
 * namespace per region, joined to it by a veth pair, each with an address of its own. The world's
 * servers (the Gateway's front door, the git and registry services, the DNS) listen on the bridge's
 * world address; each mothership host on an address of its own in a public documentation range, so
 * a policy that denies the outside world (or one host of it) really denies it. Regions reach each other, the world and the mothership
 * on the same L2 segment; what a region may send is decided by its own nftables.
 *
 * Namespaces, links, routes and the per-namespace resolv.conf are recorded in the instance's
 * ownership ledger before they are made, and reaped with it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Ownership } from './ownership.js';
import { REPO_ROOT } from '../../src/repo-root.js';

const POWER_SWITCH = join(REPO_ROOT, 'sim/products/bin/region-power');

export class NetnsError extends Error {}

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new NetnsError(`ip ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Whether this process may make namespaces and links (root or CAP_NET_ADMIN with `ip netns`). */
export function netnsAvailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need root (or CAP_NET_ADMIN and CAP_SYS_ADMIN)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'ip netns or nft is missing (Debian: iproute2, nftables)';
  }
  // Root in a container may still lack what `ip netns add` needs (CAP_SYS_ADMIN for its mount): try one.
  const probe = `sw-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return `a network namespace cannot be made here: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n')[0]}`;
  }
  try {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch {
    /* removed with the next clean; an empty namespace holds nothing */
  }
  return undefined;
}

export interface NetHost {
  name: string;
  /** Network namespace name (`ip netns exec <netns> …`). */
  netns: string;
  /** The host's address on the world segment. */
  address: string;
  /** The root-side end of its veth pair, enslaved to the bridge while the host is powered. */
  link: string;
  /** argv that runs `argv` inside the host's namespace. */
  exec(argv: string[]): string[];
  /**
   * argv of the host's power switch (sim/products/bin/region-power): `off` pulls its link off the
   * bridge and kills every process in its namespace; `cut` pulls the link only (a partition); `on`
   * plugs the link back (its processes are started again by whoever boots the host).
   */
  powerSwitch(mode: 'off' | 'cut' | 'on'): string[];
}

export interface WorldNetwork {
  bridge: string;
  /** The world services' address (front door, git, registry data, DNS) on the bridge. */
  world: string;
  /** Adds the next address of the public documentation range (a mothership host of its own). */
  publicAddress(): string;
  /** The world segment (`172.31.K.0/24`) and the public /28 the mothership lives in. */
  subnet: string;
  publicNet: string;
  hosts: Map<string, NetHost>;
  /** A host for a region: its namespace, veth, address, routes. */
  addHost(name: string): NetHost;
}

function used(): { world: Set<number>; publicNets: Set<number> } {
  const out = ip(['-4', '-o', 'addr', 'show']);
  return {
    world: new Set([...out.matchAll(/inet 172\.31\.(\d+)\.1\//g)].map((m) => Number(m[1]))),
    publicNets: new Set([...out.matchAll(/inet 203\.0\.113\.(\d+)\/28/g)].map((m) => Math.floor(Number(m[1]) / 16))),
  };
}

export function createWorldNetwork(owner: Ownership): WorldNetwork {
  const id = randomBytes(3).toString('hex');
  const taken = used();
  const k = [...Array(200).keys()].map((n) => n + 20).find((n) => !taken.world.has(n));
  const j = [...Array(16).keys()].find((n) => !taken.publicNets.has(n));
  if (k === undefined || j === undefined) throw new NetnsError('no free world subnet (172.31.20-219.0/24) or public /28 (203.0.113.0/24): stop other embedded Sovereigns or run npm run clean');
  const bridge = owner.link(`swb${id}`);
  const world = `172.31.${k}.1`;
  ip(['link', 'add', bridge, 'type', 'bridge']);
  ip(['addr', 'add', `${world}/24`, 'dev', bridge]);
  ip(['addr', 'add', `203.0.113.${16 * j + 1}/28`, 'dev', bridge]);
  ip(['link', 'set', bridge, 'up']);
  let publicUsed = 1;
  const hosts = new Map<string, NetHost>();
  const publicNet = `203.0.113.${16 * j}/28`;
  return {
    bridge,
    world,
    publicAddress() {
      if (publicUsed >= 14) throw new NetnsError('the public /28 is full');
      publicUsed += 1;
      const address = `203.0.113.${16 * j + publicUsed}`;
      ip(['addr', 'add', `${address}/28`, 'dev', bridge]);
      return address;
    },
    subnet: `172.31.${k}.0/24`,
    publicNet,
    hosts,
    addHost(name) {
      const n = hosts.size;
      const netns = `sw-${id}-${name}`;
      owner.link(`netns:${netns}`);
      // Recorded too: a namespace something in the kernel still references outlives its name, and its veth with it.
      const link = owner.link(`swv${id}${n}`);
      const address = `172.31.${k}.${11 + n}`;
      ip(['netns', 'add', netns]);
      ip(['link', 'add', link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      ip(['link', 'set', link, 'master', bridge, 'up']);
      const inNs = (args: string[]) => ip(['-n', netns, ...args]);
      inNs(['link', 'set', 'lo', 'up']);
      inNs(['addr', 'add', `${address}/24`, 'dev', 'eth0']);
      inNs(['link', 'set', 'eth0', 'up']);
      // The mothership's public range is on the same segment: reached on-link, no router.
      inNs(['route', 'add', publicNet, 'dev', 'eth0']);
      // Resolution inside the namespace: `ip netns exec` binds /etc/netns/<netns>/* over /etc/*.
      const etc = owner.dir(join('/etc/netns', netns));
      mkdirSync(etc, { recursive: true });
      writeFileSync(join(etc, 'resolv.conf'), `nameserver ${world}\noptions ndots:1 timeout:2 attempts:2\n`);
      writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n${address} ${name}\n`);
      const host: NetHost = {
        name,
        netns,
        address,
        link,
        exec: (argv) => ['ip', 'netns', 'exec', netns, ...argv],
        powerSwitch: (mode) => (mode === 'off' ? [POWER_SWITCH, 'off', netns, link] : mode === 'on' ? [POWER_SWITCH, 'on', link, bridge] : [POWER_SWITCH, 'cut', link]),
      };
      hosts.set(name, host);
      return host;
    },
  };
}

/**
 * Routes a region's pod CIDR: local inside the region (its pod relay listens there), to the
 * region's address from the root namespace and the world. The latter goes with the bridge.
 */
export function routePods(net: WorldNetwork, host: NetHost, podCidr: string): void {
  ip(['route', 'add', podCidr, 'via', host.address, 'dev', net.bridge]);
  ip(['-n', host.netns, 'route', 'add', 'local', podCidr, 'dev', 'lo']);
}
