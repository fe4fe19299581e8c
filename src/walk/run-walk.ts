/**
 * One walk: preflight, janitor, then per suite: its gates judged and reported in this process
 * (the browser journeys too, through the Playwright library); then summary.json and the
 * reports. Returns the exit code: 0 every gate
 * passed, 1 a gate failed, 128 + n stopped by signal n (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import type { TargetSpec } from '../target/types.js';
import { RUN_CONTEXT_ENV, type RunContext, type WalkOptions } from '../run/context.js';
import type { FaultRecord, SuiteRun } from '../gates/types.js';
import { writeApiRequests } from '../gates/recorder.js';
import { FaultLedger, LedgerError, toFaultRecord } from '../chaos/ledger.js';
import { loadKit } from '../kit/load.js';
import { preflight } from './preflight.js';
import { prepareRunFolder, type RunFolder } from './run-folder.js';
import { redact } from '../evidence/redact.js';
import { REPO_ROOT } from '../repo-root.js';
import { deferExitOnSignal } from '../chaos/signals.js';
import { judgeSuite, progressTitle, reportedGateIds } from '../suites/judges.js';
import { reportSuite } from './report-suite.js';
import { judgeInWalk } from './judge-in-walk.js';
import { JudgeProgress } from './judge-progress.js';
import { suiteTimings } from './suite-timings.js';
import { apiRequestsOfThisProcess } from '../target/api-requests.js';

export interface WalkIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
  /** Terminals for the updating progress view (stdout, stderr), when they are TTYs outside CI. */
  ttyOut?: NodeJS.WriteStream;
  ttyErr?: NodeJS.WriteStream;
}

export interface WalkHooks {
  /** Chaos interlock: throws a SetupError when a destructive suite may not run on this target. */
  interlock?: (ctx: RunContext) => void;
  /** Reverts what an earlier, killed run left behind; returns what it reverted. */
  janitor?: (ctx: RunContext, phase: 'before' | 'after-stop') => Promise<FaultRecord[]>;
}


/** The faults this walk applied, as the fault ledger has them now (reverted or not). */
function faultsOf(ctx: RunContext): FaultRecord[] {
  const ledger = FaultLedger.forSovereign(ctx.target.sovereign);
  try {
    return ledger.entries().filter((e) => e.runId === ctx.runId).map(toFaultRecord);
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    return [{ id: 'fault-ledger', kind: 'fault-ledger', target: ledger.path, runId: ctx.runId, detail: `revert failed: ${e.message}` }];
  }
}

/** Ctrl+C, kill, and the terminal going away (SIGHUP) all stop the walk the same way. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `run`: the launcher makes the run folder before it starts the target (prepareRunFolder). */
export async function runWalk(target: TargetSpec, options: WalkOptions, io: WalkIo, hooks: WalkHooks = {}, run: RunFolder = prepareRunFolder(options.reportDir, target.name)): Promise<number> {
  const kit = loadKit(options.kitPath);
  const { discovered } = await preflight(target, kit);
  const startedAt = new Date();
  const { runId, runDir } = run;
  const ctx: RunContext = { runId, runDir, target, options: { ...options, kitPath: resolve(options.kitPath), dodHostsPath: options.dodHostsPath && resolve(options.dodHostsPath) }, startedAt: startedAt.toISOString(), discoveredSlots: discovered };
  hooks.interlock?.(ctx);
  const janitor = (await hooks.janitor?.(ctx, 'before')) ?? [];
  for (const f of janitor) io.err(redact(`janitor: reverted ${f.kind} on ${f.target} left by run ${f.runId}${f.appliedAt ? ` (applied ${f.appliedAt})` : ''}\n`));

  const contextPath = join(runDir, 'run-context.json');
  writeFileSync(contextPath, JSON.stringify(ctx, null, 2));
  // The reaper this process hands its faults to, should it exit while holding one, reads it.
  process.env[RUN_CONTEXT_ENV] = contextPath;
  const timeoutMs = options.slotDeadlineMs + options.settleMs + options.holdMs + 15 * 60_000;
  const suites: SuiteRun[] = [];
  let stopSignal: NodeJS.Signals | undefined;
  let stoppedDuring: string | undefined;
  let stopWalk = false;
  let onStopped: (sig: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => (onStopped = resolve));
  const onSignal = (sig: NodeJS.Signals) => {
    stopSignal ??= sig;
    const last = suites.at(-1);
    if (last && !last.finishedAt) stoppedDuring ??= last.name;
    // The running suite's faults are reverted by this process's own handler; the janitor below double-checks.
    onStopped(sig);
  };
  deferExitOnSignal();
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  const progress = new JudgeProgress({ write: options.json ? io.err : io.out, tty: options.json ? io.ttyErr : io.ttyOut });
  try {
    for (const suite of options.suites) {
      if (stopSignal || stopWalk) break;
      const run: SuiteRun = { name: suite, startedAt: new Date().toISOString(), finishedAt: '' };
      suites.push(run);
      progress.begin(suite);
      const judged = await judgeInWalk(suite, () => judgeSuite(ctx, suite), { timeoutMs, stopped });
      progress.end(judged.ok ? 'judged' : `not judged: ${judged.reason}`);
      let reportingMs: number | undefined;
      if (judged.ok) {
        const reportingFrom = Date.now();
        const ids = await reportedGateIds(ctx, suite);
        progress.reported(reportSuite(runDir, suite, ids, judged.judged, (g) => progress.gate(progressTitle(suite, g), g)));
        reportingMs = Date.now() - reportingFrom;
      } else {
        stopWalk = judged.stopWalk;
        // A stopped suite is not an error: the summary says what the stop interrupted.
        if (!stopSignal) run.error = judged.reason;
      }
      run.finishedAt = new Date().toISOString();
      run.timings = suiteTimings(runDir, suite, reportingMs);
    }
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
  if (stopSignal) {
    // This run's own faults: the summary lists them from the ledger, reverted or not.
    for (const f of (await hooks.janitor?.(ctx, 'after-stop')) ?? []) {
      io.err(redact(`janitor: ${f.revertedAt ? 'reverted' : 'could NOT revert'} ${f.kind} on ${f.target} after ${stopSignal}${f.revertedAt ? '' : `: ${f.detail}`}\n`));
    }
  }

  // This process's requests: preflight, janitor and every suite's judge.
  writeApiRequests(runDir, apiRequestsOfThisProcess(), true);
  const tool = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  // Loaded only now: the report writers (vega among them) would otherwise sit in memory through every suite.
  const { reportWalk } = await import('./report-walk.js');
  const summary = await reportWalk({ runId, runDir, target, startedAt: ctx.startedAt, finishedAt: new Date().toISOString(), suites, janitor, faults: faultsOf(ctx), stopped: stopSignal && { signal: stopSignal, during: stoppedDuring }, options: { ...options }, tool: { name: tool.name, version: tool.version } }, options, io);
  if (stopSignal) return 128 + (constants.signals[stopSignal] ?? 0);
  return summary.verdict === 'pass' ? 0 : 1;
}
