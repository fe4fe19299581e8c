/**
 * The cutover model of the simulated Sovereign: the network policy model behind `ctx.net`
 * (CiliumClusterwideNetworkPolicies and NetworkPolicies of the primary region decide what any
 * workload can reach; the mothership hosts are stand-in names that never see traffic), the
 * image-pull model, the Jobs the cutover walk runs, the workloads whose health follows their
 * upstream, the tether faults and the platform's own step-08 hold for observe mode.
 */
import type { SimContext } from '../context.js';
import type { KubeObject, ResourceType } from '../kube/types.js';
import { regionHooks } from '../region-hooks.js';
import { NETWORKPOLICY } from '../resources.js';
import { inform, record } from '../runtime/objects.js';
import { resolveUrl } from './dns.js';
import type { Tether } from './faults.js';
import { installEgressDependents } from './dependents.js';
import { installCutoverJobs } from './jobs.js';
import { installPlatformHold } from './platform-hold.js';
import { egressAllowed } from './policy-model.js';
import { PULL_FAILURE_MARK, pullFailure, type PullContext } from './pulls.js';
import { seedCutoverWorld } from './world.js';
import './faults.js';

export { CUTOVER_FAULT_KINDS, TETHERS } from './faults.js';

/** Types the walk's backstop needs (a ServiceAccount allowed to delete one policy). */
const RBAC_TYPES: ResourceType[] = [
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], hasStatus: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, hasStatus: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, hasStatus: false },
];
const CCNP_TYPE: [string, string] = ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'];
const RETRY_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

export async function installCutover(ctx: SimContext): Promise<void> {
  const local = { sovereign: ctx.sovereign, poolDomain: ctx.poolDomain };
  const { store } = ctx.primary;
  for (const r of ctx.regions) for (const rt of RBAC_TYPES) if (!r.store.typeFor(rt.group ? `${rt.group}/${rt.version}` : rt.version, rt.kind)) r.store.registerType(rt);

  ctx.net.setRule((fromNamespace, url) => {
    const ep = resolveUrl(url, local);
    return ep !== undefined && egressAllowed(store, fromNamespace, ep);
  });

  const tethers = new Set(ctx.faults.filter((f) => f.kind === 'tether').map((f) => f.arg));
  const stops: (() => void)[] = seedCutoverWorld(ctx, (t: Tether) => tethers.has(t));

  const pulls: PullContext = { store, local };
  stops.push(regionHooks(ctx.primary).addPodHealthRule((pod) => pullFailure(pulls, pod)));
  stops.push(retryFailedPulls(pulls));
  stops.push(installCutoverJobs(ctx.primary, ctx.net));
  stops.push(installEgressDependents(ctx.primary, ctx.net));
  const hold = ctx.faults.find((f) => f.kind === 'cutover-hold')?.arg;
  if (hold !== undefined) stops.push(installPlatformHold(ctx.primary, Number(hold)));
  ctx.onStop(() => {
    for (const stop of stops) stop();
  });
}

/** The kubelet retries a failed pull: when a policy changes, pods the pull model failed are replaced if they can pull now. */
function retryFailedPulls(c: PullContext): () => void {
  let pending: NodeJS.Timeout | undefined;
  const sweep = () => {
    pending = undefined;
    for (const pod of c.store.list('v1', 'Pod')) {
      const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
      if (!owner || !RETRY_OWNERS.has(owner.kind) || !failedByUs(pod) || pullFailure(c, pod)) continue;
      c.store.delete('v1', 'Pod', pod.metadata.namespace, pod.metadata.name);
    }
  };
  const onChange = () => {
    pending ??= setTimeout(sweep, 50);
  };
  const unsubscribe = [NETWORKPOLICY, c.store.typeFor(...CCNP_TYPE)].filter((rt): rt is ResourceType => rt !== undefined).map((rt) => inform(c.store, rt, onChange));
  return () => {
    clearTimeout(pending);
    for (const u of unsubscribe) u();
  };
}

function failedByUs(pod: KubeObject): boolean {
  const statuses = (record(pod.status).containerStatuses as { state?: { waiting?: { reason?: string; message?: string } } }[] | undefined) ?? [];
  return statuses.some((s) => s.state?.waiting?.reason === 'ImagePullBackOff' && (s.state.waiting.message ?? '').includes(PULL_FAILURE_MARK));
}
