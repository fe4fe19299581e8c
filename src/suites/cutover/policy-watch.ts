/**
 * Watches the egress policy itself: when it took effect (ADDED / acknowledged create), and when
 * it went away (DELETED). In observe mode this is how the platform's own step-08 hold is timed;
 * in enforce mode it catches a policy removed mid-hold by someone else.
 */
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import type { ResilientWatch } from '../../target/watch.js';

export class PolicyWatch {
  private watch?: ResilientWatch;
  private readonly present = new Map<string, KubeObject>();
  private waiters: (() => void)[] = [];
  /** When the first object was seen (event time). `alreadyPresent` when it predates the watch. */
  firstSeenAt?: string;
  alreadyPresent = false;
  /** When the last object went away (event time). */
  removedAt?: string;

  constructor(
    private readonly region: RegionClient,
    private readonly resource: string,
    private readonly selector: { fieldSelector?: string; labelSelector?: string },
  ) {}

  async start(): Promise<void> {
    let initial = true;
    this.watch = await this.region.watch(this.resource, this.selector, (type, obj, at) => {
      const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      if (type === 'DELETED') {
        this.present.delete(key);
        if (!this.present.size && this.firstSeenAt) this.removedAt = new Date(at).toISOString();
      } else {
        if (!this.present.size) {
          this.firstSeenAt ??= new Date(at).toISOString();
          this.alreadyPresent ||= initial;
          this.removedAt = undefined;
        }
        this.present.set(key, obj);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    initial = false;
  }

  stop(): void {
    this.watch?.stop();
    for (const w of this.waiters.splice(0)) w();
  }

  get inPlace(): boolean {
    return this.present.size > 0;
  }

  objects(): KubeObject[] {
    return [...this.present.values()];
  }

  /** Resolves when the policy is in place (true) or the time is up (false). */
  async untilPresent(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.inPlace && Date.now() < end) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, end - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.inPlace;
  }

  /** Resolves when the policy is gone (true) or the time is up (false). */
  async untilGone(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.inPlace && Date.now() < end) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, end - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return !this.inPlace;
  }
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * What is wrong with a Cilium egress-block policy's shape (observe mode judges the platform's):
 * it must select every endpoint and either default-deny egress without allowing the world, or
 * carry an egress deny list. Whether it really blocks is the call-home probe's job.
 */
export function policyShapeProblems(p: KubeObject): string[] {
  const spec = rec(p.spec);
  const problems: string[] = [];
  const selector = rec(spec.endpointSelector);
  const narrowed = Object.keys(rec(selector.matchLabels)).length > 0 || ((selector.matchExpressions as unknown[] | undefined) ?? []).length > 0;
  if (!('endpointSelector' in spec) || narrowed) problems.push('endpointSelector does not select every endpoint ({} expected)');
  const defaultDeny = rec(spec.enableDefaultDeny).egress === true || (rec(spec.enableDefaultDeny).egress === undefined && Array.isArray(spec.egress) && (spec.egress as unknown[]).length > 0);
  const denies = Array.isArray(spec.egressDeny) && (spec.egressDeny as unknown[]).length > 0;
  if (!defaultDeny && !denies) problems.push('neither default-deny egress nor an egressDeny list');
  const allowsWorld = ((spec.egress as unknown[] | undefined) ?? []).some((r) => {
    const rule = rec(r);
    const entities = (rule.toEntities as unknown[] | undefined) ?? [];
    const cidrs = [...((rule.toCIDR as unknown[] | undefined) ?? []), ...((rule.toCIDRSet as unknown[] | undefined) ?? []).map((c) => rec(c).cidr)];
    return entities.includes('world') || entities.includes('all') || cidrs.includes('0.0.0.0/0');
  });
  if (defaultDeny && allowsWorld) problems.push('an egress rule allows the world (toEntities world/all or 0.0.0.0/0)');
  return problems;
}
