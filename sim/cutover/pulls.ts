/**
 * The kubelet's image pull, as real traffic through the region's egress path: where a node pulls
 * from follows its registries.yaml as the cutover status ConfigMap records it, and the pull is a
 * request to that registry's `/v2/` (the world's registries hold charts, not image layers: a
 * registry that answers is a pull that succeeds).
 * - v2 (cut over): the Sovereign's own Harbor. Its `openova-io` project and the proxy caches of
 *   third-party registries (warmed by step 03) answer locally; a mothership reference
 *   (ghcr.io/openova-io/…, harbor.openova.io/…) is a cache miss Harbor fetches upstream, from its
 *   own namespace.
 * - v1 (not cut over): its wildcard mirror sends every pull, the Sovereign's own registry
 *   included, through the mothership Harbor, harbor.openova.io.
 * - no record: the node pulls straight from the image's registry.
 * The kubelet's image cache is not modelled: every new pod pulls.
 */
import type { SimRegion } from '../context.js';
import { isIpv4, publicAddress } from './destinations.js';
import { reach } from './egress-client.js';
import { HOST_IDENTITY } from './policy-agent.js';

export const STATUS_CM = { namespace: 'catalyst', name: 'self-sovereign-cutover-status' };
const MOTHERSHIP_HARBOR = 'harbor.openova.io';
const PULL_TIMEOUT_MS = 10_000;

export interface PullFailure {
  reason: 'ImagePullBackOff';
  message: string;
}

export function imageRegistry(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : 'docker.io';
}

function mothershipImage(image: string): boolean {
  return /^(ghcr\.io\/openova-io|harbor\.openova\.io)\//i.test(image);
}

/** Who asks which registry for this image. */
function pullRoute(image: string, mode: string | undefined, sovereign: string): { from: string; registry: string } {
  const registry = imageRegistry(image);
  if (mode === 'v1') return { from: HOST_IDENTITY, registry: MOTHERSHIP_HARBOR };
  if (mode === 'v2') return mothershipImage(image) ? { from: 'harbor', registry } : { from: HOST_IDENTITY, registry: `registry.${sovereign}` };
  return { from: HOST_IDENTITY, registry };
}

export interface Puller {
  region: SimRegion;
  sovereign: string;
  /** PEM roots a node trusts. */
  ca: string;
}

async function registriesMode(region: SimRegion, node: string): Promise<string | undefined> {
  const cm = await region.api.get('v1', 'ConfigMap', STATUS_CM.namespace, STATUS_CM.name);
  return (cm?.data as Record<string, string> | undefined)?.[`node.${node}.registriesYaml`];
}

/** Pulls `image` on `node`; undefined when it pulled, else what the kubelet reports. */
export async function pullImage(p: Puller, image: string, node: string): Promise<PullFailure | undefined> {
  const route = pullRoute(image, await registriesMode(p.region, node), p.sovereign);
  const r = await reach({ proxyUrl: p.region.proxy.url, from: route.from, url: `https://${route.registry}/v2/`, timeoutMs: PULL_TIMEOUT_MS, ca: p.ca });
  if (r.ok) return undefined;
  const via = route.registry === imageRegistry(image) ? '' : ` (via ${route.registry})`;
  const host = route.registry.split(':')[0];
  const cause = r.error === 'timeout' ? `dial tcp ${isIpv4(host) ? host : publicAddress(host)}:443: i/o timeout` : r.error === 'unresolved' ? `dial tcp: lookup ${host}: no such host` : r.detail;
  return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": failed to resolve reference "${image}"${via}: ${cause}` };
}
