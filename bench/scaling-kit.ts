/**
 * The scaling bench's pure half: the generated N-slot kits and the verdicts of its figures.
 *
 * A kit of N slots is the canonical 48-slot kit replicated (replica r's slots are the canonical
 * ones with `-rNNN` suffixed to slot and name, their `dependsOn` remapped within the replica, so
 * every replica has the canonical layered graph), cut to N in dependency order (a prefix of a
 * topological order keeps every `dependsOn` inside the kit). Every surface is one the sweep judges
 * from Kubernetes objects, since the bench runs no product: a rollout stays a rollout of its own
 * workload; a condition, field or non-empty check on a product's resource becomes the condition
 * Available=True of the slot's own Deployment (a list answered from the sweep's watch, as the
 * canonical checks are); a resource-exists stays a ConfigMap's existence; an api-resource-served
 * asks for a resource this API server serves; an HTTP or exec surface (a product endpoint) becomes
 * the rollout of the product's Deployment: the cheapest honest stand-in, a read of the object
 * that would be behind that endpoint.
 */
import { dependencyOrder } from '../src/kit/graph.js';
import type { Kit, KitSlot, SurfaceCheck, WorkloadKind } from '../src/kit/types.js';
import type { Verdict } from './figures.js';

export const SCALING_SIZES = [48, 480, 2400] as const;
export const QUICK_SCALING_SIZES = [48, 480] as const;
/** The 2,400-slot sweep may take at most this many times the 48-slot sweep's time per slot. */
export const TIME_PER_SLOT_FACTOR = 1.5;
/** Memory growth per added slot from the middle size to the largest may exceed the growth from the smallest to the middle by this much. */
export const MEMORY_TOLERANCE = 0.1;
export const SCALING_NAMESPACE_PREFIX = 'scale-r';

export const replicaNamespace = (r: number) => `${SCALING_NAMESPACE_PREFIX}${String(r).padStart(3, '0')}`;
const suffix = (r: number) => `-r${String(r).padStart(3, '0')}`;

/** The Kubernetes object a generated slot's surface reads, which the bench writes in a passing state. */
export type SurfaceObject =
  | { kind: 'Deployment' | 'DaemonSet' | 'StatefulSet'; namespace: string; name: string }
  | { kind: 'ConfigMap'; namespace: string; name: string };

const WORKLOAD_KIND: Record<WorkloadKind, 'Deployment' | 'DaemonSet' | 'StatefulSet'> = { deployment: 'Deployment', daemonset: 'DaemonSet', statefulset: 'StatefulSet' };

/** The generated surface for a canonical slot in replica namespace `ns`, named after the replica's slot `name`. */
export function scalingSurface(original: SurfaceCheck | undefined, ns: string, name: string): SurfaceCheck {
  const stand = (kind: string) => `scaling kit: stands in for the canonical ${kind} surface`;
  switch (original?.kind) {
    case 'rollout':
      return { kind: 'rollout', namespace: ns, workload: original.workload, name };
    case 'resource-condition':
    case 'resource-field':
    case 'resource-nonempty':
      return { kind: 'resource-condition', resource: 'deployments.apps', namespace: ns, name, condition: 'Available', status: 'True', note: stand(original.kind) };
    case 'resource-exists':
      return { kind: 'resource-exists', resource: 'configmaps', namespace: ns, name: `${name}-status` };
    case 'api-resource-served':
      return { kind: 'api-resource-served', resource: 'deployments.apps', note: stand(original.kind) };
    default:
      return { kind: 'rollout', namespace: ns, workload: 'deployment', name, note: stand(original?.kind ?? 'missing') };
  }
}

/** The objects a surface reads (none for api-resource-served). */
export function surfaceObjects(check: SurfaceCheck): SurfaceObject[] {
  switch (check.kind) {
    case 'rollout':
      return [{ kind: WORKLOAD_KIND[check.workload], namespace: check.namespace, name: check.name }];
    case 'resource-condition':
      return check.resource === 'deployments.apps' && check.namespace && check.name ? [{ kind: 'Deployment', namespace: check.namespace, name: check.name }] : [];
    case 'resource-exists':
      return check.resource === 'configmaps' && check.namespace ? [{ kind: 'ConfigMap', namespace: check.namespace, name: check.name }] : [];
    default:
      return [];
  }
}

/** A kit of `n` slots derived from `base` (see the module comment). */
export function scalingKit(base: Kit, n: number): Kit {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a scaling kit needs at least one slot, got ${n}`);
  const ordered = dependencyOrder(base.slots);
  const per = ordered.length;
  const replicas = Math.ceil(n / per);
  const slots: KitSlot[] = [];
  for (let r = 0; r < replicas; r++) {
    const sfx = suffix(r);
    const ns = replicaNamespace(r);
    for (const s of ordered) {
      if (slots.length === n) break;
      const name = `${s.name}${sfx}`;
      slots.push({
        slot: `${s.slot}${sfx}`,
        name,
        ...(s.tier !== undefined ? { tier: s.tier } : {}),
        ...(s.layer !== undefined ? { layer: s.layer } : {}),
        // Canonical dependsOn names outside the canonical kit (none today) are dropped, not carried.
        dependsOn: s.dependsOn.filter((d) => base.slots.some((b) => b.name === d)).map((d) => `${d}${sfx}`),
        ready: { kind: 'helmrelease-ready', namespace: s.ready.namespace, name },
        surface: scalingSurface(s.surface, ns, name),
      });
    }
  }
  return { source: `sovereign-walk bench: ${replicas} replica(s) of the canonical ${per}-slot kit cut to ${n} slots, surfaces judged from Kubernetes objects (bench/scaling-kit.ts)`, slots };
}

/** One size's measurements. */
export interface ScalingPoint {
  slots: number;
  /** The readiness sweep's span, first gate start → last gate end. */
  sweepMs: number;
  /** `suites[].timings.judgingMs` of the readiness suite, when the walk recorded it. */
  judgingMs?: number;
  wallMs: number;
  overheadMs: number;
  peakRssMB: number;
}

export const perSlotMs = (p: Pick<ScalingPoint, 'sweepMs' | 'slots'>) => p.sweepMs / p.slots;

export function timePerSlotTarget(smallest: number, largest: number): string {
  return `sweep ms per slot at ${largest} ≤ ${TIME_PER_SLOT_FACTOR}× the value at ${smallest}`;
}

/** PASS when the largest size's time per slot is at most TIME_PER_SLOT_FACTOR × the smallest's. */
export function timePerSlotVerdict(points: readonly ScalingPoint[]): { verdict: Verdict; ratio: number } {
  const sorted = [...points].sort((a, b) => a.slots - b.slots);
  if (sorted.length < 2) return { verdict: 'NOT MEASURED', ratio: Number.NaN };
  const ratio = perSlotMs(sorted[sorted.length - 1]) / perSlotMs(sorted[0]);
  return { verdict: ratio <= TIME_PER_SLOT_FACTOR ? 'PASS' : 'MISS', ratio };
}

export function memoryTarget(sizes: readonly number[]): string {
  return sizes.length >= 3
    ? `at most linear: MB per added slot from ${sizes[1]} to ${sizes[2]} ≤ (1 + ${MEMORY_TOLERANCE}) × that from ${sizes[0]} to ${sizes[1]} (+0.01 MB/slot)`
    : 'at most linear (needs three sizes)';
}

/**
 * Growth per added slot over each step between sizes. PASS when the last step's growth is at
 * most (1 + MEMORY_TOLERANCE) × the first step's plus an absolute 0.01 MB per slot (a flat
 * memory curve's noise); needs three sizes.
 */
export function memoryVerdict(points: readonly ScalingPoint[]): { verdict: Verdict; mbPerSlot: number[] } {
  const sorted = [...points].sort((a, b) => a.slots - b.slots);
  const mbPerSlot = sorted.slice(1).map((p, i) => (p.peakRssMB - sorted[i].peakRssMB) / (p.slots - sorted[i].slots));
  if (mbPerSlot.length < 2) return { verdict: 'NOT MEASURED', mbPerSlot };
  const first = Math.max(0, mbPerSlot[0]);
  const last = mbPerSlot[mbPerSlot.length - 1];
  return { verdict: last <= first * (1 + MEMORY_TOLERANCE) + 0.01 ? 'PASS' : 'MISS', mbPerSlot };
}
