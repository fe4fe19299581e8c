/** The kind cluster config of one region (fed to `kind create cluster --config=-`). */
import type { Manifest } from './steps.js';
import { KIND_VERSIONS } from './versions.js';
import type { KindRegion } from './topology.js';

export function kindClusterConfig(region: KindRegion, workers: number): Manifest {
  // The region labels let suites and operators tell the nodes of the two clusters apart.
  const labels = { 'topology.kubernetes.io/region': region.name, 'catalyst.openova.io/region-role': region.role };
  const node = (role: 'control-plane' | 'worker') => ({ role, image: KIND_VERSIONS.nodeImage, labels });
  return {
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    kind: 'Cluster',
    name: region.cluster,
    nodes: [node('control-plane'), ...Array.from({ length: workers }, () => node('worker'))],
  };
}
