/** Conditions as controllers write them: the transition time kept while the status does not change. */
import type { KubeObject } from '../kube-client/api.js';

export interface ConditionSpec {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export function rfc3339(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function condition(obj: KubeObject, c: ConditionSpec, withGeneration = true): Record<string, unknown> {
  const before = (obj.status?.conditions ?? []).find((x) => x.type === c.type);
  return {
    ...c,
    lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : rfc3339(),
    ...(withGeneration ? { observedGeneration: obj.metadata.generation } : {}),
  };
}

/** A condition as Knative's apis.ConditionSet writes it: reason and message only on a condition that is not True. */
export function knativeCondition(obj: KubeObject, type: string, status: ConditionSpec['status'], reason?: string, message?: string): Record<string, unknown> {
  const before = (obj.status?.conditions ?? []).find((x) => x.type === type);
  return {
    type,
    status,
    ...(status !== 'True' && reason ? { reason } : {}),
    ...(status !== 'True' && message ? { message } : {}),
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : rfc3339(),
  };
}
