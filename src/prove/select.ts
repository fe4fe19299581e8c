/**
 * From the catalogue to the walks: the entries `--fault` selects, each checked against the kit
 * (its `--sim-fault` specs by the sim's own validation, its gate patterns by the declared gates),
 * then grouped into walks.
 */
import { SetupError } from '../target/errors.js';
import type { Kit } from '../kit/types.js';
import type { Catalogue, CatalogueEntry } from './catalogue.js';
import type { DeclaredGate } from './gate-universe.js';
import { CatalogueError, resolveEntry, type ResolvedEntry } from './resolve.js';
import { planWalks, type PlannedWalk } from './plan.js';

export interface Selection {
  walks: PlannedWalk[];
  resolved: ResolvedEntry[];
  notApplicable: { id: string; why: string }[];
}

const selects = (e: CatalogueEntry, f: string) => f === e.id || e.faults.some((spec) => spec.split(':')[0] === f);

/** `checkFaults` throws an Error naming the first spec the kit cannot take (the sim's parseSimFaults). */
export function selectWalks(o: { catalogue: Catalogue; kit: Kit; declared: readonly DeclaredGate[]; suites: readonly string[]; only: readonly string[]; checkFaults: (specs: string[], kit: Kit) => unknown }): Selection {
  const unknown = o.only.filter((f) => !o.catalogue.entries.some((e) => selects(e, f)));
  if (unknown.length) throw new SetupError(`--fault ${unknown.join(', ')}: no entry id or fault kind of the catalogue`);
  const resolved: ResolvedEntry[] = [];
  const notApplicable: Selection['notApplicable'] = [];
  for (const e of o.catalogue.entries.filter((x) => !o.only.length || o.only.some((f) => selects(x, f)))) {
    try {
      o.checkFaults(e.faults, o.kit);
    } catch (err) {
      notApplicable.push({ id: e.id, why: (err as Error).message.split('\n')[0] });
      continue;
    }
    try {
      const r = resolveEntry(e, o.kit, o.declared, o.suites);
      if (r.applicable) resolved.push(r.resolved);
      else notApplicable.push({ id: r.id, why: r.why });
    } catch (err) {
      if (err instanceof CatalogueError) throw new SetupError(`fault catalogue: ${err.message}`);
      throw err;
    }
  }
  return { walks: planWalks(resolved, o.suites), resolved, notApplicable };
}
