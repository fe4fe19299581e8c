/**
 * Picks the region kill actuator (the target's own, or `--kill-mode`) and carries the kill out
 * through the fault ledger: intent with the heal steps first, then the kill, then the heal at
 * the end of the suite (or by a signal handler, the reaper or the next run's janitor).
 */
import { applyFault, newFaultId, type AppliedFault } from '../../chaos/fault.js';
import type { FaultLedger } from '../../chaos/ledger.js';
import { executeRevert, type RevertDeps } from '../../chaos/revert.js';
import type { RegionClient } from '../../target/kube.js';
import type { RegionKillSpec, RegionSpec } from '../../target/types.js';
import { cnpgFencePlan } from './cnpg-fence.js';
import { commandPlan } from './command.js';
import { containerPlan } from './container.js';
import { hcloudPlan } from './hcloud.js';
import { networkPolicyPlan } from './network-policy.js';
import { processSignalPlan } from './process-signal.js';
import type { CommandRunner, KillOutcome, KillPlan } from './types.js';

export type { KillOutcome, KillPlan, KillStrength } from './types.js';

/** `--kill-mode` values: actuators the harness can derive from what it sees on the target. */
export const KILL_MODES = ['hcloud', 'network-policy', 'cnpg-fence'] as const;

/** Fault ledger kind of a region kill. */
export const REGION_KILL_FAULT = 'region-kill';
/** The janitor heals a region kill after this even if its run still holds it. */
const KILL_EXPIRY_MS = 30 * 60_000;

/** What the suite learned about the database pair, for actuators that target it. */
export interface KillHints {
  /** The primary CNPG Cluster (from the CNPGPair). */
  cnpgCluster?: { namespace: string; cluster: string };
}

export interface KillDeps {
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
  fetch?: typeof fetch;
}

/** The actuator spec for `region`: `--kill-mode` when given, else the target's own. */
export function killSpecFor(region: RegionSpec, killMode: string | undefined, hints: KillHints, env: NodeJS.ProcessEnv = process.env): RegionKillSpec {
  if (killMode === undefined || killMode === region.kill?.kind) {
    if (!region.kill) throw new Error(`region ${region.name} has no kill actuator; pass --kill-mode (${KILL_MODES.join(', ')})`);
    return region.kill;
  }
  switch (killMode) {
    case 'hcloud': {
      const labelSelector = env.SW_HCLOUD_LABEL_SELECTOR;
      if (!labelSelector) throw new Error(`--kill-mode hcloud needs --hcloud-selector (or SW_HCLOUD_LABEL_SELECTOR) naming the servers of ${region.name}: the harness never guesses which servers are this Sovereign's`);
      return { kind: 'hcloud', labelSelector };
    }
    case 'cnpg-fence':
      if (!hints.cnpgCluster) throw new Error('--kill-mode cnpg-fence needs a CNPGPair naming the primary CNPG Cluster; none was found');
      return { kind: 'cnpg-fence', ...hints.cnpgCluster };
    case 'network-policy':
      if (!hints.cnpgCluster) throw new Error('--kill-mode network-policy isolates the namespace of the primary CNPG Cluster; no CNPGPair names one');
      return { kind: 'network-policy', namespaces: [hints.cnpgCluster.namespace] };
    default:
      throw new Error(`--kill-mode ${killMode} is not one of ${KILL_MODES.join(', ')} (or the target's own ${region.kill?.kind ?? 'none'})`);
  }
}

export async function planKill(spec: RegionKillSpec, client: RegionClient, faultId: string, deps: KillDeps = {}): Promise<KillPlan> {
  switch (spec.kind) {
    case 'process-signal':
      return processSignalPlan(client.name, spec);
    case 'command':
      return commandPlan(client.name, spec, deps.run);
    case 'container':
      return containerPlan(client.name, spec, deps.run);
    case 'hcloud':
      return hcloudPlan(client, spec, { env: deps.env, fetch: deps.fetch });
    case 'network-policy':
      return networkPolicyPlan(client, spec, faultId);
    case 'cnpg-fence':
      return cnpgFencePlan(client, spec);
  }
}

export interface RegionKill {
  plan: KillPlan;
  outcome: KillOutcome;
  fault: AppliedFault<KillOutcome>;
}

export function newKillId(): string {
  return newFaultId(REGION_KILL_FAULT);
}

/** Records the kill in the ledger (heal steps first), then kills. `fault.revert()` heals. */
export async function killRegion(plan: KillPlan, ledger: FaultLedger, runId: string, revertDeps: RevertDeps, id: string): Promise<RegionKill> {
  const fault = await applyFault(
    ledger,
    {
      id,
      kind: REGION_KILL_FAULT,
      target: plan.target,
      runId,
      detail: `${plan.description}; heal: ${plan.heal}`,
      region: plan.region,
      revert: plan.revert,
      expiresAt: new Date(Date.now() + KILL_EXPIRY_MS).toISOString(),
    },
    () => plan.apply(),
    () => executeRevert(revertDeps, id, plan.revert),
  );
  return { plan, outcome: fault.value, fault };
}
