/**
 * One region's real Kubernetes control plane as plain processes: etcd, kube-apiserver (HTTPS with
 * the instance's CA, RBAC, a client identity per component), kube-controller-manager,
 * kube-scheduler and kwok, whose fake nodes run the pods. Every component authenticates as its own
 * user; the harness gets a bearer token of its own.
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../src/repo-root.js';
import { spawnGroup, type GroupProcess } from '../host/processes.js';
import type { Ownership } from '../host/ownership.js';
import type { NetHost } from '../host/netns.js';
import { freePorts } from '../host/ports.js';
import { issueClient, issueLeaf, type SimCa } from '../pki/tls.js';
import { resolveBinary, resolveLocalTool, type BinaryName } from './assets.js';
import { writeKubeconfig, type Credential } from './kubeconfig.js';
import { baseCrdManifest } from './crds.js';
import { WorldApi } from '../kube-client/api.js';
import { applyManifest, manifestObjects, waitEstablished } from '../kube-client/apply.js';
import { kwokConfig } from './kwok-config.js';
import { nodesManifest } from './nodes.js';
import { HARNESS_USER } from './rbac.js';
import { baseImage, copyImage } from './base-image.js';
import { waitHttps, waitUntil } from './wait.js';

export const KUBERNETES_VERSION = 'v1.34.4';

/** Users of a region's API server: who they are and how they authenticate. */
export type RegionUser = 'admin' | 'harness' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok' | 'world'
  | 'source-controller' | 'helm-controller' | 'kustomize-controller';

const CERT_USERS: Record<Exclude<RegionUser, 'harness'>, { user: string; groups: string[] }> = {
  admin: { user: 'sim-admin', groups: ['system:masters'] },
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] },
  kwok: { user: 'kwok-controller', groups: [] },
  world: { user: 'sovereign-world', groups: [] },
  'source-controller': { user: 'system:serviceaccount:flux-system:source-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system'] },
  'helm-controller': { user: 'system:serviceaccount:flux-system:helm-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system'] },
  'kustomize-controller': { user: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system'] },
};

export interface RegionControlPlaneOptions {
  name: string;
  index: number;
  /** The region's scratch directory (0700, removed with the instance). */
  dir: string;
  ca: SimCa;
  owner: Ownership;
  podCidr: string;
  serviceCidr: string;
  /** Bearer token of the harness's user (the redaction tests seed a known one). */
  harnessToken?: string;
  /** Start-up progress. */
  log?: (line: string) => void;
  /** The region's host (its own network namespace and address); on loopback when absent. */
  host?: NetHost;
}

export interface RegionControlPlane {
  name: string;
  server: string;
  dir: string;
  kubeletPort: number;
  /** Kubeconfig path per user. */
  kubeconfigs: Record<RegionUser, string>;
  harnessToken: string;
  processes: Map<string, GroupProcess>;
  /** The region's host, when it has one of its own. */
  host?: NetHost;
  /** Starts one more process of the region (Flux controllers, product runtimes) under the same ownership, in its host. */
  spawn(name: string, binary: string, args: string[], env?: NodeJS.ProcessEnv): GroupProcess;
  /**
   * Starts the region's processes that are not running again, as they first started and in that
   * order, from their on-disk state (etcd's data, Flux's storage): the boot after a power-off.
   * Resolves once the API server is ready; the controllers come up behind it.
   */
  boot(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRegionControlPlane(o: RegionControlPlaneOptions): Promise<RegionControlPlane> {
  await mkdir(join(o.dir, 'pki'), { recursive: true, mode: 0o700 });
  // A host of its own has its own ports; on loopback the regions share the machine's.
  const [etcdPort, peerPort, apiPort, kubeletPort] = o.host ? [2379, 2380, 6443, 10250] : await freePorts(4);
  const apiAddress = o.host?.address ?? '127.0.0.1';
  const server = `https://${apiAddress}:${apiPort}`;
  const pki = join(o.dir, 'pki');
  const file = (name: string) => join(pki, name);
  const serving = await issueLeaf(o.ca, [...new Set([apiAddress, '127.0.0.1'])].concat('localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', serviceIp(o.serviceCidr)));
  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const harnessToken = o.harnessToken ?? randomBytes(24).toString('base64url');
  await Promise.all([
    writeFile(file('ca.crt'), o.ca.certPem),
    writeFile(file('apiserver.crt'), serving.certPem),
    writeFile(file('apiserver.key'), serving.keyPem, { mode: 0o600 }),
    writeFile(file('sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }),
    writeFile(file('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' })),
    writeFile(file('tokens.csv'), `${harnessToken},${HARNESS_USER},${HARNESS_USER},""\n`, { mode: 0o600 }),
  ]);

  const kubeconfigs = {} as Record<RegionUser, string>;
  const credentials: [RegionUser, string, Credential][] = [['harness', HARNESS_USER, { token: harnessToken }]];
  for (const [key, who] of Object.entries(CERT_USERS) as [Exclude<RegionUser, 'harness'>, { user: string; groups: string[] }][]) {
    const cert = await issueClient(o.ca, who.user, who.groups);
    credentials.push([key, who.user, { certPem: cert.certPem, keyPem: cert.keyPem }]);
  }
  for (const [key, user, credential] of credentials) {
    kubeconfigs[key] = join(o.dir, `${key}.kubeconfig`);
    await writeKubeconfig(kubeconfigs[key], { clusterName: o.name, server, caPem: o.ca.certPem, user, credential });
  }
  const admin = credentials.find(([k]) => k === 'admin')![2] as { certPem: string; keyPem: string };

  const processes = new Map<string, GroupProcess>();
  const started = new Map<string, { binary: string; args: string[]; env: NodeJS.ProcessEnv }>();
  const spawn = (name: string, binary: string, args: string[], env: NodeJS.ProcessEnv = process.env): GroupProcess => {
    started.set(name, { binary, args, env });
    const [command, ...argv] = o.host ? o.host.exec([binary, ...args]) : [binary, ...args];
    const p = spawnGroup(command, argv, { env, logPath: join(o.dir, `${name}.log`), owner: o.owner });
    processes.set(name, p);
    return p;
  };
  const bin = (name: BinaryName) => resolveBinary(name);
  const apiReady = (alive: () => boolean) => waitHttps(`kube-apiserver of ${o.name}`, `${server}/readyz`, { ca: o.ca.certPem, cert: admin.certPem, key: admin.keyPem }, 60_000, alive);
  const boot = async () => {
    for (const [name, s] of started) {
      if (processes.get(name)?.alive()) continue;
      const p = spawn(name, s.binary, s.args, s.env);
      if (name === 'kube-apiserver') await apiReady(() => p.alive() && (processes.get('etcd')?.alive() ?? false));
    }
  };
  const stop = async () => {
    // Controllers first, etcd last, as a node shuts down.
    const order = [...processes.keys()].reverse();
    for (const name of order) await processes.get(name)!.stop('SIGTERM', 5_000);
  };

  try {
    const etcdArgs = (dataDir: string, clientPort: number, peer: number): string[] => [
      '--name', o.name, '--data-dir', dataDir,
      '--listen-client-urls', `http://127.0.0.1:${clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `${o.name}=http://127.0.0.1:${peer}`,
      // A scratch cluster that is thrown away with the instance: no fsync per write.
      '--unsafe-no-fsync', '--log-level', 'error', '--quota-backend-bytes', String(2 * 1024 ** 3),
    ];
    const apiserverArgs = (etcd: number, port: number, host?: NetHost): string[] => [
      '--etcd-servers', `http://127.0.0.1:${etcd}`,
      '--bind-address', host ? '0.0.0.0' : '127.0.0.1', '--secure-port', String(port), '--advertise-address', host?.address ?? '127.0.0.1',
      // On loopback the apiserver refuses its own endpoint for the default/kubernetes Service; a host's address is fine.
      ...(host ? [] : ['--endpoint-reconciler-type', 'none']),
      '--tls-cert-file', file('apiserver.crt'), '--tls-private-key-file', file('apiserver.key'),
      '--client-ca-file', file('ca.crt'), '--token-auth-file', file('tokens.csv'),
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', file('sa.pub'), '--service-account-signing-key-file', file('sa.key'),
      '--service-cluster-ip-range', o.serviceCidr,
      '--authorization-mode', 'RBAC', '--allow-privileged=true',
      '--kubelet-preferred-address-types', 'InternalIP',
      // No kube-proxy here: webhooks' Services are reached at their endpoints (pod IPs), not ClusterIPs.
      '--enable-aggregator-routing=true',
      '--profiling=false', '--v', '0',
    ];
    const image = await baseImage({ serviceCidr: o.serviceCidr, dir: o.dir, owner: o.owner, admin, caPem: o.ca.certPem, etcdArgs, apiserverArgs: (e, p) => apiserverArgs(e, p), ...(o.log ? { log: o.log } : {}) });
    const dataDir = join(o.dir, 'etcd');
    copyImage(image, dataDir);
    // The image's membership is the builder's: this etcd takes it over as a one-member cluster of its own.
    const etcd = spawn('etcd', bin('etcd'), [...etcdArgs(dataDir, etcdPort, peerPort), '--force-new-cluster']);
    // In a host of its own, etcd answers only inside it: the API server's readiness covers it.
    if (!o.host) await waitUntil(`etcd of ${o.name}`, async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, 20_000, () => etcd.alive());

    const apiserver = spawn('kube-apiserver', bin('kube-apiserver'), apiserverArgs(etcdPort, apiPort, o.host));
    await apiReady(() => apiserver.alive() && etcd.alive());
    o.log?.('kube-apiserver ready');

    spawn('kube-controller-manager', bin('kube-controller-manager'), [
      '--kubeconfig', kubeconfigs['kube-controller-manager'], '--secure-port', '0', '--leader-elect=false',
      '--allocate-node-cidrs=true', '--cluster-cidr', o.podCidr, '--node-cidr-mask-size', '24', '--service-cluster-ip-range', o.serviceCidr,
      '--service-account-private-key-file', file('sa.key'), '--root-ca-file', file('ca.crt'), '--use-service-account-credentials=true',
      '--kube-api-qps', '200', '--kube-api-burst', '400', '--concurrent-deployment-syncs', '20', '--concurrent-replicaset-syncs', '20',
      '--concurrent-statefulset-syncs', '10', '--concurrent-daemonset-syncs', '10', '--concurrent-job-syncs', '10',
      '--controllers', '*,-cloud-node-lifecycle,-persistentvolume-expander', '--v', '0',
    ]);
    spawn('kube-scheduler', bin('kube-scheduler'), [
      '--kubeconfig', kubeconfigs['kube-scheduler'], '--authentication-kubeconfig', kubeconfigs['kube-scheduler'],
      '--authorization-kubeconfig', kubeconfigs['kube-scheduler'], '--bind-address', '127.0.0.1', '--secure-port', '0',
      '--leader-elect=false', '--kube-api-qps', '200', '--kube-api-burst', '400', '--v', '0',
    ]);
    const api = new WorldApi(kubeconfigs.admin, 'sovereign-world');
    try {
      // The base image holds the RBAC and base CRDs; Established is checked, not assumed.
      await waitEstablished(api, manifestObjects(baseCrdManifest()).map((c) => c.metadata.name));
      await applyManifest(api, nodesManifest(o.name, o.index), 'hcloud-cloud-controller-manager');
    } finally {
      await api.close();
    }
    o.log?.('base CRDs Established, nodes applied');
    const kwokConfigPath = join(o.dir, 'kwok.yaml');
    await writeFile(kwokConfigPath, kwokConfig({ kubeletPort }));
    spawn('kwok', bin('kwok'), ['--kubeconfig', kubeconfigs.kwok, '--config', kwokConfigPath, '--v', 'ERROR'],
      // Commands exec'd in a pod are looked up on kwok's PATH: the products' CLIs first.
      { ...process.env, PATH: `${dirname(resolveLocalTool('tctl'))}:${join(REPO_ROOT, 'sim/products/bin')}:${process.env.PATH ?? ''}` });
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: o.name, server, dir: o.dir, kubeletPort, kubeconfigs, harnessToken, processes, spawn, boot, stop, ...(o.host ? { host: o.host } : {}) };
}

/** The first address of the service range: the default/kubernetes Service's ClusterIP. */
function serviceIp(cidr: string): string {
  const [a, b, c, d] = cidr.split('/')[0].split('.').map(Number);
  return `${a}.${b}.${c}.${d + 1}`;
}
