/**
 * The DoD checks of one walk, in upstream's layer order, numbered per layer (`L3.12`). Built
 * synchronously from the target, the kit and the host table, so the walk knows every gate it
 * will report before the suite is judged.
 */
import type { Kit } from '../../kit/types.js';
import type { RegionSpec, TargetSpec } from '../../target/types.js';
import type { WalkOptions } from '../../run/context.js';
import { gateId, type DodCheck, type DodCheckSpec } from './check.js';
import type { HttpsHostExpectation } from './https-hosts.js';
import { recordChecks } from './l1-record.js';
import { regionChecks } from './l2-regions.js';
import { helmReleaseChecks } from './l3-helmreleases.js';
import { controlPlaneChecks } from './l4-control-plane.js';
import { httpsChecks } from './l5-https.js';
import { zeroTouchChecks } from './l6-zero-touch.js';
import { cutoverChecks } from './l7-cutover.js';
import { hygieneChecks } from './hygiene.js';

export interface DodPlanInput {
  target: Pick<TargetSpec, 'sovereign' | 'regions' | 'tls'>;
  options: Pick<WalkOptions, 'minNodes' | 'regions'>;
  kit: Kit;
  hosts: HttpsHostExpectation[];
}

/** The walked regions, primary first (the same filter the Harness applies). */
export function walkedRegions(target: Pick<TargetSpec, 'regions'>, only?: string[]): RegionSpec[] {
  const regions = target.regions.filter((r) => !only?.length || only.includes(r.name));
  return [...regions.filter((r) => r.role === 'primary'), ...regions.filter((r) => r.role !== 'primary')];
}

export function planDod(input: DodPlanInput): DodCheck[] {
  const regions = walkedRegions(input.target, input.options.regions);
  const specs: DodCheckSpec[] = [
    ...recordChecks(),
    ...regionChecks(regions, input.options.minNodes),
    ...helmReleaseChecks(regions, input.kit),
    ...controlPlaneChecks(regions),
    ...httpsChecks(input.target.sovereign, input.hosts, input.target.tls),
    ...zeroTouchChecks(regions),
    ...cutoverChecks(regions),
    ...hygieneChecks(regions, input.hosts),
  ];
  const counters = new Map<string, number>();
  const seen = new Set<string>();
  return specs.map((spec) => {
    const n = (counters.get(spec.layer) ?? 0) + 1;
    counters.set(spec.layer, n);
    const id = gateId(spec.key);
    if (seen.has(id)) throw new Error(`duplicate DoD check id ${id}`);
    seen.add(id);
    const layerId = `${spec.layer}.${n}`;
    return { ...spec, id, layerId, title: `${layerId} ${spec.text}` };
  });
}
