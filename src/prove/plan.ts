/**
 * The walks of a proof: one healthy walk of every suite, then the faults in as few walks as
 * their effects allow. Faults share a walk only when they are walked with the same suites and
 * flags and the gates each one touches (expected red, held green or ignored) are disjoint, so every red of
 * a shared walk is explained by exactly one of its faults. Catalogue order decides ties (first
 * fit), so the plan is the same for the same catalogue and kit.
 */
import type { ResolvedEntry } from './resolve.js';
import { SUITES } from '../cli/args.js';

export interface PlannedWalk {
  /** `healthy`, then `walk-1`, `walk-2` … */
  id: string;
  suites: string[];
  args: string[];
  entries: ResolvedEntry[];
}

const touched = (e: ResolvedEntry) => new Set([...e.red.keys(), ...e.green, ...e.ignore]);
const keyOf = (e: ResolvedEntry) => JSON.stringify([e.suites, e.entry.walk ?? []]);

export function planWalks(entries: readonly ResolvedEntry[], suites: readonly string[]): PlannedWalk[] {
  const groups: { key: string; alone: boolean; touched: Set<string>; entries: ResolvedEntry[] }[] = [];
  for (const e of entries) {
    const mine = touched(e);
    const alone = Boolean(e.entry.alone);
    const fit = alone ? undefined : groups.find((g) => !g.alone && g.key === keyOf(e) && ![...mine].some((id) => g.touched.has(id)));
    if (fit) {
      fit.entries.push(e);
      for (const id of mine) fit.touched.add(id);
    } else groups.push({ key: keyOf(e), alone, touched: mine, entries: [e] });
  }
  const walks: PlannedWalk[] = groups.map((g, i) => ({ id: `walk-${i + 1}`, suites: g.entries[0].suites, args: g.entries[0].entry.walk ?? [], entries: g.entries }));
  return [{ id: 'healthy', suites: [...suites], args: [], entries: [] }, ...walks];
}

/** The `walk` arguments of a planned walk (the launcher adds the kit and the report folder). */
export function walkArgs(w: PlannedWalk): string[] {
  const suites = SUITES.filter((s) => w.suites.includes(s));
  return ['--suite', suites.join(','), ...w.args, ...w.entries.flatMap((e) => e.entry.faults.flatMap((f) => ['--sim-fault', f]))];
}
