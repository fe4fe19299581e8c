/**
 * The failover flow (D31): check the pair is healthy, write at a constant rate, kill the primary
 * region through the fault ledger, keep writing until writes are acknowledged again (plus a
 * tail) or the window closes, read what the survivor holds, heal, and judge the history. After
 * the heal of a power-off, wait (bounded) for the platform to report the healed region's
 * instance as a replica streaming from the new primary.
 *
 * Every write and every platform transition lands in one history (NDJSON, crash-safe on disk
 * while the run goes) with the time of the event that proves it: the acknowledgement, the watch
 * event, the kill actuator's confirmation.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertChaosAllowed } from '../../chaos/interlock.js';
import { FaultLedger } from '../../chaos/ledger.js';
import { checkHistory, isRecoveryAck, type Verdict } from '../../failover/checker.js';
import { openHistoryFile, parseHistory, type History, type HistoryEntry, type HistoryEvent, type WriteRecord } from '../../failover/history.js';
import { renderK6TestRunYaml } from '../../failover/testrun.js';
import { FAILOVER_TESTRUN } from '../../failover/in-cluster-load.js';
import type { WriterStats } from '../../failover/writer.js';
import { CNPGPAIR_RESOURCE, CONTINUUM_RESOURCE, FailoverObserver, type Switchover } from '../../failover/observe.js';
import { killRegion, killSpecFor, newKillId, planKill, type KillHints, type KillOutcome, type KillPlan } from '../../failover/actuators/index.js';
import type { Evidence, FaultRecord, GateStep } from '../../gates/types.js';
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { RunContext } from '../../run/context.js';
import type { HttpClient } from '../../target/http.js';
import type { RegionSpec } from '../../target/types.js';
import { RegionClient } from '../../target/kube.js';
import { describeError } from '../../target/objects.js';
import { drControllerMissing } from '../../failover/dr-controller.js';
import { chooseWriter, readFinalState, type FinalRead, type Writer } from './writers.js';
import { sleep } from '../../failover/sleep.js';

export interface FailoverTiming {
  /** Writes before the kill: the write path is warm and loss has a window to show in. */
  warmupMs: number;
  /** Writes kept going after the first acknowledged write after the kill. */
  tailMs: number;
  /** The post-kill window is the RTO threshold plus this. */
  windowExtraMs: number;
  /** After the heal of a power-off: how long the healed region has to be reported streaming again. */
  rejoinMs: number;
}

export const DEFAULT_TIMING: FailoverTiming = { warmupMs: 5_000, tailMs: 2_000, windowExtraMs: 10_000, rejoinMs: 120_000 };
const FINAL_READ_MS = 10_000;
const FINAL_READ_NO_SURVIVOR_MS = 3_000;

export interface FailoverHarness {
  ctx: RunContext;
  regions: RegionClient[];
  http: HttpClient;
  evidence: EvidenceWriter;
}

export interface FailoverRunOptions {
  /** `node` forces the Node writer even where k6 exists. */
  writer?: 'auto' | 'node';
  timing?: Partial<FailoverTiming>;
  ledger?: FaultLedger;
  env?: NodeJS.ProcessEnv;
}

export interface Precondition {
  ok: boolean;
  steps: GateStep[];
  problems: string[];
  notes: string[];
}

export interface KillReport {
  plan: KillPlan;
  outcome: KillOutcome;
  /** The first sign that the region really went down: its API unreachable, or a write sent after the kill refused. */
  down?: { at: number; how: string };
  heal?: FaultRecord;
  healError?: string;
}

/** What the platform reported after the heal of a power-off, each time from the watch event that shows it. */
export interface RejoinReport {
  /** The healed region and the surviving region that is primary now. */
  region: string;
  survivor: string;
  healedAt: number;
  windowMs: number;
  /** The healed region's API server serving again: its first watch event. */
  back?: { at: number; how: string };
  /** The survivor's CNPGPair reporting a replica streaming from the survivor. */
  replicating?: { at: number; how: string };
  /** The healed region's pair Cluster, as last reported there (replica mode or not). */
  healedCluster?: { object: string; replica: boolean; at: number };
  /** The survivor's pair and Continuum as last reported, for a failure's reason. */
  lastSeen: string[];
  error?: string;
}

export interface FailoverResult {
  precondition: Precondition;
  /** Why failover was not walked at all (the target's DR controller is not installed): every gate is skipped. */
  skipped?: string;
  /** Why the run stopped before judging (setup or harness failure), with the stage it hit. */
  aborted?: { stage: 'precondition' | 'kill' | 'run'; reason: string };
  interlockOk: boolean;
  kill?: KillReport;
  writer?: { kind: Writer['kind']; description: string; k6?: Writer['k6']; stats?: WriterStats };
  history: History;
  windowMs: number;
  final?: FinalRead;
  finalError?: string;
  verdict?: Verdict;
  /** After the heal of a power-off (a kill of strength `full` with heal steps). */
  rejoin?: RejoinReport;
  /** The switchover the Continuum reported after the kill. */
  switchover?: Switchover & { object: string; region: string };
  continuumObserved: boolean;
  notServed: string[];
  evidence: { history?: Evidence; final?: Evidence; verdict?: Evidence; testRun?: Evidence; killScope?: Evidence };
  thresholds: { rtoMs: number; rpo: number };
}

function step(name: string, status: GateStep['status'], detail: string, startedAt = Date.now()): GateStep {
  return { name, status, startedAt: new Date(startedAt).toISOString(), finishedAt: new Date().toISOString(), detail };
}

function phaseOf(o: { obj: { status?: Record<string, unknown> } }): string {
  const p = o.obj.status?.phase;
  return typeof p === 'string' ? p : 'unknown';
}

function cnpgHints(observer: FailoverObserver): KillHints {
  const pair = observer.objects(CNPGPAIR_RESOURCE)[0];
  const cluster = pair?.obj.spec?.primaryCluster;
  const namespace = pair?.obj.metadata.namespace;
  return typeof cluster === 'string' && namespace ? { cnpgCluster: { namespace, cluster } } : {};
}

/**
 * The region to kill: the one the pair reports as its primary now. After an earlier failover (the
 * last walk's, or a real one) that is not the region the target file calls primary, and killing
 * the standby would prove nothing. Regions that disagree on it are a problem for the precondition;
 * where no region reports a pair, the target's primary is taken.
 */
export async function currentPrimary(regions: RegionSpec[], client: (spec: RegionSpec) => RegionClient): Promise<{ spec?: RegionSpec; note?: string; problem?: string }> {
  const declared = regions.find((r) => r.role === 'primary') ?? regions[0];
  const reported = await Promise.all(regions.map(async (r) => {
    try {
      const { items } = await client(r).list(CNPGPAIR_RESOURCE);
      return items.flatMap((p) => (typeof p.status?.currentPrimaryRegion === 'string' ? [{ by: r.name, primary: p.status.currentPrimaryRegion }] : []));
    } catch {
      return []; // not served, or the region does not answer: the precondition reports what the survivors show
    }
  }));
  const reports = reported.flat();
  const named = [...new Set(reports.map((x) => x.primary))];
  if (named.length > 1) return { spec: declared, problem: `the regions disagree on the pair's primary: ${reports.map((x) => `${x.by} reports ${x.primary}`).join(', ')}` };
  const spec = regions.find((r) => r.name === named[0]);
  if (!spec || spec.name === declared?.name) return { spec: declared };
  return { spec, note: `the pair's primary is ${spec.name} now (an earlier failover): the target calls ${declared?.name ?? 'no region'} primary, ${spec.name} is the region killed` };
}

/** The rows this walk wrote (its tag's keys): the rows of earlier walks are neither lost nor unexpected. */
function thisWalksRows(read: FinalRead, tag: string): FinalRead {
  const rows = read.final.rows.filter((r) => r.key.startsWith(`${tag}.`));
  const other = read.final.rows.length - rows.length;
  return other ? { final: { rows }, source: `${read.source}; keys ${tag}.* only (${other} rows of earlier walks left out)` } : read;
}

/** Pair health as the platform reports it in the surviving regions. */
function pairHealth(observer: FailoverObserver, pre: Precondition): void {
  const continuums = observer.objects(CONTINUUM_RESOURCE);
  const pairs = observer.objects(CNPGPAIR_RESOURCE);
  for (const c of continuums) {
    const phase = phaseOf(c);
    const ok = phase === 'Healthy';
    pre.steps.push(step(`Continuum ${c.object} in ${c.region}`, ok ? 'passed' : 'failed', `phase ${phase}, lease holder ${String(c.obj.status?.leaseHolder ?? 'none')}`));
    if (!ok) pre.problems.push(`Continuum ${c.object} is ${phase}, not Healthy`);
  }
  for (const p of pairs) {
    const streaming = p.obj.status?.streaming === true;
    pre.steps.push(step(`CNPGPair ${p.object} in ${p.region}`, streaming ? 'passed' : 'failed', `phase ${phaseOf(p)}, streaming ${String(p.obj.status?.streaming ?? 'unknown')}`));
    if (!streaming) pre.problems.push(`CNPGPair ${p.object} is not streaming (phase ${phaseOf(p)})`);
  }
  if (!continuums.length && !pairs.length) {
    pre.notes.push(`no Continuum or CNPGPair in ${observer.notServed.length ? `the surviving regions (not served: ${observer.notServed.join('; ')})` : 'the surviving regions'}: pair health rests on the probe write alone`);
  }
}

async function probeWrite(writer: Writer, tag: string, emit: (e: HistoryEntry) => void, pre: Precondition): Promise<void> {
  const started = Date.now();
  const target = writer.probeTarget();
  const request = { key: `${tag}.probe-1`, writer: `${tag}.probe`, seq: 1 };
  try {
    await writer.prepare();
    const ack = await target.write(request, AbortSignal.timeout(10_000));
    emit({ ...request, sentAt: started, ackAt: Date.now(), id: ack.id, error: null, endpoint: ack.endpoint });
    pre.steps.push(step('probe write acknowledged', 'passed', `key ${request.key} → id ${ack.id} by ${ack.endpoint}`, started));
  } catch (err) {
    const message = (err as Error).message;
    emit({ ...request, sentAt: started, ackAt: null, id: null, error: message.slice(0, 300), endpoint: target.endpoint });
    pre.steps.push(step('probe write acknowledged', 'failed', message, started));
    pre.problems.push(`the probe write was not acknowledged: ${message}`);
  } finally {
    await target.close();
  }
}

const PING_TIMEOUT_MS = 3_000;
const PING_EVERY_MS = 1_000;

/** Why the region's API server counts as unreachable now, or undefined while it answers. */
async function apiDown(client: RegionClient): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`its API server did not answer within ${PING_TIMEOUT_MS / 1000} s`), PING_TIMEOUT_MS)));
  try {
    return await Promise.race([client.ping().then(() => undefined, (e: Error) => `its API server is unreachable (${e.message})`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const REJOIN_POLL_MS = 200;
/** A watch of the healed region that has not started by then is abandoned and tried again. */
const REJOIN_ATTEMPT_MS = 5_000;

function latestOf(o: FailoverObserver, resource: typeof CNPGPAIR_RESOURCE | typeof CONTINUUM_RESOURCE, region: string): string | undefined {
  const x = o.objects(resource).find((c) => c.region === region);
  if (!x) return undefined;
  const s = x.obj.status ?? {};
  return resource === CNPGPAIR_RESOURCE
    ? `CNPGPair ${x.object} in ${region}: phase ${phaseOf(x)}, streaming ${String(s.streaming ?? 'unknown')}, primary ${String(s.currentPrimaryRegion ?? 'unknown')}`
    : `Continuum ${x.object} in ${region}: phase ${phaseOf(x)}, primary ${String(s.primaryRegion ?? 'unknown')}, standby available ${String(s.standbyAvailable ?? 'unknown')}`;
}

/**
 * Waits until the survivor's CNPGPair reports a replica streaming from it and the healed region's
 * pair Cluster is in replica mode, or the window closes. The healed region is watched once its API
 * server answers again; every time in the report is a watch event's.
 */
async function awaitRejoin(report: RejoinReport, healed: RegionClient, observer: FailoverObserver, emit: (e: HistoryEvent) => void): Promise<void> {
  const deadline = report.healedAt + report.windowMs;
  let watching: FailoverObserver | undefined;
  // An attempt that outlived its turn may still deliver its first list after the wait is over (and the history closed).
  let over = false;
  const onHealed = (e: HistoryEvent): void => {
    if (over) return;
    emit(e);
    report.back ??= { at: e.at, how: `its API server answered again (first watch event: ${e.event}${typeof e.object === 'string' ? ` ${e.object}` : ''})` };
    if (e.event === 'cnpg-cluster' && typeof e.object === 'string') report.healedCluster = { object: e.object, replica: e.replica === true, at: e.at };
  };
  let problem: string | undefined;
  try {
    while (Date.now() < deadline) {
      if (!watching) {
        const starting = FailoverObserver.start([healed], onHealed).catch((err: unknown) => {
          problem = describeError(err);
          return undefined;
        });
        const started = await Promise.race([starting, sleep(Math.min(REJOIN_ATTEMPT_MS, Math.max(0, deadline - Date.now()))).then(() => undefined)]);
        // Right after a boot the API server may not serve the CRDs yet: watched only once it serves all three.
        if (started && !started.notServed.length) watching = started;
        else if (started) {
          problem = `not served yet: ${started.notServed.join('; ')}`;
          started.stop();
        } else void starting.then((o) => o?.stop());
      }
      if (report.replicating && report.healedCluster?.replica) break;
      await sleep(REJOIN_POLL_MS);
    }
  } finally {
    over = true;
    watching?.stop();
    if (!watching && problem) report.error = problem;
    report.lastSeen = [latestOf(observer, CNPGPAIR_RESOURCE, report.survivor), latestOf(observer, CONTINUUM_RESOURCE, report.survivor)].filter((x): x is string => x !== undefined);
  }
}

export async function runFailover(h: FailoverHarness, opts: FailoverRunOptions = {}): Promise<FailoverResult> {
  const { ctx } = h;
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const env = opts.env ?? process.env;
  const thresholds = { rtoMs: ctx.options.rtoMs, rpo: ctx.options.rpo };
  // Every key this walk writes starts with it: the table keeps earlier walks' rows (a nightly walk of the same Sovereign).
  const tag = `sw${randomBytes(3).toString('hex')}`;
  const windowMs = thresholds.rtoMs + timing.windowExtraMs;
  const workDir = join(ctx.runDir, 'failover');
  mkdirSync(workDir, { recursive: true });
  const historyPath = join(workDir, 'history.ndjson');
  const historyFile = openHistoryFile(historyPath);
  const emit = (e: HistoryEntry): void => historyFile.append(e);

  // A region left out by --region is still killed or watched here: failover concerns the pair.
  const client = (spec: RegionSpec): RegionClient => h.regions.find((r) => r.name === spec.name) ?? new RegionClient(spec);
  const { spec: primarySpec, note: primaryNote, problem: primaryProblem } = await currentPrimary(ctx.target.regions, client);
  const survivors = ctx.target.regions.filter((r) => r.name !== primarySpec?.name).map(client);

  const result: FailoverResult = {
    precondition: { ok: false, steps: [], problems: [], notes: [] },
    interlockOk: false,
    history: { writes: [], events: [] },
    windowMs,
    continuumObserved: false,
    notServed: [],
    evidence: {},
    thresholds,
  };
  const pre = result.precondition;

  let observer: FailoverObserver | undefined;
  let kill: Awaited<ReturnType<typeof killRegion>> | undefined;
  const stopWriter = new AbortController();
  let writerDone: Promise<WriterStats> | undefined;

  // Returns early wherever the run cannot go on; `result` says why.
  const flow = async (): Promise<void> => {
    if (!primarySpec || !survivors.length) {
      result.aborted = { stage: 'precondition', reason: `failover needs a primary and a surviving region; the target has ${ctx.target.regions.map((r) => `${r.name} (${r.role})`).join(', ') || 'none'}` };
      return;
    }
    result.skipped = await drControllerMissing(ctx.target.drController, [client(primarySpec), ...survivors]);
    if (result.skipped) return;
    observer = await FailoverObserver.start(survivors, (e) => {
      emit(e);
      // The survivor reports a replica streaming from itself after the kill: the healed region rejoined (only its instance can be that replica).
      const r = result.rejoin;
      if (r && !r.replicating && e.event === 'cnpgpair' && e.region === r.survivor && e.streaming === true && e.currentPrimaryRegion === r.survivor) {
        r.replicating = { at: e.at, how: `CNPGPair ${String(e.object)} in ${r.survivor}: phase ${String(e.phase)}, streaming, primary ${r.survivor}` };
      }
    });
    result.notServed = observer.notServed;
    result.continuumObserved = observer.objects(CONTINUUM_RESOURCE).length > 0;
    if (primaryNote) pre.notes.push(primaryNote);
    if (primaryProblem) pre.problems.push(primaryProblem);
    pairHealth(observer, pre);
    const inCluster = ctx.options.load === 'k6-operator' ? { region: survivors[0], ledger: opts.ledger ?? FaultLedger.forSovereign(ctx.target.sovereign), runId: ctx.runId } : undefined;
    const writer = await chooseWriter(ctx.target, h.http, { prefer: opts.writer, k6Path: ctx.options.k6Path, env, inCluster, tag });
    const writerReport: NonNullable<FailoverResult['writer']> = { kind: writer.kind, description: writer.description, k6: writer.k6 };
    result.writer = writerReport;
    pre.steps.push(step('writer', 'passed', writer.description));
    await probeWrite(writer, tag, emit, pre);
    pre.ok = pre.problems.length === 0;
    if (!pre.ok) return;

    // Plan the kill before any load: a target without an actuator stops here, not mid-run.
    let plan: KillPlan;
    const killId = newKillId();
    try {
      assertChaosAllowed(ctx, ['failover']);
      result.interlockOk = true;
      plan = await planKill(killSpecFor(primarySpec, ctx.options.killMode, cnpgHints(observer), env), client(primarySpec), killId);
    } catch (err) {
      result.aborted = { stage: 'kill', reason: (err as Error).message };
      return;
    }

    if (plan.scope !== undefined) result.evidence.killScope = h.evidence.json('failover-kill-scope', plan.scope, `what the ${plan.actuator} actuator verified before the kill: the servers it powers off and the nodes of ${plan.region} they are`);
    let killedAt: number | null = null;
    let down: KillReport['down'];
    let firstAckAfterKill: number | null = null;
    const endpointsBeforeKill = new Set<string>();
    const killedRegion = new Set([plan.region]);
    const onRecord = (r: WriteRecord): void => {
      emit(r);
      if (killedAt !== null && r.error !== null && r.sentAt >= killedAt) down ??= { at: r.sentAt, how: `write ${r.key} sent after the kill was refused (${r.error})` };
      if (r.ackAt === null) return;
      if (killedAt === null || r.ackAt <= killedAt) endpointsBeforeKill.add(r.endpoint);
      else if (isRecoveryAck(r, killedAt, endpointsBeforeKill, killedRegion) && (firstAckAfterKill === null || r.ackAt < firstAckAfterKill)) firstAckAfterKill = r.ackAt;
    };
    const durationMs = timing.warmupMs + windowMs + timing.tailMs + 5_000;
    const running = writer.run({ ratePerSec: ctx.options.writeRate, durationMs, signal: stopWriter.signal, onRecord });
    writerDone = running;
    // Only meaningful before the writer is told to stop.
    let writerEnded: string | undefined;
    running.then(
      () => (writerEnded = 'the writer stopped before the end of the run'),
      (err: unknown) => (writerEnded = `the writer failed: ${(err as Error).message}`),
    );

    await sleep(timing.warmupMs);
    if (writerEnded) {
      result.aborted = { stage: 'run', reason: writerEnded };
      return;
    }
    observer.arm();
    try {
      kill = await killRegion(plan, opts.ledger ?? FaultLedger.forSovereign(ctx.target.sovereign), ctx.runId, { regions: ctx.target.regions.map(client), env }, killId);
    } catch (err) {
      result.aborted = { stage: 'kill', reason: `${plan.actuator} kill of ${plan.region} failed: ${(err as Error).message}` };
      return;
    }
    killedAt = kill.outcome.killedAt;
    result.kill = { plan, outcome: kill.outcome };
    if (plan.strength === 'full' && plan.revert.length) {
      result.rejoin = { region: plan.region, survivor: survivors[0].name, healedAt: 0, windowMs: timing.rejoinMs, lastSeen: [] };
    }
    emit({ event: 'kill', at: killedAt, issuedAt: kill.outcome.issuedAt, region: plan.region, actuator: plan.actuator, strength: plan.strength, detail: kill.outcome.detail });

    const deadline = killedAt + windowMs;
    const killed = client(primarySpec);
    let nextPing = 0;
    while (Date.now() < deadline && !writerEnded) {
      if (!down && Date.now() >= nextPing) {
        nextPing = Date.now() + PING_EVERY_MS;
        const why = await apiDown(killed);
        if (why) down ??= { at: Date.now(), how: why };
      }
      if (down && firstAckAfterKill !== null && Date.now() >= firstAckAfterKill + timing.tailMs) break;
      await sleep(100);
    }
    result.kill.down = down;
    stopWriter.abort();
    writerDone = undefined;
    writerReport.stats = await running;

    try {
      // Without a write acknowledged after the kill nothing suggests a survivor will answer soon.
      result.final = thisWalksRows(await readFinalState(ctx.target, h.http, firstAckAfterKill === null ? FINAL_READ_NO_SURVIVOR_MS : FINAL_READ_MS, env), tag);
    } catch (err) {
      result.finalError = (err as Error).message;
    }
  };

  try {
    await flow();
  } catch (err) {
    result.aborted = { stage: result.kill ? 'run' : 'precondition', reason: describeError(err) };
  } finally {
    stopWriter.abort();
    if (writerDone) {
      const stats = await writerDone.catch(() => undefined);
      if (result.writer && stats) result.writer.stats = stats;
    }
    if (kill && result.kill) {
      try {
        result.kill.heal = await kill.fault.revert();
        historyFile.append({ event: 'heal', at: Date.now(), region: result.kill.plan.region, heal: result.kill.plan.heal });
      } catch (err) {
        result.kill.healError = (err as Error).message;
      }
    }
    if (result.rejoin && result.kill?.heal && observer && primarySpec && !result.aborted) {
      result.rejoin.healedAt = Date.now();
      // A client of its own: the connections of the one that watched the region die hang unanswered.
      const healed = new RegionClient(primarySpec);
      await awaitRejoin(result.rejoin, healed, observer, emit)
        .catch((err: unknown) => {
          result.rejoin!.error = describeError(err);
        })
        .finally(() => healed.close());
    }
    observer?.stop();
    await historyFile.close();
  }
  return judge(h, result, historyPath);
}

function judge(h: FailoverHarness, result: FailoverResult, historyPath: string): FailoverResult {
  const text = readFileSync(historyPath, 'utf8');
  result.history = parseHistory(text, historyPath);
  const switchover = [...result.history.events].reverse().find((e: HistoryEvent) => e.event === 'continuum-switchover' && e.baseline === false);
  if (switchover) {
    result.switchover = {
      object: String(switchover.object),
      region: String(switchover.region),
      at: typeof switchover.reportedAt === 'string' ? switchover.reportedAt : undefined,
      from: typeof switchover.from === 'string' ? switchover.from : undefined,
      to: typeof switchover.to === 'string' ? switchover.to : undefined,
      reason: typeof switchover.reason === 'string' ? switchover.reason : undefined,
      rtoObserved: typeof switchover.rtoObserved === 'string' ? switchover.rtoObserved : undefined,
      rpoObserved: typeof switchover.rpoObserved === 'string' ? switchover.rpoObserved : undefined,
      initiatedBy: typeof switchover.initiatedBy === 'string' ? switchover.initiatedBy : undefined,
    };
  }
  result.evidence.history = h.evidence.write({ surface: 'failover-history', kind: 'log', ext: 'ndjson', content: text, description: 'every write (acknowledged or not) and every platform transition, NDJSON' });
  if (result.final) {
    result.verdict = checkHistory(result.history, result.final.final, result.thresholds);
    result.evidence.final = h.evidence.json('failover-final', result.final.final, `final state of the survivor (${result.final.source})`);
    result.evidence.verdict = h.evidence.json(
      'failover-verdict',
      { verdict: result.verdict, writer: result.writer, kill: result.kill && { ...result.kill.outcome, actuator: result.kill.plan.actuator, strength: result.kill.plan.strength, heal: result.kill.plan.heal }, finalSource: result.final.source, switchover: result.switchover, notServed: result.notServed },
      'check-history verdict: lost, unexpected and duplicated keys, RTO',
    );
  }
  const counterUrl = h.ctx.target.counterUrl;
  if (counterUrl) {
    const yaml = renderK6TestRunYaml({
      ...FAILOVER_TESTRUN,
      scriptConfigMap: { name: `${FAILOVER_TESTRUN.name}-script`, file: 'counter-http.js' },
      rate: h.ctx.options.writeRate,
      duration: `${Math.ceil((DEFAULT_TIMING.warmupMs + result.windowMs) / 1000)}s`,
      baseUrl: counterUrl,
    });
    result.evidence.testRun = h.evidence.write({ surface: 'failover-k6-testrun', kind: 'yaml', ext: 'yaml', content: yaml, description: `k6-operator TestRun for the same load from inside the cluster (${result.writer?.kind === 'k6-operator' ? 'applied with --load k6-operator, then removed' : 'rendered; --load k6-operator applies it'})` });
  }
  return result;
}

