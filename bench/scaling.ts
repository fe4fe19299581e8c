/**
 * The scaling figures: the compiled `walk --suite readiness` over generated kits of 48, 480 and
 * 2,400 slots (bench/scaling-kit.ts) against one real kube-apiserver with etcd
 * (startRegionControlPlane), measuring per size the sweep span, the walk's wall time, its
 * overhead (wall − sweep) and the peak RSS of its process tree (sampled every 300 ms).
 *
 * Flux cannot install 2,400 releases on a 2-core machine, so the bench writes the state itself:
 * every slot's HelmRelease with Ready=True and observedGeneration through the status subresource,
 * and the workload or ConfigMap its surface reads, in a passing state. The controller-manager,
 * scheduler and kwok the region starts are stopped first, so nothing rewrites those statuses (and
 * they do not compete for the CPU). This measures the harness, not Flux. Sizes are walked in
 * increasing order against the same server; each adds the objects of its new slots.
 *
 * For diagnosis: BENCH_SCALING_KEEP=<dir> keeps each walk's run folder there, and
 * BENCH_SCALING_CPU_PROF=<dir> writes a V8 CPU profile of each walk process (--cpu-prof).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKit } from '../src/kit/load.js';
import type { Kit, KitSlot } from '../src/kit/types.js';
import type { Summary } from '../src/gates/types.js';
import { REPO_ROOT } from '../src/repo-root.js';
import { resolveBinary, type BinaryName } from '../sim/controlplane/assets.js';
import { startRegionControlPlane, type RegionControlPlane } from '../sim/controlplane/region.js';
import { Ownership } from '../sim/host/ownership.js';
import { WorldApi } from '../sim/kube-client/api.js';
import { createCa } from '../sim/pki/tls.js';
import { stopGroup } from '../sim/process.js';
import { NotMeasured, type Figure } from './figures.js';
import { sampleTree } from './proc-tree.js';
import {
  memoryTarget, memoryVerdict, perSlotMs, scalingKit, surfaceObjects, timePerSlotTarget, timePerSlotVerdict,
  type ScalingPoint, type SurfaceObject,
} from './scaling-kit.js';
import { formatMs, MB, round } from './stats.js';
import { sweepSpanMs, WALK_OVERHEAD_TARGET_MS } from './walk-overhead.js';

const BINARIES: BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
const SAMPLE_MS = 300;
const WALK_TIMEOUT_MS = 10 * 60_000;
const WRITE_CONCURRENCY = 24;
const REGION = 'scale-primary';
const SOVEREIGN = 'scale.sovereign-walk.test';
const MANAGER = 'sovereign-walk-bench';

export interface ScalingOptions {
  sizes: readonly number[];
  baseKitPath: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

interface WalkRun {
  wallMs: number;
  peakRssBytes: number;
  samples: number;
  summary: Summary;
}

/** The control-plane binaries and the compiled walk, or why the figure cannot be measured. */
function checkPrerequisites(): void {
  for (const b of BINARIES) {
    try {
      resolveBinary(b);
    } catch (e) {
      throw new NotMeasured(`control-plane binaries missing: ${(e as Error).message}`);
    }
  }
  if (!existsSync(join(REPO_ROOT, 'dist/cli/walk.js'))) throw new NotMeasured('dist/cli/walk.js is not built: run npm run build');
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal.throwIfAborted();
      await fn(items[next++]);
    }
  }));
}

const now = () => new Date().toISOString();

function workloadObjects(o: SurfaceObject): { obj: Record<string, unknown>; status: (generation: number) => Record<string, unknown> } {
  const metadata = { name: o.name, namespace: o.namespace, labels: { app: o.name } };
  if (o.kind === 'ConfigMap') return { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { status: 'ok' } }, status: () => ({}) };
  const template = { metadata: { labels: { app: o.name } }, spec: { containers: [{ name: 'app', image: 'registry.invalid/bench:1' }] } };
  const spec: Record<string, unknown> = { selector: { matchLabels: { app: o.name } }, template };
  if (o.kind !== 'DaemonSet') spec.replicas = 1;
  if (o.kind === 'StatefulSet') spec.serviceName = o.name;
  const status = (generation: number): Record<string, unknown> => {
    switch (o.kind) {
      case 'Deployment':
        return {
          observedGeneration: generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1,
          conditions: [
            { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: now(), lastUpdateTime: now() },
            { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'written by the scaling bench', lastTransitionTime: now(), lastUpdateTime: now() },
          ],
        };
      case 'DaemonSet':
        return { observedGeneration: generation, currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1 };
      case 'StatefulSet':
        return { observedGeneration: generation, replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 1, currentRevision: `${o.name}-1`, updateRevision: `${o.name}-1` };
    }
  };
  return { obj: { apiVersion: 'apps/v1', kind: o.kind, metadata, spec }, status };
}

function helmRelease(s: KitSlot): { obj: Record<string, unknown>; status: (generation: number) => Record<string, unknown> } {
  return {
    obj: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease',
      metadata: { name: s.ready.name, namespace: s.ready.namespace },
      spec: { interval: '10m', releaseName: s.name.slice(0, 53), chart: { spec: { chart: s.name, version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'bench' } } } },
    },
    status: (generation) => ({
      observedGeneration: generation,
      conditions: [{ type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: 'written by the scaling bench', lastTransitionTime: now(), observedGeneration: generation }],
    }),
  };
}

/** Creates (server-side apply) and marks passing every object the kit's new slots need. */
async function writeState(api: WorldApi, slots: readonly KitSlot[], signal: AbortSignal): Promise<number> {
  const namespaces = new Set<string>(slots.map((s) => s.ready.namespace));
  const writes: { obj: Record<string, unknown>; status: (generation: number) => Record<string, unknown> }[] = [];
  for (const s of slots) {
    writes.push(helmRelease(s));
    for (const o of s.surface ? surfaceObjects(s.surface) : []) {
      namespaces.add(o.namespace);
      writes.push(workloadObjects(o));
    }
  }
  for (const ns of namespaces) await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await pool(writes, WRITE_CONCURRENCY, signal, async (w) => {
    const created = await api.apply(w.obj as Parameters<WorldApi['apply']>[0]);
    const status = w.status(created.metadata.generation ?? 1);
    if (Object.keys(status).length) await api.applyStatus({ ...(w.obj as Parameters<WorldApi['apply']>[0]), status });
  });
  return writes.length;
}

function walkAndSample(args: string[], signal: AbortSignal): Promise<WalkRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Its own process group, so a stop reaches whatever it started.
    const prof = process.env.BENCH_SCALING_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SCALING_CPU_PROF] : [];
    const child = spawn(process.execPath, ['--max-semi-space-size=2', ...prof, join(REPO_ROOT, 'dist/cli/walk.js'), ...args], { cwd: REPO_ROOT, detached: true, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    let peak = 0;
    let samples = 0;
    const sample = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      const rss = sampleTree(child.pid).reduce((sum, p) => sum + p.rssBytes, 0);
      samples++;
      if (rss > peak) peak = rss;
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(child, exited, 'SIGINT', 20_000);
    }, WALK_TIMEOUT_MS);
    const onAbort = () => void stopGroup(child, exited, 'SIGINT', 20_000);
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason as Error);
      if (timedOut) return reject(new NotMeasured(`the walk did not finish within ${WALK_TIMEOUT_MS / 60_000} min and was stopped`));
      if (code !== 0) return reject(new NotMeasured(`the walk exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
      try {
        resolve({ wallMs, peakRssBytes: peak, samples, summary: JSON.parse(stdout) as Summary });
      } catch {
        reject(new NotMeasured(`the walk printed no summary: ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
      }
    });
    sample();
  });
}

function figures(points: ScalingPoint[], sizes: readonly number[], data: Record<string, unknown>): Figure[] {
  const sorted = [...points].sort((a, b) => a.slots - b.slots);
  const time = timePerSlotVerdict(sorted);
  const mem = memoryVerdict(sorted);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const note = 'the bench writes every HelmRelease (Ready=True, observedGeneration via the status subresource) and the object each surface reads into a real kube-apiserver with etcd, itself: it measures the harness, not Flux';
  const out: Figure[] = [
    {
      id: 'scaling-time-per-slot',
      title: `Readiness sweep time per slot at ${sorted.map((p) => p.slots).join(' / ')} slots`,
      measured: `${sorted.map((p) => `${round(perSlotMs(p), 2)}`).join(' / ')} ms per slot (sweep ${sorted.map((p) => formatMs(p.sweepMs)).join(' / ')}); ${round(time.ratio, 2)}×`,
      target: timePerSlotTarget(first.slots, last.slots),
      verdict: time.verdict,
      note,
      data: { ...data, points: sorted, msPerSlot: sorted.map((p) => round(perSlotMs(p), 3)), ratio: round(time.ratio, 3) },
    },
    {
      id: 'scaling-memory',
      title: `Harness peak RSS (walk process tree) at ${sorted.map((p) => p.slots).join(' / ')} slots`,
      measured: `${sorted.map((p) => `${round(p.peakRssMB)} MB`).join(' / ')}; ${mem.mbPerSlot.map((m) => `${round(m, 3)}`).join(' → ')} MB per added slot`,
      target: memoryTarget(sizes),
      verdict: mem.verdict,
      note: `RSS summed over the walk and every process it started, sampled every ${SAMPLE_MS} ms`,
      data: { points: sorted, mbPerAddedSlot: mem.mbPerSlot.map((m) => round(m, 4)) },
    },
  ];
  const at480 = sorted.find((p) => p.slots === 480);
  if (at480) {
    out.push({
      id: 'walk-overhead-480',
      title: 'Walk overhead, 480 slots: walk --suite readiness wall time minus its sweep span',
      measured: `${formatMs(at480.overheadMs)} (walk ${formatMs(at480.wallMs)}, sweep ${formatMs(at480.sweepMs)})`,
      target: `≤ ${formatMs(WALK_OVERHEAD_TARGET_MS(480))}`,
      verdict: at480.overheadMs <= WALK_OVERHEAD_TARGET_MS(480) ? 'PASS' : 'MISS',
      note: 'one walk of the compiled CLI against the generated 480-slot kit (see scaling-time-per-slot)',
      data: { ...at480, overheadBySize: Object.fromEntries(sorted.map((p) => [p.slots, p.overheadMs])) },
    });
  }
  return out;
}

export async function benchScaling(o: ScalingOptions): Promise<Figure[]> {
  checkPrerequisites();
  const base = loadKit(o.baseKitPath);
  const owner = Ownership.open();
  const dir = owner.dir(mkdtempSync(join(tmpdir(), 'sw-bench-scaling-')));
  let cp: RegionControlPlane | undefined;
  let api: WorldApi | undefined;
  try {
    const ca = await createCa('sovereign-walk scaling bench CA');
    const startedCp = performance.now();
    // Not abandoned half-started on Ctrl-C: it stops its own processes if it fails, and `finally` stops it once up.
    cp = await startRegionControlPlane({ name: REGION, index: 0, dir: join(dir, REGION), ca, owner, podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/16', log: (l) => o.log(`scaling: ${l}`) });
    o.signal.throwIfAborted();
    // Nothing but the bench writes the statuses: no controller rewrites them, nor takes the CPU.
    for (const name of ['kwok', 'kube-scheduler', 'kube-controller-manager']) await cp.processes.get(name)?.stop('SIGTERM', 5_000);
    o.log(`scaling: kube-apiserver and etcd up in ${formatMs(performance.now() - startedCp)} (controllers stopped)`);
    api = new WorldApi(cp.kubeconfigs.admin, MANAGER);
    // Addressed like a live Sovereign: its name and the harness's own kubeconfig (a bearer token).
    const targetArgs = ['--sov', SOVEREIGN, '--kubeconfig', `${REGION}=${cp.kubeconfigs.harness}`];

    const points: ScalingPoint[] = [];
    const written = new Set<string>();
    const runs: Record<string, unknown>[] = [];
    const sizes = [...o.sizes].sort((a, b) => a - b);
    for (const [i, n] of [sizes[0], ...sizes].entries()) {
      const warmUp = i === 0;
      const kit: Kit = scalingKit(base, n);
      const kitPath = join(dir, `kit-${n}.json`);
      writeFileSync(kitPath, `${JSON.stringify(kit, null, 1)}\n`);
      const fresh = kit.slots.filter((s) => !written.has(s.name));
      if (fresh.length) {
        const t = performance.now();
        const objects = await writeState(api, fresh, o.signal);
        for (const s of fresh) written.add(s.name);
        o.log(`scaling: ${n} slots: wrote ${objects} objects for ${fresh.length} new slots in ${formatMs(performance.now() - t)}`);
      }
      const keep = process.env.BENCH_SCALING_KEEP;
      if (keep) mkdirSync(keep, { recursive: true });
      const reportDir = mkdtempSync(join(keep ?? dir, `walk-${n}-`));
      const run = await walkAndSample(['--suite', 'readiness', '--json', '--kit', kitPath, '--settle', '0s', '--slot-deadline', '60s', '--report-dir', reportDir, '--history-dir', join(reportDir, 'history'), ...targetArgs], o.signal);
      const gates = run.summary.gates.filter((g) => g.suite === 'readiness');
      const notPassed = gates.filter((g) => g.status !== 'passed');
      if (gates.length !== n || notPassed.length) throw new NotMeasured(`the ${n}-slot walk judged ${gates.length} readiness gates, ${notPassed.length} not passed: ${notPassed.slice(0, 3).map((g) => `${g.id} ${g.status}: ${g.reason}`).join('; ')}`);
      const sweepMs = sweepSpanMs({ ...run.summary, gates });
      const judgingMs = run.summary.suites.find((s) => s.name === 'readiness')?.timings?.judgingMs;
      const point: ScalingPoint = { slots: n, sweepMs: round(sweepMs), ...(judgingMs !== undefined ? { judgingMs: round(judgingMs) } : {}), wallMs: round(run.wallMs), overheadMs: round(run.wallMs - sweepMs), peakRssMB: round(run.peakRssBytes / MB, 1) };
      o.log(`scaling: ${warmUp ? 'warm-up ' : ''}${n} slots: walk ${formatMs(point.wallMs)}, sweep ${formatMs(point.sweepMs)}${judgingMs !== undefined ? ` (judging ${formatMs(judgingMs)})` : ''}, peak RSS ${point.peakRssMB} MB (${run.samples} samples)`);
      if (warmUp) continue;
      points.push(point);
      runs.push({ ...point, rssSamples: run.samples, reportFolderBytes: folderBytes(reportDir) });
    }
    return figures(points, sizes, { sizes, runs, sampleEveryMs: SAMPLE_MS, warmUp: `one discarded walk at ${sizes[0]} slots first` });
  } finally {
    await api?.close().catch(() => undefined);
    await cp?.stop().catch(() => undefined);
    owner.close();
  }
}

/** Bytes the walk wrote to its run folder (reports included), by `du -sb`; -1 when unavailable. */
function folderBytes(dir: string): number {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split('\t')[0]) : -1;
}
