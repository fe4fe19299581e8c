// Source: external-secrets v0.16 pkg/controllers/secretstore/common.go (a store is Ready=True
// reason Valid "store validated" with capabilities ReadWrite once its provider client is built and
// validates; Vault's client logs in through Kubernetes auth while it is built, so an unreachable
// server is Ready=False reason InvalidProviderConfig "unable to create client"), and
// pkg/controllers/externalsecret/externalsecret_controller.go (the flood gate refuses a store whose
// Ready is not True; any provider failure is Ready=False SecretSyncedError "could not get secret
// data from provider"; a sync writes the target Secret with the created-by/managed labels and the
// data-hash annotation, then Ready=True SecretSynced "secret synced", refreshTime,
// syncedResourceVersion and binding). Conditions carry no observedGeneration in this API.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube-client/api.js';
import { condition, rfc3339 } from './conditions.js';
import { dialError } from './endpoints.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'external-secrets';
const VERSION = 'v1';
const STORE = 'openbao';

/** The Sovereign's OpenBao, logged in to with ESO's own ServiceAccount through Kubernetes auth. */
const STORE_SPEC = {
  provider: {
    vault: {
      server: 'http://openbao.openbao.svc.cluster.local:8200',
      path: 'secret',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets', namespace: NAMESPACE } } },
    },
  },
};

interface ExternalSecretSpec {
  refreshInterval?: string;
  secretStoreRef?: { kind?: string; name?: string };
  target?: { name?: string; creationPolicy?: string };
  data?: { secretKey: string; remoteRef: { key: string; property?: string } }[];
}

interface VaultProvider {
  server?: string;
  auth?: { kubernetes?: { mountPath?: string } };
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'external-secrets');
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Go's `fmt.Sprintf("%+v", m)` of a map[string]string (keys sorted). */
function goMap(m: Record<string, string> | undefined): string {
  return `map[${Object.keys(m ?? {}).sort().map((k) => `${k}:${m![k]}`).join(' ')}]`;
}

/** Go's `fmt.Sprintf("%+v", m)` of a Secret's map[string][]byte. */
function goBytesMap(m: Record<string, Buffer>): string {
  return `map[${Object.keys(m).sort().map((k) => `${k}:[${[...m[k]].join(' ')}]`).join(' ')}]`;
}

/** `getResourceVersion`: the generation and a hash of the labels and annotations. */
function resourceVersion(obj: KubeObject): string {
  return `${obj.metadata.generation ?? 0}-${md5(`{annotations:${goMap(obj.metadata.annotations)} labels:${goMap(obj.metadata.labels)}}`)}`;
}

/** A Go duration such as `1h`, `15m`, `1h30m` in milliseconds. */
function durationMs(d: string): number {
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

/** Why Vault's Kubernetes login fails (undefined when the store's server answers). */
function loginError(world: OperatorWorld, store: KubeObject): string | undefined {
  const vault = ((store.spec as { provider?: { vault?: VaultProvider } } | undefined)?.provider?.vault) ?? {};
  return dialError(world, 'Put', `${vault.server ?? ''}/v1/auth/${vault.auth?.kubernetes?.mountPath ?? 'kubernetes'}/login`);
}

function storeOf(obj: KubeObject, world: OperatorWorld): KubeObject | undefined {
  const ref = (obj.spec as ExternalSecretSpec | undefined)?.secretStoreRef ?? {};
  return ref.kind === 'SecretStore'
    ? world.get(`external-secrets.io/${VERSION}`, 'SecretStore', obj.metadata.namespace, ref.name ?? '')
    : world.get(`external-secrets.io/${VERSION}`, 'ClusterSecretStore', undefined, ref.name ?? '');
}

function storeReady(store: KubeObject | undefined): boolean {
  return !!store?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether the provider answers the ExternalSecret now (the flood gate, then the store's backend). */
function syncs(obj: KubeObject, world: OperatorWorld): boolean {
  const store = storeOf(obj, world);
  return !!store && storeReady(store) && loginError(world, store) === undefined;
}

function targetName(obj: KubeObject): string {
  return (obj.spec as ExternalSecretSpec | undefined)?.target?.name || obj.metadata.name;
}

/** OpenBao's contents are not modelled: each key holds a stable value derived from its remote reference. */
function secretData(obj: KubeObject): Record<string, Buffer> {
  const data: Record<string, Buffer> = {};
  for (const d of (obj.spec as ExternalSecretSpec | undefined)?.data ?? []) {
    data[d.secretKey] = Buffer.from(createHash('sha256').update(`${d.remoteRef.key}#${d.remoteRef.property ?? ''}`).digest('hex').slice(0, 32));
  }
  return data;
}

function storeStatus(obj: KubeObject, world: OperatorWorld): Record<string, unknown> {
  const failed = loginError(world, obj) !== undefined;
  return {
    ...(failed ? (obj.status?.capabilities ? { capabilities: obj.status.capabilities } : {}) : { capabilities: 'ReadWrite' }),
    conditions: [condition(obj, failed
      ? { type: 'Ready', status: 'False', reason: 'InvalidProviderConfig', message: 'unable to create client' }
      : { type: 'Ready', status: 'True', reason: 'Valid', message: 'store validated' }, false)],
  };
}

function externalSecretStatus(obj: KubeObject, world: OperatorWorld): Record<string, unknown> {
  const before = obj.status ?? {};
  if (!syncs(obj, world)) {
    const { conditions: _, ...kept } = before;
    return { ...kept, conditions: [condition(obj, { type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }, false)] };
  }
  const version = resourceVersion(obj);
  const wasSynced = before.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && before.syncedResourceVersion === version;
  const last = typeof before.refreshTime === 'string' ? Date.parse(before.refreshTime) : NaN;
  const interval = durationMs((obj.spec as ExternalSecretSpec | undefined)?.refreshInterval ?? '1h');
  const due = !wasSynced || Number.isNaN(last) || (interval > 0 && Date.now() - last >= interval);
  return {
    binding: { name: targetName(obj) },
    conditions: [condition(obj, { type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }, false)],
    refreshTime: due ? rfc3339() : before.refreshTime,
    syncedResourceVersion: version,
  };
}

export const externalSecrets: OperatorModel = {
  group: 'external-secrets.io',
  kinds: { ExternalSecret: VERSION, ClusterSecretStore: VERSION },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'external-secrets' },
  companions: (kind) => (kind === 'ExternalSecret' ? [{ apiVersion: `external-secrets.io/${VERSION}`, kind: 'ClusterSecretStore', metadata: { name: STORE }, spec: STORE_SPEC }] : []),
  sample: (kind, name, namespace) =>
    kind === 'ExternalSecret'
      ? {
          spec: {
            refreshInterval: '1h',
            secretStoreRef: { kind: 'ClusterSecretStore', name: STORE },
            target: { name, creationPolicy: 'Owner' },
            data: [{ secretKey: 'password', remoteRef: { key: `sovereign/${namespace ?? NAMESPACE}/${name}`, property: 'password' } }],
          },
        }
      : { spec: STORE_SPEC },
  owned(obj, world) {
    if (obj.kind !== 'ExternalSecret' || !running(world) || !syncs(obj, world)) return undefined;
    const policy = (obj.spec as ExternalSecretSpec | undefined)?.target?.creationPolicy ?? 'Owner';
    if (policy !== 'Owner') return [];
    const data = secretData(obj);
    const ns = obj.metadata.namespace ?? '';
    return [{
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: targetName(obj),
        namespace: ns,
        labels: { 'reconcile.external-secrets.io/created-by': md5(`${ns}/${obj.metadata.name}`), 'reconcile.external-secrets.io/managed': 'true' },
        annotations: { 'reconcile.external-secrets.io/data-hash': md5(goBytesMap(data)) },
      },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
    }];
  },
  status(obj, world) {
    if (!running(world)) return undefined;
    return obj.kind === 'ClusterSecretStore' ? storeStatus(obj, world) : externalSecretStatus(obj, world);
  },
};
