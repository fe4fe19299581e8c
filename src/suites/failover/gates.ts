/**
 * The failover suite's gates, judged from one run (run.ts): preconditions, the region kill, D31
 * zero loss and RTO, the integrity of acknowledged writes, whether the Continuum's own
 * rtoObserved / rpoObserved agree with what the clients saw, and whether the healed region
 * rejoins as a replica.
 */
import { checkHistory } from '../../failover/checker.js';
import { parseReportedDuration } from '../../failover/observe.js';
import { GateRun } from '../../gates/gate-run.js';
import { writeTimeline } from '../../gates/recorder.js';
import type { Evidence, Gate } from '../../gates/types.js';
import { renderVegaLite } from '../../report/charts.js';
import type { FailoverHarness, FailoverResult } from './run.js';
import { failoverTimeline } from './timeline.js';
import { clientView, describeClientView } from '../../failover/client-view.js';
import { failoverGateIds, failoverGateTitles, formatMs, SUITE } from './ids.js';

const LISTED = 20;
/** Reported and measured figures agree within this much (the platform's detection granularity). */
export function reportTolerance(measuredMs: number): number {
  return Math.max(1_000, Math.round(measuredMs * 0.25));
}

function list(items: readonly string[]): string {
  return items.length > LISTED ? `${items.slice(0, LISTED).join(', ')}, … (+${items.length - LISTED} more)` : items.join(', ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function timelineEvidence(h: FailoverHarness, r: FailoverResult): Promise<Evidence | undefined> {
  const timeline = failoverTimeline(r.history, { id: `${SUITE}/timeline`, title: `Failover: writes around the kill of ${r.kill?.plan.region ?? 'the primary region'}` });
  writeTimeline(h.ctx.runDir, timeline);
  const svg = await renderVegaLite(timeline.vegaLite);
  return h.evidence.write({ surface: 'failover-timeline', kind: 'svg', ext: 'svg', content: svg, description: 'writes per 100 ms around the kill, with the kill, the promotion and the Continuum phases' });
}

export async function failoverGates(h: FailoverHarness, r: FailoverResult): Promise<Gate[]> {
  const ids = failoverGateIds();
  const titles = failoverGateTitles(h.ctx.options);
  const primary = r.kill?.plan.region ?? h.ctx.target.regions.find((x) => x.role === 'primary')?.name;
  const d31 = { dodGate: 'D31', severity: 'blocker' as const, region: primary };
  const pre = new GateRun(ids.preconditions, SUITE, titles.preconditions, { dodGate: 'D31', severity: 'critical', region: primary });
  const kill = new GateRun(ids.kill, SUITE, titles.kill, { dodGate: 'D31', severity: 'blocker', region: primary }, [ids.preconditions]);
  const loss = new GateRun(ids.loss, SUITE, titles.loss, d31, [ids.preconditions, ids.kill]);
  const rto = new GateRun(ids.rto, SUITE, titles.rto, d31, [ids.preconditions, ids.kill]);
  const intact = new GateRun(ids.intact, SUITE, titles.intact, { dodGate: 'D31', severity: 'critical', region: primary }, [ids.loss]);
  const reportedRto = new GateRun(ids.reportedRto, SUITE, titles.reportedRto, { dodGate: 'D31', severity: 'normal' }, [ids.kill]);
  const reportedRpo = new GateRun(ids.reportedRpo, SUITE, titles.reportedRpo, { dodGate: 'D31', severity: 'normal' }, [ids.kill, ids.loss]);
  const rejoin = new GateRun(ids.rejoin, SUITE, titles.rejoin, { dodGate: 'D31', severity: 'critical', region: primary }, [ids.kill]);
  const all = [pre, kill, loss, rto, intact, reportedRto, reportedRpo, rejoin];
  for (const s of r.precondition.steps) pre.addStep(s);
  if (r.evidence.history) pre.attach(r.evidence.history);
  if (r.evidence.testRun) pre.attach(r.evidence.testRun);
  const evidence = [r.evidence.history, r.evidence.final, r.evidence.verdict].filter((e): e is Evidence => e !== undefined);

  if (r.skipped) return all.map((g) => g.skip(r.skipped!));

  // Preconditions
  const notes = r.precondition.notes.length ? `; ${r.precondition.notes.join('; ')}` : '';
  if (r.aborted?.stage === 'precondition') {
    const g = pre.error(`could not check the pair: ${r.aborted.reason}`);
    return [g, ...all.slice(1).map((x) => x.block(ids.preconditions, 'preconditions could not be checked'))];
  }
  if (!r.precondition.ok) {
    const g = pre.fail(`pair not healthy before the kill: ${r.precondition.problems.join('; ')}`);
    return [g, ...all.slice(1).map((x) => x.block(ids.preconditions, 'the pair was not healthy before the kill'))];
  }
  const preGate = pre.pass(`pair healthy before the kill; writer: ${r.writer?.description ?? 'none'}${notes}`);

  // Region kill
  const k = r.kill;
  if (!k) {
    const reason = r.aborted?.reason ?? 'the region was not killed';
    const why = r.interlockOk ? reason : `refused by the chaos interlock: ${reason}`;
    return [preGate, kill.error(why), ...all.slice(2).map((x) => x.block(ids.kill, 'the primary region was not killed'))];
  }
  kill.addStep({ name: `kill ${k.plan.region} (${k.plan.actuator}, ${k.plan.strength})`, status: 'passed', startedAt: iso(k.outcome.issuedAt), finishedAt: iso(k.outcome.killedAt), detail: k.outcome.detail });
  if (r.evidence.killScope) kill.attach(r.evidence.killScope);
  kill.metric('killConfirmMs', k.outcome.killedAt - k.outcome.issuedAt);
  kill.metric('observedDownMs', k.down ? k.down.at - k.outcome.killedAt : null);
  kill.addStep({ name: `${k.plan.region} observed down`, status: k.down ? 'passed' : 'failed', startedAt: iso(k.outcome.killedAt), finishedAt: iso(k.down?.at ?? Date.now()), detail: k.down?.how ?? `its API server kept answering and no write sent after the kill failed within ${formatMs(r.windowMs)}` });
  if (k.healError) kill.addStep({ name: 'heal', status: 'failed', startedAt: iso(k.outcome.killedAt), finishedAt: new Date().toISOString(), detail: k.healError });
  else if (k.heal) kill.addStep({ name: 'heal', status: 'passed', startedAt: iso(k.outcome.killedAt), finishedAt: k.heal.revertedAt ?? new Date().toISOString(), detail: k.plan.heal });
  const strength = k.plan.strength === 'weakest' ? ' — WEAKEST mode: only the database was stopped' : k.plan.strength === 'isolation' ? ' — isolation, not a power-off' : '';
  const killGate = k.healError
    ? kill.error(`killed ${k.plan.region} at ${iso(k.outcome.killedAt)} but the heal failed (the janitor retries it): ${k.healError}`)
    : !k.down
      ? kill.fail(`the ${k.plan.actuator} actuator returned at ${iso(k.outcome.killedAt)}, but nothing showed ${k.plan.region} down within ${formatMs(r.windowMs)}: its API server kept answering and no write sent after the kill failed`)
      : kill.pass(`${k.plan.region} down at ${iso(k.outcome.killedAt)} via ${k.plan.actuator}${strength} (observed ${formatMs(Math.max(0, k.down.at - k.outcome.killedAt))} later: ${k.down.how}): ${k.outcome.detail}; heal: ${k.plan.heal}`);
  if (!k.healError && !k.down) return [preGate, killGate, ...all.slice(2).map((x) => x.block(ids.kill, `${k.plan.region} was not shown down`))];

  const gates: Gate[] = [preGate, killGate];
  if (r.aborted) {
    const why = `the run stopped after the kill: ${r.aborted.reason}`;
    return [...gates, ...all.slice(2).map((x) => x.error(why))];
  }

  const timeline = await timelineEvidence(h, r).catch(() => undefined);
  const verdict = r.verdict ?? checkHistory(r.history, { rows: [] }, r.thresholds);
  const killedAt = k.outcome.killedAt;
  const promoted = r.history.events.find((e) => e.event === 'promoted');
  const acked = r.history.writes.filter((w) => w.ackAt !== null);

  // D31 zero loss
  for (const e of evidence) loss.attach(e);
  loss.metric('acknowledged', verdict.acknowledged);
  loss.metric('errors', verdict.errors);
  if (!r.verdict) {
    const reason = `the survivor's final state could not be read (${r.finalError ?? 'unknown'})`;
    gates.push(
      verdict.rtoMs === null
        ? loss.fail(`${reason} and no write sent after the kill was acknowledged: none of ${verdict.acknowledged} acknowledged writes can be shown to survive`)
        : loss.error(reason),
    );
  } else {
    loss.metric('lost', verdict.lost.length);
    loss.metric('unexpected', verdict.unexpected.length);
    const read = `${r.final?.final.rows.length ?? 0} rows read by ${r.final?.source ?? 'unknown'}`;
    gates.push(
      verdict.lost.length > r.thresholds.rpo
        ? loss.fail(`${verdict.lost.length} of ${verdict.acknowledged} acknowledged writes lost (rpo ${r.thresholds.rpo}): ${list(verdict.lost)} (${read})`)
        : loss.pass(`${verdict.lost.length} of ${verdict.acknowledged} acknowledged writes lost (rpo ${r.thresholds.rpo}); ${verdict.unexpected.length} unacknowledged writes committed anyway (${read})`),
    );
  }

  // D31 RTO
  if (timeline) rto.attach(timeline);
  if (r.evidence.history) rto.attach(r.evidence.history);
  rto.metric('rtoMs', verdict.rtoMs);
  rto.metric('unavailableMs', verdict.unavailableMs);
  rto.metric('promotedAfterMs', promoted ? promoted.at - killedAt : null);
  const promotion = promoted ? `the platform promoted ${formatMs(promoted.at - killedAt)} after the kill (${String(promoted.detail)})` : 'no promotion was observed';
  const seen = clientView(r.history, killedAt, killedAt + (verdict.rtoMs ?? r.windowMs));
  rto.metric('unansweredWrites', seen.unanswered);
  rto.metric('refusedWrites', seen.refused);
  const clientSide = `failed writes sent after the kill: ${describeClientView(seen)}`;
  if (verdict.rtoMs === null) {
    const inFlight = verdict.ackedAfterKill > 0 ? `; ${verdict.ackedAfterKill} writes in flight at the kill were acknowledged just after it, which proves no recovery` : '';
    gates.push(rto.fail(`no write sent after the kill was acknowledged within ${formatMs(r.windowMs)} (threshold ${formatMs(r.thresholds.rtoMs)})${inFlight}; ${promotion}; ${clientSide}`));
  } else if (verdict.rtoMs > r.thresholds.rtoMs) {
    gates.push(rto.fail(`RTO ${formatMs(verdict.rtoMs)} (kill → first acknowledgement from the recovered service) exceeds ${formatMs(r.thresholds.rtoMs)}; ${promotion}; ${clientSide}`));
  } else {
    gates.push(rto.pass(`RTO ${formatMs(verdict.rtoMs)} (kill → first acknowledgement from the recovered service) within ${formatMs(r.thresholds.rtoMs)}; clients saw no acknowledgement for ${formatMs(verdict.unavailableMs ?? verdict.rtoMs)}; ${promotion}; ${clientSide}`));
  }

  // Integrity of acknowledged writes
  if (!r.verdict) gates.push(intact.block(ids.loss, 'the final state could not be read'));
  else {
    for (const e of evidence) intact.attach(e);
    const problems = [
      ...(r.verdict.duplicated.length ? [`keys present more than once: ${list(r.verdict.duplicated)}`] : []),
      ...(r.verdict.idMismatches.length ? [`acknowledged writes with a different id in the final state: ${list(r.verdict.idMismatches.map((m) => `${m.key} (acked ${m.ackedId}, final ${m.finalIds.join('/')})`))}`] : []),
    ];
    // An id acknowledged for two keys is the promoted node re-issuing the sequence values of lost
    // rows (one of the keys is lost, or its id changed): the loss and id gates already judge it.
    const reissued = r.verdict.reissuedIds.length ? `; ${r.verdict.reissuedIds.length} ids re-issued after promotion to new writes (ids of lost writes)` : '';
    gates.push(
      problems.length
        ? intact.fail(`${problems.join('; ')}${reissued}`)
        : intact.pass(`every surviving acknowledged write present once with the id it was acknowledged with; ${r.verdict.harmlessGaps} id gaps hide no acknowledged write${reissued}`),
    );
  }

  // The platform's own figures
  const sw = r.switchover;
  const noContinuum = `no Continuum in the surviving regions${r.notServed.length ? ` (not served: ${r.notServed.join('; ')})` : ''}: the platform reports no figures`;
  const noSwitchover = `the Continuum reported no switchover (status.lastSwitchover unchanged) within ${formatMs(r.windowMs)} after the kill`;
  if (!r.continuumObserved) gates.push(reportedRto.skip(noContinuum));
  else if (!sw) gates.push(reportedRto.fail(noSwitchover));
  else {
    const reported = parseReportedDuration(sw.rtoObserved);
    reportedRto.metric('reportedRtoMs', reported);
    reportedRto.metric('measuredRtoMs', verdict.rtoMs);
    const origin = `${sw.object} in ${sw.region}: lastSwitchover ${sw.from ?? '?'} → ${sw.to ?? '?'} (${sw.reason ?? 'no reason'})`;
    if (reported === null) gates.push(reportedRto.fail(`${origin} has no readable rtoObserved (${JSON.stringify(sw.rtoObserved ?? null)})`));
    else if (verdict.rtoMs === null) gates.push(reportedRto.fail(`${origin} reports rtoObserved ${sw.rtoObserved}, but no client write sent after the kill was acknowledged`));
    else {
      const tol = reportTolerance(verdict.rtoMs);
      reportedRto.metric('toleranceMs', tol);
      const diff = Math.abs(reported - verdict.rtoMs);
      const text = `${origin} reports rtoObserved ${sw.rtoObserved} (${formatMs(reported)}); clients measured ${formatMs(verdict.rtoMs)} from the kill to the first acknowledgement from the recovered service`;
      gates.push(diff > tol ? reportedRto.fail(`${text}: off by ${formatMs(diff)}, more than the ${formatMs(tol)} tolerance`) : reportedRto.pass(`${text} (within ${formatMs(tol)})`));
    }
  }

  if (!r.continuumObserved) gates.push(reportedRpo.skip(noContinuum));
  else if (!r.verdict) gates.push(reportedRpo.block(ids.loss, 'the final state could not be read'));
  else if (!sw) gates.push(reportedRpo.fail(noSwitchover));
  else {
    const reported = parseReportedDuration(sw.rpoObserved);
    const lostAcks = r.verdict.lost.map((key) => acked.find((w) => w.key === key)?.ackAt).filter((t): t is number => typeof t === 'number');
    const measured = lostAcks.length ? Math.max(0, killedAt - Math.min(...lostAcks)) : 0;
    reportedRpo.metric('reportedRpoMs', reported);
    reportedRpo.metric('measuredRpoMs', measured);
    const origin = `${sw.object} in ${sw.region}`;
    if (reported === null) gates.push(reportedRpo.fail(`${origin} has no readable rpoObserved (${JSON.stringify(sw.rpoObserved ?? null)})`));
    else {
      const tol = reportTolerance(measured);
      reportedRpo.metric('toleranceMs', tol);
      const diff = Math.abs(reported - measured);
      const clients = lostAcks.length
        ? `clients lost ${lostAcks.length} acknowledged writes from the last ${formatMs(measured)} before the kill`
        : 'clients lost no acknowledged write';
      const text = `${origin} reports rpoObserved ${sw.rpoObserved}; ${clients}`;
      if (lostAcks.length && reported === 0) gates.push(reportedRpo.fail(`${text}: the platform claims no data loss`));
      else gates.push(diff > tol ? reportedRpo.fail(`${text}: off by ${formatMs(diff)}, more than the ${formatMs(tol)} tolerance`) : reportedRpo.pass(`${text} (within ${formatMs(tol)})`));
    }
  }
  gates.push(rejoinGate(rejoin, r, k, promoted !== undefined));
  return gates;
}

/** The healed region back, its pair Cluster a replica, and the survivor reporting it streaming from the new primary. */
function rejoinGate(g: GateRun, r: FailoverResult, k: NonNullable<FailoverResult['kill']>, promoted: boolean): Gate {
  const j = r.rejoin;
  if (!j) {
    const why = k.plan.strength !== 'full' ? `the ${k.plan.actuator} kill (${k.plan.strength}) powered nothing off` : `the ${k.plan.actuator} kill has no heal (${k.plan.heal})`;
    return g.skip(`${why}: no region comes back to rejoin`);
  }
  if (k.healError) return g.block(`${SUITE}/region-kill`, `the heal failed: ${k.healError}`);
  if (!promoted) return g.block(`${SUITE}/d31-rto`, 'no promotion was observed: there is no new primary to rejoin');
  if (!j.healedAt) return g.error(`${j.region} was not healed (the run stopped first)`);
  const after = (at: number) => `${formatMs(Math.max(0, at - j.healedAt))} after the power-on`;
  g.metric('backMs', j.back ? j.back.at - j.healedAt : null);
  g.metric('rejoinMs', j.replicating ? j.replicating.at - j.healedAt : null);
  if (j.back) g.addStep({ name: `${j.region} back`, status: 'passed', startedAt: iso(j.healedAt), finishedAt: iso(j.back.at), detail: j.back.how });
  if (j.replicating) g.addStep({ name: `replica streaming from ${j.survivor}`, status: 'passed', startedAt: iso(j.healedAt), finishedAt: iso(j.replicating.at), detail: j.replicating.how });
  const seen = j.lastSeen.length ? `; last reported: ${j.lastSeen.join('; ')}` : '';
  const window = formatMs(j.windowMs);
  const error = j.error ? ` (${j.error})` : '';
  if (!j.back) return g.fail(`not back: ${j.region}'s API server did not answer within ${window} after the power-on at ${iso(j.healedAt)}${error}${seen}`);
  const cluster = j.healedCluster;
  if (cluster && !cluster.replica) {
    return g.fail(`two primaries: ${j.region} is back (${after(j.back.at)}) and its Cluster ${cluster.object} is still a primary (not in replica mode, as of ${iso(cluster.at)}) while ${j.survivor} is primary${j.replicating ? '' : '; nothing streams from the new primary'}${seen}`);
  }
  if (!j.replicating) {
    return g.fail(`back but not replicating: ${j.region} is back (${after(j.back.at)}${cluster ? `, its Cluster ${cluster.object} in replica mode` : ''}), but ${j.survivor} reported no replica streaming from it within ${window} after the power-on${error}${seen}`);
  }
  if (!cluster) return g.fail(`${j.region} is back and something streams from ${j.survivor}, but ${j.region} reported no pair Cluster in replica mode within ${window}${seen}`);
  return g.pass(`${j.region} back ${after(j.back.at)} (${j.back.how}); its Cluster ${cluster.object} a replica; streaming from the new primary ${j.survivor} ${after(j.replicating.at)} (${j.replicating.how})`);
}
