/**
 * L3: in every region, each HelmRelease the kit requires is Ready=True for its current
 * generation and not suspended; across all HelmReleases no Ready=False (other than Suspended)
 * and no Ready=Unknown. A HelmRelease without a Ready condition counts as Unknown.
 */
import type { Evidence } from '../../gates/types.js';
import type { Kit } from '../../kit/types.js';
import type { RegionSpec } from '../../target/types.js';
import { condition, type KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import { inRegion, listSome, type DodCheckSpec } from './check.js';
import type { DodSession } from './session.js';

export const HELMRELEASES = 'helmreleases.helm.toolkit.fluxcd.io';

interface HrRow {
  ref: string;
  ready: string;
  reason?: string;
  message?: string;
  suspended: boolean;
  generation?: number;
  observedGeneration?: number;
}

function row(hr: KubeObject): HrRow {
  const ready = condition(hr, 'Ready');
  const status = hr.status as { observedGeneration?: number } | undefined;
  return {
    ref: `${hr.metadata.namespace}/${hr.metadata.name}`,
    ready: ready?.status ?? 'missing',
    reason: ready?.reason,
    message: ready?.message,
    suspended: hr.spec?.suspend === true,
    generation: hr.metadata.generation,
    observedGeneration: status?.observedGeneration,
  };
}

/** The region's HelmReleases; `notServed` when Flux's API is missing (then every required one fails). */
async function releases(s: DodSession, region: string): Promise<{ rows: Map<string, HrRow>; evidence: Evidence; notServed?: string }> {
  return s.shared(`hr-rows:${region}`, async () => {
    let items: KubeObject[] = [];
    let notServed: string | undefined;
    try {
      items = await s.list(region, HELMRELEASES);
    } catch (e) {
      if (!(e instanceof NotServedError)) throw e;
      notServed = e.message;
    }
    const rows = new Map(items.map((hr) => [`${hr.metadata.namespace}/${hr.metadata.name}`, row(hr)]));
    const evidence = s.h.evidence.json(`dod-helmreleases-${region}`, notServed ? { notServed } : [...rows.values()], `HelmRelease Ready conditions in ${region}`);
    return { rows, evidence, notServed };
  });
}

/** Why a required HelmRelease is not Ready now, or undefined when it is. */
export function notReadyBecause(r: HrRow): string | undefined {
  if (r.suspended) return `${r.ref} is suspended`;
  if (r.ready !== 'True') return `${r.ref} Ready=${r.ready}${r.reason ? ` (${r.reason}${r.message ? `: ${r.message}` : ''})` : ''}`;
  if (r.generation !== undefined && r.observedGeneration !== r.generation) {
    return `${r.ref} Ready=True is stale: observedGeneration ${r.observedGeneration ?? '(none)'} < generation ${r.generation}`;
  }
  return undefined;
}

/** "0 of 0" proves nothing: a count over no HelmRelease at all fails, saying why. */
function nothingListed(region: string, count: number, notServed: string | undefined): string | undefined {
  if (notServed) return `no HelmRelease could be listed in ${region}: ${notServed}`;
  if (!count) return `no HelmRelease listed in ${region}: there is nothing to count, so nothing shows Flux reconciled anything`;
  return undefined;
}

export function helmReleaseChecks(regions: RegionSpec[], kit: Kit): DodCheckSpec[] {
  return regions.flatMap((r): DodCheckSpec[] => [
    ...kit.slots.map(
      (slot): DodCheckSpec => ({
        key: `L3.${r.name}.${slot.slot}-${slot.name}`,
        layer: 'L3',
        region: r.name,
        slot: slot.slot,
        text: `${r.name} slot ${slot.slot} ${slot.ready.namespace}/${slot.ready.name} Ready=True`,
        judge: (s, g) => {
          g.aboutHelmReleases([`${slot.ready.namespace}/${slot.ready.name}`]);
          return inRegion(s, g, r.name, async () => {
            const { rows, evidence, notServed } = await releases(s, r.name);
            g.attach(evidence);
            const hr = rows.get(`${slot.ready.namespace}/${slot.ready.name}`);
            if (!hr) return g.fail(`HelmRelease ${slot.ready.namespace}/${slot.ready.name} (slot ${slot.slot}) not found in ${r.name}${notServed ? `: ${notServed}` : ''}`);
            const why = notReadyBecause(hr);
            return why ? g.fail(`${why} in ${r.name}`) : g.pass(`${hr.ref} Ready=True (${hr.reason ?? 'no reason'}) at generation ${hr.generation}`);
          });
        },
      }),
    ),
    {
      key: `L3.${r.name}.not-ready-count`,
      layer: 'L3',
      region: r.name,
      text: `${r.name} no HelmRelease Ready=False (except Suspended)`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const { rows, evidence, notServed } = await releases(s, r.name);
          g.attach(evidence);
          const nothing = nothingListed(r.name, rows.size, notServed);
          if (nothing) return g.fail(nothing);
          const wanting = [...rows.values()].filter((x) => x.ready === 'False' && x.reason !== 'Suspended');
          const bad = wanting.map((x) => `${x.ref} (${x.reason ?? 'no reason'})`);
          g.aboutHelmReleases(wanting.map((x) => x.ref));
          g.metric('readyFalse', bad.length);
          return bad.length ? g.fail(`${bad.length} HelmRelease(s) Ready=False in ${r.name}: ${listSome(bad)}`) : g.pass(`0 of ${rows.size} HelmReleases Ready=False`);
        }),
    },
    {
      key: `L3.${r.name}.unknown-count`,
      layer: 'L3',
      region: r.name,
      text: `${r.name} no HelmRelease Ready=Unknown`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const { rows, evidence, notServed } = await releases(s, r.name);
          g.attach(evidence);
          const nothing = nothingListed(r.name, rows.size, notServed);
          if (nothing) return g.fail(nothing);
          const wanting = [...rows.values()].filter((x) => x.ready === 'Unknown' || x.ready === 'missing');
          const bad = wanting.map((x) => `${x.ref} (Ready=${x.ready}${x.reason ? `, ${x.reason}` : ''})`);
          g.aboutHelmReleases(wanting.map((x) => x.ref));
          g.metric('readyUnknown', bad.length);
          return bad.length ? g.fail(`${bad.length} HelmRelease(s) Ready=Unknown in ${r.name}: ${listSome(bad)}`) : g.pass(`0 of ${rows.size} HelmReleases Ready=Unknown`);
        }),
    },
  ]);
}
