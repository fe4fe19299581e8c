/**
 * Readiness sweep vs. the sequential kubectl script, side by side against one fully Ready sim:
 * warm both up, then alternate harness and script runs so machine noise hits both alike. The sim
 * runs in a process of its own, as a live Sovereign is apart from the harness: in this process
 * its product models and front door would share the sweep's event loop.
 *
 * The harness side is what `judgeReadiness` does minus the gate files: a fresh RegionClient and
 * HttpClient from the TargetSpec, a ReadinessSweep over the catalog with `settleMs: 0`,
 * `start()` + `all()`, timed from construction to the last result.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildCatalog, type SlotProbe } from '../probes/catalog.js';
import { judgeHelmRelease } from '../probes/kinds/index.js';
import { loadKit } from '../src/kit/load.js';
import type { Kit } from '../src/kit/types.js';
import { HELMRELEASES, ReadinessSweep } from '../src/suites/readiness/sweep.js';
import { HttpClient } from '../src/target/http.js';
import { RegionClient } from '../src/target/kube.js';
import type { TargetSpec } from '../src/target/types.js';
import { ALL_MODULES } from '../sim/index.js';
import { startSimProcess } from '../sim/process.js';
import { NotMeasured, type Figure } from './figures.js';
import { abortable } from './lifecycle.js';
import { DEBIAN_KUBECTL, planScript, runScript, type ScriptPlan, type ScriptRun } from './probe-script.js';
import { formatMs, formatRatio, median, round, speedup } from './stats.js';
import { countTraffic, type Traffic } from './traffic.js';
import { economyOf, measureRequests, type Economy } from './api-economy.js';
import { apiRequestsOfThisProcess } from '../src/target/api-requests.js';
import { walkOverhead, WALK_OVERHEAD_TARGET_MS } from './walk-overhead.js';

export const READINESS_TARGET = 40;
const SLOT_DEADLINE_MS = 30_000;
// Set-up, not measured: on a shared 2-core machine Flux has taken over 120 s to install the kit.
const READY_TIMEOUT_MS = 300_000;

export interface ReadinessOptions {
  kitPath: string;
  /** Measured runs per side (after one warm-up each). */
  reps: number;
  /** Also profile one extra harness sweep and write the V8 CPU profile here (open in Chrome DevTools). */
  cpuProfile?: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

interface HarnessRun extends Traffic {
  ms: number;
  cpuMs: number;
  notPassed: string[];
}

function primaryRegion(target: TargetSpec) {
  return target.regions.find((r) => r.role === 'primary') ?? target.regions[0];
}

async function harnessSweep(target: TargetSpec, kit: Kit, catalog: SlotProbe[], signal: AbortSignal): Promise<HarnessRun> {
  const traffic = countTraffic();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const region = new RegionClient(primaryRegion(target));
  const http = new HttpClient(target);
  const sweep = new ReadinessSweep([{ region, http, sovereign: target.sovereign, placeholder: kit.sovPlaceholder ?? '<sov>' }], catalog, { deadlineMs: SLOT_DEADLINE_MS, settleMs: 0 });
  try {
    await abortable(sweep.start(), signal);
    const results = await abortable(sweep.all(), signal);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const notPassed = [...results.values()].filter((r) => r.status !== 'passed').map((r) => `${r.probe.id} ${r.status}: ${r.reason}`);
    return { ms, cpuMs: (used.user + used.system) / 1000, notPassed, ...traffic.stop() };
  } finally {
    traffic.stop();
    sweep.stop();
    await http.close();
  }
}

/** Until every catalog HelmRelease is Ready (listed, not watched: this is set-up, not measured). */
async function waitAllReady(target: TargetSpec, catalog: SlotProbe[], signal: AbortSignal): Promise<number> {
  const started = Date.now();
  const region = new RegionClient(primaryRegion(target));
  let pending: string[] = [];
  while (Date.now() - started < READY_TIMEOUT_MS) {
    signal.throwIfAborted();
    const hrs = (await region.list(HELMRELEASES)).items;
    const byKey = new Map(hrs.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    pending = catalog.map((p) => `${p.slot.ready.namespace}/${p.slot.ready.name}`).filter((k) => !judgeHelmRelease(byKey.get(k), Date.now()).ok);
    if (!pending.length) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new NotMeasured(`the sim's HelmReleases were not all Ready within ${READY_TIMEOUT_MS / 1000} s (still pending: ${pending.slice(0, 5).join(', ')})`);
}

async function profileSweep(file: string, sweep: () => Promise<unknown>): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await sweep();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
  } finally {
    session.disconnect();
  }
}

function describeScript(plan: ScriptPlan): Record<string, number> {
  const byTool: Record<string, number> = {};
  for (const s of plan.steps) byTool[s.tool] = (byTool[s.tool] ?? 0) + 1;
  return byTool;
}

/** `VERB resource` → requests this process's region clients counted sending to `region` so far. */
function sentSoFar(region: string): Map<string, number> {
  return new Map((apiRequestsOfThisProcess().find((r) => r.region === region)?.requests ?? []).map((l) => [`${l.verb} ${l.resource}`, l.count]));
}

/** What the harness counted itself sending to `region` while `run` ran. */
async function sentDuring(region: string, run: () => Promise<void>): Promise<Map<string, number>> {
  const before = sentSoFar(region);
  await run();
  return new Map([...sentSoFar(region)].map(([k, n]) => [k, n - (before.get(k) ?? 0)] as const).filter(([, n]) => n > 0));
}

function economyFigure(slots: number, harness: Economy, script: Economy, sent: Map<string, number>): Figure {
  return {
    id: 'api-economy',
    title: `API requests of one readiness sweep, ${slots} slots, primary region (the API server's apiserver_request_total)`,
    measured: `harness ${harness.total} (${Object.entries(harness.byVerb).map(([v, n]) => `${n} ${v}`).join(', ')}) vs kubectl script ${script.total}`,
    target: '≤ 1 LIST and 1 WATCH per resource type per region, plus discovery',
    verdict: harness.overBudget.length ? 'MISS' : 'PASS',
    note: [
      harness.overBudget.length ? `over: ${harness.overBudget.join(', ')}` : "the server's counters over the run minus an idle window of the same length (its controllers, Flux and kwok keep talking)",
      harness.background?.length ? `seen more than once by the server but sent once by the harness (its own count), so background: ${harness.background.join(', ')}` : '',
    ].filter(Boolean).join('; '),
    data: { harness, script, harnessSent: Object.fromEntries([...sent].sort((a, b) => b[1] - a[1])) },
  };
}

export async function benchReadiness(o: ReadinessOptions): Promise<Figure[]> {
  const kit = loadKit(o.kitPath);
  const catalog = buildCatalog(kit);
  const sim = await startSimProcess(ALL_MODULES, ['--kit', o.kitPath]).catch((e: Error) => {
    throw new NotMeasured(e.message);
  });
  const cacheDir = await mkdtemp(join(tmpdir(), 'sw-bench-kubectl-'));
  try {
    const target = sim.target;
    const readyMs = await waitAllReady(target, catalog, o.signal);
    o.log(`readiness: sim Ready (${catalog.length} slots) after ${formatMs(readyMs)}`);
    const kubectl = DEBIAN_KUBECTL;
    const plan = planScript(catalog, {
      kubeconfig: primaryRegion(target).kubeconfigPath,
      cacheDir,
      sovereign: target.sovereign,
      placeholder: kit.sovPlaceholder ?? '<sov>',
      resolve: target.resolve,
      caFile: target.caFile,
    });

    // Warm-up: surfaces come up, kubectl's discovery cache fills, and both sides must agree it is all Ready.
    const warmHarness = await harnessSweep(target, kit, catalog, o.signal);
    if (warmHarness.notPassed.length) throw new NotMeasured(`the warm-up sweep did not pass every slot: ${warmHarness.notPassed.slice(0, 3).join('; ')}`);
    const warmScript = await runScript(plan, kubectl, o.signal);
    if (warmScript.problems.length) throw new NotMeasured(`the warm-up script did not see every check pass: ${warmScript.problems.slice(0, 3).join('; ')}`);
    o.log(`readiness: warm-up harness ${formatMs(warmHarness.ms)}, script ${formatMs(warmScript.ms)}`);

    const harness: HarnessRun[] = [];
    const script: ScriptRun[] = [];
    for (let i = 0; i < o.reps; i++) {
      const h = await harnessSweep(target, kit, catalog, o.signal);
      if (h.notPassed.length) throw new NotMeasured(`harness run ${i + 1} did not pass every slot: ${h.notPassed.slice(0, 3).join('; ')}`);
      harness.push(h);
      const s = await runScript(plan, kubectl, o.signal);
      if (s.problems.length) throw new NotMeasured(`script run ${i + 1} saw failing checks: ${s.problems.slice(0, 3).join('; ')}`);
      script.push(s);
      o.log(`readiness: run ${i + 1}/${o.reps} harness ${formatMs(h.ms)}, script ${formatMs(s.ms)}`);
    }

    // The sim writes each region's kubeconfigs side by side: the harness's, and the admin's that may read /metrics.
    const admin = join(dirname(primaryRegion(target).kubeconfigPath), 'admin.kubeconfig');
    const idleMs = Math.max(2000, median(harness.map((h) => h.ms)));
    let sent = new Map<string, number>();
    const measured = await measureRequests(admin, async () => void (sent = await sentDuring(primaryRegion(target).name, async () => void (await harnessSweep(target, kit, catalog, o.signal)))), idleMs);
    const harnessEconomy = economyOf(measured, sent);
    const scriptEconomy = economyOf(await measureRequests(admin, async () => void (await runScript(plan, kubectl, o.signal)), Math.max(2000, median(script.map((x) => x.ms)))));
    o.log(`readiness: API requests harness ${harnessEconomy.total}, script ${scriptEconomy.total}`);
    const overhead = await walkOverhead({ target, kitPath: o.kitPath, runs: Math.min(3, o.reps), signal: o.signal, log: o.log });

    if (o.cpuProfile) {
      await profileSweep(o.cpuProfile, () => harnessSweep(target, kit, catalog, o.signal));
      o.log(`readiness: CPU profile of one harness sweep written to ${o.cpuProfile}`);
    }

    const harnessMs = median(harness.map((h) => h.ms));
    const scriptMs = median(script.map((s) => s.ms));
    const ratio = speedup(scriptMs, harnessMs);
    const callMs = (tool: string) => median(script.flatMap((s) => s.calls.filter((c) => c.tool === tool).map((c) => c.ms)));
    return [{
      id: 'readiness-sweep',
      title: `Readiness verdict, ${catalog.length} slots: harness vs sequential kubectl`,
      measured: `${formatMs(harnessMs)} vs ${formatMs(scriptMs)} → ${formatRatio(ratio)}`,
      target: `harness ≥ ${READINESS_TARGET}× faster`,
      verdict: ratio >= READINESS_TARGET ? 'PASS' : 'MISS',
      note: `medians of ${o.reps} alternating runs each; HTTP surfaces by curl on the script side; exec surfaces only on the harness side (${plan.excluded.length})`,
      data: {
        slots: catalog.length,
        reps: o.reps,
        harnessMedianMs: round(harnessMs),
        scriptMedianMs: round(scriptMs),
        ratio: round(ratio, 2),
        harnessRunsMs: harness.map((h) => round(h.ms)),
        scriptRunsMs: script.map((s) => round(s.ms)),
        harness: {
          medianCpuMs: round(median(harness.map((h) => h.cpuMs))),
          medianApiRequests: median(harness.map((h) => h.apiRequests)),
          medianApiConnections: median(harness.map((h) => h.apiConnections)),
          medianHttpsRequests: median(harness.map((h) => h.httpsRequests)),
          medianHttpsConnections: median(harness.map((h) => h.httpsConnections)),
          note: 'CPU is this process (the in-process sim included); a connection per API request means a TLS handshake per request',
        },
        script: {
          calls: describeScript(plan),
          medianKubectlCallMs: round(callMs('kubectl')),
          medianCurlCallMs: round(callMs('curl')),
          excluded: plan.excluded,
          kubectl,
        },
      },
    }, economyFigure(catalog.length, harnessEconomy, scriptEconomy, sent), {
      id: 'walk-overhead',
      title: `Walk overhead, ${catalog.length} slots: walk --suite readiness wall time minus its sweep span`,
      measured: `${formatMs(overhead.overheadMs)} (walk ${formatMs(overhead.wallMs)}, sweep ${formatMs(overhead.sweepMs)})`,
      target: `≤ ${formatMs(WALK_OVERHEAD_TARGET_MS(catalog.length))}`,
      verdict: overhead.overheadMs <= WALK_OVERHEAD_TARGET_MS(catalog.length) ? 'PASS' : 'MISS',
      note: `medians of ${overhead.runs.length} walks of the compiled CLI against the same Ready Sovereign, addressed as a live one`,
      data: { ...overhead },
    }];
  } finally {
    await sim.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
