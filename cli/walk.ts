/**
 * `npm run walk`: the launcher. It is the only place that knows the simulated Sovereign exists:
 * for `--target sim` it starts it in a process of its own (sim/process.ts) and hands the harness
 * a TargetSpec like any other; the walk's process never holds the sim's code.
 */
import { resolve } from 'node:path';
import { SetupError } from '../src/target/errors.js';
import { parseWalkArgs, type WalkRequest } from '../src/cli/args.js';
import { liveTarget } from '../src/target/live.js';
import { runWalk, type WalkIo } from '../src/walk/run-walk.js';
import type { TargetSpec } from '../src/target/types.js';
import type { WalkOptions } from '../src/run/context.js';
import { loadKit } from '../src/kit/load.js';
import { unlistedDependencies } from '../src/kit/graph.js';
import { discardIfEmpty, prepareRunFolder } from '../src/walk/run-folder.js';
import { redact } from '../src/evidence/redact.js';
import { refuseUnsafeLive } from '../src/walk/live-refusals.js';
import { assertChaosAllowed, walkJanitor } from '../src/chaos/index.js';
import { kindPlan, loadKindPlanInputs, KIND_KIT_PATH } from '../src/kind/plan.js';
import { renderKindDryRun } from '../src/kind/render.js';
import { requireK6 } from '../src/failover/k6.js';
import { requireInClusterLoad } from '../src/failover/in-cluster-load.js';
import { kindTarget, kindPreflight, exportKindCredentials } from '../src/kind/target.js';
import { KIND_STATE_DIR } from '../src/kind/topology.js';
import { startKindSideServices } from '../src/kind/side-services.js';
import { SimStartError, simFaultKinds, START_TIMEOUT_MS, startSimProcess } from '../sim/process.js';

/** Defaults that differ per target: a live Sovereign gets Flux-scale time, the sim is fast. */
const DEFAULTS = {
  live: { slotDeadlineMs: 10 * 60_000, settleMs: 10_000, minNodes: 4, holdMs: 10 * 60_000, mailTimeoutMs: 2 * 60_000 },
  kind: { slotDeadlineMs: 10 * 60_000, settleMs: 10_000, minNodes: 3, holdMs: 10 * 60_000, mailTimeoutMs: 2 * 60_000 },
  sim: { slotDeadlineMs: 180_000, settleMs: 10_000, minNodes: 4, holdMs: 60_000, mailTimeoutMs: 30_000 },
} as const;

/** The embedded Sovereign's platform modules each suite walks (readiness needs only the kit). */
const SIM_MODULES: Record<string, ('dod' | 'cutover' | 'journeys' | 'dataplane')[]> = {
  readiness: [],
  dod: ['dod', 'cutover'],
  journeys: ['journeys'],
  cutover: ['cutover'],
  failover: ['dataplane', 'journeys'],
};

function simModulesFor(suites: readonly string[]): ('dod' | 'cutover' | 'journeys' | 'dataplane')[] {
  return [...new Set(suites.flatMap((s) => SIM_MODULES[s] ?? []))];
}

/** `-h`/`--help` lists the sim's fault kinds, so only then is the compiled sim asked for them; help never fails for it. */
function faultKindsForHelp(argv: string[]): string | undefined {
  if (!argv.includes('-h') && !argv.includes('--help')) return undefined;
  try {
    return simFaultKinds();
  } catch (e) {
    return `  (the simulated Sovereign could not be asked for them: ${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * The kit, checked before anything starts. A dependency the kit does not list would hold its
 * slot until the deadline: refused for the sim and kind, whose world is the kit; a live
 * Sovereign may legitimately deploy releases its kit does not list, so there it is a warning.
 */
function checkKit(path: string, targetKind: WalkRequest['targetKind'], warn: (s: string) => void): void {
  const unlisted = unlistedDependencies(loadKit(path).slots);
  if (!unlisted.length) return;
  const names = unlisted.join(', ');
  if (targetKind !== 'live') throw new SetupError(`--kit ${path}: dependsOn names slots the kit does not list: ${names}`);
  warn(`walk: warning: --kit ${path}: dependsOn names slots the kit does not list: ${names}; the walk judges them only if the Sovereign labels them as slots (Flux holds each dependant until they are Ready)\n`);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseWalkArgs(argv, undefined, faultKindsForHelp(argv));
  if ('help' in parsed) return 0;
  const req: WalkRequest = parsed;
  const d = DEFAULTS[req.targetKind];
  const options: WalkOptions = { ...req.options, slotDeadlineMs: req.slotDeadlineMs ?? d.slotDeadlineMs, settleMs: req.settleMs ?? d.settleMs, minNodes: req.minNodes ?? d.minNodes, holdMs: req.holdMs ?? d.holdMs, mailTimeoutMs: req.mailTimeoutMs ?? d.mailTimeoutMs };
  const terminal = (s: NodeJS.WriteStream) => (s.isTTY && !process.env.CI ? s : undefined);
  const io: WalkIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, ttyOut: terminal(process.stdout), ttyErr: terminal(process.stderr) };
  if (req.targetKind === 'kind') {
    if (!req.kitGiven) options.kitPath = KIND_KIT_PATH;
    if (req.dryRun) {
      io.out(renderKindDryRun(kindPlan({ stateDir: KIND_STATE_DIR, ...loadKindPlanInputs(process.cwd(), options.kitPath) })));
      return 0;
    }
  }

  // Everything the walk reads or writes is checked before it starts anything: the kit, then the run folder.
  if (options.k6Path !== undefined) await requireK6(options.k6Path);
  checkKit(options.kitPath, req.targetKind, io.err);
  const live = req.targetKind === 'live' ? liveTarget({ sovereign: req.sovereign!, kubeconfigs: req.kubeconfigs, resolve: req.resolve, caFile: req.caFile, pool: req.pool, record: req.record, mothershipUrl: req.mothershipUrl, natsUrl: req.natsUrl, hcloudSelector: req.hcloudSelector, dbCaFile: req.dbCaFile, env: process.env }) : undefined;
  const run = prepareRunFolder(options.reportDir, live?.name ?? req.targetKind);

  let stop = async () => {};
  try {
    let target: TargetSpec;
    switch (req.targetKind) {
      case 'live':
        await refuseUnsafeLive(live!, options, process.env);
        target = live!;
        break;
      case 'kind': {
        await kindPreflight({ stateDir: KIND_STATE_DIR });
        exportKindCredentials(KIND_STATE_DIR);
        const side = await startKindSideServices(options.suites);
        stop = side.stop;
        target = kindTarget({ stateDir: KIND_STATE_DIR, mailbox: side.mailbox });
        break;
      }
      case 'sim': {
        // Without a readiness walk to watch the kit install, the Sovereign is walked once provisioned, as a live one is.
        const settleKitMs = options.suites.includes('readiness') ? undefined : 5 * 60_000;
        const args = [`--kit=${resolve(options.kitPath)}`, ...req.simFaults.map((f) => `--sim-fault=${f}`), ...(settleKitMs ? [`--settle-kit=${settleKitMs}`] : [])];
        const sim = await startSimProcess(simModulesFor(options.suites), args, {
          startTimeoutMs: START_TIMEOUT_MS + (settleKitMs ?? 0),
          onStderrLine: (line) => io.err(`${redact(line)}\n`),
        }).catch((e: unknown) => {
          throw e instanceof SimStartError ? new SetupError(e.message) : e;
        });
        stop = sim.stop;
        Object.assign(process.env, sim.env);
        target = sim.target;
        break;
      }
    }
    if (options.load === 'k6-operator' && options.suites.includes('failover')) await requireInClusterLoad(target);
    return await runWalk(target, options, io, { interlock: (ctx) => assertChaosAllowed(ctx), janitor: (ctx, phase) => walkJanitor(ctx, { strict: phase === 'before' }) }, run);
  } catch (e) {
    discardIfEmpty(run);
    throw e;
  } finally {
    await stop();
  }
}

/** Exit only once stdout has drained: a piped `--json` summary is larger than one pipe buffer. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (e: unknown) => {
  const msg = e instanceof SetupError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(`walk: ${redact(msg.split('\n')[0])}\n`);
  if (process.env.SW_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  exitAfterFlush(2);
});
