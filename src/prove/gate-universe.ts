/**
 * Every gate the suites declare for a kit and a target, before anything is walked: the rows of
 * the proof's matrix. A gate a walk did not produce is then visible as absent, never silently
 * missing from the matrix.
 */
import type { Kit } from '../kit/types.js';
import type { TargetSpec } from '../target/types.js';
import { buildCatalog } from '../../probes/catalog.js';
import { planDod } from '../suites/dod/plan.js';
import { DEFAULT_HTTPS_HOSTS } from '../suites/dod/https-hosts.js';
import { JOURNEY_GATE_ORDER } from '../suites/journeys/gates.js';
import { CUTOVER_GATE_IDS } from '../suites/cutover/ids.js';
import { failoverGateIds } from '../suites/failover/ids.js';

export interface DeclaredGate {
  id: string;
  suite: string;
}

export type UniverseTarget = Pick<TargetSpec, 'sovereign' | 'regions' | 'tls'>;

const DECLARED: Record<string, (kit: Kit, target: UniverseTarget) => readonly string[]> = {
  readiness: (kit) => buildCatalog(kit).map((p) => p.id),
  dod: (kit, target) => planDod({ target, options: { minNodes: 0, regions: [] }, kit, hosts: DEFAULT_HTTPS_HOSTS }).map((c) => c.id),
  journeys: () => JOURNEY_GATE_ORDER,
  cutover: () => CUTOVER_GATE_IDS,
  failover: () => Object.values(failoverGateIds()),
};

/** The declared gates of `suites`, in the suites' order and each suite's own order. */
export function declaredGates(kit: Kit, target: UniverseTarget, suites: readonly string[]): DeclaredGate[] {
  return suites.flatMap((suite) => (DECLARED[suite]?.(kit, target) ?? []).map((id) => ({ id, suite })));
}
