/** The kit's `dependsOn` graph: dependency order, cycles, and names the kit does not list. */
import { SetupError } from '../target/errors.js';

interface Node {
  name: string;
  dependsOn: string[];
}

/**
 * The slots with every slot after the listed slots it depends on; a cycle is a SetupError naming
 * it (`a → b → a`). Names the kit does not list are left out of the order (see unlistedDependencies).
 */
export function dependencyOrder<T extends Node>(slots: readonly T[]): T[] {
  const byName = new Map(slots.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const ordered: T[] = [];
  // One path, pushed and popped: copying it per step would be quadratic in a long chain.
  const path: string[] = [];
  const visit = (s: T) => {
    const st = state.get(s.name);
    if (st === 'done') return;
    if (st === 'visiting') throw new SetupError(`dependsOn has a cycle: ${[...path.slice(path.indexOf(s.name)), s.name].join(' → ')}`);
    state.set(s.name, 'visiting');
    path.push(s.name);
    for (const d of s.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    path.pop();
    state.set(s.name, 'done');
    ordered.push(s);
  };
  for (const s of slots) visit(s);
  return ordered;
}

/** `slot → dependency` for every dependency the kit does not list, in kit order. */
export function unlistedDependencies(slots: readonly Node[]): string[] {
  const names = new Set(slots.map((s) => s.name));
  return slots.flatMap((s) => s.dependsOn.filter((d) => !names.has(d)).map((d) => `${s.name} → ${d}`));
}
