/**
 * System workloads a zero-touch audit reads in kube-system, cnpg-system and flux-system, applied by
 * the automation that owns them on a k3s Sovereign (k3s' manifest deployer `deploy@<node>`, Flux's
 * bootstrap through kustomize-controller); a few carry a `kubectl.kubernetes.io/restartedAt` from
 * inside the bootstrap window, as the bootstrap's own restarts leave them. Workloads a kit chart
 * renders are left to it.
 */
import type { Kit } from '../../src/kit/types.js';
import { kitWorkloads } from '../charts/kit-charts.js';
import type { SimRegion } from '../context.js';
import { rfc3339 } from '../operators/conditions.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface SystemWorkload {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  image: string;
  /** Field manager that applied it. */
  manager: string;
  /** Restarted this many seconds after the deployment started (inside the bootstrap window). */
  restartedAfterSec?: number;
}

function workloads(controlPlaneNode: string): SystemWorkload[] {
  const k3s = `deploy@${controlPlaneNode}`;
  return [
    { kind: 'Deployment', namespace: 'kube-system', name: 'coredns', image: 'rancher/mirrored-coredns-coredns:1.11.3', manager: k3s, restartedAfterSec: 900 },
    { kind: 'Deployment', namespace: 'kube-system', name: 'metrics-server', image: 'rancher/mirrored-metrics-server:v0.7.2', manager: k3s },
    { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium-envoy', image: 'quay.io/cilium/cilium-envoy:v1.29.9', manager: 'helm-controller' },
    { kind: 'Deployment', namespace: 'flux-system', name: 'source-controller', image: 'ghcr.io/fluxcd/source-controller:v1.9.6', manager: 'kustomize-controller' },
    { kind: 'Deployment', namespace: 'flux-system', name: 'kustomize-controller', image: 'ghcr.io/fluxcd/kustomize-controller:v1.9.6', manager: 'kustomize-controller' },
    { kind: 'Deployment', namespace: 'flux-system', name: 'notification-controller', image: 'ghcr.io/fluxcd/notification-controller:v1.9.0', manager: 'kustomize-controller' },
  ];
}

export async function applySystemWorkloads(region: SimRegion, o: { kit: Kit; controlPlaneNode: string; deploymentStartedMs: number }): Promise<void> {
  const skip = kitWorkloads(o.kit);
  for (const w of workloads(o.controlPlaneNode)) {
    if (skip.has(`${w.kind}/${w.namespace}/${w.name}`)) continue;
    const labels = { 'app.kubernetes.io/name': w.name };
    const annotations = w.restartedAfterSec === undefined ? undefined : { [RESTARTED_AT]: rfc3339(o.deploymentStartedMs + w.restartedAfterSec * 1000) };
    await region.api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: w.namespace } }, w.manager);
    await region.api.apply({
      apiVersion: 'apps/v1',
      kind: w.kind,
      metadata: { name: w.name, namespace: w.namespace, labels },
      spec: {
        ...(w.kind === 'Deployment' ? { replicas: 1 } : {}),
        selector: { matchLabels: labels },
        template: { metadata: { labels, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: w.name, image: w.image }] } },
      },
    }, w.manager);
  }
}
