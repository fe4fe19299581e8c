/**
 * The sim's image-pull model, plugged into the kubelet as a pod-health rule. Where a node
 * pulls from follows its registries.yaml as the cutover status ConfigMap records it:
 * - v2 (cut over): the Sovereign's own Harbor. The `openova-io` project and the proxy caches of
 *   third-party registries (warmed by step 03) answer locally; a mothership reference
 *   (ghcr.io/openova-io/…, harbor.openova.io/…) is a cache miss Harbor must fetch upstream.
 * - v1 (not cut over): its wildcard mirror (`"*"`) sends every pull, the Sovereign's own
 *   registry included, through the mothership Harbor, harbor.openova.io.
 * - no record: containerd pulls straight from the image's registry.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import type { PodFailure } from '../region-hooks.js';
import { record } from '../runtime/objects.js';
import { NODE_SOURCE, resolveHost, type Endpoint } from './dns.js';
import { egressAllowed } from './policy-model.js';

export const STATUS_CM = { namespace: 'catalyst', name: 'self-sovereign-cutover-status' };
const MOTHERSHIP_HARBOR = 'harbor.openova.io';
const HARBOR_NAMESPACE = 'harbor';
/** Marks failures this model produced, so it can retry them when the network changes. */
export const PULL_FAILURE_MARK = 'dial tcp';

export function imageRegistry(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : 'docker.io';
}

function mothershipImage(image: string): boolean {
  return /^ghcr\.io\/openova-io\//i.test(image) || /^harbor\.openova\.io\//i.test(image);
}

export function nodeRegistries(store: ObjectStore, node: string | undefined): string | undefined {
  const data = record(store.get('v1', 'ConfigMap', STATUS_CM.namespace, STATUS_CM.name)?.data) as Record<string, string>;
  return node ? data[`node.${node}.registriesYaml`] : undefined;
}

export interface PullContext {
  store: ObjectStore;
  local: { sovereign: string; poolDomain: string };
}

/** Who must reach whom for this pull, or undefined when the pull stays inside the cluster. */
function pullHop(c: PullContext, image: string, node: string | undefined): { from: string; ep: Endpoint } | undefined {
  const mode = nodeRegistries(c.store, node);
  if (mode === 'v1') return { from: NODE_SOURCE, ep: resolveHost(MOTHERSHIP_HARBOR, 443, c.local) };
  const direct = resolveHost(imageRegistry(image).split(':')[0], 443, c.local);
  if (direct.entity !== 'world') return undefined;
  if (mode === 'v2') return mothershipImage(image) ? { from: HARBOR_NAMESPACE, ep: direct } : undefined;
  return { from: NODE_SOURCE, ep: direct };
}

export function pullFailure(c: PullContext, pod: KubeObject): PodFailure | undefined {
  const current = c.store.get('v1', 'Pod', pod.metadata.namespace, pod.metadata.name) ?? pod;
  const node = record(current.spec).nodeName as string | undefined;
  const containers = [...((record(current.spec).initContainers as { image?: string }[] | undefined) ?? []), ...((record(current.spec).containers as { image?: string }[] | undefined) ?? [])];
  for (const { image } of containers) {
    if (!image) continue;
    const hop = pullHop(c, image, node);
    if (!hop || egressAllowed(c.store, hop.from, hop.ep)) continue;
    const via = hop.ep.host === imageRegistry(image).split(':')[0] ? '' : ` (via ${hop.ep.host})`;
    return {
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "${image}": failed to resolve reference "${image}"${via}: ${PULL_FAILURE_MARK} ${hop.ep.ip}:443: i/o timeout`,
    };
  }
  return undefined;
}
