/**
 * The kind Sovereign's shape, shared by the plan that builds it (kind:up) and the TargetSpec
 * that walks it (--target kind), so the two cannot drift apart.
 *
 * Two kind clusters, one per region, mirror a real Sovereign's two kubeconfigs: a region kill
 * stops every node container of one cluster while the other keeps running. A host-side front
 * door (HAProxy on the `kind` docker network) plays the part of the Sovereign's health-checked
 * DNS: it sends traffic to the primary region's nodes and to the secondary's only when every
 * primary node is down.
 */
import { join } from 'node:path';

export const KIND_SOVEREIGN = 'kind.sovereign-walk.test';
export const KIND_POOL_DOMAIN = `homes.${KIND_SOVEREIGN}`;
export const KIND_STATE_DIR = '.state/kind';
/** The docker network kind creates; side containers join it to reach the nodes by name. */
export const KIND_DOCKER_NETWORK = 'kind';
export const KIND_CA_COMMON_NAME = 'sovereign-walk kind CA';
export const DEFAULT_KIND_WORKERS = 2;

export interface KindRegion {
  name: string;
  role: 'primary' | 'secondary';
  /** kind cluster name; node containers are `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2` … */
  cluster: string;
  /** Short id used in per-region object names (`sw-counter-fsn`). */
  short: string;
}

export const KIND_REGIONS: readonly KindRegion[] = [
  { name: 'hz-fsn-rtz-prod', role: 'primary', cluster: 'sw-fsn', short: 'fsn' },
  { name: 'hz-hel-rtz-prod', role: 'secondary', cluster: 'sw-hel', short: 'hel' },
];

/** NodePorts every region exposes to the front door (same numbers in both clusters). */
export const NODE_PORTS = { http: 30080, https: 30443, nats: 30422, postgres: 30432 } as const;

/** Ports the front door publishes on 127.0.0.1. */
export const HOST_PORTS = { https: 18443, http: 18080, nats: 14222, postgres: 15432 } as const;

export const FRONT_DOOR_CONTAINER = 'sw-kind-frontdoor';
/** Mailpit's name on the kind network, where the clusters' mailers send (SMTP port 1025). */
export const MAILPIT_HOST = 'sw-kind-mailpit';
/** Label on every container kind:up starts outside the clusters (kind:down removes them). */
export const SIDE_CONTAINER_LABEL = 'sovereign-walk.kind=side-container';

/** The counter app and its database (fixtures/counter-app placeholders). */
export const COUNTER = {
  namespace: 'sw-counter',
  database: 'counter',
  owner: 'counter',
  replicationUser: 'sw_replicator',
  /** Generated once by kind:up (src/kind/generated.ts), identical in both regions. */
  passwordId: 'sw-counter-db-password',
  replicationPasswordId: 'sw-counter-replicator-password',
} as const;

export function cnpgClusterName(region: KindRegion): string {
  return `sw-counter-${region.short}`;
}

/** kind's node container names: `-control-plane`, then `-worker`, `-worker2`, `-worker3` … */
export function nodeContainers(cluster: string, workers: number): string[] {
  if (!Number.isSafeInteger(workers) || workers < 0) throw new RangeError(`workers must be a non-negative integer, got ${workers}`);
  return [`${cluster}-control-plane`, ...Array.from({ length: workers }, (_, i) => `${cluster}-worker${i === 0 ? '' : i + 1}`)];
}

export function kubeconfigPath(stateDir: string, region: string): string {
  return join(stateDir, `${region}.kubeconfig`);
}

export function caCertPath(stateDir: string): string {
  return join(stateDir, 'ca.crt');
}

export function regionByRole(role: KindRegion['role']): KindRegion {
  const region = KIND_REGIONS.find((r) => r.role === role);
  if (!region) throw new Error(`KIND_REGIONS has no ${role} region`);
  return region;
}
