/**
 * The embedded Sovereign: a franchised, cut-over Sovereign with two regions, each a real
 * Kubernetes control plane with real Flux installing the bootstrap kit, plus the platform modules
 * (DoD world, cutover, journeys, data plane). The harness reaches it only through the TargetSpec
 * this returns, exactly as it reaches a live Sovereign.
 */
import type { Kit } from '../src/kit/types.js';
import type { ResolveRule, TargetSpec } from '../src/target/types.js';
import type { SimContext, SimFault } from './context.js';
import type { Informer } from './kube-client/api.js';
import { initialEdits, runLaterFaults } from './kit-faults.js';
// Every module's fault kinds, registered at load so `--help` lists them and specs validate before anything starts.
import './dod/faults.js';
import './cutover/faults.js';
import './journeys/faults.js';
import './dataplane/faults.js';
import { startWorld, SIM_POOL_DOMAIN, SIM_REGIONS, SIM_SOVEREIGN, type World } from './world/start.js';
import { SIM_CA_CN } from './world/pki.js';

export { SIM_FAULT_KINDS, describeFaultKinds, parseSimFaults, registerFaultKinds, type SimFaultKind } from './faults.js';
export { SIM_POOL_DOMAIN, SIM_REGIONS, SIM_SOVEREIGN };

export type SimModule = 'dod' | 'cutover' | 'journeys' | 'dataplane';
export const ALL_MODULES: SimModule[] = ['dod', 'cutover', 'journeys', 'dataplane'];

export interface SimOptions {
  kit: Kit;
  faults: SimFault[];
  /** Parent of the sim's scratch directory (default os.tmpdir()); the scratch directory is removed on stop. */
  dir?: string;
  /** Platform modules to install on top of the cluster world (default all; [] = the world alone). */
  modules?: SimModule[];
  /** Start-up progress lines. */
  log?: (line: string) => void;
  /**
   * Hand the Sovereign over only once its kit has settled in every region (each release Ready,
   * stalled or suspended; at most `settleKitMs`), as a live Sovereign is walked after its
   * provisioning. Without it the caller watches the kit install (a readiness walk does).
   */
  settleKitMs?: number;
  /** How the regions are connected (default: SW_SIM_NETWORK, else hosts of their own where namespaces can be made); see WorldOptions.network. */
  network?: 'netns' | 'loopback';
}

export interface RunningSim {
  target: TargetSpec;
  ctx: SimContext;
  /** Stops every process, server and watch and removes the scratch directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Platform modules load only when asked for: each brings its own servers and dependencies. */
const INSTALLERS: Record<SimModule, () => Promise<(ctx: SimContext) => Promise<void>>> = {
  dod: async () => (await import('./dod/index.js')).installDod,
  cutover: async () => (await import('./cutover/index.js')).installCutover,
  journeys: async () => (await import('./journeys/index.js')).installJourneys,
  dataplane: async () => (await import('./dataplane/index.js')).installDataplane,
};

function context(world: World, faults: SimFault[], cleanups: (() => Promise<void> | void)[]): SimContext {
  const informers = new Map<string, Promise<Informer>>();
  return {
    sovereign: world.sovereign,
    poolDomain: world.poolDomain,
    kit: world.kit,
    world,
    regions: world.regions,
    primary: world.regions.find((r) => r.role === 'primary') ?? world.regions[0],
    web: world.frontDoor,
    gitops: world.gitops,
    faults,
    targetExtras: {},
    dir: world.dir,
    caFile: world.pki.caPath,
    informer(region, apiVersion, kind) {
      const key = `${region.name}|${apiVersion}|${kind}`;
      let inf = informers.get(key);
      if (!inf) {
        inf = region.api.informer(apiVersion, kind);
        inf.then((i) => cleanups.push(() => i.stop()), () => informers.delete(key));
        informers.set(key, inf);
      }
      return inf;
    },
    faultActive: (kind, arg) => faults.some((f) => f.kind === kind && (arg === undefined || f.arg === arg)),
    onStop: (fn) => {
      cleanups.push(fn);
    },
  };
}

export async function startSim(opts: SimOptions): Promise<RunningSim> {
  const world = await startWorld({ kit: opts.kit, dir: opts.dir, edits: initialEdits(opts.faults, opts.kit), log: opts.log, ...(opts.network ? { network: opts.network } : {}) });
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const fn of cleanups.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          process.stderr.write(`[sim] cleanup failed: ${(err as Error)?.message ?? String(err)}\n`);
        }
      }
      await world.stop();
    })());
  try {
    const ctx = context(world, opts.faults, cleanups);
    const hrs = await ctx.informer(ctx.primary, 'helm.toolkit.fluxcd.io/v2', 'HelmRelease');
    cleanups.push(runLaterFaults(opts.faults, opts.kit, ctx.gitops, hrs, (err) => process.stderr.write(`[sim] fault: ${(err as Error).message}\n`)));
    for (const module of opts.modules ?? ALL_MODULES) {
      const install = await INSTALLERS[module]();
      await install(ctx);
      opts.log?.(`module ${module} installed`);
    }
    if (opts.settleKitMs) await kitSettled(ctx, opts.settleKitMs, opts.log);
    return { ctx, target: targetSpec(ctx, world), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A release Flux is done with for now: Ready for its generation, stalled, or suspended. */
function settled(hr: { metadata: { generation?: number }; spec?: Record<string, unknown>; status?: Record<string, unknown> } | undefined): boolean {
  if (!hr) return false;
  if (hr.spec?.suspend === true) return true;
  const s = hr.status as { observedGeneration?: number; conditions?: { type: string; status: string }[] } | undefined;
  const c = (type: string) => s?.conditions?.find((x) => x.type === type)?.status;
  return (c('Ready') === 'True' && s?.observedGeneration === hr.metadata.generation) || c('Stalled') === 'True';
}

async function kitSettled(ctx: SimContext, timeoutMs: number, log?: (line: string) => void): Promise<void> {
  const informers = await Promise.all(ctx.regions.map((r) => ctx.informer(r, 'helm.toolkit.fluxcd.io/v2', 'HelmRelease')));
  const deadline = Date.now() + timeoutMs;
  const pending = () => informers.flatMap((inf, i) => ctx.kit.slots.filter((s) => !settled(inf.get('flux-system', s.name))).map((s) => `${ctx.regions[i].name}/${s.name}`));
  while (pending().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const left = pending();
  log?.(left.length ? `kit not settled after ${timeoutMs / 1000} s: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}` : 'kit settled in every region');
}

function targetSpec(ctx: SimContext, world: World): TargetSpec {
  const { regionKill, resolve: extraResolve, ...extras } = ctx.targetExtras;
  const rule = (host: string): ResolveRule => ({ host, port: 443, address: world.frontDoor.address, targetPort: world.frontDoor.port });
  return {
    kind: 'sim',
    name: 'sim',
    sovereign: ctx.sovereign,
    poolDomain: ctx.poolDomain,
    regions: ctx.regions.map((r) => ({
      name: r.name,
      role: r.role,
      kubeconfigPath: r.cp.kubeconfigs.harness,
      ...(regionKill?.[r.name] ? { kill: regionKill[r.name] } : {}),
    })),
    resolve: [rule(`*.${ctx.sovereign}`), rule(ctx.sovereign), rule(`*.${ctx.poolDomain}`), ...(extraResolve ?? [])],
    caFile: ctx.caFile,
    tls: { issuerMustMatch: SIM_CA_CN, issuerMustNotMatch: 'STAGING|Fake' },
    ...(world.networking.mode === 'loopback' ? { caveats: [loopbackCaveat(world.networking.reason)] } : {}),
    ...extras,
  };
}

/** What a walk of regions that share loopback cannot show (as root, where namespaces can be made, they are hosts of their own). */
function loopbackCaveat(reason: string | undefined): string {
  return `the embedded Sovereign's regions share loopback (${reason ?? 'no reason given'}): egress blocks are enforced by each region's egress proxy, not by the kernel, and a killed region refuses connections at once instead of leaving them unanswered, and is never powered on again (no rejoin is judged)`;
}
