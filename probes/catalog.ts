/**
 * The readiness catalog: one probe per kit slot (HR Ready + its surface), plus HR-Ready-only
 * probes for slots a live target deploys that the kit does not list. Ordered topologically.
 */
import type { Kit, KitSlot } from '../src/kit/types.js';
import { dependencyOrder } from '../src/kit/graph.js';

export interface SlotProbe {
  id: string;
  slot: KitSlot;
  /** Gate ids of the slots this one depends on (only those in the catalog). */
  dependsOn: string[];
  /** Discovered on the target, not listed in the kit. */
  discovered: boolean;
}

export interface DiscoveredSlot {
  slot: string;
  name: string;
  namespace: string;
}

export const gateIdFor = (slot: Pick<KitSlot, 'slot' | 'name'>) => `readiness/${slot.slot}-${slot.name}`;

export function buildCatalog(kit: Kit, discovered: DiscoveredSlot[] = []): SlotProbe[] {
  const byName = new Map<string, KitSlot & { discovered?: boolean }>(kit.slots.map((s) => [s.name, s]));
  for (const d of discovered) {
    if (!byName.has(d.name)) byName.set(d.name, { slot: d.slot, name: d.name, dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: d.namespace, name: d.name }, discovered: true });
  }
  // A dependency the kit does not list is not ours to walk: the launcher names it when it reads
  // the kit, and Flux itself holds the dependent HelmRelease back.
  return dependencyOrder([...byName.values()]).map((s) => ({
    id: gateIdFor(s),
    slot: s,
    dependsOn: s.dependsOn.map((d) => byName.get(d)).filter((d): d is KitSlot => Boolean(d)).map(gateIdFor),
    discovered: Boolean(s.discovered),
  }));
}

/** Every gate that transitively depends on `id`. */
export function dependentsOf(catalog: SlotProbe[], id: string): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of catalog) {
      if (!out.has(p.id) && p.dependsOn.some((d) => d === id || out.has(d))) {
        out.add(p.id);
        grew = true;
      }
    }
  }
  return out;
}
