/**
 * A region's nodes as the cloud provider registers them (Hetzner Cloud server names, locations,
 * instance types); kwok manages every node annotated `kwok.x-k8s.io/node: fake`, reports it Ready
 * and keeps its lease, and kube-controller-manager gives it a pod CIDR.
 */
import { stringify } from 'yaml';

/** `hz-fsn-rtz-prod` → `fsn`; Hetzner locations are `<code>1` (fsn1, hel1, nbg1). */
function regionCode(region: string): string {
  const parts = region.split('-');
  return parts.length > 1 ? parts[1] : region;
}

export function nodeNames(region: string): string[] {
  const code = regionCode(region);
  return [`${code}-cp-1`, `${code}-w-1`, `${code}-w-2`, `${code}-w-3`];
}

/** The Hetzner Cloud server id behind node `i` of region `regionIndex` (its providerID is `hcloud://<id>`). */
export function serverId(regionIndex: number, i: number): number {
  return 40_000_000 + regionIndex * 100 + i;
}

export function nodesManifest(region: string, regionIndex: number): string {
  const location = `${regionCode(region)}1`;
  return nodeNames(region)
    .map((name, i) => {
      const controlPlane = i === 0;
      return stringify({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            'beta.kubernetes.io/arch': 'amd64',
            'beta.kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/os': 'linux',
            'kubernetes.io/hostname': name,
            'node.kubernetes.io/instance-type': controlPlane ? 'cpx31' : 'cpx41',
            'topology.kubernetes.io/region': location,
            'topology.kubernetes.io/zone': `${location}-dc14`,
            'type': 'kwok',
            ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true' } : {}),
          },
        },
        spec: { providerID: `hcloud://${serverId(regionIndex, i)}` },
      });
    })
    .join('---\n');
}
