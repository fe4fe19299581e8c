/**
 * One root cause per independent failure. A HelmRelease that does not become Ready fails its
 * readiness gate, and then every other check of that release, and of the releases Flux holds
 * back behind it (`DependencyNotReady`), fails too: the DoD L3 check in each region, L3's
 * Ready=False count. Those are symptoms. A failed gate is attributed, from what the gates
 * recorded, to the root cause of the gates that judged its HelmReleases:
 *   - the readiness gate of the same HelmRelease, when it did not pass;
 *   - for a gate about one HelmRelease whose reason carries Flux's `dependency 'ns/name' is not
 *     ready`: the gate that judged that dependency (readiness first, else the same suite's gate
 *     about it in the same region);
 *   - for a gate about several HelmReleases: each one's own gate in the same suite and region.
 * Only when every HelmRelease of a gate is explained does the gate become `blocked` by that
 * root cause; its own reason stays as judged.
 */
import type { Gate } from './types.js';

/** The suite whose gates judge each kit slot's HelmRelease, and so explain other suites' failures. */
const READINESS = 'readiness';

const DEPENDENCY_NOT_READY = /dependency '([^'/\s]+\/[^'\s]+)' is not ready/;

export function attributeSymptoms(gates: readonly Gate[]): Gate[] {
  // Indexed by HelmRelease: a scan of every gate per failed gate would be quadratic in the kit.
  const single = new Map<string, Gate[]>();
  for (const g of gates) {
    if (g.helmReleases?.length !== 1) continue;
    const hr = g.helmReleases[0];
    if (!single.has(hr)) single.set(hr, []);
    single.get(hr)!.push(g);
  }
  const aboutOne = (hr: string, where: (g: Gate) => boolean) => single.get(hr)?.find(where);
  const roots = new Map<string, string | undefined>();
  const resolving = new Set<string>();

  /** The root cause a non-passing gate comes down to; undefined when it passed. */
  const rootOf = (g: Gate): string | undefined => {
    if (g.status === 'blocked') return g.rootCause;
    if (g.status !== 'failed' && g.status !== 'error') return undefined;
    if (roots.has(g.id)) return roots.get(g.id);
    if (resolving.has(g.id)) return g.id;
    resolving.add(g.id);
    const root = (g.status === 'failed' ? explain(g) : undefined) ?? g.id;
    resolving.delete(g.id);
    roots.set(g.id, root);
    return root;
  };

  const sameSuiteRegion = (g: Gate) => (x: Gate) => x.id !== g.id && x.suite === g.suite && x.labels.region === g.labels.region;
  const readinessOf = (g: Gate, hr: string) => (g.suite === READINESS ? undefined : aboutOne(hr, (x) => x.suite === READINESS));
  /** A gate that could not judge (`error`) proves nothing about the release, so it explains nothing. */
  const explains = (x: Gate | undefined) => (x && (x.status === 'failed' || x.status === 'blocked') ? rootOf(x) : undefined);

  /** The root cause that explains every HelmRelease `g` judged, or undefined. */
  const explain = (g: Gate): string | undefined => {
    const hrs = g.helmReleases ?? [];
    const found = hrs.map((hr) => {
      const readiness = explains(readinessOf(g, hr));
      if (readiness || hrs.length > 1) return readiness ?? explains(aboutOne(hr, sameSuiteRegion(g)));
      const dep = DEPENDENCY_NOT_READY.exec(g.reason)?.[1];
      return dep ? (explains(readinessOf(g, dep)) ?? explains(aboutOne(dep, sameSuiteRegion(g)))) : undefined;
    });
    return found.length > 0 && found.every((r) => r !== undefined && r !== g.id) ? found[0] : undefined;
  };

  return gates.map((g) => {
    if (g.status !== 'failed') return g;
    const root = rootOf(g);
    return root && root !== g.id ? { ...g, status: 'blocked', rootCause: root } : g;
  });
}
