/**
 * kindPlan: every command and manifest that builds the two-region kind Sovereign, in order.
 * Pure: the inputs (kit, counter-app manifests) are read by `loadKindPlanInputs`; kind:up
 * executes the plan (src/kind/execute.ts) and `--dry-run` prints it (src/kind/render.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kit } from '../kit/types.js';
import { kitManifests } from './charts.js';
import { kindClusterConfig } from './cluster-config.js';
import { CONTINUUM_RELEASE, cnpgPair, continuum, continuumRelease, platformChartsRepository } from './continuum.js';
import { counterManifests, readCounterManifests, type ManifestFile } from './counter-app.js';
import { appSecret, counterNamespace, crossRegionService, primaryCluster, replicaCluster, replicatorSecret } from './database.js';
import { frontDoorPublish, haproxyConfig } from './frontdoor.js';
import { CA_SECRET, GATEWAY, gatewayManifests, natsNodePortService, tlsManifests } from './platform.js';
import type { KindPlan, KindPlanRegion, KindStep, Manifest } from './steps.js';
import {
  COUNTER,
  DEFAULT_KIND_WORKERS,
  FRONT_DOOR_CONTAINER,
  KIND_CA_COMMON_NAME,
  KIND_DOCKER_NETWORK,
  KIND_REGIONS,
  SIDE_CONTAINER_LABEL,
  caCertPath,
  cnpgClusterName,
  kubeconfigPath,
  nodeContainers,
  regionByRole,
  type KindRegion,
} from './topology.js';
import { kindSideServices } from './side-services.js';
import { KIND_VERSIONS } from './versions.js';

export const KIND_KIT_PATH = 'fixtures/kind/kit-kind.json';

export interface KindPlanOptions {
  stateDir: string;
  kit: Kit;
  counterManifests: ManifestFile[];
  /** Worker nodes per region besides the control plane (default 2). */
  workers?: number;
}

export function loadKindPlanInputs(repoRoot: string, kitPath = KIND_KIT_PATH): Pick<KindPlanOptions, 'kit' | 'counterManifests'> {
  const kit = JSON.parse(readFileSync(join(repoRoot, kitPath), 'utf8')) as Kit;
  return { kit, counterManifests: readCounterManifests(repoRoot) };
}

function planRegions(stateDir: string, workers: number): KindPlanRegion[] {
  return KIND_REGIONS.map((r) => ({
    name: r.name,
    role: r.role,
    cluster: r.cluster,
    kubeconfigPath: kubeconfigPath(stateDir, r.name),
    nodes: nodeContainers(r.cluster, workers),
  }));
}

function describe(manifest: Manifest): string {
  const ns = manifest.metadata?.namespace;
  const name = manifest.metadata?.name ?? String(manifest.name ?? '');
  return `${manifest.kind} ${ns ? `${ns}/` : ''}${name}`;
}

export function kindPlan(opts: KindPlanOptions): KindPlan {
  const workers = opts.workers ?? DEFAULT_KIND_WORKERS;
  const regions = planRegions(opts.stateDir, workers);
  const steps: KindStep[] = [];
  const kubectl = (r: KindRegion) => ['kubectl', '--kubeconfig', kubeconfigPath(opts.stateDir, r.name)];
  const apply = (r: KindRegion, manifest: Manifest) =>
    steps.push({ description: `${r.name}: apply ${describe(manifest)}`, manifest, applyTo: r.name });
  const run = (description: string, command: string[]) => steps.push({ description, command });
  const [primary, secondary] = [regionByRole('primary'), regionByRole('secondary')];
  const caCert = caCertPath(opts.stateDir);
  const caKey = join(opts.stateDir, 'ca.key');

  for (const r of KIND_REGIONS) {
    steps.push({
      description: `${r.name}: create kind cluster ${r.cluster} (1 control plane + ${workers} workers)`,
      command: ['kind', 'create', 'cluster', '--name', r.cluster, '--kubeconfig', kubeconfigPath(opts.stateDir, r.name), '--wait', '5m', '--config=-'],
      input: kindClusterConfig(r, workers),
    });
  }
  for (const r of KIND_REGIONS) {
    run(`${r.name}: install Flux`, [...kubectl(r), 'apply', '--server-side', '-f', KIND_VERSIONS.fluxInstallManifest]);
    run(`${r.name}: wait for the Flux controllers`, [...kubectl(r), '-n', 'flux-system', 'wait', '--for=condition=Available', 'deployment', '--all', '--timeout=5m']);
    run(`${r.name}: install Envoy Gateway and the Gateway API CRDs`, [...kubectl(r), 'apply', '--server-side', '-f', KIND_VERSIONS.envoyGatewayInstallManifest]);
    run(`${r.name}: wait for Envoy Gateway`, [
      ...kubectl(r), '-n', 'envoy-gateway-system', 'wait', '--for=condition=Available', 'deployment/envoy-gateway', '--timeout=5m',
    ]);
  }
  for (const r of KIND_REGIONS) {
    for (const m of kitManifests(opts.kit, r.role)) apply(r, m);
    run(`${r.name}: wait for every kit HelmRelease to be Ready`, [
      ...kubectl(r), '-n', 'flux-system', 'wait', '--for=condition=Ready', 'helmrelease', '--all', '--timeout=15m',
    ]);
  }

  run('create the kind CA shared by both regions', [
    'openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256', '-days', '90',
    '-subj', `/CN=${KIND_CA_COMMON_NAME}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', caKey, '-out', caCert,
  ]);
  for (const r of KIND_REGIONS) {
    steps.push({
      description: `${r.name}: store the kind CA as Secret cert-manager/${CA_SECRET}`,
      command: [...kubectl(r), '-n', 'cert-manager', 'create', 'secret', 'tls', CA_SECRET, '--cert', caCert, '--key', caKey, '--dry-run=client', '-o', 'yaml'],
      pipeTo: [...kubectl(r), 'apply', '-f', '-'],
    });
    for (const m of tlsManifests()) apply(r, m);
    run(`${r.name}: wait for the gateway certificate`, [
      ...kubectl(r), '-n', GATEWAY.namespace, 'wait', '--for=condition=Ready', `certificate/${GATEWAY.tlsSecret}`, '--timeout=5m',
    ]);
    for (const m of gatewayManifests()) apply(r, m);
    apply(r, natsNodePortService());
    run(`${r.name}: wait for Gateway ${GATEWAY.namespace}/${GATEWAY.name} to be Programmed`, [
      ...kubectl(r), '-n', GATEWAY.namespace, 'wait', '--for=condition=Programmed', `gateway/${GATEWAY.name}`, '--timeout=5m',
    ]);
  }

  for (const r of KIND_REGIONS) {
    apply(r, counterNamespace());
    apply(r, appSecret(r));
    apply(r, replicatorSecret());
    apply(r, crossRegionService(r));
  }
  const waitCluster = (r: KindRegion) =>
    run(`${r.name}: wait for CNPG Cluster ${cnpgClusterName(r)}`, [
      ...kubectl(r), '-n', COUNTER.namespace, 'wait', '--for=condition=Ready', `clusters.postgresql.cnpg.io/${cnpgClusterName(r)}`, '--timeout=10m',
    ]);
  apply(primary, primaryCluster(primary, secondary, { synchronous: false }));
  waitCluster(primary);
  apply(secondary, replicaCluster(secondary, primary, workers));
  waitCluster(secondary);
  const synchronous = primaryCluster(primary, secondary, { synchronous: true });
  steps.push({ description: `${primary.name}: make ${cnpgClusterName(secondary)} the synchronous standby (ADR-0004)`, manifest: synchronous, applyTo: primary.name });

  for (const r of KIND_REGIONS) {
    run(`${r.name}: install the dr.openova.io CRDs (bp-catalyst-platform's on a Sovereign)`, [
      ...kubectl(r), 'apply', '--server-side', ...KIND_VERSIONS.drCrds.flatMap((url) => ['-f', url]),
    ]);
    apply(r, platformChartsRepository());
    apply(r, continuumRelease(r));
    apply(r, cnpgPair(primary, secondary));
    apply(r, continuum(primary, secondary));
    steps.push({
      description: `${r.name}: wait for the platform's DR controller (bp-continuum); a chart that cannot be had leaves failover skipped, not kind:up failed`,
      command: [...kubectl(r), '-n', CONTINUUM_RELEASE.namespace, 'wait', '--for=condition=Ready', `helmrelease/${CONTINUUM_RELEASE.name}`, '--timeout=5m'],
      tolerate: 'timed out waiting for the condition',
    });
  }

  for (const r of KIND_REGIONS) {
    for (const m of counterManifests(opts.counterManifests, r)) apply(r, m);
    run(`${r.name}: wait for the counter app`, [...kubectl(r), '-n', COUNTER.namespace, 'rollout', 'status', 'deployment/sw-counter', '--timeout=5m']);
  }

  const frontDoorConfig = join(opts.stateDir, 'frontdoor', 'haproxy.cfg');
  steps.push({
    description: 'write the front door configuration',
    file: { path: frontDoorConfig, content: haproxyConfig(KIND_REGIONS.map((region) => ({ region, nodes: nodeContainers(region.cluster, workers) }))) },
  });
  run('create the front door container', [
    'docker', 'create', '--name', FRONT_DOOR_CONTAINER, '--restart', 'unless-stopped', '--network', KIND_DOCKER_NETWORK,
    '--label', SIDE_CONTAINER_LABEL, ...frontDoorPublish(), KIND_VERSIONS.haproxyImage,
  ]);
  run('copy the front door configuration into it', ['docker', 'cp', frontDoorConfig, `${FRONT_DOOR_CONTAINER}:/usr/local/etc/haproxy/haproxy.cfg`]);
  run('start the front door', ['docker', 'start', FRONT_DOOR_CONTAINER]);

  return {
    title: `kind Sovereign: ${regions.map((r) => `${r.name} (${r.role}) → kind cluster ${r.cluster}`).join(', ')}`,
    stateDir: opts.stateDir,
    regions,
    steps,
    sideServices: kindSideServices(),
  };
}

/** kind:down: the front door, both clusters and the state folder (kubeconfigs, CA, generated passwords). */
export function kindDownPlan(opts: { stateDir: string; workers?: number }): KindPlan {
  const regions = planRegions(opts.stateDir, opts.workers ?? DEFAULT_KIND_WORKERS);
  const steps: KindStep[] = [
    {
      description: 'remove the front door container',
      command: ['docker', 'rm', '--force', FRONT_DOOR_CONTAINER],
      tolerate: 'No such container',
    },
    ...KIND_REGIONS.map((r) => ({ description: `${r.name}: delete kind cluster ${r.cluster}`, command: ['kind', 'delete', 'cluster', '--name', r.cluster] })),
    { description: 'remove the kind state folder', remove: opts.stateDir },
  ];
  return { title: 'tear down the kind Sovereign', stateDir: opts.stateDir, regions, steps, sideServices: [] };
}
