/**
 * The janitor: run by every walk before its first suite (and again after a stop signal). It
 * reverts every fault in the ledger whose holder is gone (its process or its walk died), whose
 * expiry has passed, or that belongs to a run the caller says is over, by interpreting the
 * fault's typed revert records. A tampered or unreadable ledger stops the walk (exit 2) with
 * nothing reverted.
 */
import { hostname } from 'node:os';
import type { FaultRecord } from '../gates/types.js';
import type { RunContext } from '../run/context.js';
import { RegionClient } from '../target/kube.js';
import { SetupError } from '../target/errors.js';
import { redact } from '../evidence/redact.js';
import { FaultLedger, LedgerError, toFaultRecord } from './ledger.js';
import { executeRevert, type RevertDeps } from './revert.js';
import type { FaultOwner } from './types.js';
import { pidAlive } from '../run/scratch.js';

export interface JanitorOptions {
  /** Revert every open fault, held or not (`revert --all`). */
  force?: boolean;
  /** Faults of this run are reverted even if their holder still runs (the caller knows the run is over). */
  finishedRunId?: string;
  now?: Date;
  /** Liveness of a fault's holder (default: signal-0 probe of its pids on this host). */
  isHolderAlive?: (owner: FaultOwner) => boolean;
}

export interface JanitorResult {
  /** Left by an earlier run and reverted now (revertedAt set; detail says what was done). */
  reverted: FaultRecord[];
  /** Could not be reverted (detail: `revert failed: …`); still open in the ledger. */
  failed: FaultRecord[];
  /** Still held by a live run and not expired: left alone. */
  active: FaultRecord[];
}

export async function runJanitor(deps: RevertDeps, ledger: FaultLedger, opts: JanitorOptions = {}): Promise<JanitorResult> {
  const now = (opts.now ?? new Date()).getTime();
  const alive = opts.isHolderAlive ?? holderAlive;
  const out: JanitorResult = { reverted: [], failed: [], active: [] };
  for (const e of ledger.open()) {
    const expired = e.expiresAt !== undefined && Date.parse(e.expiresAt) <= now;
    if (!opts.force && !expired && e.runId !== opts.finishedRunId && alive(e.owner)) {
      out.active.push(toFaultRecord(e));
      continue;
    }
    const why = opts.force ? 'forced' : expired ? `expired ${e.expiresAt}` : e.runId === opts.finishedRunId ? 'run stopped' : `holder pid ${e.owner.pid} gone`;
    try {
      const done = await executeRevert(deps, e.id, e.revert);
      const at = new Date().toISOString();
      const detail = redact(`${why}; ${done.join('; ')}`);
      ledger.reverted(e.id, detail, at);
      out.reverted.push(toFaultRecord({ ...e, state: 'reverted', revertedAt: at, detail }));
    } catch (err) {
      const msg = (err as Error).message;
      ledger.revertFailed(e.id, msg);
      out.failed.push(toFaultRecord({ ...e, state: 'revert-failed', revertError: msg }));
    }
  }
  return out;
}

/** A holder on another host cannot be probed: it counts as alive until the fault expires. */
export function holderAlive(owner: FaultOwner): boolean {
  if (owner.host !== hostname()) return true;
  return pidAlive(owner.pid) && (owner.walkPid === undefined || pidAlive(owner.walkPid));
}

/** One line per janitor record, for the terminal. */
export function describeJanitorRecord(r: FaultRecord): string {
  return `${r.kind} on ${r.target} left by run ${r.runId}${r.appliedAt ? ` (applied ${r.appliedAt})` : ' (intent only)'}: ${r.detail ?? ''}`;
}

/**
 * The walk's janitor hook. `strict` (before the first suite): a fault that is still held by
 * another live run, or that cannot be reverted, stops the walk with a SetupError (exit 2),
 * since suites on a partitioned Sovereign would judge the fault, not the Sovereign.
 * Not strict (after a stop signal): this run's own leftovers are reverted and failures are
 * returned with `revert failed` in their detail.
 */
export async function walkJanitor(ctx: Pick<RunContext, 'runId' | 'target'>, opts: { strict: boolean }): Promise<FaultRecord[]> {
  const ledger = FaultLedger.forSovereign(ctx.target.sovereign);
  try {
    if (!ledger.open().length) return [];
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    if (opts.strict) throw new SetupError(e.message);
    return [{ id: 'fault-ledger', kind: 'fault-ledger', target: ledger.path, runId: ctx.runId, detail: `revert failed: ${e.message}` }];
  }
  const regions = ctx.target.regions.map((r) => new RegionClient(r));
  const r = await runJanitor({ regions }, ledger, opts.strict ? {} : { finishedRunId: ctx.runId }).finally(() => regions.forEach((c) => c.close()));
  if (opts.strict) {
    const held = r.active[0];
    if (held) throw new SetupError(`fault ${held.kind} on ${held.target} is still held by run ${held.runId} (still running); wait for it to finish or stop it, then walk again`);
    const failed = r.failed[0];
    if (failed) throw new SetupError(`janitor could not revert ${failed.kind} on ${failed.target} left by run ${failed.runId}: ${failed.detail}; ledger ${ledger.path}`);
  }
  return [...r.reverted, ...r.failed];
}
