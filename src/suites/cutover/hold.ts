/**
 * What the hold watches: every Flux object's Ready, every Deployment's Available, every
 * Crossplane Provider's Installed/Healthy, and every pod for image-pull failures, from watch
 * events (each with the time it was received and the server's lastTransitionTime).
 */
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import type { ResilientWatch } from '../../target/watch.js';
import { FLUX, HARNESS_NAMESPACE } from './constants.js';

interface WatchedKind {
  resource: string;
  conditions: string[];
  /** Served only on some Sovereigns: skipped when not served. */
  optional: boolean;
  /** Objects of the kind that have no conditions to watch. */
  stateless?: (obj: KubeObject) => boolean;
}

export const HOLD_KINDS: readonly WatchedKind[] = [
  { resource: FLUX.helmreleases, conditions: ['Ready'], optional: false },
  { resource: FLUX.kustomizations, conditions: ['Ready'], optional: false },
  { resource: FLUX.gitrepositories, conditions: ['Ready'], optional: false },
  // Since Flux 2.1 an OCI HelmRepository is only data for its HelmCharts, which do the fetching: no status.
  { resource: FLUX.helmrepositories, conditions: ['Ready'], optional: false, stateless: (o) => (o.spec as { type?: string } | undefined)?.type === 'oci' },
  { resource: FLUX.helmcharts, conditions: ['Ready'], optional: false },
  { resource: FLUX.ocirepositories, conditions: ['Ready'], optional: true },
  { resource: 'deployments.apps', conditions: ['Available'], optional: false },
  { resource: 'providers.pkg.crossplane.io', conditions: ['Installed', 'Healthy'], optional: true },
];

/** Ready=Unknown while a Flux controller works is part of every reconcile, not a failure. */
const TRANSIENT_REASONS = new Set(['Progressing', 'Reconciling', 'ReconciliationInProgress']);
function isTransient(c: ConditionState): boolean {
  return c.status === 'Unknown' && TRANSIENT_REASONS.has(c.reason ?? '');
}

export const IMAGE_PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull']);

export interface ConditionState {
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ObjectSnapshot {
  object: string;
  conditions: Record<string, ConditionState>;
  suspended?: boolean;
}

export interface Flip {
  object: string;
  condition: string;
  /** When the watch event that showed it arrived. */
  at: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ImagePullFailure {
  pod: string;
  container: string;
  image: string;
  reason: string;
  message?: string;
  at: string;
}

interface Tracked {
  object: string;
  suspended: boolean;
  conditions: Record<string, ConditionState>;
  /** Conditions in a transient not-True state since this time. */
  transient: Map<string, Flip>;
  deleted: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

function describe(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

function conditionsOf(obj: KubeObject, types: string[]): Record<string, ConditionState> {
  const out: Record<string, ConditionState> = {};
  for (const t of types) {
    const c = obj.status?.conditions?.find((x) => x.type === t);
    out[t] = c ? { status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime } : { status: '(none)' };
  }
  return out;
}

export class HoldWatch {
  private readonly objects = new Map<string, Tracked>();
  private readonly watches: ResilientWatch[] = [];
  private readonly excluded = new Set<string>();
  private holding = false;
  readonly flips: Flip[] = [];
  readonly imagePull: ImagePullFailure[] = [];
  readonly watched: string[] = [];
  readonly errors: string[] = [];

  constructor(private readonly region: RegionClient) {}

  /** Starts every watch; resolves once each initial list is in. */
  async start(): Promise<void> {
    for (const k of HOLD_KINDS) {
      try {
        await this.region.resolve(k.resource);
      } catch (e) {
        if (e instanceof NotServedError && k.optional) continue;
        throw e;
      }
      this.watched.push(k.resource);
      this.watches.push(await this.region.watch(k.resource, {}, (type, obj, at) => this.onObject(k, type, obj, at), (e) => this.errors.push(`${k.resource}: ${e.message}`)));
    }
    this.watched.push('pods');
    this.watches.push(await this.region.watch('pods', {}, (type, obj, at) => this.onPod(type, obj, at), (e) => this.errors.push(`pods: ${e.message}`)));
  }

  /** From now on a condition leaving True is a flip; one still settling must settle before the end. */
  beginHold(at = Date.now()): void {
    this.holding = true;
    for (const t of this.objects.values()) {
      t.transient.clear();
      for (const [type, c] of Object.entries(t.conditions)) {
        if (isTransient(c)) t.transient.set(type, { object: t.object, condition: type, at: iso(at), ...c });
      }
    }
  }

  endHold(): void {
    this.holding = false;
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  /** Leave this object out of flip detection (the Deployment the fresh-pull proof restarts). */
  exclude(resource: string, namespace: string, name: string): void {
    this.excluded.add(`${resource}|${namespace}/${name}`);
  }

  snapshot(): ObjectSnapshot[] {
    return [...this.objects.entries()]
      .filter(([key, t]) => !t.deleted && !this.excluded.has(key))
      .map(([, t]) => ({ object: t.object, conditions: structuredClone(t.conditions), ...(t.suspended ? { suspended: true } : {}) }))
      .sort((a, b) => a.object.localeCompare(b.object));
  }

  /** Objects (not suspended) with a watched condition other than True (`settling`: Progressing counts as fine). */
  notReady(snapshot = this.snapshot(), opts: { settling?: boolean } = {}): ObjectSnapshot[] {
    return snapshot.filter((s) => !s.suspended && Object.values(s.conditions).some((c) => c.status !== 'True' && !(opts.settling && isTransient(c))));
  }

  /** Conditions still in a transient (Progressing) state, as flips dated when they left True. */
  unresolved(): Flip[] {
    const out: Flip[] = [];
    for (const [key, t] of this.objects) if (!t.deleted && !t.suspended && !this.excluded.has(key)) out.push(...t.transient.values());
    return out;
  }

  private onObject(k: WatchedKind, type: string, obj: KubeObject, at: number): void {
    if (k.stateless?.(obj)) return;
    const key = `${k.resource}|${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const prev = this.objects.get(key);
    const next: Tracked = {
      object: describe(obj),
      suspended: (obj.spec as { suspend?: unknown } | undefined)?.suspend === true,
      conditions: conditionsOf(obj, k.conditions),
      transient: prev?.transient ?? new Map(),
      deleted: type === 'DELETED',
    };
    this.objects.set(key, next);
    if (!this.holding || !prev || prev.deleted || this.excluded.has(key) || next.suspended) return;
    if (next.deleted) {
      this.flips.push({ object: next.object, condition: k.conditions[0], at: iso(at), status: 'Deleted' });
      return;
    }
    for (const type of k.conditions) {
      const now = next.conditions[type];
      if (now.status === 'True') {
        next.transient.delete(type);
        continue;
      }
      const wasOk = prev.conditions[type].status === 'True' || next.transient.has(type);
      if (!wasOk) continue;
      const flip: Flip = { object: next.object, condition: type, at: iso(at), status: now.status, reason: now.reason, message: now.message, lastTransitionTime: now.lastTransitionTime };
      if (isTransient(now)) {
        if (!next.transient.has(type)) next.transient.set(type, flip);
        continue;
      }
      next.transient.delete(type);
      this.flips.push(flip);
    }
  }

  private onPod(type: string, pod: KubeObject, at: number): void {
    if (!this.holding || type === 'DELETED' || pod.metadata.namespace === HARNESS_NAMESPACE) return;
    const status = pod.status as { containerStatuses?: unknown[]; initContainerStatuses?: unknown[] } | undefined;
    for (const raw of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
      const c = raw as { name?: string; image?: string; state?: { waiting?: { reason?: string; message?: string } } };
      const reason = c.state?.waiting?.reason;
      if (!reason || !IMAGE_PULL_FAILURES.has(reason)) continue;
      const name = `Pod ${pod.metadata.namespace}/${pod.metadata.name}`;
      if (this.imagePull.some((f) => f.pod === name && f.container === c.name)) continue;
      this.imagePull.push({ pod: name, container: c.name ?? '', image: c.image ?? '', reason, message: c.state?.waiting?.message, at: iso(at) });
    }
  }
}
