/**
 * Fresh-pull proof: restart one Deployment during the hold (the restartedAt annotation, as
 * `kubectl rollout restart` does) and require its new pods to pull and become Ready. Prefers a
 * Deployment the tether audit found on a mothership image; never one in the namespaces DoD L6
 * checks for late restarts.
 */
import type { RegionClient } from '../../target/kube.js';
import { condition, describeError, type KubeObject } from '../../target/objects.js';
import { HARNESS_NAMESPACE, RESTARTED_AT_ANNOTATION, ZERO_TOUCH_NAMESPACES } from './constants.js';
import { IMAGE_PULL_FAILURES, type ImagePullFailure } from './hold.js';

export interface FreshPullChoice {
  namespace: string;
  name: string;
  why: string;
}

export interface FreshPullOutcome {
  deployment: string;
  why: string;
  restartedAt?: string;
  newPods: string[];
  /** Event time the last required new pod turned Ready. */
  readyAt?: string;
  failure?: ImagePullFailure;
  ok: boolean;
  problem?: string;
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function images(d: KubeObject): string[] {
  const spec = rec(rec(rec(d.spec).template).spec);
  return [...((spec.initContainers as unknown[] | undefined) ?? []), ...((spec.containers as unknown[] | undefined) ?? [])].map((c) => String(rec(c).image ?? ''));
}

const replicasOf = (d: KubeObject) => (typeof rec(d.spec).replicas === 'number' ? (rec(d.spec).replicas as number) : 1);

/** `tethered`: `<namespace>/<name>` of Deployments the images tether named. */
export async function chooseDeployment(region: RegionClient, tethered: readonly string[]): Promise<FreshPullChoice | undefined> {
  const all = (await region.list('deployments.apps')).items
    .filter((d) => !ZERO_TOUCH_NAMESPACES.includes(d.metadata.namespace ?? '') && d.metadata.namespace !== HARNESS_NAMESPACE)
    .filter((d) => replicasOf(d) >= 1 && Number(rec(d.status).availableReplicas ?? 0) >= 1)
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const key = (d: KubeObject) => `${d.metadata.namespace}/${d.metadata.name}`;
  const t = all.find((d) => tethered.includes(key(d)));
  if (t) return { namespace: t.metadata.namespace!, name: t.metadata.name, why: 'its image is on a mothership registry (tether audit)' };
  const own = all.find((d) => images(d).some((i) => i.includes('/openova-io/')));
  if (own) return { namespace: own.metadata.namespace!, name: own.metadata.name, why: 'runs a platform image (openova-io)' };
  return undefined;
}

export async function freshPull(region: RegionClient, choice: FreshPullChoice, deadlineMs: number): Promise<FreshPullOutcome> {
  const deployment = `Deployment ${choice.namespace}/${choice.name}`;
  const out: FreshPullOutcome = { deployment, why: choice.why, newPods: [], ok: false };
  const d = await region.get('deployments.apps', choice.namespace, choice.name);
  if (!d) return { ...out, problem: `${deployment} disappeared before the restart` };
  const matchLabels = rec(rec(rec(d.spec).selector).matchLabels) as Record<string, string>;
  const selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const want = replicasOf(d);
  const before = new Set<string>();
  const ready = new Set<string>();
  let restarted = false;
  let settle: () => void = () => {};
  const done = new Promise<void>((r) => (settle = r));
  const onPod = (type: string, pod: KubeObject, at: number) => {
    const name = pod.metadata.name;
    if (!restarted) {
      before.add(name);
      return;
    }
    if (before.has(name) || type === 'DELETED') return;
    if (!out.newPods.includes(name)) out.newPods.push(name);
    for (const raw of (rec(pod.status).containerStatuses as unknown[] | undefined) ?? []) {
      const c = rec(raw);
      const waiting = rec(rec(c.state).waiting);
      const reason = typeof waiting.reason === 'string' ? waiting.reason : '';
      if (IMAGE_PULL_FAILURES.has(reason)) {
        out.failure = { pod: `Pod ${choice.namespace}/${name}`, container: String(c.name ?? ''), image: String(c.image ?? ''), reason, message: typeof waiting.message === 'string' ? waiting.message : undefined, at: new Date(at).toISOString() };
        settle();
        return;
      }
    }
    if (condition(pod, 'Ready')?.status === 'True') {
      ready.add(name);
      if (ready.size >= want) {
        out.readyAt = new Date(at).toISOString();
        out.ok = true;
        settle();
      }
    }
  };
  const watch = await region.watch('pods', { namespace: choice.namespace, labelSelector: selector || undefined }, onPod);
  const timer = setTimeout(settle, deadlineMs);
  try {
    const token = new Date().toISOString();
    restarted = true;
    await region.mergePatch('deployments.apps', choice.namespace, choice.name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: token } } } } });
    out.restartedAt = token;
    await done;
  } catch (e) {
    out.problem = `could not restart ${deployment}: ${describeError(e)}`;
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
  if (!out.ok && !out.problem) {
    out.problem = out.failure
      ? `${out.failure.pod} (new pod of ${deployment}) could not pull ${out.failure.image}: ${out.failure.reason}${out.failure.message ? ` (${out.failure.message})` : ''}`
      : `${deployment}: ${ready.size} of ${want} new pod(s) Ready within ${Math.round(deadlineMs / 1000)}s (new pods: ${out.newPods.join(', ') || 'none'})`;
  }
  return out;
}
