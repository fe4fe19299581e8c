/**
 * System workloads a zero-touch audit reads in kube-system, cnpg-system and flux-system,
 * written only by automation (k3s' manifest deployer, helm-controller, kustomize-controller);
 * a few carry a `kubectl.kubernetes.io/restartedAt` from inside the bootstrap window, as the
 * bootstrap's own restarts leave them. Workloads the kit's surface checks name are left to the
 * Flux model that renders them.
 */
import type { ObjectStore } from '../kube/store.js';
import type { Kit } from '../../src/kit/types.js';
import { ensure, ensureNamespace, rfc3339 } from '../runtime/objects.js';

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
    { kind: 'Deployment', namespace: 'kube-system', name: 'cilium-operator', image: 'quay.io/cilium/operator-generic:v1.16.3', manager: 'helm-controller' },
    { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium-envoy', image: 'quay.io/cilium/cilium-envoy:v1.29.9', manager: 'helm-controller' },
    { kind: 'Deployment', namespace: 'cnpg-system', name: 'cnpg-cloudnative-pg', image: 'ghcr.io/cloudnative-pg/cloudnative-pg:1.24.1', manager: 'helm-controller', restartedAfterSec: 1200 },
    { kind: 'Deployment', namespace: 'flux-system', name: 'source-controller', image: 'ghcr.io/fluxcd/source-controller:v1.4.1', manager: 'kustomize-controller' },
    { kind: 'Deployment', namespace: 'flux-system', name: 'kustomize-controller', image: 'ghcr.io/fluxcd/kustomize-controller:v1.4.0', manager: 'kustomize-controller' },
    { kind: 'Deployment', namespace: 'flux-system', name: 'notification-controller', image: 'ghcr.io/fluxcd/notification-controller:v1.4.0', manager: 'kustomize-controller' },
  ];
}

/** `<Kind>/<ns>/<name>` of every workload a kit surface check rolls out (rendered by the Flux model). */
function kitWorkloads(kit: Kit): Set<string> {
  const kinds = { deployment: 'Deployment', daemonset: 'DaemonSet', statefulset: 'StatefulSet' } as const;
  const out = new Set<string>();
  for (const s of kit.slots) if (s.surface?.kind === 'rollout') out.add(`${kinds[s.surface.workload]}/${s.surface.namespace}/${s.surface.name}`);
  return out;
}

export function seedSystemWorkloads(store: ObjectStore, opts: { kit: Kit; controlPlaneNode: string; deploymentStartedMs: number }): void {
  const skip = kitWorkloads(opts.kit);
  for (const w of workloads(opts.controlPlaneNode)) {
    if (skip.has(`${w.kind}/${w.namespace}/${w.name}`)) continue;
    ensureNamespace(store, w.namespace, w.manager);
    const labels = { 'app.kubernetes.io/name': w.name };
    const annotations = w.restartedAfterSec === undefined ? undefined : { [RESTARTED_AT]: rfc3339(opts.deploymentStartedMs + w.restartedAfterSec * 1000) };
    ensure(
      store,
      {
        apiVersion: 'apps/v1',
        kind: w.kind,
        metadata: { name: w.name, namespace: w.namespace, labels },
        spec: {
          ...(w.kind === 'Deployment' ? { replicas: 1 } : {}),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels, ...(annotations ? { annotations } : {}) },
            spec: { containers: [{ name: w.name, image: w.image }] },
          },
        },
      },
      w.manager,
    );
  }
}
