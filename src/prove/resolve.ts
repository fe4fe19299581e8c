/**
 * A catalogue entry made concrete for one kit and the suites walked: its gate patterns expanded
 * to declared gate ids. An entry whose slots the kit lacks, or that has nothing left in the
 * walked suites, is not applicable (listed, not walked); a pattern that names no declared gate is
 * a catalogue error.
 */
import type { Kit } from '../kit/types.js';
import type { GateStatus } from '../gates/types.js';
import { buildCatalog, dependentsOf } from '../../probes/catalog.js';
import { SUITES } from '../cli/args.js';
import { statusesOf, type CatalogueEntry } from './catalogue.js';
import type { DeclaredGate } from './gate-universe.js';

export interface ResolvedExpectation {
  statuses: GateStatus[];
  rootCause?: string;
  reason?: RegExp;
}

export interface ResolvedEntry {
  entry: CatalogueEntry;
  /** The entry's suites that are walked. */
  suites: string[];
  red: Map<string, ResolvedExpectation>;
  green: Set<string>;
  ignore: Set<string>;
}

export type Resolution = { applicable: true; resolved: ResolvedEntry } | { applicable: false; id: string; why: string };

export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

const PLACEHOLDER = /\{([^}]+)\}/;

/** The slot's part of its gate ids (`10-bp-gitea`). */
const slotPart = (s: { slot: string; name: string }) => `${s.slot}-${s.name}`;

class NotInKit extends Error {}

function expand(pattern: string, kit: Kit): string[] {
  const m = PLACEHOLDER.exec(pattern);
  if (!m) return [pattern];
  const [whole, inner] = m;
  const [name, of] = inner.startsWith('dependents:') ? [inner.slice('dependents:'.length), true] : [inner, false];
  const slot = kit.slots.find((s) => s.name === name);
  if (!slot) throw new NotInKit(`slot ${name} is not in the kit`);
  const catalog = buildCatalog(kit);
  const parts = of ? [...dependentsOf(catalog, catalog.find((p) => p.slot.name === name)!.id)].map((id) => id.slice('readiness/'.length)) : [slotPart(slot)];
  return parts.flatMap((part) => expand(pattern.replace(whole, part), kit));
}

const suiteOf = (pattern: string) => pattern.slice(0, pattern.indexOf('/'));

function matchGates(pattern: string, declared: readonly DeclaredGate[], entryId: string): string[] {
  if (!pattern.includes('*')) {
    if (!declared.some((g) => g.id === pattern)) throw new CatalogueError(`entry ${entryId}: ${pattern} is not a gate the suites declare`);
    return [pattern];
  }
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  const hits = declared.filter((g) => re.test(g.id)).map((g) => g.id);
  if (!hits.length) throw new CatalogueError(`entry ${entryId}: ${pattern} matches no gate the suites declare`);
  return hits;
}

/** `declared`: the gates of every suite walked, for this kit. */
export function resolveEntry(entry: CatalogueEntry, kit: Kit, declared: readonly DeclaredGate[], walked: readonly string[]): Resolution {
  const suites: string[] = SUITES.filter((s) => entry.suites.includes(s) && walked.includes(s));
  const inWalk = (pattern: string) => suites.includes(suiteOf(pattern));
  const gatesOf = (patterns: readonly string[]) => patterns.flatMap((p) => expand(p, kit)).filter(inWalk).flatMap((p) => matchGates(p, declared, entry.id));
  try {
    const red = new Map<string, ResolvedExpectation>();
    for (const x of entry.red) {
      let rootCause: string | undefined;
      if (x.rootCause !== undefined) {
        const roots = expand(x.rootCause, kit);
        if (roots.length !== 1 || roots[0].includes('*')) throw new CatalogueError(`entry ${entry.id}: rootCause ${x.rootCause} must name one gate`);
        // A root cause in a suite that is not walked cannot be seen: the expectation is left out.
        if (!inWalk(roots[0])) continue;
        rootCause = matchGates(roots[0], declared, entry.id)[0];
      }
      for (const gate of gatesOf(x.gates)) {
        if (red.has(gate)) throw new CatalogueError(`entry ${entry.id}: ${gate} is expected red twice`);
        red.set(gate, { statuses: statusesOf(x), rootCause, reason: x.reason === undefined ? undefined : new RegExp(x.reason) });
      }
    }
    const green = new Set(gatesOf(entry.green ?? []));
    const both = [...green].find((g) => red.has(g));
    if (both) throw new CatalogueError(`entry ${entry.id}: ${both} is expected both red and green`);
    const ignore = new Set(gatesOf(entry.ignore ?? []).filter((g) => !red.has(g) && !green.has(g)));
    if (!red.size && !green.size) return { applicable: false, id: entry.id, why: `no gate of the walked suites (${walked.join(', ')})` };
    return { applicable: true, resolved: { entry, suites, red, green, ignore } };
  } catch (e) {
    if (e instanceof NotInKit) return { applicable: false, id: entry.id, why: e.message };
    throw e;
  }
}
