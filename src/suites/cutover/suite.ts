/**
 * The cutover suite's judge: the tether audit, then the hold. It runs once per walk (see
 * judgeOnce); the walk reports its gates (src/walk/report-suite.ts).
 */
import type { RunContext } from '../../run/context.js';
import type { Harness } from '../../run/harness.js';
import type { Gate } from '../../gates/types.js';
import { writeTimeline } from '../../gates/recorder.js';
import { describeError } from '../../target/objects.js';
import { FaultLedger } from '../../chaos/ledger.js';
import { announceHold } from '../../report/progress-protocol.js';
import { DEFAULT_PROBE_IMAGE, SUITE } from './constants.js';
import { TETHERS, auditTethers, tetherGateId, type TetherResult } from './tethers.js';
import { runHold } from './hold-run.js';
import { HOLD_GATES, holdGateId } from './hold-gates.js';

/** An image with sh, sleep and curl the Sovereign's registry serves, for the probe and backstop Jobs. */
export const PROBE_IMAGE_ENV = 'SW_PROBE_IMAGE';

function errorGates(ids: readonly string[], reason: string): Gate[] {
  const now = new Date().toISOString();
  return ids.map((id) => ({ id, suite: SUITE, title: id, status: 'error', reason, startedAt: now, finishedAt: now, labels: { layer: 'L7', severity: 'critical' }, evidence: [] }));
}

/** Deployments (`<namespace>/<name>`) the images tether found on a mothership registry. */
function tetheredDeployments(results: readonly TetherResult[]): string[] {
  const images = results.find((r) => r.tether === 'images');
  return (images?.offenders ?? []).filter((o) => o.object.startsWith('Deployment ')).map((o) => o.object.slice('Deployment '.length));
}

export async function judgeCutover(ctx: RunContext, h: Harness): Promise<Gate[]> {
  let audit: { gates: Gate[]; results: TetherResult[] };
  try {
    audit = await auditTethers({ region: h.primary, evidence: h.evidence });
  } catch (e) {
    audit = { gates: errorGates(TETHERS.map(tetherGateId), `tether audit failed: ${describeError(e)}`), results: [] };
  }
  const { cutoverMode, holdMs, slotDeadlineMs } = ctx.options;
  try {
    const r = await runHold({
      region: h.primary,
      evidence: h.evidence,
      ledger: FaultLedger.forSovereign(ctx.target.sovereign),
      runId: ctx.runId,
      mode: cutoverMode,
      holdMs,
      readyWaitMs: slotDeadlineMs,
      probeImage: process.env[PROBE_IMAGE_ENV] ?? DEFAULT_PROBE_IMAGE,
      tetheredDeployments: tetheredDeployments(audit.results),
      announce: (untilMs) => announceHold(untilMs, `cutover ${cutoverMode}: deny-egress hold`),
    });
    writeTimeline(ctx.runDir, r.timeline);
    return [...audit.gates, ...r.gates];
  } catch (e) {
    return [...audit.gates, ...errorGates(HOLD_GATES.map(holdGateId), `the hold failed: ${describeError(e)}`)];
  }
}
