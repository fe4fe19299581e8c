/**
 * A small embedded Sovereign with the cutover module (cilium, crossplane, the cutover chart and the
 * Catalyst platform from the canonical kit), settled before a walk; and a run context for the
 * cutover suite's functions.
 */
import { startSim, parseSimFaults, type RunningSim } from '../sim/index.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { TargetSpec } from '../src/target/types.js';
import { RegionClient } from '../src/target/kube.js';
import { condition } from '../src/target/objects.js';
import { kitFileOf, kitOf } from './helpers/kits.js';
import { tempDir } from './helpers/temp.js';

const SLOTS = ['bp-cilium', 'bp-crossplane', 'bp-self-sovereign-cutover', 'bp-catalyst-platform'];

/** The small kit as a file, for the CLIs. */
export const smallKitFile = () => kitFileOf(SLOTS);

/** Every HelmRelease and source Ready and every Deployment and DaemonSet available in `target`'s primary region. */
export async function settled(target: TargetSpec, ms = 180_000): Promise<void> {
  const rc = new RegionClient(target.regions.find((r) => r.role === 'primary')!);
  const notReady = async (): Promise<string[]> => {
    const out: string[] = [];
    const hrs = (await rc.list('helmreleases.helm.toolkit.fluxcd.io')).items;
    if (hrs.length !== SLOTS.length) out.push(`${hrs.length} of ${SLOTS.length} HelmReleases`);
    for (const resource of ['helmreleases.helm.toolkit.fluxcd.io', 'gitrepositories.source.toolkit.fluxcd.io', 'helmcharts.source.toolkit.fluxcd.io', 'ocirepositories.source.toolkit.fluxcd.io']) {
      for (const o of (await rc.list(resource)).items) if (condition(o, 'Ready')?.status !== 'True') out.push(`${o.kind} ${o.metadata.name}`);
    }
    for (const d of (await rc.list('deployments.apps')).items) {
      if (condition(d, 'Available')?.status !== 'True' || (d.status?.updatedReplicas ?? 0) !== (d.status?.replicas ?? 0)) out.push(`Deployment ${d.metadata.namespace}/${d.metadata.name}`);
    }
    for (const d of (await rc.list('daemonsets.apps')).items) {
      const s = (d.status ?? {}) as { desiredNumberScheduled?: number; numberReady?: number };
      if (!s.desiredNumberScheduled || s.numberReady !== s.desiredNumberScheduled) out.push(`DaemonSet ${d.metadata.namespace}/${d.metadata.name}`);
    }
    return out;
  };
  const end = Date.now() + ms;
  try {
    for (let left = await notReady(); left.length; left = await notReady()) {
      if (Date.now() > end) throw new Error(`not settled within ${ms / 1000}s: ${left.join(', ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    rc.close();
  }
}

/** startSim with the cutover module only, settled. */
export async function startCutoverSim(faults: string[], network?: 'netns' | 'loopback'): Promise<{ sim: RunningSim; target: TargetSpec }> {
  const kit = kitOf(SLOTS);
  const sim = await startSim({ kit, faults: parseSimFaults(faults, kit), modules: ['cutover'], ...(network ? { network } : {}) });
  try {
    await settled(sim.target);
  } catch (e) {
    await sim.stop();
    throw e;
  }
  return { sim, target: sim.target };
}

export function cutoverContext(target: TargetSpec, over: Partial<WalkOptions> = {}): RunContext {
  const options: WalkOptions = {
    suites: ['cutover'],
    kitPath: 'fixtures/bootstrap-kit-48.json',
    reportDir: 'reports',
    json: true,
    slotDeadlineMs: 30_000,
    settleMs: 0,
    allowChaos: false,
    testSovereignPatterns: [],
    cutoverMode: 'enforce',
    holdMs: 6000,
    rtoMs: 30_000,
    rpo: 0,
    writeRate: 10,
    minNodes: 4,
    operatorSession: true,
    operatorEmail: 'operator@sovereign-walk.test',
    customerEmail: 'customer@sovereign-walk.test',
    redeemLinkForm: 'slash',
    mailTimeoutMs: 30_000,
    ...over,
  };
  return { runId: `cutover-test-${Date.now()}`, runDir: tempDir('cutover-run-'), target, options, startedAt: new Date().toISOString() };
}
