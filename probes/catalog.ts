/**
 * The readiness catalog: one probe per kit slot (HR Ready + its surface), plus HR-Ready-only
 * probes for slots a live target deploys that the kit does not list. Ordered topologically.
 */
import type { Kit, KitSlot } from '../src/kit/types.js';
import { SetupError } from '../src/target/errors.js';

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
  const slots: (KitSlot & { discovered?: boolean })[] = [...kit.slots];
  const known = new Set(kit.slots.map((s) => s.name));
  for (const d of discovered) {
    if (known.has(d.name)) continue;
    known.add(d.name);
    slots.push({ slot: d.slot, name: d.name, dependsOn: [], ready: { kind: 'helmrelease-ready', namespace: d.namespace, name: d.name }, discovered: true });
  }
  const byName = new Map(slots.map((s) => [s.name, s]));
  const ordered: SlotProbe[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: KitSlot & { discovered?: boolean }, path: string[]) => {
    const st = state.get(s.name);
    if (st === 'done') return;
    if (st === 'visiting') throw new SetupError(`kit dependsOn has a cycle: ${[...path, s.name].join(' → ')}`);
    state.set(s.name, 'visiting');
    // A dependency the kit does not list is not ours to walk; Flux itself will hold the HR back.
    const deps = s.dependsOn.map((d) => byName.get(d)).filter((d): d is KitSlot => Boolean(d));
    for (const d of deps) visit(d, [...path, s.name]);
    state.set(s.name, 'done');
    ordered.push({ id: gateIdFor(s), slot: s, dependsOn: deps.map(gateIdFor), discovered: Boolean(s.discovered) });
  };
  for (const s of slots) visit(s, []);
  return ordered;
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
