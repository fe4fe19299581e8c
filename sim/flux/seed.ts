/**
 * The Flux objects of a franchised, already cut-over Sovereign region: one HelmRelease and
 * one OCI HelmRepository per kit slot (repointed to the Sovereign's own Harbor), the
 * GitRepository on the local Gitea, and the bootstrap-kit / sovereign-tls / org-tenants
 * Kustomizations, all applied by kustomize-controller as the bootstrap-kit would.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KitSlot } from '../../src/kit/types.js';
import { create } from '../runtime/objects.js';
import {
  COMPONENT_LABEL,
  FLUX_NS,
  HR_API,
  KS_API,
  ROLE_LABEL,
  SLOT_LABEL,
  SOURCE_API,
  componentOf,
} from './model.js';

const APPLIER = 'kustomize-controller';
const GITREPO_NAME = 'openova';
export const GITREPO_URL = 'http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git';
const KUSTOMIZATIONS = ['bootstrap-kit', 'sovereign-tls', 'org-tenants'];

export interface FluxSeedOptions {
  sovereign: string;
  role: 'primary' | 'secondary';
  slots: readonly KitSlot[];
  /** Slots whose HelmRelease is seeded with `spec.suspend: true`. */
  suspended: (slotName: string) => boolean;
}

export function helmRepositoryName(slot: KitSlot): string {
  return `bp-${componentOf(slot.name)}`;
}

function registryUrl(sovereign: string): string {
  return `oci://registry.${sovereign}/openova-io`;
}

function helmRelease(slot: KitSlot, o: FluxSeedOptions): Parameters<typeof create>[1] {
  const target = slot.targetNamespace;
  return {
    apiVersion: HR_API,
    kind: 'HelmRelease',
    metadata: {
      name: slot.name,
      namespace: FLUX_NS,
      labels: { [SLOT_LABEL]: slot.slot, [COMPONENT_LABEL]: componentOf(slot.name), [ROLE_LABEL]: o.role },
    },
    spec: {
      interval: '15m',
      ...(target ? { targetNamespace: target, releaseName: slot.name } : {}),
      chart: {
        spec: {
          chart: slot.chart ?? slot.name,
          version: slot.version ?? '1.0.0',
          sourceRef: { kind: 'HelmRepository', name: helmRepositoryName(slot), namespace: FLUX_NS },
          reconcileStrategy: 'ChartVersion',
        },
      },
      dependsOn: slot.dependsOn.map((name) => ({ name, namespace: FLUX_NS })),
      install: { disableWait: true, timeout: '10m', ...(target ? { createNamespace: true } : {}), remediation: { retries: -1 } },
      upgrade: { disableWait: true, timeout: '10m', remediation: { retries: 5 } },
      ...(o.suspended(slot.name) ? { suspend: true } : {}),
    },
  };
}

function helmRepository(name: string, sovereign: string): Parameters<typeof create>[1] {
  return {
    apiVersion: SOURCE_API,
    kind: 'HelmRepository',
    metadata: { name, namespace: FLUX_NS },
    spec: { type: 'oci', interval: '10m', url: registryUrl(sovereign), secretRef: { name: 'ghcr-pull' } },
  };
}

export function seedFlux(store: ObjectStore, o: FluxSeedOptions): void {
  const registryHost = `registry.${o.sovereign}`;
  const auth = Buffer.from(`robot$flux:${Buffer.from(registryHost).toString('hex').slice(0, 24)}`).toString('base64');
  create(
    store,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ghcr-pull', namespace: FLUX_NS },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [registryHost]: { auth } } })).toString('base64') },
    },
    APPLIER,
  );
  create(store, helmRepository('openova-catalog', o.sovereign), APPLIER);
  for (const slot of o.slots) create(store, helmRepository(helmRepositoryName(slot), o.sovereign), APPLIER);
  create(
    store,
    {
      apiVersion: SOURCE_API,
      kind: 'GitRepository',
      metadata: { name: GITREPO_NAME, namespace: FLUX_NS },
      spec: { interval: '1m', url: GITREPO_URL, ref: { branch: 'main' }, timeout: '60s' },
    },
    APPLIER,
  );
  for (const name of KUSTOMIZATIONS) {
    create(
      store,
      {
        apiVersion: KS_API,
        kind: 'Kustomization',
        metadata: { name, namespace: FLUX_NS },
        spec: {
          interval: '10m',
          path: `./clusters/${o.sovereign}/${name}`,
          prune: true,
          sourceRef: { kind: 'GitRepository', name: GITREPO_NAME },
          timeout: '5m',
        },
      },
      APPLIER,
    );
  }
  for (const slot of o.slots) create(store, helmRelease(slot, o), APPLIER);
}
