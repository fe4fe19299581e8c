/**
 * Watches `organizations.orgs.openova.io` on the primary region for the whole journey and
 * judges one Organization from the watch events themselves: when it appeared, when the
 * controller first wrote status (reconcile start), when each part came up, when it was Ready.
 */
import type { RegionClient } from '../../target/kube.js';
import { condition, type KubeObject } from '../../target/objects.js';
import type { ResilientWatch, WatchEvent } from '../../target/watch.js';

export const ORGANIZATION_RESOURCE = 'organizations.orgs.openova.io';

export interface OrgSnapshot {
  vclusterPhase?: string;
  keycloakGroup: boolean;
  giteaOrg: boolean;
  ready?: { status: string; reason?: string; message?: string; lastTransitionTime?: string };
  hasStatus: boolean;
}

export interface OrgEvent {
  type: WatchEvent;
  receivedAtMs: number;
  resourceVersion: string;
  snapshot: OrgSnapshot;
  object: KubeObject;
  /** Delivered by the watch's initial list (the object existed before the watch). */
  initial: boolean;
}

export function snapshot(o: KubeObject): OrgSnapshot {
  const s = (o.status ?? {}) as { vcluster?: { phase?: string }; keycloakGroup?: { id?: string; path?: string }; giteaOrg?: { name?: string } };
  const r = condition(o, 'Ready');
  return {
    vclusterPhase: s.vcluster?.phase,
    keycloakGroup: Boolean(s.keycloakGroup?.id || s.keycloakGroup?.path),
    giteaOrg: Boolean(s.giteaOrg?.name),
    ready: r ? { status: r.status, reason: r.reason, message: r.message, lastTransitionTime: r.lastTransitionTime } : undefined,
    hasStatus: Object.keys(o.status ?? {}).length > 0,
  };
}

/** Ready as the DoD means it: vCluster Ready, Keycloak group and Gitea org present, Ready=True. */
export function isReconciled(s: OrgSnapshot): boolean {
  return s.vclusterPhase === 'Ready' && s.keycloakGroup && s.giteaOrg && s.ready?.status === 'True';
}

export function isFailed(s: OrgSnapshot): boolean {
  return s.vclusterPhase === 'Failed';
}

export class OrganizationWatch {
  private readonly events: OrgEvent[] = [];
  private readonly wakers = new Set<() => void>();
  private watch?: ResilientWatch;
  private listing = false;

  constructor(private readonly region: RegionClient) {}

  /** Resolves once the initial list was delivered; Organizations that already exist are recorded with the start time. */
  async start(): Promise<void> {
    this.listing = true;
    try {
      this.watch = await this.region.watch(ORGANIZATION_RESOURCE, {}, (type, obj, receivedAtMs) => {
        this.events.push({ type, receivedAtMs, resourceVersion: obj.metadata.resourceVersion ?? '', snapshot: snapshot(obj), object: obj, initial: this.listing });
        for (const w of [...this.wakers]) w();
      });
    } finally {
      this.listing = false;
    }
  }

  stop(): void {
    this.watch?.stop();
  }

  /** Events of the Organization whose `spec.slug` (or name) is `slug`, in arrival order. */
  eventsFor(slug: string): OrgEvent[] {
    return this.events.filter((e) => (e.object.spec as { slug?: string } | undefined)?.slug === slug || e.object.metadata.name === slug);
  }

  /** Waits until an event of `slug` satisfies `pred`; undefined when `deadlineMs` (epoch) passes first. */
  async until(slug: string, pred: (e: OrgEvent) => boolean, deadlineMs: number): Promise<OrgEvent | undefined> {
    for (;;) {
      const hit = this.eventsFor(slug).find(pred);
      if (hit) return hit;
      const left = deadlineMs - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.wakers.add(wake);
      });
    }
  }
}
