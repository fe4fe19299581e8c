/** Judging the hold's gates from what the hold observed. */
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { Gate } from '../../gates/types.js';
import type { GateRun } from '../../gates/gate-run.js';
import { HARNESS_NAMESPACE, SUITE } from './constants.js';
import type { Flip, ImagePullFailure, ObjectSnapshot } from './hold.js';
import type { ReconcileOutcome } from './reconcile.js';
import type { CallHomeOutcome } from './call-home.js';
import type { FreshPullChoice, FreshPullOutcome } from './fresh-pull.js';
import type { TimelineEvent } from './timeline.js';

export const HOLD_GATES = ['egress-policy', 'hold', 'forced-reconcile', 'call-home', 'fresh-pull', 'revert'] as const;
export type HoldGateName = (typeof HOLD_GATES)[number];
export const holdGateId = (g: HoldGateName) => `${SUITE}/${g}`;
export const POLICY_GATE = holdGateId('egress-policy');

const MAX_LISTED = 5;

/** A check that could not run, or did not finish while the block was in place. */
export type Unfinished = { error: string } | { blockEnded: true } | undefined;

export interface JudgeContext {
  evidence: EvidenceWriter;
  events: TimelineEvent[];
  /** True when `t` lies after the egress block ended (the result no longer proves anything). */
  afterBlock(t?: string): boolean;
}

const clip = (s: string | undefined, n = 160) => (s && s.length > n ? `${s.slice(0, n)}…` : s ?? '');

export function listed<T>(items: readonly T[], fmt: (x: T) => string): string {
  return items.slice(0, MAX_LISTED).map(fmt).join('; ') + (items.length > MAX_LISTED ? `; and ${items.length - MAX_LISTED} more (see evidence)` : '');
}

export const fmtFlip = (f: Flip) => `${f.object} ${f.condition}=${f.status} at ${f.at}${f.reason || f.message ? ` (${[f.reason, clip(f.message)].filter(Boolean).join(': ')})` : ''}`;
export const fmtPull = (p: ImagePullFailure) => `${p.pod} ${p.reason} at ${p.at} (${p.image})`;
export const fmtNotReady = (s: ObjectSnapshot) =>
  `${s.object} ${Object.entries(s.conditions).filter(([, c]) => c.status !== 'True').map(([t, c]) => `${t}=${c.status}${c.reason ? ` ${c.reason}` : ''}`).join(',')}`;

function unfinished(g: GateRun, what: string, u: Unfinished): Gate {
  if (u && 'error' in u) return g.error(`could not run the ${what}: ${u.error}`);
  if (u && 'blockEnded' in u) return g.block(POLICY_GATE, `the egress block ended before the ${what} concluded`);
  return g.error(`the ${what} did not conclude in time`);
}

export interface HoldObservation {
  start: ObjectSnapshot[];
  notReadyAtStart: ObjectSnapshot[];
  end: ObjectSnapshot[];
  notReadyAtEnd: ObjectSnapshot[];
  flips: Flip[];
  imagePull: ImagePullFailure[];
  watched: string[];
  watchErrors: string[];
  holdStart: number;
  holdEnd: number;
  heldMs: number;
}

export function judgeHold(g: GateRun, o: HoldObservation): Gate {
  const at = (ms: number) => new Date(ms).toISOString();
  g.addStep({ name: `start snapshot: ${o.start.length} objects`, status: o.notReadyAtStart.length ? 'failed' : 'passed', startedAt: at(o.holdStart), finishedAt: at(o.holdStart), detail: o.notReadyAtStart.length ? `not Ready: ${listed(o.notReadyAtStart, fmtNotReady)}` : 'all Ready' });
  g.addStep({ name: `watch ${o.watched.join(', ')}`, status: o.flips.length || o.imagePull.length ? 'failed' : 'passed', startedAt: at(o.holdStart), finishedAt: at(o.holdEnd), detail: `${o.flips.length} Ready flips, ${o.imagePull.length} image-pull failures` });
  g.addStep({ name: `end snapshot: ${o.end.length} objects`, status: o.notReadyAtEnd.length ? 'failed' : 'passed', startedAt: at(o.holdEnd), finishedAt: at(o.holdEnd), detail: o.notReadyAtEnd.length ? `not Ready: ${listed(o.notReadyAtEnd, fmtNotReady)}` : 'all Ready' });
  g.metric('flips', o.flips.length);
  g.metric('imagePullFailures', o.imagePull.length);
  g.metric('heldMs', o.heldMs);
  const problems: string[] = [];
  if (o.notReadyAtStart.length) problems.push(`not Ready when the hold began: ${listed(o.notReadyAtStart, fmtNotReady)}`);
  if (o.flips.length) problems.push(`lost Ready during the hold: ${listed(o.flips, fmtFlip)}`);
  if (o.imagePull.length) problems.push(`image pulls failed: ${listed(o.imagePull, fmtPull)}`);
  const known = new Set([...o.flips.map((f) => f.object), ...o.notReadyAtStart.map((s) => s.object)]);
  const late = o.notReadyAtEnd.filter((s) => !known.has(s.object));
  if (late.length) problems.push(`not Ready at the end: ${listed(late, fmtNotReady)}`);
  if (problems.length) return g.fail(problems.join(' | '));
  if (o.watchErrors.length) return g.error(`watches failed, the hold cannot be judged: ${o.watchErrors.slice(0, 3).join('; ')}`);
  return g.pass(`${o.start.length} objects stayed Ready for ${Math.round(o.heldMs / 1000)}s without the mothership; no image pull failed`);
}

export function judgeReconcile(g: GateRun, c: JudgeContext, rc: ReconcileOutcome[] | Unfinished): Gate {
  if (!Array.isArray(rc)) return unfinished(g, 'forced reconcile', rc);
  g.attach(c.evidence.json('cutover-forced-reconcile', rc, 'reconcile.fluxcd.io/requestedAt → status.lastHandledReconcileAt, with Ready'));
  for (const o of rc) {
    g.addStep({ name: `reconcile ${o.object}`, status: o.ok ? 'passed' : 'failed', startedAt: o.requestedAt, finishedAt: o.readyAt ?? o.handledAt ?? o.requestedAt, detail: o.ok ? `handled ${o.handledAt}, Ready ${o.readyAt}` : o.problem });
    c.events.push({ lane: 'forced reconcile', label: `${o.object}: ${o.ok ? 'Ready' : o.problem}`, at: Date.parse(o.readyAt ?? o.handledAt ?? o.requestedAt), ok: o.ok });
  }
  if (rc.some((o) => c.afterBlock(o.readyAt ?? o.handledAt))) return g.block(POLICY_GATE, 'the egress block ended before the forced reconcile concluded');
  const bad = rc.filter((o) => !o.ok);
  return bad.length ? g.fail(bad.map((o) => o.problem).join('; ')) : g.pass(rc.map((o) => `${o.object} reconciled from local sources (handled ${o.handledAt}, Ready)`).join('; '));
}

export function judgeCallHome(g: GateRun, c: JudgeContext, ch: CallHomeOutcome | Unfinished): Gate {
  if (!ch || 'error' in ch || 'blockEnded' in ch) return unfinished(g, 'call-home probe', ch);
  g.attach(c.evidence.json('cutover-call-home', ch, `call-home probe ${ch.job}: curl exit code per URL`));
  if (ch.message) g.attach(c.evidence.write({ surface: 'cutover-call-home', kind: 'log', ext: 'log', content: ch.message, description: `termination message of ${ch.pod}` }));
  if (ch.harnessProblem) return g.error(ch.harnessProblem);
  const finished = ch.finishedAt ?? new Date().toISOString();
  c.events.push({ lane: 'call-home', label: `${ch.attempts.filter((a) => !a.blocked).length} of ${ch.attempts.length} reached`, at: Date.parse(finished), ok: ch.attempts.every((a) => a.blocked) });
  if (c.afterBlock(ch.finishedAt)) return g.block(POLICY_GATE, 'the egress block ended before the call-home probe finished');
  for (const a of ch.attempts) g.addStep({ name: `curl ${a.url}`, status: a.blocked ? 'passed' : 'failed', startedAt: finished, finishedAt: finished, detail: `curl exit ${a.curlExit}, http ${a.http}` });
  const reached = ch.attempts.filter((a) => !a.blocked);
  return reached.length
    ? g.fail(`reached the mothership from inside the cluster (${ch.pod}): ${reached.map((a) => `${a.url} (curl exit ${a.curlExit}, http ${a.http})`).join('; ')}`)
    : g.pass(`${ch.pod} could not connect to any of ${ch.attempts.map((a) => a.url).join(', ')} (curl exit ${[...new Set(ch.attempts.map((a) => a.curlExit))].join('/')})`);
}

export function judgeFreshPull(g: GateRun, c: JudgeContext, choice: FreshPullChoice | undefined, fp: FreshPullOutcome | Unfinished): Gate {
  if (!choice) return g.skip(`no available Deployment outside ${HARNESS_NAMESPACE} and the DoD L6 namespaces runs a platform image: nothing to restart`);
  if (!fp || 'error' in fp || 'blockEnded' in fp) return unfinished(g, 'fresh-pull proof', fp);
  g.attach(c.evidence.json('cutover-fresh-pull', fp, `restart of ${fp.deployment} during the hold`));
  const finished = fp.readyAt ?? fp.failure?.at ?? new Date().toISOString();
  c.events.push({ lane: 'fresh pull', label: `${fp.deployment}: ${fp.ok ? 'Ready' : fp.problem}`, at: Date.parse(finished), ok: fp.ok });
  g.addStep({ name: `restart ${fp.deployment} (${fp.why})`, status: fp.ok ? 'passed' : 'failed', startedAt: fp.restartedAt ?? finished, finishedAt: finished, detail: fp.ok ? `new pods ${fp.newPods.join(', ')} Ready ${fp.readyAt}` : fp.problem });
  if (fp.ok && c.afterBlock(fp.readyAt)) return g.block(POLICY_GATE, 'the egress block ended before the restarted pods were Ready');
  return fp.ok ? g.pass(`${fp.deployment} restarted at ${fp.restartedAt}; new pod(s) ${fp.newPods.join(', ')} pulled and Ready at ${fp.readyAt}`) : g.fail(fp.problem ?? 'fresh pull failed');
}
