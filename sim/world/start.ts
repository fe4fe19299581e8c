/**
 * Starts an embedded Sovereign: two regions, each a real Kubernetes control plane with real Flux,
 * installing the bootstrap kit from the Sovereign's GitOps repository and its Harbor the way a
 * Sovereign does, plus the world around them (the Gateway's front door, the mothership). Returns
 * once Flux holds the kit; the kit installs while the caller watches, as on a live Sovereign.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kit } from '../../src/kit/types.js';
import { kitCharts, brokenChart } from '../charts/kit-charts.js';
import { startFlux } from '../controlplane/flux.js';
import { applyServerSide } from '../controlplane/kubectl.js';
import { startRegionControlPlane, type RegionControlPlane } from '../controlplane/region.js';
import { gitHttpHandler } from '../gitops/git-server.js';
import { fluxBootstrapManifest } from '../gitops/flux-bootstrap.js';
import { gitOps } from '../gitops/gitops.js';
import { KitRepo, repoFiles, type ReleaseEdit, type RepoContent } from '../gitops/kit-repo.js';
import type { GitOps } from '../context.js';
import { Ownership } from '../host/ownership.js';
import { createWorldNetwork, netnsAvailable, routePods, type NetHost, type WorldNetwork } from '../host/netns.js';
import { allocatePodCidrs, routeLocally } from '../host/pod-network.js';
import { PodRelay } from '../host/pod-relay.js';
import { startDnsServer } from '../net/dns-server.js';
import { RegionFirewall } from '../net/firewall.js';
import { startKubeProxy } from '../net/kube-proxy.js';
import { WorldApi, type Informer } from '../kube-client/api.js';
import { startEgressProxy, type EgressProxy, type EgressRules } from '../net/egress-proxy.js';
import { OciRegistry } from '../registry/oci-registry.js';
import { startFrontDoor, type FrontDoor } from '../web/front-door.js';
import { OperatorRunner } from '../operators/runner.js';
import { PodRuntime } from '../runtime/pod-runtime.js';
import { GatewayRoutes } from '../web/gateway.js';
import { startBackends } from '../web/backends.js';
import { ClusterDns, serviceName } from './cluster-dns.js';
import { upstreams } from './upstreams.js';
import { MOTHERSHIP_HOSTS, startMothership, type Mothership } from './mothership.js';
import { createWorldPki, type WorldPki } from './pki.js';

export const SIM_SOVEREIGN = 'sim.sovereign-walk.test';
export const SIM_POOL_DOMAIN = 'homes.sovereign-walk.test';
export const SIM_REGIONS: readonly { name: string; role: 'primary' | 'secondary' }[] = [
  { name: 'hz-fsn-rtz-prod', role: 'primary' },
  { name: 'hz-hel-rtz-prod', role: 'secondary' },
];
const SERVICE_CIDR = '10.96.0.0/16';
/** The default/kubernetes Service's ClusterIP (the first address of SERVICE_CIDR). */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const CHARTS_PATH = 'openova-io';

export interface WorldOptions {
  kit: Kit;
  /** Parent of the world's scratch directory (default os.tmpdir()). */
  dir?: string;
  /** Releases as the GitOps repository states them (faults are edits of it). */
  edits?: Map<string, ReleaseEdit>;
  /** HelmRepositories left pointing somewhere else (e.g. at the mothership). */
  repositoryUrls?: Map<string, string>;
  /** Egress rules per region (default: everything reachable). */
  rules?: (region: string) => EgressRules;
  /** Progress lines (start-up phases and their times). */
  log?: (line: string) => void;
  /**
   * `netns`: each region a host of its own (network namespace, address, nftables); `loopback`:
   * everything on 127.0.0.1, egress through each region's proxy. Default: netns where namespaces
   * can be made (root), else loopback (SW_SIM_NETWORK overrides).
   */
  network?: 'netns' | 'loopback';
}

/** How the world's hosts are connected, and why when they are not hosts of their own. */
export interface WorldNetworking {
  mode: 'netns' | 'loopback';
  /** Why the regions share loopback (said in every walk's report). */
  reason?: string;
  net?: WorldNetwork;
}

export interface WorldRegion {
  name: string;
  role: 'primary' | 'secondary';
  index: number;
  cp: RegionControlPlane;
  /** The world's own client (its actors write with their own field managers). */
  api: WorldApi;
  proxy: EgressProxy;
  /** The region's host and its nftables, when it has a network namespace of its own. */
  host?: NetHost;
  firewall?: RegionFirewall;
  services: Informer;
  slices: Informer;
  pods: Informer;
  dns: ClusterDns;
  runtime: PodRuntime;
  operators: OperatorRunner;
}

export interface World {
  sovereign: string;
  poolDomain: string;
  kit: Kit;
  dir: string;
  owner: Ownership;
  pki: WorldPki;
  regions: WorldRegion[];
  networking: WorldNetworking;
  frontDoor: FrontDoor;
  mothership: Mothership;
  harbor: OciRegistry;
  ghcr: OciRegistry;
  repo: KitRepo;
  gitops: GitOps;
  /** Robot credentials (`user:password`) of the registries. */
  registryAuth: Record<string, string>;
  stop(): Promise<void>;
}

const allowAll: EgressRules = { allows: () => true };

export async function startWorld(o: WorldOptions): Promise<World> {
  const t0 = Date.now();
  const log = (line: string) => o.log?.(`${((Date.now() - t0) / 1000).toFixed(1)}s ${line}`);
  const owner = Ownership.open();
  const dir = owner.dir(await mkdtemp(join(o.dir ?? tmpdir(), 'sovereign-walk-sim-')));
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`[sim] stop: ${(err as Error).message}\n`);
      }
    }
    owner.close();
  };
  try {
    const sovereign = SIM_SOVEREIGN;
    const poolDomain = SIM_POOL_DOMAIN;
    const networking = chooseNetworking(o.network ?? (process.env.SW_SIM_NETWORK as WorldOptions['network']), owner);
    const net = networking.net;
    const worldAddress = net?.world ?? '127.0.0.1';
    log(networking.mode === 'netns' ? `regions are hosts of their own on ${net!.subnet}` : `regions share loopback: ${networking.reason}`);
    const pki = await createWorldPki(join(dir, 'pki'), sovereign, poolDomain);
    const robot = `robot$flux:${randomBytes(12).toString('hex')}`;
    const registryAuth = { [`registry.${sovereign}`]: robot, 'ghcr.io': robot };
    const harbor = new OciRegistry({ realm: `https://registry.${sovereign}/service/token`, service: 'harbor-registry', credentials: [robot] });
    const ghcr = new OciRegistry({ realm: 'https://ghcr.io/token', service: 'ghcr.io', credentials: [robot] });
    const charts = await kitCharts(o.kit, sovereign, poolDomain);
    for (const c of charts) {
      for (const registry of [harbor, ghcr]) registry.pushChart(`${CHARTS_PATH}/${c.chart.name}`, { name: c.chart.name, version: c.chart.version }, c.tgz);
      const broken = await brokenChart(c);
      for (const registry of [harbor, ghcr]) registry.pushChart(`${CHARTS_PATH}/${c.chart.name}`, { name: c.chart.name, version: broken.version }, broken.tgz);
    }
    log(`${charts.length} charts packaged`);

    const repo = new KitRepo(join(dir, 'git'));
    await repo.init();
    const namespaces = [...new Set(charts.flatMap((c) => c.chart.namespaces))];
    const content: RepoContent = { sovereign, chartsUrl: `oci://registry.${sovereign}/${CHARTS_PATH}`, kit: o.kit, namespaces, edits: o.edits ?? new Map(), repositoryUrls: o.repositoryUrls ?? new Map() };
    await repo.commit(repoFiles(content), 'bootstrap kit');
    const git: Server = createServer(gitHttpHandler(join(dir, 'git', 'served')));
    // The in-cluster name of Gitea's git service resolves to the world: on a host network, its own port 3000.
    await new Promise<void>((resolve) => git.listen(net ? 3000 : 0, worldAddress, resolve));
    cleanups.push(() => new Promise<void>((resolve) => git.close(() => resolve())));
    const gitPort = (git.address() as AddressInfo).port;

    const frontDoor = await startFrontDoor({ certPem: pki.gateway.certPem, keyPem: pki.gateway.keyPem, ca: pki.ca, domains: [sovereign, poolDomain], certNames: pki.gatewayNames, ...(net ? { address: worldAddress, port: 443 } : {}) });
    cleanups.push(() => frontDoor.close());
    const backends = await startBackends(frontDoor.routes);
    cleanups.push(() => backends.close());
    frontDoor.route(`registry.${sovereign}`, harbor.handle, { paths: ['/v2', '/service/token'] });
    const mothership = await startMothership(pki.publicCa, net ? Object.fromEntries(MOTHERSHIP_HOSTS.map((h) => [h, net.publicAddress()])) : undefined);
    cleanups.push(() => mothership.close());
    mothership.route('ghcr.io', ghcr.handle);
    mothership.route('github.com', gitHttpHandler(join(dir, 'git', 'served')));
    log('front door, mothership and git up');

    const hosts = SIM_REGIONS.map((spec) => net?.addHost(spec.name));
    const cidrs = allocatePodCidrs(SIM_REGIONS.length, net ? (cidr, i) => routePods(net, hosts[i]!, cidr) : routeLocally(owner));
    const regionsByAddress = new Map<string, WorldRegion>();
    if (net) {
      // The regions' DNS: cluster Services to their ClusterIP (the host's kube-proxy DNATs them), the world's names to theirs.
      const dnsServer = await startDnsServer(worldAddress, (name, from) => {
        if (name === 'gitea-http.gitea.svc.cluster.local') return worldAddress;
        if (name === sovereign || name.endsWith(`.${sovereign}`) || name.endsWith(`.${poolDomain}`)) return worldAddress;
        if ((MOTHERSHIP_HOSTS as readonly string[]).includes(name)) return mothership.addressOf(name).address;
        const svc = serviceName(name);
        const region = regionsByAddress.get(from);
        const ip = svc && (region?.services.get(svc.namespace, svc.name)?.spec as { clusterIP?: string } | undefined)?.clusterIP;
        return ip && ip !== 'None' ? ip : undefined;
      });
      cleanups.push(() => dnsServer.close());
    }
    const regions = await Promise.all(SIM_REGIONS.map(async (spec, index): Promise<WorldRegion> => {
      const host = hosts[index];
      const cp = await startRegionControlPlane({ log: (l: string) => log(`${spec.name}: ${l}`), name: spec.name, index, dir: join(dir, spec.name), ca: pki.ca, owner, podCidr: cidrs[index], serviceCidr: SERVICE_CIDR, harnessToken: harnessToken(index), ...(host ? { host } : {}) });
      cleanups.push(() => cp.stop());
      log(`${spec.name}: control plane up`);
      const api = new WorldApi(cp.kubeconfigs.world, 'sovereign-world');
      cleanups.push(() => api.close());
      const [services, slices, pods] = await Promise.all([api.informer('v1', 'Service'), api.informer('discovery.k8s.io/v1', 'EndpointSlice'), api.informer('v1', 'Pod')]);
      cleanups.push(() => services.stop(), () => slices.stop(), () => pods.stop());
      const dns = new ClusterDns(services, slices);
      const firewall = host ? new RegionFirewall(host.netns, (err) => process.stderr.write(`[sim ${spec.name}] nftables: ${(err as Error).message}\n`)) : undefined;
      if (firewall) {
        cleanups.push(startKubeProxy(services, slices, firewall), () => firewall.stop());
        await firewall.flush();
      }
      const relay = new PodRelay(join(cp.dir, 'pods'), (err) => process.stderr.write(`[sim ${spec.name}] pod relay: ${err.message}\n`));
      await relay.listen();
      cleanups.push(() => relay.close());
      cp.spawn('pod-relay', ...relay.argv());
      const runtime = new PodRuntime({ region: spec.name, sovereign, api, pods, owner, relay, logDir: cp.dir, ca: pki.ca, upstreamFor: upstreams(backends, dns) });
      runtime.start();
      cleanups.push(() => runtime.stop());
      const operators = new OperatorRunner(api, sovereign, cidrs[index].replace(/\.0\.0\/16$/, '.255.254'), pki.ca.certPem, (err: unknown) => process.stderr.write(`[sim ${spec.name}] operators: ${(err as Error).message}\n`));
      await operators.start();
      cleanups.push(() => operators.stop());
      if (spec.role === 'primary') {
        const routes = await api.informer('gateway.networking.k8s.io/v1', 'HTTPRoute');
        cleanups.push(() => routes.stop());
        frontDoor.setGateway(new GatewayRoutes(routes, dns));
      }
      const statics: Record<string, { address: string; port: number }> = {
        [`gitea-http.gitea.svc.cluster.local:3000`]: { address: worldAddress, port: gitPort },
      };
      // The default/kubernetes Service (its ClusterIP and names) is the region's API server, as in-cluster clients reach it.
      const apiServer = { address: new URL(cp.server).hostname, port: Number(new URL(cp.server).port) };
      for (const name of [KUBERNETES_SERVICE_IP, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) statics[`${name}:443`] = apiServer;
      const proxy = await startEgressProxy({
        namespace: 'flux-system',
        rules: o.rules?.(spec.name) ?? allowAll,
        resolve: async (to) => {
          const key = `${to.host}:${to.port}`;
          if (statics[key]) return { ...statics[key], scope: 'cluster' };
          if (to.host === sovereign || to.host.endsWith(`.${sovereign}`) || to.host.endsWith(`.${poolDomain}`)) return { address: worldAddress, port: frontDoor.port, scope: 'external' };
          if ((MOTHERSHIP_HOSTS as readonly string[]).includes(to.host)) return { ...mothership.addressOf(to.host), scope: 'external' };
          const svc = dns.resolve(to.host, to.port);
          return svc ? { ...svc, scope: 'cluster' } : undefined;
        },
      });
      cleanups.push(() => proxy.close());
      await startFlux(cp, { ...(host ? {} : { proxyUrl: proxy.url }), caBundlePath: pki.bundlePath });
      log(`${spec.name}: flux up`);
      await applyServerSide(cp.kubeconfigs.admin, fluxBootstrapManifest({ sovereign, region: spec.name, role: spec.role, registryAuth }), 'sovereign-provisioner');
      const region: WorldRegion = { name: spec.name, role: spec.role, index, cp, api, proxy, services, slices, pods, dns, runtime, operators, ...(host ? { host } : {}), ...(firewall ? { firewall } : {}) };
      if (host) regionsByAddress.set(host.address, region);
      return region;
    }));
    log('kit handed to Flux');
    const gitops = gitOps(repo, content, regions);
    return { sovereign, poolDomain, kit: o.kit, dir, owner, pki, regions, networking, frontDoor, mothership, harbor, ghcr, repo, gitops, registryAuth, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function chooseNetworking(asked: WorldOptions['network'] | undefined, owner: Ownership): WorldNetworking {
  if (asked === 'loopback') return { mode: 'loopback', reason: 'SW_SIM_NETWORK=loopback' };
  const missing = netnsAvailable();
  if (missing) {
    if (asked === 'netns') throw new Error(`the embedded Sovereign cannot make its regions hosts of their own: ${missing}`);
    return { mode: 'loopback', reason: missing };
  }
  return { mode: 'netns', net: createWorldNetwork(owner) };
}

/** SW_SIM_API_TOKEN seeds the harness's token (the redaction tests grep every artifact for it). */
function harnessToken(index: number): string | undefined {
  return process.env.SW_SIM_API_TOKEN ? `${process.env.SW_SIM_API_TOKEN}-${index}` : undefined;
}
