/** `kubectl rollout status` semantics for Deployments, DaemonSets and StatefulSets. */
import type { RolloutCheck } from '../../src/kit/types.js';
import type { KubeObject } from '../../src/target/objects.js';
import { outcome, type ProbeEnv, type ProbeOutcome } from './types.js';

export const WORKLOAD_RESOURCE = { deployment: 'deployments.apps', daemonset: 'daemonsets.apps', statefulset: 'statefulsets.apps' } as const;

export async function probeRollout(check: RolloutCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const obj = await env.region.get(WORKLOAD_RESOURCE[check.workload], check.namespace, check.name);
  const what = `${check.workload} ${check.namespace}/${check.name}`;
  if (!obj) return outcome(false, `${what} not found`);
  const problem = rolloutProblem(check.workload, obj);
  return problem ? outcome(false, `${what}: ${problem}`, { observed: obj }) : outcome(true, `${what} rolled out`, { observed: obj });
}

export function rolloutProblem(workload: RolloutCheck['workload'], obj: KubeObject): string | undefined {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const st = (obj.status ?? {}) as Record<string, unknown>;
  const n = (k: string) => Number(st[k] ?? 0);
  if (Number(st.observedGeneration ?? 0) < (obj.metadata.generation ?? 0)) return 'rollout not yet observed by its controller (observedGeneration < generation)';
  if (workload === 'daemonset') {
    const want = n('desiredNumberScheduled');
    if (n('updatedNumberScheduled') < want) return `${n('updatedNumberScheduled')} of ${want} pods updated`;
    if (n('numberAvailable') < want) return `${n('numberAvailable')} of ${want} pods available`;
    return undefined;
  }
  const want = Number(spec.replicas ?? 1);
  if (n('updatedReplicas') < want) return `${n('updatedReplicas')} of ${want} replicas updated`;
  if (workload === 'statefulset') {
    if (n('readyReplicas') < want) return `${n('readyReplicas')} of ${want} replicas ready`;
    if (st.updateRevision && st.currentRevision !== st.updateRevision) return `revision ${String(st.currentRevision)} not yet ${String(st.updateRevision)}`;
    return undefined;
  }
  if (Number(st.replicas ?? 0) > n('updatedReplicas')) return `${Number(st.replicas) - n('updatedReplicas')} old replicas pending termination`;
  if (n('availableReplicas') < want) return `${n('availableReplicas')} of ${want} replicas available`;
  return undefined;
}
