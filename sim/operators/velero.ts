// Source: velero v1.18 pkg/controller/backup_storage_location_controller.go (a location is
// validated when due, every spec.validationFrequency or the server's 1m; valid → phase Available,
// message cleared; invalid → Unavailable with `BackupStorageLocation "<name>" is unavailable: <err>`;
// lastValidationTime on every validation) and pkg/persistence (IsValid lists the bucket's root
// prefix). The error is velero-plugin-for-aws's (aws-sdk-go-v2) ListObjectsV2 failure through the
// plugin's gRPC. The backup sync controller stamps lastSyncedTime while the location is Available.
// This CRD has no status subresource: the status is written with the object.
import type { KubeObject } from '../kube-client/api.js';
import { rfc3339 } from './conditions.js';
import { dialError } from './endpoints.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'velero';
const DEFAULT_FREQUENCY_MS = 60_000;

interface LocationSpec {
  validationFrequency?: string;
  objectStorage?: { bucket?: string; prefix?: string };
  config?: Record<string, string>;
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'velero');
}

/** A Go duration (`1m0s`, `30s`, `0`) in milliseconds. */
function durationMs(d: string): number {
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

function due(obj: KubeObject): boolean {
  const last = typeof obj.status?.lastValidationTime === 'string' ? Date.parse(obj.status.lastValidationTime) : NaN;
  if (Number.isNaN(last) || !obj.status?.phase) return true;
  const freq = (obj.spec as LocationSpec | undefined)?.validationFrequency;
  const every = freq === undefined ? DEFAULT_FREQUENCY_MS : durationMs(freq);
  return every > 0 && Date.now() - last >= every;
}

/** Why listing the bucket fails, or undefined when the object store answers. */
function listError(obj: KubeObject, world: OperatorWorld): string | undefined {
  const spec = (obj.spec ?? {}) as LocationSpec;
  const endpoint = spec.config?.s3Url ?? `https://s3.${spec.config?.region ?? 'us-east-1'}.amazonaws.com`;
  const prefix = spec.objectStorage?.prefix ? `${spec.objectStorage.prefix}/` : '';
  const url = `${endpoint.replace(/\/$/, '')}/${spec.objectStorage?.bucket ?? ''}?delimiter=%2F&list-type=2&prefix=${encodeURIComponent(prefix)}`;
  const err = dialError(world, 'Get', url);
  return err && `rpc error: code = Unknown desc = operation error S3: ListObjectsV2, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , HostID: , request send failed, ${err}`;
}

export const velero: OperatorModel = {
  group: 'velero.io',
  kinds: { BackupStorageLocation: 'v1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'velero' },
  sample: () => ({
    spec: {
      provider: 'aws',
      default: true,
      accessMode: 'ReadWrite',
      objectStorage: { bucket: 'velero' },
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://seaweedfs.seaweedfs.svc.cluster.local:8333' },
    },
  }),
  status(obj, world) {
    if (!running(world)) return undefined;
    if (!due(obj)) return obj.status;
    const err = listError(obj, world);
    const now = rfc3339();
    const { message: _, ...kept } = obj.status ?? {};
    return err
      ? { ...kept, phase: 'Unavailable', message: `BackupStorageLocation "${obj.metadata.name}" is unavailable: ${err}`, lastValidationTime: now }
      : { ...kept, phase: 'Available', lastValidationTime: now, lastSyncedTime: now };
  },
};
