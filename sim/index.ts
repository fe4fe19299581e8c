/**
 * The simulated Sovereign: a franchised, cut-over Sovereign with two regions, each a real
 * Kubernetes API (REST + watch + exec + service proxy) over its own object store, plus one
 * HTTPS front door for every public host. The harness reaches it only through the TargetSpec
 * this returns, exactly as it reaches a live Sovereign.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kit } from '../src/kit/types.js';
import type { ResolveRule, TargetSpec } from '../src/target/types.js';
import { seedNodes } from './cluster/nodes.js';
import { seedCluster } from './cluster/seed.js';
import { installWorkloadControllers } from './cluster/workloads.js';
import type { SimContext, SimFault, SimRegion } from './context.js';
import { registerFaultKinds } from './faults.js';
import { DEFAULT_FLUX_TIMING, installFlux } from './flux/index.js';
import { FLUX_FAULT_KINDS } from './flux/faults.js';
import { writeKubeconfig } from './kube/kubeconfig.js';
import { startKubeApiServer } from './kube/server.js';
import { ObjectStore } from './kube/store.js';
import { createSimPki, SIM_CA_CN } from './pki/tls.js';
import { createSimNet } from './net.js';
import { regionHooks } from './region-hooks.js';
import { kitResourceTypes, SIM_RESOURCE_TYPES, type SimResourceType } from './resources.js';
import { between } from './runtime/queue.js';
import { installSurfaces } from './surfaces/index.js';
import { installDod } from './dod/index.js';
import { installJourneys } from './journeys/index.js';
import { installCutover } from './cutover/index.js';
import { installDataplane } from './dataplane/index.js';
import { startFrontDoor } from './web/front-door.js';

export { SIM_FAULT_KINDS, describeFaultKinds, parseSimFaults, registerFaultKinds, type SimFaultKind } from './faults.js';

registerFaultKinds(FLUX_FAULT_KINDS);

export const SIM_SOVEREIGN = 'sim.sovereign-walk.test';
export const SIM_POOL_DOMAIN = 'homes.sovereign-walk.test';
export const SIM_REGIONS: readonly { name: string; role: 'primary' | 'secondary' }[] = [
  { name: 'hz-fsn-rtz-prod', role: 'primary' },
  { name: 'hz-hel-rtz-prod', role: 'secondary' },
];

export type SimModule = 'dod' | 'cutover' | 'journeys' | 'dataplane';
export const ALL_MODULES: SimModule[] = ['dod', 'cutover', 'journeys', 'dataplane'];

export interface SimOptions {
  kit: Kit;
  faults: SimFault[];
  /** Parent of the sim's scratch directory (default os.tmpdir()); the scratch directory is removed on stop. */
  dir?: string;
  /** Per-HelmRelease install time (default 20..120 ms). */
  timing?: { minDelayMs: number; maxDelayMs: number };
  /** Kubernetes API latency (ms, ±20% jitter); a `latency:<ms>` fault takes precedence. */
  latencyMs?: number;
  /** Platform modules to install on top of the cluster world (default all; [] = the world alone). */
  modules?: SimModule[];
}

export interface RunningSim {
  target: TargetSpec;
  ctx: SimContext;
  /** Closes every server, watch and timer and removes the scratch directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Kubelet start delay of a new Pod (ms). */
const POD_START_MS: [number, number] = [10, 40];

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`[sim] cleanup failed: ${(err as Error)?.message ?? String(err)}\n`);
    }
  }
}

export async function startSim(opts: SimOptions): Promise<RunningSim> {
  const dir = await mkdtemp(join(opts.dir ?? tmpdir(), 'sovereign-walk-sim-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    return await build(opts, dir, cleanups);
  } catch (err) {
    await runCleanups(cleanups);
    throw err;
  }
}

async function build(opts: SimOptions, dir: string, cleanups: (() => Promise<void> | void)[]): Promise<RunningSim> {
  const sovereign = SIM_SOVEREIGN;
  const poolDomain = SIM_POOL_DOMAIN;
  const certNames = [`*.${sovereign}`, sovereign, `*.${poolDomain}`];
  const pki = await createSimPki(join(dir, 'pki'), certNames);
  const faultArg = opts.faults.find((f) => f.kind === 'latency')?.arg;
  const latency = faultArg !== undefined ? Number(faultArg) : opts.latencyMs ?? 0;

  // Types a kit's api-resource-served check names appear when that slot installs; the rest now.
  const types: SimResourceType[] = [...SIM_RESOURCE_TYPES, ...kitResourceTypes(opts.kit).filter((t) => !t.servedBy).map((t) => t.rt)];
  const regions: SimRegion[] = [];
  for (const [index, spec] of SIM_REGIONS.entries()) {
    const store = new ObjectStore();
    for (const rt of types) store.registerType(rt);
    // SW_SIM_API_TOKEN seeds a known credential (the redaction tests grep every artifact for it).
    const token = process.env.SW_SIM_API_TOKEN ? `${process.env.SW_SIM_API_TOKEN}-${index}` : randomBytes(24).toString('base64url');
    const api = await startKubeApiServer({ store, token, tls: { cert: pki.certPem, key: pki.keyPem } });
    cleanups.push(() => api.close());
    if (latency > 0) api.setLatency(() => between(latency * 0.8, latency * 1.2));
    const kubeconfigPath = join(dir, `${spec.name}.kubeconfig`);
    await writeKubeconfig(kubeconfigPath, { clusterName: spec.name, server: api.url, caPem: pki.caPem, token });
    const region: SimRegion = { name: spec.name, role: spec.role, store, api, kubeconfigPath };
    seedCluster(store, { sovereign, poolDomain, types });
    seedNodes(store, spec.name, index);
    cleanups.push(installWorkloadControllers(store, regionHooks(region), { podStartMs: POD_START_MS }));
    regions.push(region);
  }

  const web = await startFrontDoor({ certPem: pki.certPem, keyPem: pki.keyPem, ca: pki.ca, domains: [sovereign, poolDomain], certNames });
  cleanups.push(() => web.close());

  const ctx: SimContext = {
    sovereign,
    poolDomain,
    kit: opts.kit,
    regions,
    primary: regions.find((r) => r.role === 'primary') ?? regions[0],
    web,
    faults: opts.faults,
    net: createSimNet(),
    targetExtras: {},
    dir,
    caFile: pki.caPath,
    faultActive: (kind, arg) => opts.faults.some((f) => f.kind === kind && (arg === undefined || f.arg === arg)),
    onStop: (fn) => {
      cleanups.push(fn);
    },
  };

  await installFlux(ctx, { ...DEFAULT_FLUX_TIMING, ...opts.timing, latencyMs: latency });
  await installSurfaces(ctx);
  const modules = new Set(opts.modules ?? ALL_MODULES);
  if (modules.has('dod')) await installDod(ctx);
  if (modules.has('cutover')) await installCutover(ctx);
  await Promise.all([modules.has('journeys') ? installJourneys(ctx) : undefined, modules.has('dataplane') ? installDataplane(ctx) : undefined]);

  let stopping: Promise<void> | undefined;
  return {
    ctx,
    target: targetSpec(ctx, web.port, pki.caPath),
    stop: () => (stopping ??= runCleanups(cleanups)),
  };
}

function targetSpec(ctx: SimContext, port: number, caFile: string): TargetSpec {
  const { regionKill, resolve: extraResolve, ...extras } = ctx.targetExtras;
  const rule = (host: string): ResolveRule => ({ host, port: 443, address: '127.0.0.1', targetPort: port });
  return {
    kind: 'sim',
    name: 'sim',
    sovereign: ctx.sovereign,
    poolDomain: ctx.poolDomain,
    regions: ctx.regions.map((r) => ({
      name: r.name,
      role: r.role,
      kubeconfigPath: r.kubeconfigPath,
      ...(regionKill?.[r.name] ? { kill: regionKill[r.name] } : {}),
    })),
    resolve: [rule(`*.${ctx.sovereign}`), rule(ctx.sovereign), rule(`*.${ctx.poolDomain}`), ...(extraResolve ?? [])],
    caFile,
    tls: { issuerMustMatch: SIM_CA_CN, issuerMustNotMatch: 'STAGING|Fake' },
    ...extras,
  };
}
