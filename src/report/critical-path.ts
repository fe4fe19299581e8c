/**
 * The readiness critical path: the chain of gates that determined when the last readiness
 * gate finished. Start at the judged gate that finished last, then repeatedly step to the
 * dependency that finished last (the one it was waiting for), until a gate has none.
 * Blocked and skipped gates were never judged, so their times say nothing and they are left out.
 */
import type { Gate } from '../gates/types.js';

const judged = (g: Gate) => g.status !== 'blocked' && g.status !== 'skipped';

function finish(g: Gate): number {
  const t = Date.parse(g.finishedAt);
  return Number.isFinite(t) ? t : -Infinity;
}

/** Later finish first; ties broken by id so the path is deterministic. */
function latest(gates: Gate[]): Gate | undefined {
  return [...gates].sort((a, b) => finish(b) - finish(a) || a.id.localeCompare(b.id))[0];
}

/** Gate ids on the critical path, first (earliest) to last. */
export function criticalPath(gates: readonly Gate[]): string[] {
  const byId = new Map(gates.filter(judged).map((g) => [g.id, g]));
  const path: string[] = [];
  let current = latest([...byId.values()]);
  while (current && !path.includes(current.id)) {
    path.push(current.id);
    const deps = (current.dependsOn ?? []).map((id) => byId.get(id)).filter((g): g is Gate => g !== undefined);
    current = latest(deps);
  }
  return path.reverse();
}
