/**
 * The platform's own DR controller on kind: bp-continuum from the platform's chart registry in each
 * region, with the CNPGPair and Continuum objects bp-cnpg-pair renders on a Sovereign, so the
 * survivor is promoted by the platform's act, never by the harness. Where the chart cannot be
 * pulled (the registry is private, or unreachable), kind:up goes on and the walk reports the
 * failover suite `skipped` with the HelmRelease's own reason (TargetSpec.drController).
 */
import type { Manifest } from './steps.js';
import { COUNTER, cnpgClusterName, type KindRegion } from './topology.js';
import { KIND_VERSIONS } from './versions.js';

const FLUX_NS = 'flux-system';
export const PLATFORM_CHARTS_REPOSITORY = 'openova-io';
export const CONTINUUM_RELEASE = { namespace: FLUX_NS, name: KIND_VERSIONS.continuumChart.name } as const;
export const CONTINUUM_NAMESPACE = 'continuum-system';
const PAIR = 'sw-counter';
const PAIR_LABEL = 'catalyst.openova.io/cnpg-pair';

export function platformChartsRepository(): Manifest {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: PLATFORM_CHARTS_REPOSITORY, namespace: FLUX_NS, labels: { 'app.kubernetes.io/part-of': 'sovereign-walk' } },
    spec: { interval: '1h', type: 'oci', url: KIND_VERSIONS.platformCharts },
  };
}

export function continuumRelease(region: KindRegion): Manifest {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: CONTINUUM_RELEASE.name, namespace: FLUX_NS, labels: { 'catalyst.openova.io/component': 'continuum', 'catalyst.openova.io/region-role': region.role } },
    spec: {
      interval: '10m',
      releaseName: 'continuum',
      targetNamespace: CONTINUUM_NAMESPACE,
      chart: {
        spec: { chart: KIND_VERSIONS.continuumChart.name, version: KIND_VERSIONS.continuumChart.version, sourceRef: { kind: 'HelmRepository', name: PLATFORM_CHARTS_REPOSITORY, namespace: FLUX_NS } },
      },
      install: { createNamespace: true, remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3 } },
      // The prerequisite check looks for bp-cnpg-pair's audit ConfigMap; kind's pair is rendered here instead.
      values: { continuum: { enabled: true, region: region.name, prerequisiteCheck: { enabled: false } } },
    },
  };
}

/** The pair as bp-cnpg-pair describes it, in both regions. */
export function cnpgPair(primary: KindRegion, replica: KindRegion): Manifest {
  return {
    apiVersion: 'dr.openova.io/v1',
    kind: 'CNPGPair',
    metadata: { name: PAIR, namespace: COUNTER.namespace, labels: { [PAIR_LABEL]: PAIR } },
    spec: {
      primaryCluster: cnpgClusterName(primary),
      replicaCluster: cnpgClusterName(replica),
      primaryRegion: primary.name,
      replicaRegion: replica.name,
      rpoSeconds: 0,
      rtoSeconds: 30,
      topology: 'active-hot-standby',
    },
  };
}

/** What the controller acts on: a lease the primary region holds, and a CNPG promotion when it is lost. */
export function continuum(primary: KindRegion, replica: KindRegion): Manifest {
  return {
    apiVersion: 'dr.openova.io/v1',
    kind: 'Continuum',
    metadata: { name: PAIR, namespace: COUNTER.namespace, labels: { [PAIR_LABEL]: PAIR } },
    spec: {
      applicationRef: { name: 'sw-counter', namespace: COUNTER.namespace },
      cnpgPairRef: { name: PAIR, namespace: COUNTER.namespace },
      primaryRegion: primary.name,
      hotStandbyRegions: [replica.name],
      leaseClient: { kind: 'k8s-lease', config: { ttlSeconds: 30, renewSeconds: 10 } },
      rto: '30s',
      rpo: '0s',
      autoFailover: true,
      switchover: { mechanism: 'cnpg-promote' },
    },
  };
}
