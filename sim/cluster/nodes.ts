/** The nodes of a sim region, as k3s on Hetzner Cloud registers them and the kubelet reports them. */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../kube/store.js';
import { create, rfc3339, writeStatus } from '../runtime/objects.js';

const MANAGER = 'k3s';
const KUBELET_VERSION = 'v1.30.6+k3s1';

/** `hz-fsn-rtz-prod` → `fsn`; Hetzner locations are `<code>1` (fsn1, hel1, nbg1). */
function regionCode(region: string): string {
  const parts = region.split('-');
  return parts.length > 1 ? parts[1] : region;
}

export function nodeNames(region: string): string[] {
  const code = regionCode(region);
  return [`${code}-cp-1`, `${code}-w-1`, `${code}-w-2`, `${code}-w-3`];
}

function hex(seed: string, len: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, len);
}

export function seedNodes(store: ObjectStore, region: string, regionIndex: number): void {
  const location = `${regionCode(region)}1`;
  const now = rfc3339();
  nodeNames(region).forEach((name, i) => {
    const controlPlane = i === 0;
    create(
      store,
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            'beta.kubernetes.io/arch': 'amd64',
            'beta.kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/os': 'linux',
            'kubernetes.io/hostname': name,
            'node.kubernetes.io/instance-type': controlPlane ? 'cpx31' : 'cpx41',
            'topology.kubernetes.io/region': location,
            'topology.kubernetes.io/zone': `${location}-dc14`,
            ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } : {}),
          },
          annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
        },
        spec: {
          podCIDR: `10.42.${regionIndex * 16 + i}.0/24`,
          podCIDRs: [`10.42.${regionIndex * 16 + i}.0/24`],
          providerID: `hcloud://${40_000_000 + regionIndex * 100 + i}`,
        },
      },
      MANAGER,
    );
    const cpu = controlPlane ? '4' : '8';
    const memory = controlPlane ? '7936Mi' : '15872Mi';
    writeStatus(store, { apiVersion: 'v1', kind: 'Node', metadata: { name } }, MANAGER, (o) => {
      o.status = {
        capacity: { cpu, memory, pods: '110', 'ephemeral-storage': '157197504Ki' },
        allocatable: { cpu, memory, pods: '110', 'ephemeral-storage': '152920765745' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
          { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ].map((c) => ({ ...c, lastHeartbeatTime: now, lastTransitionTime: now })),
        addresses: [
          { type: 'InternalIP', address: `10.${regionIndex}.0.${i + 2}` },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: hex(`${name}-boot`, 32),
          containerRuntimeVersion: 'containerd://1.7.22-k3s1',
          kernelVersion: '6.8.0-47-generic',
          kubeProxyVersion: KUBELET_VERSION,
          kubeletVersion: KUBELET_VERSION,
          machineID: hex(`${name}-machine`, 32),
          operatingSystem: 'linux',
          osImage: 'Ubuntu 24.04.1 LTS',
          systemUUID: hex(`${name}-uuid`, 32),
        },
      };
    });
  });
}
