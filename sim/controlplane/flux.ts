/**
 * Flux's real source-controller, kustomize-controller and helm-controller as processes of a
 * region, each with its own identity. Their egress (Git, OCI registries) goes through the region's
 * egress proxy, which is their DNS and their firewall; they trust the CAs of this world (the
 * Sovereign's CA and the stand-in for the public Web PKI that the mothership's hosts present).
 * helm-controller ignores HelmReleases carrying a shard key (Flux's sharding convention), so a
 * release assigned to a shard no controller serves is never reconciled again.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { freePorts } from '../host/ports.js';
import { resolveBinary } from './assets.js';
import type { RegionControlPlane } from './region.js';
import { waitUntil } from './wait.js';

export const SHARD_KEY = 'sharding.fluxcd.io/key';

export interface FluxOptions {
  /**
   * URL of the region's egress proxy, their only path out on loopback; in a host of its own they
   * resolve and connect directly, through the host's DNS and nftables.
   */
  proxyUrl?: string;
  /** PEM bundle of every CA the controllers trust. */
  caBundlePath: string;
  logLevel?: 'info' | 'debug' | 'error';
}

const COMMON = (health: string, o: FluxOptions) => [
  '--metrics-addr', '0', '--health-addr', health, '--enable-leader-election=false',
  '--watch-all-namespaces=true', '--log-level', o.logLevel ?? 'info', '--log-encoding', 'json',
  '--kube-api-qps', '100', '--kube-api-burst', '300', '--concurrent', '8',
  // A scratch Sovereign converges in seconds: back off and wait on dependencies like a busy one would not.
  '--requeue-dependency', '2s', '--min-retry-delay', '500ms', '--max-retry-delay', '15s',
];

export async function startFlux(cp: RegionControlPlane, o: FluxOptions): Promise<{ storageUrl: string }> {
  const [storage, hSource, hKustomize, hHelm] = cp.host ? [9090, 9440, 9441, 9442] : await freePorts(4);
  // Health endpoints are probed from the world: on the host's own address when it has one.
  const health = (port: number) => `${cp.host?.address ?? '127.0.0.1'}:${port}`;
  const storagePath = join(cp.dir, 'source-storage');
  await mkdir(storagePath, { recursive: true, mode: 0o700 });
  const env = (user: 'source-controller' | 'kustomize-controller' | 'helm-controller'): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: cp.dir,
    KUBECONFIG: cp.kubeconfigs[user],
    ...(o.proxyUrl ? { HTTPS_PROXY: o.proxyUrl, HTTP_PROXY: o.proxyUrl, NO_PROXY: '127.0.0.1,localhost' } : {}),
    SSL_CERT_FILE: o.caBundlePath,
    RUNTIME_NAMESPACE: 'flux-system',
  });
  const procs = [
    cp.spawn('source-controller', resolveBinary('source-controller'), [
      ...COMMON(health(hSource), o),
      '--storage-path', storagePath, '--storage-addr', `127.0.0.1:${storage}`, '--storage-adv-addr', `127.0.0.1:${storage}`,
      '--helm-cache-max-size', '64',
    ], env('source-controller')),
    cp.spawn('kustomize-controller', resolveBinary('kustomize-controller'), [...COMMON(health(hKustomize), o), '--no-remote-bases=true'], env('kustomize-controller')),
    cp.spawn('helm-controller', resolveBinary('helm-controller'), [...COMMON(health(hHelm), o), '--watch-label-selector', `!${SHARD_KEY}`], env('helm-controller')),
  ];
  const names = ['source-controller', 'kustomize-controller', 'helm-controller'];
  await Promise.all([hSource, hKustomize, hHelm].map((port, i) =>
    waitUntil(`${names[i]} of ${cp.name}`, async () => (await fetch(`http://${health(port)}/readyz`)).ok, 60_000, () => procs[i].alive())));
  return { storageUrl: `http://127.0.0.1:${storage}` };
}
