/**
 * Whether the platform's DR controller can promote the survivor: its HelmRelease is Ready in every
 * region. A target that names one (kind: bp-continuum) is walked through failover only then; the
 * suite is otherwise `skipped` with the release's own reason, never failed for it.
 */
import type { RegionClient } from '../target/kube.js';
import { condition } from '../target/objects.js';
import type { TargetSpec } from '../target/types.js';

export async function drControllerMissing(dr: TargetSpec['drController'], regions: RegionClient[]): Promise<string | undefined> {
  if (!dr) return undefined;
  for (const region of regions) {
    const release = await region.get('helmreleases.helm.toolkit.fluxcd.io', dr.namespace, dr.name);
    const ready = condition(release, 'Ready');
    if (ready?.status === 'True') continue;
    const why = !release ? 'is not installed' : `is not Ready (${ready?.reason ?? 'no Ready condition yet'}${ready?.message ? `: ${ready.message}` : ''})`;
    return `the platform's DR controller (HelmRelease ${dr.namespace}/${dr.name}) ${why} in ${region.name}: nothing would promote the survivor, so failover is not judged`;
  }
  return undefined;
}
