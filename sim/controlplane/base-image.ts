/**
 * A region's etcd starts from a base image: the data of an API server that has the RBAC and the
 * platform's base CRDs (Flux, kwok, Gateway API, Cilium, CloudNativePG, OpenOva) stored and
 * Established, as a provisioned cluster's disk image carries its platform. Applying the 60 base
 * CRDs is the slowest step of a region's start (the API server builds each schema as it arrives,
 * ~5–11 s with two regions starting on two cores); loaded from etcd they are served at start-up.
 *
 * Built once per machine by a throwaway etcd and API server and cached per user, keyed by the
 * binaries' versions, the service range and the manifests' content, so a changed CRD or RBAC rule
 * builds a new image. Only cluster-wide definitions are in it: nodes, the pod network and every
 * object a region is told apart by are made by the region itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ownership } from '../host/ownership.js';
import { spawnGroup } from '../host/processes.js';
import { freePorts } from '../host/ports.js';
import { WorldApi } from '../kube-client/api.js';
import { applyManifest, manifestObjects, waitEstablished } from '../kube-client/apply.js';
import { binarySpec, cacheRoot, COMPONENTS, resolveBinary } from './assets.js';
import { baseCrdManifest } from './crds.js';
import { writeKubeconfig } from './kubeconfig.js';
import { rbacManifest } from './rbac.js';
import { waitHttps } from './wait.js';

export interface ImageBuild {
  serviceCidr: string;
  /** A scratch folder of the instance for the builder's own files. */
  dir: string;
  owner: Ownership;
  /** The builder's API server serves with the first region's PKI; this is its admin's client certificate. */
  admin: { certPem: string; keyPem: string };
  caPem: string;
  etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[];
  apiserverArgs(etcdPort: number, apiPort: number): string[];
  log?: (line: string) => void;
}

let building: Promise<string> | undefined;

function imageKey(serviceCidr: string): string {
  const h = createHash('sha256');
  for (const name of ['etcd', 'kube-apiserver'] as const) h.update(`${name}@${binarySpec(name).version}\n`);
  h.update(`recipe ${COMPONENTS.recipe}\nservices ${serviceCidr}\n`).update(rbacManifest()).update(baseCrdManifest());
  return h.digest('hex').slice(0, 16);
}

/** The base image's data directory (built on first use); copy it into a region's etcd data dir. */
export function baseImage(b: ImageBuild): Promise<string> {
  const path = join(cacheRoot(), 'etcd-base', imageKey(b.serviceCidr));
  if (existsSync(join(path, 'member'))) return Promise.resolve(path);
  building ??= build(b, path).finally(() => (building = undefined));
  return building;
}

/** Copies the image into `dataDir`; etcd must start with `--force-new-cluster` to take it as its own. */
export function copyImage(image: string, dataDir: string): void {
  cpSync(image, dataDir, { recursive: true });
}

async function build(b: ImageBuild, path: string): Promise<string> {
  const t0 = Date.now();
  const work = join(b.dir, 'base-image');
  const data = join(work, 'etcd');
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const [etcdPort, peerPort, apiPort] = await freePorts(3);
  const etcd = spawnGroup(resolveBinary('etcd'), b.etcdArgs(data, etcdPort, peerPort), { env: process.env, logPath: join(work, 'etcd.log'), owner: b.owner });
  const apiserver = spawnGroup(resolveBinary('kube-apiserver'), b.apiserverArgs(etcdPort, apiPort), { env: process.env, logPath: join(work, 'kube-apiserver.log'), owner: b.owner });
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(work, 'admin.kubeconfig');
  try {
    await waitHttps('the base image\'s kube-apiserver', `${server}/readyz`, { ca: b.caPem, cert: b.admin.certPem, key: b.admin.keyPem }, 60_000, () => apiserver.alive() && etcd.alive());
    await writeKubeconfig(kubeconfig, { clusterName: 'base-image', server, caPem: b.caPem, user: 'sim-admin', credential: b.admin });
    const api = new WorldApi(kubeconfig, 'sovereign-world');
    try {
      const crds = baseCrdManifest();
      await Promise.all([applyManifest(api, rbacManifest(), 'sovereign-world'), applyManifest(api, crds, 'sovereign-world')]);
      await waitEstablished(api, manifestObjects(crds).map((c) => c.metadata.name));
    } finally {
      await api.close();
    }
  } finally {
    await apiserver.stop('SIGTERM', 10_000);
    await etcd.stop('SIGTERM', 10_000);
  }
  // Through a rename: another instance building the same image at once keeps whichever landed first.
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  mkdirSync(join(path, '..'), { recursive: true });
  cpSync(data, tmp, { recursive: true });
  try {
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  b.log?.(`base image built in ${Date.now() - t0} ms (${path})`);
  return path;
}
