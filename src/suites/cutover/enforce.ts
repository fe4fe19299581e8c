/**
 * Enforce mode: apply the harness's own egress block through the fault ledger, with the
 * in-cluster backstop created first, and revert it (policy first, then the backstop).
 */
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import { applyFault, newFaultId, type AppliedFault } from '../../chaos/fault.js';
import { executeRevert } from '../../chaos/revert.js';
import type { FaultLedger } from '../../chaos/ledger.js';
import type { RevertStep } from '../../chaos/types.js';
import { CCNP, HARNESS_NAMESPACE, HARNESS_POLICY, LABEL_FAULT, MANAGED_BY, NETWORKPOLICIES } from './constants.js';
import { backstopObjects, ciliumPolicy, networkPolicies, type PolicyInput, type PolicyMode } from './policy.js';

/** How long after the planned end of the hold the backstop deletes the policy if nobody else did. */
export const BACKSTOP_GRACE_MS = 5 * 60_000;

export interface EgressBlock {
  mode: PolicyMode;
  fault: AppliedFault<KubeObject[]>;
  /** Everything created, in creation order (backstop first). */
  manifests: KubeObject[];
  expiresAt: string;
  /** Where the policy lives, for watching it. */
  policy: { resource: string; name: string; labelSelector: string };
}

export async function detectPolicyMode(region: RegionClient): Promise<PolicyMode> {
  try {
    await region.resolve(CCNP);
    return 'cilium';
  } catch (e) {
    if (e instanceof NotServedError) return 'networkpolicy';
    throw e;
  }
}

export async function ensureHarnessNamespace(region: RegionClient): Promise<void> {
  if (await region.get('namespaces', undefined, HARNESS_NAMESPACE)) return;
  try {
    await region.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: HARNESS_NAMESPACE, labels: { ...MANAGED_BY } } });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
}

/** Label-safe form of a run id. */
export function runLabel(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 63) || 'run';
}

export interface EnforceInput {
  region: RegionClient;
  ledger: FaultLedger;
  runId: string;
  holdMs: number;
  image: string;
}

export async function applyEgressBlock(i: EnforceInput): Promise<EgressBlock> {
  const mode = await detectPolicyMode(i.region);
  await ensureHarnessNamespace(i.region);
  const faultId = newFaultId('egress-block');
  const expiresAt = new Date(Date.now() + i.holdMs + BACKSTOP_GRACE_MS).toISOString();
  const p: PolicyInput = { faultId, runLabel: runLabel(i.runId), expiresAt };
  const namespaces = mode === 'cilium' ? [] : (await i.region.list('namespaces')).items.map((n) => n.metadata.name);
  const nodeIps = mode === 'cilium' ? [] : (await i.region.list('nodes')).items.flatMap((n) => ((n.status?.addresses as { type: string; address: string }[] | undefined) ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address));
  const policies = mode === 'cilium' ? [ciliumPolicy(p)] : networkPolicies(p, namespaces, nodeIps);
  const backstop = backstopObjects(p, mode, namespaces, i.image);
  const selector = `${LABEL_FAULT}=${faultId}`;
  const r = i.region.name;
  const revert: RevertStep[] = [
    { kind: 'delete-fault-objects', region: r, resource: mode === 'cilium' ? CCNP : NETWORKPOLICIES },
    { kind: 'delete-fault-objects', region: r, resource: 'jobs.batch', namespace: HARNESS_NAMESPACE },
    // Job deletion through the API orphans its pods; delete them too.
    { kind: 'delete-fault-objects', region: r, resource: 'pods', namespace: HARNESS_NAMESPACE },
    { kind: 'delete-fault-objects', region: r, resource: 'clusterrolebindings.rbac.authorization.k8s.io' },
    { kind: 'delete-fault-objects', region: r, resource: 'clusterroles.rbac.authorization.k8s.io' },
    { kind: 'delete-fault-objects', region: r, resource: 'serviceaccounts', namespace: HARNESS_NAMESPACE },
  ];
  const resource = mode === 'cilium' ? CCNP : NETWORKPOLICIES;
  const fault = await applyFault(
    i.ledger,
    {
      id: faultId,
      kind: 'egress-block',
      target: `${r}/${resource}/${HARNESS_POLICY}`,
      runId: i.runId,
      detail: mode === 'cilium' ? 'CiliumClusterwideNetworkPolicy, default-deny egress' : `NetworkPolicy in ${namespaces.length} namespaces`,
      region: r,
      resource,
      name: HARNESS_POLICY,
      revert,
      expiresAt,
    },
    async () => {
      const created: KubeObject[] = [];
      for (const o of [...backstop, ...policies]) created.push(await i.region.create(o));
      return created;
    },
    () => executeRevert({ regions: [i.region] }, faultId, revert),
  );
  return { mode, fault, manifests: [...backstop, ...policies], expiresAt, policy: { resource, name: HARNESS_POLICY, labelSelector: selector } };
}
