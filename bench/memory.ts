/**
 * Harness memory through a cutover hold: `walk --suite cutover --hold <d>` as a child process
 * (with the V8 flags `npm run walk` uses), the RSS of its whole process tree sampled every 2 s.
 * The sim runs in a process of its own (`npm run sim`), walked like a live test Sovereign, so
 * its memory is reported apart instead of inside the walk's. The harness figure is the sum over
 * the walk process and any Chromium it launched; other
 * processes in the tree (a kubectl or curl the harness ran) are reported apart. The peak is taken over the hold window,
 * which the hold gate's own steps date; the least-squares slope over the same window after its
 * first minute (half, for holds under two minutes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gate, Summary } from '../src/gates/types.js';
import { liveTestSovereignArgs, startSimProcess, stopGroup, type SimProcess } from '../sim/process.js';
import { NotMeasured, type Figure } from './figures.js';
import { processTree, sampleTree, type ProcMemory } from './proc-tree.js';
import { formatSlope, MB, round, slope } from './stats.js';

export const FULL_HOLD_MS = 10 * 60_000;
export const QUICK_HOLD_MS = 60_000;
export const PEAK_LIMIT_MB = 250;
/** Above this the RSS is trending up (a GC sawtooth on a flat heap stays well inside it). */
export const TREND_LIMIT_MB_PER_MIN = 1;
export const MEMORY_TARGET = `peak < ${PEAK_LIMIT_MB} MB, slope < +${TREND_LIMIT_MB_PER_MIN} MB/min`;
const SAMPLE_MS = 2_000;
const SETTLE_MS = 60_000;
const HOLD_GATE = 'cutover/hold';
/** Set-up, the tether gates, the post-hold gates and the reports, on top of the hold. */
const WALK_OVERHEAD_MS = 10 * 60_000;
const STOP_GRACE_MS = 30_000;

export interface MemoryOptions {
  holdMs: number;
  repoRoot: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** `sim`: an embedded Sovereign the walk started in a process of its own, with every process under it. */
export type Role = 'walk' | 'browser' | 'sim' | 'other';
export const HARNESS_ROLES: readonly Role[] = ['walk', 'browser'];

export interface MemorySample {
  at: number;
  /** RSS summed over the harness processes (the figure judged). */
  harnessRss: number;
  /** PSS of the same processes: shared pages (the node binary, libraries) counted once. */
  harnessPss: number;
  /** RSS per role; `sim` and `other` are not harness (the sim's tree; a kubectl or curl). */
  byRole: Record<Role, number>;
  processes: number;
}

export function roleOf(p: ProcMemory, walkPid: number, simPids: ReadonlySet<number> = new Set()): Role {
  if (p.pid === walkPid) return 'walk';
  if (simPids.has(p.pid)) return 'sim';
  if (/chrom(e|ium)|headless_shell/.test(p.cmdline.split(' ')[0] ?? '')) return 'browser';
  return 'other';
}

export function summarizeSample(at: number, walkPid: number, procs: ProcMemory[], simPids: ReadonlySet<number> = new Set()): MemorySample {
  const byRole: Record<Role, number> = { walk: 0, browser: 0, sim: 0, other: 0 };
  let harnessPss = 0;
  for (const p of procs) {
    const role = roleOf(p, walkPid, simPids);
    byRole[role] += p.rssBytes;
    if (HARNESS_ROLES.includes(role)) harnessPss += p.pssBytes;
  }
  return { at, harnessRss: HARNESS_ROLES.reduce((s, r) => s + byRole[r], 0), harnessPss, byRole, processes: procs.length };
}

/** The hold window: the hold gate's steps span it (start snapshot → end snapshot). */
export function holdWindow(gate: Gate): { start: number; end: number } {
  const times = (gate.steps ?? []).flatMap((s) => [Date.parse(s.startedAt), Date.parse(s.finishedAt)]).filter(Number.isFinite);
  const start = times.length ? Math.min(...times) : Date.parse(gate.startedAt);
  const end = times.length ? Math.max(...times) : Date.parse(gate.finishedAt);
  return { start, end };
}

export interface Trend {
  peakMB: number;
  peakPssMB: number;
  /** Peak RSS of each role on its own. */
  peakByRoleMB: Record<Role, number>;
  slopeMBPerMin: number;
  /** Slope of each role on its own: which process grows. */
  slopeByRoleMBPerMin: Record<Role, number>;
  /** Samples the peak was taken over, and the (later-starting) ones the slope was fitted to. */
  samples: number;
  slopeSamples: number;
}

const peak = (xs: number[]) => (xs.length ? Math.max(...xs) / MB : Number.NaN);

/**
 * The settling time left out of the slope: the hold begins while the walk is still starting up,
 * and that first garbage collection would read as a steep fall that hides a slow leak.
 */
export const settleMsFor = (holdMs: number) => Math.min(SETTLE_MS, holdMs / 2);

/** Peaks (MB) over [start, end] and the slope (MB/min) of the harness RSS over [start + settleMs, end]. */
export function trend(samples: MemorySample[], start: number, end: number, settleMs = 0): Trend {
  const inHold = samples.filter((s) => s.at >= start && s.at <= end);
  const settled = inHold.filter((s) => s.at >= start + settleMs);
  const roles = Object.keys(inHold[0]?.byRole ?? {}) as Role[];
  return {
    peakMB: peak(inHold.map((s) => s.harnessRss)),
    peakPssMB: peak(inHold.map((s) => s.harnessPss)),
    peakByRoleMB: Object.fromEntries(roles.map((r) => [r, round(peak(inHold.map((s) => s.byRole[r])), 1)])) as Record<Role, number>,
    slopeMBPerMin: slope(settled.map((s) => ({ x: (s.at - start) / 60_000, y: s.harnessRss / MB }))),
    slopeByRoleMBPerMin: Object.fromEntries(roles.map((r) => [r, round(slope(settled.map((s) => ({ x: (s.at - start) / 60_000, y: s.byRole[r] / MB }))), 3)])) as Record<Role, number>,
    samples: inHold.length,
    slopeSamples: settled.length,
  };
}

export interface WalkOutcome {
  code: number | null;
  stdout: string;
  stderrTail: string;
  samples: MemorySample[];
  /** RSS of the process tree of a sim started apart from the walk (its Node process, PostgreSQL, nats-server), per sample; empty without one. */
  simRss: number[];
}

/** The sim `walk --target sim` runs as a child of its own (`dist/cli/sim.js`), and every process under it. */
export function simTreeIn(procs: ProcMemory[], walkPid: number): Set<number> {
  const root = procs.find((p) => p.pid !== walkPid && /(^|\/)dist\/cli\/sim\.js(\s|$)/.test(p.cmdline));
  return new Set(root ? processTree(root.pid) : []);
}

/** SIGINT to the walk (it reverts its faults and writes its reports), SIGKILL to its group after a grace. */
const stopWalk = (child: ChildProcess, exited: Promise<unknown>) => stopGroup(child, exited, 'SIGINT', STOP_GRACE_MS);

export interface SampledWalk {
  /** Arguments of the compiled walk (after the V8 flags `npm run walk` uses). */
  args: string[];
  timeoutMs: number;
  /** A sim in a process of its own, sampled apart. */
  sim?: SimProcess;
}

/** Runs the compiled walk as a child process, sampling its process tree's memory every 2 s. */
export async function walkAndSample(o: Omit<MemoryOptions, 'holdMs'>, w: SampledWalk): Promise<WalkOutcome> {
  // Its own process group, so a Ctrl-C reaches it through us (SIGINT, then the group if it hangs).
  const child = spawn(process.execPath, ['--max-semi-space-size=2', 'dist/cli/walk.js', ...w.args], { cwd: o.repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const samples: MemorySample[] = [];
  const simRss: number[] = [];
  const sample = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const procs = sampleTree(child.pid);
      samples.push(summarizeSample(Date.now(), child.pid, procs, simTreeIn(procs, child.pid)));
    }
    if (w.sim) simRss.push(sampleTree(w.sim.child.pid!).reduce((sum, p) => sum + p.rssBytes, 0));
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopWalk(child, exited);
  }, w.timeoutMs);
  const onAbort = () => void stopWalk(child, exited);
  o.signal.addEventListener('abort', onAbort, { once: true });
  const progress = setInterval(() => {
    const last = samples[samples.length - 1];
    if (last) o.log(`memory: ${Math.round((Date.now() - samples[0].at) / 1000)} s, harness RSS ${round(last.harnessRss / MB)} MB (${last.processes} processes)`);
  }, 60_000);
  try {
    const code = await exited;
    o.signal.throwIfAborted();
    if (timedOut) throw new NotMeasured(`the walk did not finish within ${w.timeoutMs / 60_000} min and was stopped`);
    return { code, stdout, stderrTail: stderr, samples, simRss };
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    await stopWalk(child, exited);
  }
}

export function describeRoles(byRole: Record<Role, number>): string {
  return HARNESS_ROLES.filter((r) => byRole[r] > 0).map((r) => `${r} ${round(byRole[r])}`).join(', ');
}

export function parseSummary(stdout: string): Summary | undefined {
  try {
    return JSON.parse(stdout) as Summary;
  } catch {
    return undefined;
  }
}

export async function benchMemory(o: MemoryOptions): Promise<Figure[]> {
  const reportDir = await mkdtemp(join(tmpdir(), 'sw-bench-walk-'));
  try {
    o.log(`memory: walk --suite cutover --hold ${o.holdMs / 1000}s, sampling RSS every ${SAMPLE_MS / 1000} s`);
    const sim = await startSimProcess(['dod', 'cutover']).catch((e: Error) => {
      throw new NotMeasured(e.message);
    });
    let walk: WalkOutcome;
    try {
      const args = ['--suite', 'cutover', '--hold', String(o.holdMs), '--report-dir', reportDir, '--json', '--slot-deadline', '30s', '--settle', '2s', ...liveTestSovereignArgs(sim.target)];
      walk = await walkAndSample(o, { args, timeoutMs: o.holdMs + WALK_OVERHEAD_MS, sim });
    } finally {
      await sim.stop();
    }
    const simPeakMB = round(Math.max(0, ...walk.simRss) / MB);
    const whole = trend(walk.samples, -Infinity, Infinity);
    const peakNote = `over the whole walk the harness peaked at ${round(whole.peakMB)} MB RSS (${describeRoles(whole.peakByRoleMB)})`;
    const summary = parseSummary(walk.stdout);
    if (!summary) throw new NotMeasured(`the walk (exit ${walk.code}) printed no summary: ${walk.stderrTail.trim().split('\n').slice(-2).join(' | ')}`);
    const hold = summary.gates.find((g) => g.id === HOLD_GATE);
    if (!hold) throw new NotMeasured(`the walk judged no ${HOLD_GATE} gate; ${peakNote}`);
    if (hold.status !== 'passed' && hold.status !== 'failed') throw new NotMeasured(`${HOLD_GATE} was ${hold.status} (${hold.reason}), so no hold ran; ${peakNote}`);
    const { start, end } = holdWindow(hold);
    if (end - start < o.holdMs * 0.9) throw new NotMeasured(`${HOLD_GATE} lasted ${round((end - start) / 1000)} s, not the ${o.holdMs / 1000} s asked for; ${peakNote}`);
    const settleMs = settleMsFor(end - start);
    const t = trend(walk.samples, start, end, settleMs);
    const minutes = (end - start) / 60_000;
    const data = {
      holdMs: o.holdMs,
      holdWindow: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      holdGate: hold.status,
      sampleEveryMs: SAMPLE_MS,
      samplesInHold: t.samples,
      peakMB: round(t.peakMB, 1),
      peakPssMB: round(t.peakPssMB, 1),
      peakByRoleMB: t.peakByRoleMB,
      wholeRunPeakMB: round(whole.peakMB, 1),
      simPeakMB,
      wholeRunPeakByRoleMB: whole.peakByRoleMB,
      slopeMBPerMin: round(t.slopeMBPerMin, 3),
      slopeByRoleMBPerMin: t.slopeByRoleMBPerMin,
      slopeFrom: new Date(start + settleMs).toISOString(),
      samples: walk.samples.map((s) => ({
        t: round((s.at - start) / 1000, 1),
        harnessMB: round(s.harnessRss / MB, 1),
        harnessPssMB: round(s.harnessPss / MB, 1),
        byRoleMB: Object.fromEntries(Object.entries(s.byRole).map(([r, b]) => [r, round(b / MB, 1)])),
        processes: s.processes,
      })),
    };
    return [
      {
        id: 'memory-peak',
        title: `Harness RSS peak through a ${round(minutes, 1)} min cutover hold`,
        measured: `${round(t.peakMB)} MB`,
        target: `< ${PEAK_LIMIT_MB} MB`,
        verdict: t.peakMB < PEAK_LIMIT_MB ? 'PASS' : 'MISS',
        note: `RSS summed over the walk and the processes it started, by process: ${describeRoles(t.peakByRoleMB)}; PSS ${round(t.peakPssMB)} MB; ${peakNote}; the sim, in its own process tree with PostgreSQL and nats-server, peaked at ${simPeakMB} MB (not counted)`,
        data,
      },
      {
        id: 'memory-trend',
        title: `Harness RSS trend over the hold`,
        measured: formatSlope(t.slopeMBPerMin),
        target: `< +${TREND_LIMIT_MB_PER_MIN} MB/min`,
        verdict: t.slopeMBPerMin < TREND_LIMIT_MB_PER_MIN ? 'PASS' : 'MISS',
        note: `least-squares over the ${t.slopeSamples} samples after the first ${round(settleMs / 1000)} s of the hold (settling); per process ${HARNESS_ROLES.filter((r) => t.peakByRoleMB[r] > 0).map((r) => `${r} ${formatSlope(t.slopeByRoleMBPerMin[r])}`).join(', ')}`,
      },
    ];
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
