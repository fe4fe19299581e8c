/**
 * A forced Flux reconcile, the way `flux reconcile` asks for one: set
 * `reconcile.fluxcd.io/requestedAt` and wait for `status.lastHandledReconcileAt` to echo it
 * with Ready=True. Proves the controllers still reconcile from local sources under the block.
 */
import type { RegionClient } from '../../target/kube.js';
import { condition, describeError, type KubeObject } from '../../target/objects.js';
import { RECONCILE_ANNOTATION } from './constants.js';

export interface ReconcileOutcome {
  object: string;
  requestedAt: string;
  /** When the patch was acknowledged. */
  patchedAt?: string;
  /** Event time of the first status that echoed the request. */
  handledAt?: string;
  /** Event time Ready=True was seen with the request handled. */
  readyAt?: string;
  ready?: { status: string; reason?: string; message?: string };
  ok: boolean;
  problem?: string;
}

export async function forceReconcile(region: RegionClient, resource: string, namespace: string, name: string, deadlineMs: number): Promise<ReconcileOutcome> {
  const object = `${(await region.resolve(resource)).kind} ${namespace}/${name}`;
  const token = new Date().toISOString();
  const out: ReconcileOutcome = { object, requestedAt: token, ok: false };
  let settle: () => void = () => {};
  const done = new Promise<void>((r) => (settle = r));
  const onEvent = (type: string, obj: KubeObject, at: number) => {
    if (type === 'DELETED') {
      out.problem = `${object} was deleted`;
      settle();
      return;
    }
    if ((obj.status as { lastHandledReconcileAt?: unknown } | undefined)?.lastHandledReconcileAt !== token) return;
    out.handledAt ??= new Date(at).toISOString();
    const ready = condition(obj, 'Ready');
    out.ready = ready ? { status: ready.status, reason: ready.reason, message: ready.message } : { status: '(none)' };
    if (ready?.status === 'True') {
      out.readyAt = new Date(at).toISOString();
      out.ok = true;
      settle();
    } else if (ready?.status === 'False') {
      out.problem = `${object} handled the reconcile at ${out.handledAt} but is Ready=False (${ready.reason ?? ''}: ${ready.message ?? ''})`;
      settle();
    }
  };
  const watch = await region.watch(resource, { namespace, fieldSelector: `metadata.name=${name}` }, onEvent);
  const timer = setTimeout(settle, Math.max(0, deadlineMs));
  try {
    await region.mergePatch(resource, namespace, name, { metadata: { annotations: { [RECONCILE_ANNOTATION]: token } } });
    out.patchedAt = new Date().toISOString();
    await done;
  } catch (e) {
    out.problem = `could not request a reconcile of ${object}: ${describeError(e)}`;
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
  if (!out.ok && !out.problem) {
    out.problem = out.handledAt
      ? `${object} handled the reconcile at ${out.handledAt} but did not become Ready within ${Math.round(deadlineMs / 1000)}s (Ready=${out.ready?.status} ${out.ready?.reason ?? ''})`
      : `${object} did not handle the reconcile requested at ${token} within ${Math.round(deadlineMs / 1000)}s`;
  }
  return out;
}
