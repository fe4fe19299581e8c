/**
 * The hold: with the mothership out of reach (the harness's own policy in enforce mode, the
 * platform's step-08 policy in observe mode), everything that reconciles must stay Ready for
 * the whole hold, a forced reconcile must succeed from local sources, a call-home from inside
 * must fail, and a restarted Deployment must pull fresh. Then the harness's policy is reverted,
 * whatever happened (the fault ledger, signal handlers and the backstop cover a dying run).
 */
import type { RegionClient } from '../../target/kube.js';
import { describeError } from '../../target/objects.js';
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { Gate, Timeline } from '../../gates/types.js';
import { GateRun } from '../../gates/gate-run.js';
import type { FaultLedger } from '../../chaos/ledger.js';
import { CALL_HOME_URLS, CCNP, FLUX, PLATFORM_POLICY, ROOT_KUSTOMIZATION, ROOT_SOURCE, SUITE } from './constants.js';
import { applyEgressBlock, ensureHarnessNamespace, runLabel, type EgressBlock } from './enforce.js';
import { HoldWatch } from './hold.js';
import { PolicyWatch, policyShapeProblems } from './policy-watch.js';
import { forceReconcile, type ReconcileOutcome } from './reconcile.js';
import { runCallHome, type CallHomeOutcome } from './call-home.js';
import { chooseDeployment, freshPull, type FreshPullOutcome } from './fresh-pull.js';
import { holdTimeline, type TimelineEvent } from './timeline.js';
import { datapathDump, type DatapathDump } from './datapath.js';
import { HOLD_GATES, POLICY_GATE, holdGateId, judgeCallHome, judgeFreshPull, judgeHold, judgeReconcile, type HoldGateName, type JudgeContext, type Unfinished } from './hold-gates.js';

export interface HoldDeps {
  region: RegionClient;
  evidence: EvidenceWriter;
  ledger: FaultLedger;
  runId: string;
  mode: 'enforce' | 'observe';
  holdMs: number;
  /** How long to wait for everything to be Ready before the hold starts (the host gate). */
  readyWaitMs: number;
  probeImage: string;
  /** `<namespace>/<name>` of Deployments the images tether named. */
  tetheredDeployments: readonly string[];
  /** Tells the progress reporter when the hold will end. */
  announce(untilMs: number): void;
}

export interface HoldResult {
  gates: Gate[];
  timeline: Timeline;
}

/** How long the in-hold checks may run past the planned end (the block stays until they conclude). */
const IN_HOLD_GRACE_MS = 5 * 60_000;
const CALL_HOME_DEADLINE_MS = 120_000;
const REVERT_CONFIRM_MS = 30_000;

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const bounded = (ms: number, min: number, max: number) => Math.min(max, Math.max(min, ms));

/** Runs `fn` at `atMs`; an error becomes `{ error }`. */
async function at<T>(atMs: number, fn: () => Promise<T>): Promise<T | { error: string }> {
  await sleep(atMs - Date.now());
  try {
    return await fn();
  } catch (e) {
    return { error: describeError(e) };
  }
}

interface Block {
  policy: PolicyWatch;
  /** The acknowledged write (enforce) or the moment the walk saw the platform's policy (observe). */
  startedAt: number;
  /** Enforce only: the harness's fault, to revert. */
  fault?: EgressBlock;
}

export async function runHold(d: HoldDeps): Promise<HoldResult> {
  const region = d.region;
  const events: TimelineEvent[] = [];
  const gate = (g: HoldGateName, dodGate?: string) =>
    new GateRun(holdGateId(g), SUITE, holdGateId(g), { layer: 'L7', region: region.name, severity: 'critical', ...(dodGate ? { dodGate } : {}) }, g === 'egress-policy' ? undefined : [POLICY_GATE]);
  const policyGate = gate('egress-policy', 'L7.5');
  const blockedRest = (why: string) => HOLD_GATES.filter((g) => g !== 'egress-policy').map((g) => gate(g).block(POLICY_GATE, why));
  const watch = new HoldWatch(region);
  let block: Block | undefined;
  const gates: Gate[] = [];
  try {
    // The host gate: everything Ready (or settling) before the hold starts.
    await watch.start();
    const readyBy = Date.now() + d.readyWaitMs;
    while (watch.notReady().length && Date.now() < readyBy) await sleep(Math.min(500, readyBy - Date.now()));
    const choice = await chooseDeployment(region, d.tetheredDeployments);
    if (choice) watch.exclude('deployments.apps', choice.namespace, choice.name);
    const start = watch.snapshot();
    const notReadyAtStart = watch.notReady(start, { settling: true });

    try {
      block = d.mode === 'enforce' ? await enforce(d, policyGate, events) : await observe(d, policyGate, events);
    } catch (e) {
      gates.push(policyGate.error(`could not establish the egress block: ${describeError(e)}`), ...blockedRest('the egress block was not established'));
      return { gates, timeline: holdTimeline(events, d.mode) };
    }
    if (!block) {
      gates.push(policyGate.error(`the platform's ${PLATFORM_POLICY} policy did not appear within ${Math.round(d.holdMs / 1000)}s: no step-08 hold to observe (use --cutover enforce to prove the hold)`), ...blockedRest('no platform egress block appeared'));
      return { gates, timeline: holdTimeline(events, d.mode) };
    }
    const policy = block.policy;
    const holdStart = block.startedAt;
    const holdUntil = holdStart + d.holdMs;
    d.announce(holdUntil);
    watch.beginHold(holdStart);
    const datapathAtStart = datapathDump(region);

    const midHold = holdStart + d.holdMs / 3;
    const callHome = at(holdStart + bounded(d.holdMs / 4, 0, 5000), () => runCallHome(region, CALL_HOME_URLS, d.probeImage, runLabel(d.runId), CALL_HOME_DEADLINE_MS));
    const reconcileDeadline = bounded(d.holdMs / 2, 30_000, IN_HOLD_GRACE_MS);
    const reconciles = at(midHold, async () => [
      await forceReconcile(region, FLUX.gitrepositories, ROOT_SOURCE.namespace, ROOT_SOURCE.name, reconcileDeadline),
      await forceReconcile(region, FLUX.kustomizations, ROOT_KUSTOMIZATION.namespace, ROOT_KUSTOMIZATION.name, reconcileDeadline),
    ]);
    const pull = choice ? at(midHold, () => freshPull(region, choice, bounded(d.holdMs / 2, 60_000, IN_HOLD_GRACE_MS))) : Promise.resolve(undefined);
    let results: [CallHomeOutcome | { error: string }, ReconcileOutcome[] | { error: string }, FreshPullOutcome | { error: string } | undefined] | undefined;
    void Promise.all([callHome, reconciles, pull]).then((r) => (results = r));

    // Hold the whole time, then until the in-hold checks conclude (bounded); a lifted block ends it.
    const limit = holdUntil + IN_HOLD_GRACE_MS;
    while (Date.now() < limit && policy.inPlace && !(results && Date.now() >= holdUntil)) await sleep(Math.min(250, limit - Date.now()));
    const blockEnd = policy.inPlace ? Date.now() : Date.parse(policy.removedAt ?? iso(Date.now()));

    // Progressing objects get a moment to settle; then the end snapshot.
    const settleBy = Date.now() + bounded(d.holdMs / 4, 2000, 30_000);
    while (watch.unresolved().length && Date.now() < settleBy && policy.inPlace) await sleep(200);
    const end = watch.snapshot();
    const holdEnd = Date.now();
    watch.endHold();
    const flips = [...watch.flips, ...watch.unresolved()].sort((a, b) => a.at.localeCompare(b.at));
    const heldMs = Math.min(holdEnd, blockEnd) - holdStart;
    events.push({ lane: 'egress block', label: 'hold', at: holdStart, end: Math.min(holdEnd, blockEnd) });
    for (const f of flips) events.push({ lane: 'Ready lost', label: `${f.object} ${f.condition}=${f.status} ${f.reason ?? ''}`, at: Date.parse(f.at), ok: false });
    for (const p of watch.imagePull) events.push({ lane: 'image pull', label: `${p.pod} ${p.reason}`, at: Date.parse(p.at), ok: false });

    policyGate.attach(datapathEvidence(d, [await datapathAtStart, await datapathDump(region)]));
    gates.push(judgePolicy(policyGate, d, block, heldMs));
    const holdGate = gate('hold', 'L7.5');
    holdGate.attach(d.evidence.json('cutover-hold', { mode: d.mode, holdStartedAt: iso(holdStart), holdEndedAt: iso(holdEnd), plannedMs: d.holdMs, blockEndedAt: iso(blockEnd), watched: watch.watched, start, notReadyAtStart, flips, imagePull: watch.imagePull, end, notReadyAtEnd: watch.notReady(end), watchErrors: watch.errors, freshPullExcluded: choice ? `${choice.namespace}/${choice.name}` : undefined }, 'start/end snapshots and every Ready flip of the hold'));
    gates.push(judgeHold(holdGate, { start, notReadyAtStart, end, notReadyAtEnd: watch.notReady(end), flips, imagePull: watch.imagePull, watched: watch.watched, watchErrors: watch.errors, holdStart, holdEnd, heldMs }));

    const jc: JudgeContext = { evidence: d.evidence, events, afterBlock: (t) => t !== undefined && Date.parse(t) > blockEnd };
    const open: Unfinished = policy.inPlace ? undefined : { blockEnded: true };
    const [ch, rc, fp] = results ?? [open, open, open];
    gates.push(judgeReconcile(gate('forced-reconcile'), jc, rc));
    gates.push(judgeCallHome(gate('call-home'), jc, ch));
    gates.push(judgeFreshPull(gate('fresh-pull'), jc, choice, fp));
  } finally {
    watch.stop();
    if (block?.fault) gates.push(await verifyRevert(gate('revert'), d, block.fault, block.policy, events));
    else if (!gates.some((g) => g.id === holdGateId('revert')) && block) gates.push(gate('revert').skip("observe mode applies no fault; the platform's own teardown removes its policy"));
    block?.policy.stop();
  }
  return { gates, timeline: holdTimeline(events, d.mode) };
}

async function enforce(d: HoldDeps, g: GateRun, events: TimelineEvent[]): Promise<Block> {
  const fault = await g.step('apply the harness egress block (backstop first)', () => applyEgressBlock({ region: d.region, ledger: d.ledger, runId: d.runId, holdMs: d.holdMs, image: d.probeImage }), (b) => `${b.mode}: ${b.manifests.length} objects, ledger ${b.fault.id}, expires ${b.expiresAt}`);
  const policy = new PolicyWatch(d.region, fault.policy.resource, { labelSelector: fault.policy.labelSelector });
  try {
    await policy.start();
  } catch (e) {
    await fault.fault.revert();
    throw e;
  }
  const startedAt = Date.parse(fault.fault.appliedAt);
  events.push({ lane: 'egress block', label: `${fault.policy.name} applied (${fault.mode})`, at: startedAt });
  g.attach(d.evidence.json('cutover-egress-policy', { mode: d.mode, policyMode: fault.mode, faultId: fault.fault.id, ledger: d.ledger.path, expiresAt: fault.expiresAt, manifests: fault.manifests }, 'the harness egress block and its in-cluster backstop'));
  return { policy, startedAt, fault };
}

/** Observe mode: wait (up to the hold) for the platform's step-08 policy; undefined when it never appears. */
async function observe(d: HoldDeps, g: GateRun, events: TimelineEvent[]): Promise<Block | undefined> {
  await ensureHarnessNamespace(d.region);
  await d.region.resolve(CCNP);
  const policy = new PolicyWatch(d.region, CCNP, { fieldSelector: `metadata.name=${PLATFORM_POLICY}` });
  await policy.start();
  const seen = await g.step(`wait for the platform's ${PLATFORM_POLICY} policy (up to ${Math.round(d.holdMs / 1000)}s)`, () => policy.untilPresent(d.holdMs), (v) => (v ? `in place since ${policy.firstSeenAt}${policy.alreadyPresent ? ' (already when the walk looked)' : ''}` : 'never appeared'));
  if (!seen) {
    policy.stop();
    return undefined;
  }
  events.push({ lane: 'egress block', label: `${PLATFORM_POLICY} observed`, at: Date.parse(policy.firstSeenAt!) });
  const jobs = (await d.region.list('jobs.batch', { namespace: 'catalyst' })).items.filter((j) => /egress|step-08/.test(j.metadata.name)).map((j) => ({ name: j.metadata.name, status: j.status }));
  g.attach(d.evidence.json('cutover-egress-policy', { mode: d.mode, policy: policy.objects()[0], firstSeenAt: policy.firstSeenAt, alreadyPresent: policy.alreadyPresent, shapeProblems: policyShapeProblems(policy.objects()[0]), step08Jobs: jobs }, "the platform's own step-08 egress block"));
  return { policy, startedAt: Date.now() };
}

function datapathEvidence(d: HoldDeps, dumps: DatapathDump[]) {
  const text = dumps.map((x) => `# ${x.at} ${x.region}: ${x.command}${x.agent ? ` in ${x.agent}` : ''}${x.exitCode !== undefined ? ` (exit ${x.exitCode})` : ''}\n${x.output.trimEnd()}\n`).join('\n');
  return d.evidence.write({ surface: 'cutover-datapath', kind: 'text', ext: 'txt', content: text, description: "the CNI agent's datapath when the block took hold and at the end of the hold" });
}

function judgePolicy(g: GateRun, d: HoldDeps, block: Block, heldMs: number): Gate {
  g.metric('heldMs', heldMs);
  const removedAt = block.policy.removedAt;
  const name = block.fault?.policy.name ?? PLATFORM_POLICY;
  if (!block.policy.inPlace && removedAt && Date.parse(removedAt) < block.startedAt + d.holdMs) {
    return g.fail(`${name} was removed at ${removedAt}, ${Math.round((Date.parse(removedAt) - block.startedAt) / 1000)}s into a ${Math.round(d.holdMs / 1000)}s hold${d.mode === 'observe' ? ' (the platform lifted its block early)' : ' (not by this run)'}`);
  }
  if (block.fault) return g.pass(`${name} (${block.fault.mode}) held ${Math.round(heldMs / 1000)}s from ${iso(block.startedAt)}; its backstop Job deletes it at ${block.fault.expiresAt} if this run dies`);
  const observed = block.policy.objects()[0];
  const shape = observed ? policyShapeProblems(observed) : [];
  return shape.length ? g.fail(`${PLATFORM_POLICY} does not block egress as step 08 intends: ${shape.join('; ')}`) : g.pass(`${PLATFORM_POLICY} held ${Math.round(heldMs / 1000)}s of the ${Math.round(d.holdMs / 1000)}s hold, selecting every endpoint`);
}

async function verifyRevert(g: GateRun, d: HoldDeps, block: EgressBlock, policy: PolicyWatch, events: TimelineEvent[]): Promise<Gate> {
  let record;
  try {
    record = await g.step('revert the egress block (ledger-recorded steps)', () => block.fault.revert(), (r) => `reverted ${r.revertedAt}`);
  } catch (e) {
    return g.fail(`revert failed: ${(e as Error).message}; the next walk's janitor (or the backstop at ${block.expiresAt}) removes it`);
  }
  const gone = await policy.untilGone(REVERT_CONFIRM_MS);
  const leftovers: string[] = [];
  for (const resource of [block.policy.resource, 'jobs.batch', 'serviceaccounts', 'clusterroles.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io']) {
    try {
      const { items } = await d.region.list(resource, { labelSelector: block.policy.labelSelector });
      leftovers.push(...items.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`));
    } catch (e) {
      leftovers.push(`${resource}: could not list (${describeError(e)})`);
    }
  }
  const removedAt = policy.removedAt ?? record.revertedAt;
  if (removedAt) events.push({ lane: 'egress block', label: 'reverted', at: Date.parse(removedAt) });
  g.attach(d.evidence.json('cutover-revert', { faultId: block.fault.id, ledger: d.ledger.path, record, policyRemovedAt: policy.removedAt, leftovers }, 'the egress block after its revert'));
  if (!gone || leftovers.length) return g.fail(`still present after the revert: ${[...(gone ? [] : [block.policy.name]), ...leftovers].join(', ')}`);
  return g.pass(`${block.policy.name} gone at ${removedAt} (watch event), backstop removed, ledger entry ${block.fault.id} marked reverted`);
}
