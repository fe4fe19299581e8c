/**
 * The failover gates judged from recorded runs (no sim): each gate fails on the defect it exists
 * for, names it, and blocks or errors the gates downstream of a missing step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EvidenceWriter } from '../src/evidence/writer.js';
import { parseReportedDuration } from '../src/failover/observe.js';
import type { HistoryEvent, WriteRecord } from '../src/failover/history.js';
import { checkHistory } from '../src/failover/checker.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { Gate } from '../src/gates/types.js';
import { failoverGates, reportTolerance } from '../src/suites/failover/gates.js';
import { failoverGateIds, formatMs } from '../src/suites/failover/ids.js';
import type { FailoverHarness, FailoverResult } from '../src/suites/failover/run.js';
import { failoverTimeline } from '../src/suites/failover/timeline.js';
import { processSignalPlan } from '../src/failover/actuators/process-signal.js';
import { tempDir } from './helpers/temp.js';
import { clientView, describeClientView, failureKind } from '../src/failover/client-view.js';

const KILL_AT = 1_700_000_010_000;
const OPTIONS = { rtoMs: 30_000, rpo: 0, writeRate: 10 } as WalkOptions;
const ids = failoverGateIds();

function harness(): FailoverHarness {
  const runDir = tempDir('failover-gates-');
  const ctx = { runId: 'r', runDir, options: OPTIONS, target: { kind: 'sim', name: 'sim', sovereign: 'sim.sovereign-walk.test', regions: [{ name: 'hz-fsn-rtz-prod', role: 'primary', kubeconfigPath: '/x' }] } } as unknown as RunContext;
  return { ctx, regions: [], http: undefined as never, evidence: new EvidenceWriter(runDir, 'sim') };
}

/** 10 writes/s from KILL_AT-5s to KILL_AT+5s; writes in [kill, kill+downMs) fail. */
function writes(downMs: number): WriteRecord[] {
  const out: WriteRecord[] = [];
  for (let i = 0; i < 100; i++) {
    const sentAt = KILL_AT - 5_000 + i * 100;
    const down = sentAt >= KILL_AT && sentAt < KILL_AT + downMs;
    out.push({ key: `w1-${i + 1}`, writer: 'w1', seq: i + 1, sentAt, ackAt: down ? null : sentAt + 5, id: down ? null : i + 1, error: down ? 'HTTP 502' : null, endpoint: 'x' });
  }
  return out;
}

function run(over: Partial<FailoverResult> & { events?: HistoryEvent[]; writes?: WriteRecord[]; rows?: { key: string; id: number }[] | null; switchover?: FailoverResult['switchover'] }): FailoverResult {
  const ws = over.writes ?? writes(800);
  const events: HistoryEvent[] = over.events ?? [
    { event: 'continuum-phase', at: KILL_AT - 6_000, phase: 'Healthy', previous: null },
    { event: 'kill', at: KILL_AT, actuator: 'process-signal' },
    { event: 'continuum-phase', at: KILL_AT + 700, phase: 'FailedOver', previous: 'SwitchingOver' },
    { event: 'promoted', at: KILL_AT + 700, source: 'continuum', detail: 'sw-counter/sw-counter phase FailedOver' },
  ];
  const rows = over.rows === undefined ? ws.filter((w) => w.ackAt !== null).map((w) => ({ key: w.key, id: w.id! })) : over.rows;
  const history = { writes: ws, events };
  const thresholds = { rtoMs: OPTIONS.rtoMs, rpo: OPTIONS.rpo };
  const plan = processSignalPlan('hz-fsn-rtz-prod', { kind: 'process-signal', pids: [100, 101] });
  return {
    precondition: { ok: true, steps: [], problems: [], notes: [] },
    interlockOk: true,
    kill: { plan, outcome: { issuedAt: KILL_AT, killedAt: KILL_AT, detail: 'SIGKILL → group 100, group 101' }, down: { at: KILL_AT, how: 'write w1-51 sent after the kill was refused (HTTP 502)' }, heal: { id: 'k', kind: 'region-kill', target: 't', runId: 'r', revertedAt: new Date().toISOString() } },
    writer: { kind: 'node-http', description: 'Node writer over HTTP to https://counter.sim.sovereign-walk.test' },
    history,
    windowMs: 40_000,
    final: rows === null ? undefined : { final: { rows }, source: 'SELECT key, id FROM sw_counter' },
    finalError: rows === null ? 'Connection terminated unexpectedly' : undefined,
    verdict: rows === null ? undefined : checkHistory(history, { rows }, thresholds),
    switchover: { object: 'sw-counter/sw-counter', region: 'hz-hel-rtz-prod', from: 'hz-fsn-rtz-prod', to: 'hz-hel-rtz-prod', reason: 'lease-loss', rtoObserved: '790ms', rpoObserved: '0s' },
    continuumObserved: true,
    notServed: [],
    evidence: {},
    thresholds,
    ...over,
  };
}

async function judge(r: FailoverResult): Promise<Map<string, Gate>> {
  return new Map((await failoverGates(harness(), r)).map((g) => [g.id, g]));
}

test('a clean run passes every gate, with the writer, the kill and the RTO in the reasons; a kill with no heal leaves no rejoin to judge', async () => {
  const g = await judge(run({}));
  assert.deepEqual([...g.values()].map((x) => x.status), [...Array(7).fill('passed'), 'skipped']);
  assert.equal(g.get(ids.rejoin)!.reason, 'the process-signal kill has no heal (none: killed processes are not restarted by the harness; their owner restarts them): no region comes back to rejoin');
  assert.match(g.get(ids.rto)!.reason, /^RTO 805ms \(kill → first acknowledgement from the recovered service\) within 30s; clients saw no acknowledgement for 900ms; the platform promoted 700ms after the kill .*; failed writes sent after the kill: 8 answered HTTP 502$/);
  assert.match(g.get(ids.preconditions)!.reason, /writer: Node writer over HTTP/);
  assert.equal(g.get(ids.rto)!.evidence[0]?.kind, 'svg');
});

test('the kill gate passes only once the region is observed down; an actuator that returned proves nothing', async () => {
  const clean = await judge(run({}));
  assert.match(clean.get(ids.kill)!.reason, /observed 0ms later: write w1-51 sent after the kill was refused \(HTTP 502\)/);
  const r = run({});
  const g = await judge({ ...r, kill: { ...r.kill!, down: undefined } });
  assert.equal(g.get(ids.kill)!.status, 'failed');
  assert.match(g.get(ids.kill)!.reason, /actuator returned at .*, but nothing showed hz-fsn-rtz-prod down within 40s: its API server kept answering and no write sent after the kill failed/);
  for (const id of [ids.loss, ids.rto, ids.intact, ids.reportedRto, ids.reportedRpo]) {
    assert.equal(g.get(id)!.status, 'blocked', id);
    assert.equal(g.get(id)!.rootCause, ids.kill, id);
  }
});

test('lost writes fail D31 and are listed; a Continuum claiming RPO 0 is caught', async () => {
  const ws = writes(800);
  const lostKeys = ['w1-45', 'w1-46', 'w1-47', 'w1-48', 'w1-49', 'w1-50'];
  const rows = ws.filter((w) => w.ackAt !== null && !lostKeys.includes(w.key)).map((w) => ({ key: w.key, id: w.id! }));
  const g = await judge(run({ writes: ws, rows }));
  assert.equal(g.get(ids.loss)!.status, 'failed');
  assert.match(g.get(ids.loss)!.reason, /^6 of 92 acknowledged writes lost \(rpo 0\): w1-45, w1-46, w1-47, w1-48, w1-49, w1-50 /);
  const rpo = g.get(ids.reportedRpo)!;
  assert.equal(rpo.status, 'failed');
  assert.match(rpo.reason, /reports rpoObserved 0s; clients lost 6 acknowledged writes from the last 595ms before the kill: the platform claims no data loss/);
  assert.equal(rpo.metrics?.measuredRpoMs, 595);
});

test('a duplicated key or an acknowledged write whose id changed fails the integrity gate', async () => {
  const ws = writes(800);
  const rows = ws.filter((w) => w.ackAt !== null).map((w) => ({ key: w.key, id: w.key === 'w1-3' ? 999 : w.id! }));
  rows.push({ key: 'w1-7', id: 1000 });
  const g = await judge(run({ writes: ws, rows }));
  const intact = g.get(ids.intact)!;
  assert.equal(intact.status, 'failed');
  assert.match(intact.reason, /keys present more than once: w1-7/);
  assert.match(intact.reason, /w1-3 \(acked 3, final 999\)/);
  assert.equal(g.get(ids.loss)!.status, 'passed');
});

test('RTO over the threshold fails; no acknowledged write after the kill fails with the promotion status', async () => {
  const slow = await judge(run({ writes: writes(4_000).map((w) => w), thresholds: { rtoMs: 3_000, rpo: 0 } }));
  // The gate id follows the walk options; the threshold that judged it is the run's.
  assert.match(slow.get(ids.rto)!.reason, /^RTO 4\.005s \(kill → first acknowledgement from the recovered service\) exceeds 3s/);
  const never = await judge(run({ writes: writes(10_000), rows: null, events: [{ event: 'kill', at: KILL_AT }], switchover: undefined }));
  assert.equal(never.get(ids.rto)!.status, 'failed');
  assert.match(never.get(ids.rto)!.reason, /no write sent after the kill was acknowledged within 40s .* no promotion was observed/);
  assert.equal(never.get(ids.loss)!.status, 'failed');
  assert.equal(never.get(ids.intact)!.status, 'blocked');
  assert.equal(never.get(ids.reportedRto)!.status, 'failed');
  assert.match(never.get(ids.reportedRto)!.reason, /reported no switchover/);
});

test('an unreadable survivor with writes acknowledged after the kill is a harness error, not a loss verdict', async () => {
  const g = await judge(run({ rows: null }));
  assert.equal(g.get(ids.loss)!.status, 'error');
  assert.match(g.get(ids.loss)!.reason, /could not be read \(Connection terminated unexpectedly\)/);
});

test('a reported RTO or RPO off by more than the tolerance fails; a missing rtoObserved fails', async () => {
  const g = await judge(run({ switchover: { object: 'sw-counter/sw-counter', region: 'hz-hel-rtz-prod', rtoObserved: '5s', rpoObserved: '0s' } }));
  assert.equal(g.get(ids.reportedRto)!.status, 'failed');
  assert.match(g.get(ids.reportedRto)!.reason, /reports rtoObserved 5s \(5s\); clients measured 805ms .* off by 4\.195s, more than the 1s tolerance/);
  const overstated = await judge(run({ switchover: { object: 'sw-counter/sw-counter', region: 'hz-hel-rtz-prod', rtoObserved: '800ms', rpoObserved: '10s' } }));
  assert.equal(overstated.get(ids.reportedRto)!.status, 'passed');
  assert.match(overstated.get(ids.reportedRpo)!.reason, /reports rpoObserved 10s; clients lost no acknowledged write: off by 10s, more than the 1s tolerance/);
  const missing = await judge(run({ switchover: { object: 'sw-counter/sw-counter', region: 'hz-hel-rtz-prod' } }));
  assert.match(missing.get(ids.reportedRto)!.reason, /has no readable rtoObserved \(null\)/);
  const none = await judge(run({ continuumObserved: false, switchover: undefined, notServed: ['hz-hel-rtz-prod: continuums.dr.openova.io'] }));
  assert.equal(none.get(ids.reportedRto)!.status, 'skipped');
  assert.match(none.get(ids.reportedRto)!.reason, /not served: hz-hel-rtz-prod: continuums\.dr\.openova\.io/);
});

test('a failed heal turns the kill gate into an error; a run that stopped after the kill errors the verdict gates', async () => {
  const r = run({});
  r.kill = { ...r.kill!, heal: undefined, healError: 'docker start failed: no such container' };
  const g = await judge(r);
  assert.equal(g.get(ids.kill)!.status, 'error');
  assert.match(g.get(ids.kill)!.reason, /heal failed \(the janitor retries it\): docker start failed/);
  assert.equal(g.get(ids.loss)!.status, 'passed', 'the verdict itself stands');

  const stopped = await judge(run({ aborted: { stage: 'run', reason: 'the writer failed: k6 exited with code 107' } }));
  for (const id of [ids.loss, ids.rto, ids.intact, ids.reportedRto, ids.reportedRpo]) {
    assert.equal(stopped.get(id)!.status, 'error');
    assert.match(stopped.get(id)!.reason, /k6 exited with code 107/);
  }
  const noKill = await judge(run({ kill: undefined, aborted: { stage: 'kill', reason: 'region hz-fsn-rtz-prod has no kill actuator' } }));
  assert.equal(noKill.get(ids.kill)!.status, 'error');
  assert.equal(noKill.get(ids.loss)!.status, 'blocked');
  assert.equal(noKill.get(ids.loss)!.rootCause, ids.kill);
});

test('the weakest kill mode is labelled so', async () => {
  const r = run({});
  r.kill = { ...r.kill!, plan: { ...r.kill!.plan, actuator: 'cnpg-fence', strength: 'weakest' } };
  const g = await judge(r);
  assert.match(g.get(ids.kill)!.reason, /via cnpg-fence — WEAKEST mode: only the database was stopped/);
});

test('reported durations: Go durations and seconds; tolerance and formatting', () => {
  assert.equal(parseReportedDuration('850ms'), 850);
  assert.equal(parseReportedDuration('1m5.25s'), 65_250);
  assert.equal(parseReportedDuration('0s'), 0);
  assert.equal(parseReportedDuration(12), 12_000);
  assert.equal(parseReportedDuration('12'), 12_000);
  assert.equal(parseReportedDuration('soon'), null);
  assert.equal(parseReportedDuration(undefined), null);
  assert.equal(reportTolerance(800), 1_000);
  assert.equal(reportTolerance(40_000), 10_000);
  assert.equal(formatMs(30_000), '30s');
  assert.equal(formatMs(4_012), '4.012s');
  assert.equal(formatMs(13_000), '13s');
  assert.equal(formatMs(805), '805ms');
});

test('the timeline stacks writes per 100 ms by what the client saw (acknowledged, unanswered, refused, answered with an error) and marks the kill, the promotion and phase changes', () => {
  const r = run({});
  const t = failoverTimeline(r.history, { id: 'failover/timeline', title: 'x' });
  const layers = (t.vegaLite.layer as { data: { values: Record<string, unknown>[] } }[]).map((l) => l.data.values);
  const bars = layers[0];
  assert.deepEqual(bars.find((b) => b.t === 0), { t: 0, t2: 0.1, outcome: 'answered', y0: 0, y1: 1, count: 1 });
  assert.deepEqual(bars.find((b) => b.t === -0.1), { t: -0.1, t2: 0, outcome: 'acked', y0: 0, y1: 1, count: 1 });
  assert.deepEqual(layers[1].map((m) => m.label), ['Continuum FailedOver']);
  assert.deepEqual(layers[2].map((m) => [m.label, m.t]), [['kill (process-signal)', 0]]);
  assert.deepEqual(layers[3].map((m) => [m.label, m.t]), [['promoted', 0.7]]);
});

const HEAL_AT = KILL_AT + 20_000;

/** A power-off healed by powering the servers back on, and what the platform reported after. */
function healed(rejoin: Partial<NonNullable<FailoverResult['rejoin']>>): FailoverResult {
  const r = run({});
  const plan = { ...r.kill!.plan, actuator: 'hcloud' as const, strength: 'full' as const, heal: 'power on fsn-cp-1 (40000000)', revert: [{ kind: 'hcloud-power-on' as const, servers: [{ id: 40_000_000, name: 'fsn-cp-1' }] }] };
  return {
    ...r,
    kill: { ...r.kill!, plan },
    rejoin: {
      region: 'hz-fsn-rtz-prod',
      survivor: 'hz-hel-rtz-prod',
      healedAt: HEAL_AT,
      windowMs: 60_000,
      back: { at: HEAL_AT + 4_000, how: 'its API server answered again (first watch event: continuum-phase sw-counter/sw-counter)' },
      replicating: { at: HEAL_AT + 9_000, how: 'CNPGPair sw-counter/sw-counter in hz-hel-rtz-prod: phase Streaming, streaming, primary hz-hel-rtz-prod' },
      healedCluster: { object: 'sw-counter/sw-counter-fsn', replica: true, at: HEAL_AT + 5_000 },
      lastSeen: ['CNPGPair sw-counter/sw-counter in hz-hel-rtz-prod: phase Degraded, streaming false, primary hz-hel-rtz-prod'],
      ...rejoin,
    },
  };
}

test('the rejoin gate: passes with the times of the events that prove it; fails naming what is missing (not back, back but not replicating, two primaries)', async () => {
  const pass = (await judge(healed({}))).get(ids.rejoin)!;
  assert.equal(pass.status, 'passed');
  assert.equal(pass.reason, 'hz-fsn-rtz-prod back 4s after the power-on (its API server answered again (first watch event: continuum-phase sw-counter/sw-counter)); its Cluster sw-counter/sw-counter-fsn a replica; streaming from the new primary hz-hel-rtz-prod 9s after the power-on (CNPGPair sw-counter/sw-counter in hz-hel-rtz-prod: phase Streaming, streaming, primary hz-hel-rtz-prod)');
  assert.deepEqual([pass.metrics?.backMs, pass.metrics?.rejoinMs], [4_000, 9_000]);

  const notBack = (await judge(healed({ back: undefined, replicating: undefined, healedCluster: undefined }))).get(ids.rejoin)!;
  assert.equal(notBack.status, 'failed');
  assert.match(notBack.reason, /^not back: hz-fsn-rtz-prod's API server did not answer within 60s after the power-on at .*; last reported: CNPGPair sw-counter\/sw-counter in hz-hel-rtz-prod: phase Degraded, streaming false/);

  const idle = (await judge(healed({ replicating: undefined }))).get(ids.rejoin)!;
  assert.equal(idle.status, 'failed');
  assert.match(idle.reason, /^back but not replicating: hz-fsn-rtz-prod is back \(4s after the power-on, its Cluster sw-counter\/sw-counter-fsn in replica mode\), but hz-hel-rtz-prod reported no replica streaming from it within .* after the power-on; last reported: CNPGPair .* streaming false/);
  assert.equal(idle.metrics?.rejoinMs, null);

  const two = (await judge(healed({ replicating: undefined, healedCluster: { object: 'sw-counter/sw-counter-fsn', replica: false, at: HEAL_AT + 4_000 } }))).get(ids.rejoin)!;
  assert.equal(two.status, 'failed');
  assert.match(two.reason, /^two primaries: hz-fsn-rtz-prod is back \(4s after the power-on\) and its Cluster sw-counter\/sw-counter-fsn is still a primary \(not in replica mode, as of .*\) while hz-hel-rtz-prod is primary; nothing streams from the new primary/);

  const r = healed({});
  const failedHeal = (await judge({ ...r, kill: { ...r.kill!, healError: 'hcloud POST /servers/40000000/actions/poweron: HTTP 401 (unable to authenticate)' } })).get(ids.rejoin)!;
  assert.equal(failedHeal.status, 'blocked');
  assert.equal(failedHeal.rootCause, ids.kill);

  const unpromoted = (await judge({ ...r, history: { ...r.history, events: r.history.events.filter((e) => e.event !== 'promoted') } })).get(ids.rejoin)!;
  assert.equal(unpromoted.status, 'blocked', 'failover:none: the old primary comes back as the only primary, nothing to rejoin');
  assert.equal(unpromoted.rootCause, ids.rto);
  assert.equal(unpromoted.reason, 'no promotion was observed: there is no new primary to rejoin');
});

test('the clients\' view of a kill tells unanswered writes (a dead host) from refused ones (a dead process on a live host) and answers with an error', () => {
  assert.equal(failureKind('timeout after 3000ms'), 'unanswered');
  assert.equal(failureKind('request timeout'), 'unanswered', "k6's");
  assert.equal(failureKind('aborted by client-side timeout'), 'unanswered', 'the SQL writer\'s');
  assert.equal(failureKind('connect ECONNREFUSED 127.0.0.1:5432'), 'refused');
  assert.equal(failureKind('dial tcp 10.0.0.1:443: connect: connection refused'), 'refused', "k6's");
  assert.equal(failureKind('Connection terminated unexpectedly'), 'refused');
  assert.equal(failureKind('HTTP 503: {"error":"connect ECONNREFUSED 172.31.20.11:33943"}'), 'answered', 'the front answered, whatever its upstream did');
  const w = (sentAt: number, error: string | null) => ({ key: `w-${sentAt}`, writer: 'w', seq: sentAt, sentAt, ackAt: error ? null : sentAt + 5, id: error ? null : sentAt, error, endpoint: 'x' });
  const history = { events: [], writes: [w(900, 'timeout after 3000ms'), w(1000, 'timeout after 3000ms'), w(1100, 'HTTP 503: x'), w(1200, 'connect ECONNRESET'), w(3100, 'timeout after 3000ms'), w(3200, null), w(9000, 'timeout after 3000ms')] };
  const view = clientView(history, 1000, 3200);
  assert.equal(describeClientView(view), '2 unanswered (sent over 2.1 s, each ended by the client\'s own timeout), 1 answered HTTP 503, 1 refused or reset');
  assert.equal(describeClientView(clientView(history, 3200, 3300)), 'no failed write');
});
