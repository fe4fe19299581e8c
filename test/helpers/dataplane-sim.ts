/**
 * The embedded Sovereign for the data plane tests: a four-slot kit cut from the canonical one (the
 * host layer and bp-cnpg, whose operator writes the pair's Cluster status), the world started once
 * per test file, the data plane installed per test with that test's faults, and the data plane
 * processes a test left running.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSimFaults, startSim, type RunningSim } from '../../sim/index.js';
import { PROCESS_TAG_PREFIX, startDataplane } from '../../sim/dataplane/index.js';
import { CNPG_API, continuumRef, NAMESPACE, pairRef } from '../../sim/dataplane/objects.js';
import { loadKit } from '../../src/kit/load.js';
import type { Kit } from '../../src/kit/types.js';
import type { TargetSpec } from '../../src/target/types.js';
import { waitFor } from './sim-world.js';

const SLOTS = ['bp-cilium', 'bp-cert-manager', 'bp-flux', 'bp-cnpg'];

function smallKit(): string {
  const full = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/bootstrap-kit-48.json', import.meta.url)), 'utf8')) as Kit;
  const slots = full.slots.filter((s) => SLOTS.includes(s.name)).map((s) => ({ ...s, dependsOn: (s.dependsOn ?? []).filter((d) => SLOTS.includes(d)) }));
  const dir = mkdtempSync(join(tmpdir(), 'sw-dataplane-kit-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kit.json');
  writeFileSync(path, JSON.stringify({ ...full, slots }, null, 1));
  return path;
}

/** Path of the small kit (written once per test process). */
export const DATAPLANE_KIT = smallKit();

/** The world alone (no platform module): each test installs the data plane it needs. */
export function startWorldOnly(network?: 'netns' | 'loopback'): Promise<RunningSim> {
  return startSim({ kit: loadKit(DATAPLANE_KIT), faults: [], modules: [], ...(network ? { network } : {}) });
}

/** The whole embedded Sovereign with the data plane, as `npm run walk` starts it. */
export function startDataplaneSim(faults: string[]): Promise<RunningSim> {
  const kit = loadKit(DATAPLANE_KIT);
  return startSim({ kit, faults: parseSimFaults(faults, kit), modules: ['dataplane'] });
}

export interface InstalledDataplane {
  /** The world's TargetSpec with what this data plane adds (counter URL, database, region kill). */
  target: TargetSpec;
  /** Stops the data plane's processes, servers and controllers. */
  stop(): Promise<void>;
  /** stop(), then its objects (and the CNPG instance Pods with them) deleted from the regions. */
  remove(): Promise<void>;
}

/** Installs a data plane with `faults` into a running world. */
export async function installDataplaneFor(sim: RunningSim, faults: string[]): Promise<InstalledDataplane> {
  const dataplane = await startDataplane(sim.ctx, parseSimFaults(faults, sim.ctx.kit));
  const { regionKill, ...extras } = dataplane.extras;
  const target: TargetSpec = {
    ...sim.target,
    ...extras,
    regions: sim.target.regions.map((r) => (regionKill?.[r.name] ? { ...r, kill: regionKill[r.name] } : r)),
  };
  const remove = async (): Promise<void> => {
    await dataplane.stop();
    for (const { api } of sim.ctx.regions) {
      const clusters = await api.list(CNPG_API, 'Cluster', { namespace: NAMESPACE });
      const refs = [continuumRef, pairRef, ...clusters.map((c) => ({ apiVersion: CNPG_API, kind: 'Cluster', metadata: { name: c.metadata.name, namespace: NAMESPACE } }))];
      for (const ref of refs) await api.delete(ref);
      // The next install's Clusters must not meet the Pods of these (same names, another owner). Deleted here
      // rather than left to the garbage collector, which after a region's power cycle first resyncs every resource.
      for (const pod of await api.list('v1', 'Pod', { namespace: NAMESPACE })) await api.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: NAMESPACE } }, { gracePeriodSeconds: 0 });
      await waitFor('the instance Pods gone', async () => ((await api.list('v1', 'Pod', { namespace: NAMESPACE })).length === 0 ? true : undefined), 60_000, 200);
    }
  };
  return { target, stop: () => dataplane.stop(), remove };
}

/** Plugs a region's pulled link back into the world bridge (the heal of partition:<region>). */
export function replug(sim: RunningSim, region: string): void {
  const { net } = sim.ctx.world.networking;
  const host = sim.ctx.regions.find((r) => r.name === region)?.host;
  if (!net || !host) return;
  execFileSync('ip', ['link', 'set', host.link, 'master', net.bridge, 'up']);
}

/** Data plane processes of this test process still running (zombies excluded: their parent reaps them). */
export function dataplaneLeftovers(): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,user=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(`${PROCESS_TAG_PREFIX}-${process.pid}-`) && !/^\s*\d+\s+Z/.test(line));
}
