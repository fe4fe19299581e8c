/**
 * The failover suite against the embedded Sovereign's data plane: the healthy pair passes with
 * RTO measured when the whole primary region is powered off; asynchronous replication loses
 * acknowledged writes (listed); a slow promotion breaches the RTO; a Continuum that misreports its
 * RTO is caught; an unhealthy pair blocks the kill; the interlock refuses a live non-test
 * Sovereign. One world serves the file, each test with its own data plane: the scenarios that do
 * not need the region gone kill the primary's database by CNPG fencing (--kill-mode cnpg-fence,
 * healed after), and the region kill comes last (on loopback the region stays dead; as hosts it is
 * powered back on through the Hetzner Cloud API model and must rejoin as a replica, and
 * heal:no-rejoin must fail that gate). No process outlives a test.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningSim } from '../sim/index.js';
import { dataplaneLeftovers, DATAPLANE_KIT as KIT, installDataplaneFor, replug, startWorldOnly, type InstalledDataplane } from './helpers/dataplane-sim.js';
import { findK6 } from '../src/failover/k6.js';
import { FaultLedger } from '../src/chaos/ledger.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import type { TargetSpec } from '../src/target/types.js';
import type { Gate } from '../src/gates/types.js';
import { HttpClient } from '../src/target/http.js';
import { readHistoryFile } from '../src/failover/history.js';
import { readTimelines } from '../src/gates/recorder.js';
import { runFailoverSuite } from '../src/suites/failover/suite.js';
import { failoverGateIds } from '../src/suites/failover/ids.js';
import type { FailoverRunOptions } from '../src/suites/failover/run.js';
import { LEASE } from '../sim/dataplane/objects.js';

const PRIMARY = 'hz-fsn-rtz-prod';

let sim: RunningSim;

before(async () => {
  sim = await startWorldOnly();
});

/** Each walk's run folder (ledger, history, evidence), removed once every test has read its own. */
const runDirs: string[] = [];

after(async () => {
  await sim?.stop();
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
  assert.deepEqual(dataplaneLeftovers(), [], 'no postgres or counter app outlives the world');
});

interface Walked {
  gates: Map<string, Gate>;
  runDir: string;
  ids: ReturnType<typeof failoverGateIds>;
  ledger: FaultLedger;
}

/**
 * The kill: the primary's database fenced (the region lives on for the next test), the region's
 * link pulled by partition:<region> (plugged back after), or the whole region powered off (the last test).
 */
type Kill = 'cnpg-fence' | 'partition' | 'region';

type WalkOpts = { rtoMs?: number; writer?: FailoverRunOptions['writer']; timing?: FailoverRunOptions['timing']; adjust?: (t: TargetSpec) => TargetSpec; before?: (target: TargetSpec) => Promise<void>; afterWalk?: (dp: InstalledDataplane) => Promise<void> };

async function walkFailover(faults: string[], kill: Kill, opts: WalkOpts = {}): Promise<Walked> {
  return withDataplane(faults, kill, (dp) => walkOn(dp, kill, opts));
}

/** A data plane for `use`, removed after it (with the partitioned link plugged back). */
async function withDataplane<T>(faults: string[], kill: Kill, use: (dp: InstalledDataplane) => Promise<T>): Promise<T> {
  const dp = await installDataplaneFor(sim, faults);
  try {
    return await use(dp);
  } finally {
    if (kill === 'partition') replug(sim, PRIMARY);
    // A dead primary region (on loopback nothing powers it on) can no longer delete anything; the world goes with it.
    await (kill === 'region' && !hosts() ? dp.stop() : dp.remove());
    assert.deepEqual(dataplaneLeftovers(), [], 'no postgres or counter app outlives its data plane');
  }
}

/** One failover walk of the data plane `dp`. */
async function walkOn(dp: InstalledDataplane, kill: Kill, opts: WalkOpts = {}): Promise<Walked> {
  const target = opts.adjust ? opts.adjust(dp.target) : dp.target;
  const runDir = mkdtempSync(join(tmpdir(), 'failover-run-'));
  runDirs.push(runDir);
  const ledger = new FaultLedger(target.sovereign, join(runDir, 'ledger.jsonl'));
  const options = {
    suites: ['failover'], kitPath: KIT, rtoMs: opts.rtoMs ?? 30_000, rpo: 0, writeRate: 10, allowChaos: false, testSovereignPatterns: [], cutoverMode: 'enforce',
    ...(kill === 'cnpg-fence' ? { killMode: 'cnpg-fence' } : {}),
  } as unknown as WalkOptions;
  const ctx: RunContext = { runId: 'failover-test', runDir, target, options, startedAt: new Date().toISOString() };
  const h = new Harness(ctx);
  try {
    await opts.before?.(target);
    const gates = await runFailoverSuite(h, { writer: opts.writer, ledger, timing: opts.timing });
    await opts.afterWalk?.(dp);
    return { gates: new Map(gates.map((g) => [g.id, g])), runDir, ids: failoverGateIds(), ledger };
  } finally {
    await h.close();
  }
}

function hosts(): boolean {
  return sim.ctx.world.networking.mode === 'netns';
}

function gate(w: Walked, id: string): Gate {
  const g = w.gates.get(id);
  assert.ok(g, `gate ${id} judged (have: ${[...w.gates.keys()].join(', ')})`);
  return g;
}

function statuses(w: Walked): Record<string, string> {
  return Object.fromEntries([...w.gates.values()].map((g) => [g.id, g.status]));
}

test('an unhealthy pair fails the preconditions and blocks the kill', async () => {
  const w = await walkFailover(['replication:async-detached'], 'cnpg-fence', {
    before: async (target) => {
      // The first write starts the fault's clock: the standby detaches 3 s later.
      const http = new HttpClient(target);
      try {
        await http.request(`${target.counterUrl}/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'pre-1' }) });
      } finally {
        await http.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 4_500));
    },
  });
  const pre = gate(w, w.ids.preconditions);
  assert.equal(pre.status, 'failed');
  assert.match(pre.reason, /CNPGPair sw-counter\/sw-counter is not streaming/);
  assert.match(pre.reason, /Continuum sw-counter\/sw-counter is Degraded/);
  for (const id of [w.ids.kill, w.ids.loss, w.ids.rto]) {
    assert.equal(gate(w, id).status, 'blocked');
    assert.equal(gate(w, id).rootCause, w.ids.preconditions);
  }
  assert.deepEqual(w.ledger.entries(), [], 'nothing was killed');
});

test('the chaos interlock refuses a live Sovereign that is not a test Sovereign; nothing is killed', async () => {
  const w = await walkFailover([], 'cnpg-fence', { adjust: (t) => ({ ...t, kind: 'live', sovereign: 'sim.sovereign-walk.test' }) });
  const kill = gate(w, w.ids.kill);
  assert.equal(kill.status, 'error');
  assert.match(kill.reason, /refused by the chaos interlock: refusing failover on sim\.sovereign-walk\.test: not a test Sovereign/);
  assert.equal(gate(w, w.ids.loss).status, 'blocked');
  assert.deepEqual(w.ledger.entries(), []);
  const history = await readHistoryFile(join(w.runDir, 'failover', 'history.ndjson'));
  assert.ok(!history.events.some((e) => e.event === 'kill'));
});

test('replication:async-detached, the primary fenced: acknowledged writes lost and listed; the RTO is still met', async () => {
  const w = await walkFailover(['replication:async-detached'], 'cnpg-fence', { writer: 'node' });
  const loss = gate(w, w.ids.loss);
  assert.equal(loss.status, 'failed');
  const lost = loss.metrics?.lost ?? 0;
  assert.ok(lost >= 5, `lost ${lost} acknowledged writes`);
  assert.match(loss.reason, new RegExp(`^${lost} of \\d+ acknowledged writes lost \\(rpo 0\\): sw[0-9a-f]{6}\\.w1-\\d+, sw[0-9a-f]{6}\\.w1-\\d+`));
  assert.equal(gate(w, w.ids.rto).status, 'passed');
  assert.equal(gate(w, w.ids.intact).status, 'passed', 're-issued ids of lost rows are the loss, not a second failure');
  assert.match(gate(w, w.ids.intact).reason, /ids re-issued after promotion/);
  assert.equal(gate(w, w.ids.reportedRpo).status, 'passed', 'the sim reports its RPO honestly');
  assert.match(gate(w, w.ids.reportedRpo).reason, /rpoObserved [1-9][\d.]*m?s; clients lost \d+ acknowledged writes/);
  assert.match(gate(w, w.ids.preconditions).reason, /writer: Node writer over HTTP/);
  assert.match(gate(w, w.ids.kill).reason, new RegExp(`${PRIMARY} down at .* via cnpg-fence — WEAKEST mode: only the database was stopped .*write sw[0-9a-f]{6}\\.w1-\\d+ sent after the kill was refused.*heal: fence lifted`));
  assert.deepEqual(w.ledger.open(), [], 'the fence was lifted');
});

test('failover:slow with a 3 s RTO: no write acknowledged in the window → RTO breach; no switchover reported', async () => {
  const started = Date.now();
  const w = await walkFailover(['failover:slow'], 'cnpg-fence', { rtoMs: 3_000, writer: 'node' });
  assert.ok(Date.now() - started < 50_000, 'bounded by the RTO window, not by the 35 s promotion delay');
  const rto = gate(w, w.ids.rto);
  assert.equal(rto.title, 'D31 RTO ≤ 3s');
  assert.equal(rto.status, 'failed');
  assert.match(rto.reason, /no write sent after the kill was acknowledged within 13s \(threshold 3s\)(; \d+ writes in flight at the kill .*)?; no promotion was observed/);
  assert.equal(gate(w, w.ids.reportedRto).status, 'failed');
  assert.match(gate(w, w.ids.reportedRto).reason, /reported no switchover/);
  assert.equal(gate(w, w.ids.loss).status, 'failed', 'no survivor answers: the acknowledged writes are unavailable');
  assert.match(gate(w, w.ids.loss).reason, /could not be read .* no write sent after the kill was acknowledged/);
});

test('failover:slow:4000 with continuum:misreport: the RTO passes but the reported rtoObserved is caught', async () => {
  const w = await walkFailover(['failover:slow:4000', 'continuum:misreport'], 'cnpg-fence', { writer: 'node' });
  assert.equal(gate(w, w.ids.rto).status, 'passed');
  const measured = gate(w, w.ids.rto).metrics?.rtoMs ?? 0;
  assert.ok(measured >= 4_000, `measured RTO ${measured} ms includes the 4 s delay`);
  const reported = gate(w, w.ids.reportedRto);
  assert.equal(reported.status, 'failed');
  assert.match(reported.reason, /reports rtoObserved \d+ms .*off by .* more than the .* tolerance/);
  assert.equal(gate(w, w.ids.loss).status, 'passed');
});

test('direct SQL path (no counter URL): the Node SQL writer, zero loss', async () => {
  const w = await walkFailover([], 'cnpg-fence', { adjust: (t) => ({ ...t, counterUrl: undefined }) });
  assert.deepEqual(Object.values(statuses(w)), [...Array(7).fill('passed'), 'skipped'], JSON.stringify([...w.gates.values()].map((g) => `${g.id}: ${g.reason}`), null, 1));
  assert.equal(gate(w, w.ids.rejoin).reason, 'the cnpg-fence kill (weakest) powered nothing off: no region comes back to rejoin');
  assert.match(gate(w, w.ids.preconditions).reason, /writer: Node writer into counter@127\.0\.0\.1:\d+\/counter \(sw-counter-rw\)/);
  assert.match(gate(w, w.ids.loss).reason, /rows read by SELECT key, id FROM sw_counter/);
});

test('partition:<region> (regions as hosts): the primary cut off with its processes running; the survivor is promoted and no write is acknowledged on both sides', async (t) => {
  if (sim.ctx.world.networking.mode !== 'netns') {
    t.skip(`the regions share loopback (${sim.ctx.world.networking.reason}): no link to pull`);
    return;
  }
  let primaryAlive: string[] = [];
  const w = await walkFailover([`partition:${PRIMARY}`], 'partition', {
    writer: 'node',
    afterWalk: async () => {
      primaryAlive = dataplaneLeftovers().filter((line) => line.includes('sw-counter-fsn'));
    },
  });
  assert.deepEqual(Object.values(statuses(w)), [...Array(7).fill('passed'), 'skipped'], JSON.stringify([...w.gates.values()].map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1));
  assert.equal(gate(w, w.ids.rejoin).reason, 'the command kill (isolation) powered nothing off: no region comes back to rejoin');
  assert.match(gate(w, w.ids.kill).reason, new RegExp(`${PRIMARY} down at .* via command — isolation, not a power-off \\(observed .* later: write sw[0-9a-f]{6}\\.w1-\\d+ sent after the kill was refused \\(timeout after \\d+ms\\)\\): .*region-power cut \\S+ → link \\S+ pulled; processes left running`));
  assert.ok(primaryAlive.length > 0, 'the partitioned primary\'s postmaster was still running after the walk');
  assert.equal(gate(w, w.ids.loss).metrics?.lost, 0);
});

const SERVERS = ['fsn-cp-1', 'fsn-w-1', 'fsn-w-2', 'fsn-w-3'].map((name, i) => `${name} \\(${40_000_000 + i}\\)`).join(', ');

test('heal:no-rejoin (regions as hosts): the powered-off region boots again but its instance never streams; the rejoin gate fails naming it, the others pass', async (t) => {
  if (!hosts()) {
    t.skip(`the regions share loopback (${sim.ctx.world.networking.reason}): a killed region is never powered on`);
    return;
  }
  const w = await walkFailover(['heal:no-rejoin'], 'region', { writer: 'node', timing: { rejoinMs: 40_000 } });
  const rejoin = gate(w, w.ids.rejoin);
  assert.equal(rejoin.status, 'failed');
  assert.match(rejoin.reason, new RegExp(`^back but not replicating: ${PRIMARY} is back \\(\\d+(\\.\\d+)?m?s after the power-on, its Cluster sw-counter/sw-counter-fsn in replica mode\\), but hz-hel-rtz-prod reported no replica streaming from it within 40s after the power-on; last reported: CNPGPair sw-counter/sw-counter in hz-hel-rtz-prod: phase Degraded, streaming false, primary hz-hel-rtz-prod; Continuum sw-counter/sw-counter in hz-hel-rtz-prod: phase FailedOver`));
  assert.equal(rejoin.metrics?.rejoinMs, null);
  assert.deepEqual(Object.values(statuses(w)).slice(0, 7), Array(7).fill('passed'), JSON.stringify([...w.gates.values()].map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1));
  assert.deepEqual(w.ledger.open(), [], 'the servers were powered back on');
});

// Last: on loopback the primary region stays dead until the world stops.
test('healthy pair, the whole primary region powered off: zero acknowledged writes lost, RTO measured and within 30 s, the Continuum agrees; as hosts the region is powered on again and rejoins as a replica, and the next walk fails back: it kills the region the pair reports as primary now, not the one the target calls primary; zero loss, rejoin; k6 writer where one is installed, evidence and timeline', async () => {
  const k6 = await findK6();
  await withDataplane([], 'region', async (dp) => {
    const w = await walkOn(dp, 'region');
    const { ids } = w;
    const all = JSON.stringify([...w.gates.values()].map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1);
    assert.deepEqual(Object.values(statuses(w)), [...Array(7).fill('passed'), hosts() ? 'passed' : 'skipped'], all);
    assert.equal(ids.rto, 'failover/d31-rto');
    assert.equal(gate(w, ids.rto).title, 'D31 RTO ≤ 30s');
    assert.match(gate(w, ids.preconditions).reason, k6 ? /writer: k6 \(.*\) over HTTP to https:\/\/counter\.sim\.sovereign-walk\.test/ : /writer: Node writer over HTTP to https:\/\/counter\.sim\.sovereign-walk\.test \(no k6 binary on PATH/);
    // Regions as hosts: the servers are powered off through the Hetzner Cloud API, which pulls the link first, so the first write after the kill times out; on loopback a refusal.
    assert.match(
      gate(w, ids.kill).reason,
      hosts()
        ? new RegExp(`${PRIMARY} down at .* via hcloud \\(observed .* later: write \\S+ sent after the kill was refused \\(timeout after \\d+ms\\)\\): powered off ${SERVERS}; heal: power on ${SERVERS}$`)
        : new RegExp(`${PRIMARY} down at .* via process-signal \\(observed .* later: .*\\): SIGKILL → (group \\d+, ){7,}group \\d+; heal: none`),
    );
    const rejoin = gate(w, ids.rejoin);
    if (hosts()) {
      assert.match(rejoin.reason, new RegExp(`^${PRIMARY} back \\d+(\\.\\d+)?m?s after the power-on \\(its API server answered again .*\\); its Cluster sw-counter/sw-counter-fsn a replica; streaming from the new primary hz-hel-rtz-prod \\d+(\\.\\d+)?m?s after the power-on \\(CNPGPair sw-counter/sw-counter in hz-hel-rtz-prod: phase Streaming, streaming, primary hz-hel-rtz-prod\\)$`));
      const { backMs, rejoinMs } = rejoin.metrics ?? {};
      assert.ok(typeof backMs === 'number' && typeof rejoinMs === 'number' && rejoinMs >= backMs, `back ${backMs} ms, rejoined ${rejoinMs} ms after the power-on`);
      process.stderr.write(`RTO ${gate(w, ids.rto).metrics?.rtoMs} ms; lost ${gate(w, ids.loss).metrics?.lost} of ${gate(w, ids.loss).metrics?.acknowledged}; back ${backMs} ms and rejoined ${rejoinMs} ms after the power-on\n`);
    } else {
      assert.match(rejoin.reason, /^the process-signal kill has no heal/);
    }
    const rto = gate(w, ids.rto);
    const rtoMs = rto.metrics?.rtoMs;
    assert.ok(typeof rtoMs === 'number' && rtoMs > 0 && rtoMs < LEASE.ttlMs + 5_000, `RTO ${rtoMs} ms (the embedded Continuum's lease: ${LEASE.ttlMs} ms)`);
    assert.match(rto.reason, /^RTO \d+(\.\d+)?m?s \(kill → first acknowledgement from the recovered service\) within 30s/);
    // What the clients saw: a powered-off host leaves writes unanswered until their own timeout; a killed process on loopback is refused at once (the front answers 502).
    assert.match(rto.reason, hosts() ? /failed writes sent after the kill: [1-9]\d* unanswered \(sent over \d+\.\d s, each ended by the client's own timeout\)/ : /failed writes sent after the kill: [1-9]\d* answered HTTP 502/);
    if (hosts()) assert.equal(rto.metrics?.refusedWrites, 0, rto.reason);
    assert.ok(rto.evidence.some((e) => e.kind === 'svg'), 'the timeline SVG is attached to the RTO gate');
    const loss = gate(w, ids.loss);
    assert.equal(loss.metrics?.lost, 0);
    assert.ok((loss.metrics?.acknowledged ?? 0) >= 40, `acknowledged ${loss.metrics?.acknowledged}`);
    assert.deepEqual(loss.evidence.map((e) => e.name.replace(/-\d{4}-\d{2}-\d{2}/, '')), ['sim-failover-history.ndjson', 'sim-failover-final.json', 'sim-failover-verdict.json']);
    assert.match(gate(w, ids.reportedRto).reason, /reports rtoObserved \d+(\.\d+)?m?s .* clients measured/);

    const history = await readHistoryFile(join(w.runDir, 'failover', 'history.ndjson'));
    const events = history.events.map((e) => e.event);
    for (const e of ['continuum-phase', 'kill', 'promoted', 'continuum-switchover', 'heal']) assert.ok(events.includes(e), `history has a ${e} event`);
    if (hosts()) {
      const heal = history.events.find((e) => e.event === 'heal')!;
      assert.ok(history.events.some((e) => e.event === 'cnpgpair' && e.at > heal.at && e.streaming === true && e.currentPrimaryRegion === 'hz-hel-rtz-prod'), 'the streaming replica on the timeline after the heal, as the watch saw it');
    }
    const kill = history.events.find((e) => e.event === 'kill')!;
    const promoted = history.events.find((e) => e.event === 'promoted')!;
    assert.ok(promoted.at > kill.at, 'promotion after the kill on one timeline');
    // Every key carries the walk's tag (sw + 6 hex): a later walk of the same database tells its rows apart.
    assert.ok(history.writes.every((x) => new RegExp(`^sw[0-9a-f]{6}\\.(probe|${k6 ? 'k6v\\d+' : 'w1'})$`).test(x.writer) && x.key.startsWith(`${x.writer}-`)), `${k6 ? 'k6' : 'the Node writer'} wrote the load`);
    const [timeline] = readTimelines(w.runDir);
    assert.equal(timeline?.id, 'failover/timeline');
    assert.ok(existsSync(join(w.runDir, 'evidence')) && readFileSync(join(w.runDir, 'evidence', rto.evidence.find((e) => e.kind === 'svg')!.name), 'utf8').startsWith('<svg'));
    assert.deepEqual(w.ledger.open(), [], 'the kill is marked healed in the ledger');
    assert.equal(w.ledger.entries()[0]?.kind, 'region-kill');
    if (!hosts()) return;

    // Fail-back: the pair's primary is hz-hel-rtz-prod now; the target file still calls hz-fsn-rtz-prod primary.
    const back = await walkOn(dp, 'region', { writer: 'node' });
    const backAll = JSON.stringify([...back.gates.values()].map((g) => `${g.id}: ${g.status} ${g.reason}`), null, 1);
    assert.deepEqual(Object.values(statuses(back)), Array(8).fill('passed'), backAll);
    assert.match(gate(back, ids.preconditions).reason, /the pair's primary is hz-hel-rtz-prod now \(an earlier failover\): the target calls hz-fsn-rtz-prod primary, hz-hel-rtz-prod is the region killed/);
    assert.match(gate(back, ids.kill).reason, /^hz-hel-rtz-prod down at .* via hcloud .*: powered off hel-/);
    assert.match(gate(back, ids.rejoin).reason, /^hz-hel-rtz-prod back .*; its Cluster sw-counter\/sw-counter-hel a replica; streaming from the new primary hz-fsn-rtz-prod /);
    assert.equal(gate(back, ids.loss).metrics?.lost, 0);
    // The first walk's rows are still in the table: neither lost nor unexpected for this one.
    assert.match(gate(back, ids.loss).reason, /; 0 unacknowledged writes committed anyway \(.*; keys sw[0-9a-f]{6}\.\* only \(\d+ rows of earlier walks left out\)\)/);
    assert.deepEqual(back.ledger.open(), [], 'the fail-back kill is healed too');
    process.stderr.write(`fail-back: RTO ${gate(back, ids.rto).metrics?.rtoMs} ms; lost ${gate(back, ids.loss).metrics?.lost} of ${gate(back, ids.loss).metrics?.acknowledged}; rejoined ${gate(back, ids.rejoin).metrics?.rejoinMs} ms after the power-on\n`);
  });
});
