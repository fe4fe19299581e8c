/**
 * How each slot of the kind kit is installed: the upstream Helm repository and the values that
 * make the chart produce what the slot's surface check probes (e.g. `fullnameOverride` so the
 * reloader Deployment is called `reloader`). Chart name, version and target namespace come from
 * the kit file itself (fixtures/kind/kit-kind.json).
 *
 * On a Sovereign every slot is an OCI `bp-<x>` chart; on kind the upstream chart stands in,
 * installed by a HelmRelease of the same name and labels, so the readiness suite walks the kind
 * cluster exactly as it walks a Sovereign.
 */
import type { Kit, KitSlot } from '../kit/types.js';
import { SetupError } from '../target/errors.js';
import type { Manifest } from './steps.js';

export interface KindChart {
  repository: { name: string; url: string };
  releaseName: string;
  values?: Record<string, unknown>;
}

export const KIND_CHARTS: Readonly<Record<string, KindChart>> = {
  'bp-cert-manager': {
    repository: { name: 'jetstack', url: 'https://charts.jetstack.io' },
    releaseName: 'cert-manager',
    values: { crds: { enabled: true } },
  },
  'bp-sealed-secrets': {
    repository: { name: 'sealed-secrets', url: 'https://bitnami-labs.github.io/sealed-secrets' },
    releaseName: 'sealed-secrets-controller',
    values: { fullnameOverride: 'sealed-secrets-controller' },
  },
  'bp-nats-jetstream': {
    repository: { name: 'nats', url: 'https://nats-io.github.io/k8s/helm/charts/' },
    releaseName: 'nats',
    values: { config: { jetstream: { enabled: true, fileStore: { pvc: { size: '1Gi' } } } } },
  },
  'bp-cnpg': {
    repository: { name: 'cnpg', url: 'https://cloudnative-pg.github.io/charts' },
    releaseName: 'cnpg',
  },
  'bp-reloader': {
    repository: { name: 'stakater', url: 'https://stakater.github.io/stakater-charts' },
    releaseName: 'reloader',
    values: { fullnameOverride: 'reloader' },
  },
  'bp-vpa': {
    repository: { name: 'fairwinds-stable', url: 'https://charts.fairwinds.com/stable' },
    releaseName: 'vpa',
    // The recommender serves the CRDs the slot probes; the updater and the admission webhook are not needed on kind.
    values: { updater: { enabled: false }, admissionController: { enabled: false } },
  },
};

const FLUX_NS = 'flux-system';

interface InstallableSlot {
  slot: KitSlot;
  chart: KindChart;
  chartName: string;
  version: string;
  targetNamespace: string;
}

function installable(slot: KitSlot, charts: Readonly<Record<string, KindChart>>): InstallableSlot {
  const chart = charts[slot.name];
  const missing = [
    chart ? undefined : `an entry in KIND_CHARTS (src/kind/charts.ts)`,
    slot.chart ? undefined : '"chart"',
    slot.version ? undefined : '"version"',
    slot.targetNamespace ? undefined : '"targetNamespace"',
  ].filter((m): m is string => m !== undefined);
  if (!chart || !slot.chart || !slot.version || !slot.targetNamespace) {
    throw new SetupError(`kind kit slot ${slot.slot} ${slot.name} cannot be installed on kind: it needs ${missing.join(', ')}`);
  }
  if (slot.ready.namespace !== FLUX_NS || slot.ready.name !== slot.name) {
    throw new SetupError(`kind kit slot ${slot.slot} ${slot.name}: ready must name HelmRelease ${FLUX_NS}/${slot.name}`);
  }
  return { slot, chart, chartName: slot.chart, version: slot.version, targetNamespace: slot.targetNamespace };
}

/** HelmRepositories (one per distinct repository, sorted) and HelmReleases (kit order) for one region. */
export function kitManifests(kit: Kit, regionRole: 'primary' | 'secondary', charts: Readonly<Record<string, KindChart>> = KIND_CHARTS): Manifest[] {
  const slots = kit.slots.map((s) => installable(s, charts));
  const names = new Set(kit.slots.map((s) => s.name));
  for (const { slot } of slots) {
    const unknown = slot.dependsOn.filter((d) => !names.has(d));
    if (unknown.length) throw new SetupError(`kind kit slot ${slot.slot} ${slot.name} depends on ${unknown.join(', ')}, which the kit does not install`);
  }
  const repositories = new Map<string, string>();
  for (const { chart } of slots) {
    const seen = repositories.get(chart.repository.name);
    if (seen !== undefined && seen !== chart.repository.url) {
      throw new Error(`Helm repository name ${chart.repository.name} is used for both ${seen} and ${chart.repository.url}`);
    }
    repositories.set(chart.repository.name, chart.repository.url);
  }
  const repoManifests: Manifest[] = [...repositories.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, url]) => ({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name, namespace: FLUX_NS, labels: { 'app.kubernetes.io/part-of': 'sovereign-walk' } },
      spec: { interval: '1h', url },
    }));
  const releases: Manifest[] = slots.map(({ slot, chart, chartName, version, targetNamespace }) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name: slot.name,
      namespace: FLUX_NS,
      labels: {
        'catalyst.openova.io/slot': slot.slot,
        'catalyst.openova.io/component': slot.name.replace(/^bp-/, ''),
        'catalyst.openova.io/region-role': regionRole,
      },
    },
    spec: {
      interval: '10m',
      releaseName: chart.releaseName,
      targetNamespace,
      chart: { spec: { chart: chartName, version, sourceRef: { kind: 'HelmRepository', name: chart.repository.name, namespace: FLUX_NS } } },
      install: { createNamespace: true, remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3 } },
      ...(slot.dependsOn.length ? { dependsOn: slot.dependsOn.map((name) => ({ name, namespace: FLUX_NS })) } : {}),
      ...(chart.values ? { values: chart.values } : {}),
    },
  }));
  return [...repoManifests, ...releases];
}
