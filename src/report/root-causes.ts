/**
 * The first screen of every report: one entry per independent failure (a failed or harness-error
 * gate, or a root a blocked gate names that is not a gate of this run), each with the gates it
 * blocks across suites.
 */
import type { Gate, Summary } from '../gates/types.js';

export interface RootCause {
  id: string;
  /** Absent when the root is not a gate of this run. */
  gate?: Gate;
  blocked: Gate[];
}

export function rootCauses(s: Pick<Summary, 'gates'>): RootCause[] {
  const blocked = s.gates.filter((g) => g.status === 'blocked');
  const roots: RootCause[] = s.gates.filter((g) => g.status === 'failed' || g.status === 'error').map((g) => ({ id: g.id, gate: g, blocked: [] }));
  const byId = new Map(roots.map((r) => [r.id, r]));
  for (const g of blocked) {
    const id = g.rootCause ?? 'an unrecorded dependency';
    let root = byId.get(id);
    if (!root) byId.set(id, (root = { id, blocked: [] }));
    if (!root.gate && !roots.includes(root)) roots.push(root);
    root.blocked.push(g);
  }
  return roots;
}

/** `22 gates (readiness 6, dod 16)`, or '' when the root blocks nothing. */
export function blockedCount(r: RootCause): string {
  if (!r.blocked.length) return '';
  const perSuite = new Map<string, number>();
  for (const g of r.blocked) perSuite.set(g.suite, (perSuite.get(g.suite) ?? 0) + 1);
  const n = r.blocked.length;
  return `${n} gate${n === 1 ? '' : 's'} (${[...perSuite].map(([suite, k]) => `${suite} ${k}`).join(', ')})`;
}
