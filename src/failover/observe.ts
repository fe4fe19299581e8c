/**
 * What the platform says while a region dies: watches (in the surviving regions) the Continuum
 * (`continuums.dr.openova.io`), the CNPGPair and the CNPG Clusters, and puts every transition on
 * the write history's timeline as an event stamped with the watch event's arrival time:
 *   {"event":"continuum-phase","at":…,"region":…,"object":"ns/name","phase":"SwitchingOver","previous":"Healthy"}
 *   {"event":"continuum-lease","at":…,"leaseHolder":…}
 *   {"event":"continuum-switchover","at":…,"reportedAt":<status time>,"from":…,"to":…,"rtoObserved":…,"rpoObserved":…,"baseline":false}
 *   {"event":"cnpgpair","at":…,"phase":…,"streaming":…,"currentPrimaryRegion":…}
 *   {"event":"cnpg-cluster","at":…,"currentPrimary":…,"replica":…,"timelineID":…,"phase":…}
 *   {"event":"promoted","at":…,"source":"continuum"|"cnpg","detail":…}   (once, the first sign after arm())
 */
import type { RegionClient } from '../target/kube.js';
import { describeError, type KubeObject } from '../target/objects.js';
import { NotServedError } from '../target/errors.js';
import type { ResilientWatch, WatchEvent } from '../target/watch.js';
import type { HistoryEvent } from './history.js';

export const CONTINUUM_RESOURCE = 'continuums.dr.openova.io';
export const CNPGPAIR_RESOURCE = 'cnpgpairs.dr.openova.io';
export const CNPG_CLUSTER_RESOURCE = 'clusters.postgresql.cnpg.io';
const RESOURCES = [CONTINUUM_RESOURCE, CNPGPAIR_RESOURCE, CNPG_CLUSTER_RESOURCE] as const;
type Resource = (typeof RESOURCES)[number];

export interface Switchover {
  at?: string;
  from?: string;
  to?: string;
  reason?: string;
  rtoObserved?: string;
  rpoObserved?: string;
  initiatedBy?: string;
}

export interface Observed {
  region: string;
  object: string;
  obj: KubeObject;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const GO_DURATION = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`850ms`, `1m5.2s`) or a number of seconds, in ms; null when absent or unreadable. */
export function parseReportedDuration(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(GO_DURATION)) total += Number(m[1]) * UNIT_MS[m[2]];
  return Math.round(total);
}

function durationText(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v);
}

export function continuumSwitchover(obj: KubeObject): Switchover | undefined {
  const s = record(record(obj.status).lastSwitchover);
  if (!Object.keys(s).length) return undefined;
  return { at: str(s.at), from: str(s.from), to: str(s.to), reason: str(s.reason), rtoObserved: durationText(s.rtoObserved), rpoObserved: durationText(s.rpoObserved), initiatedBy: str(s.initiatedBy) };
}

interface Snapshot {
  fields: Record<string, unknown>;
}

function continuumFields(o: KubeObject): Record<string, unknown> {
  const s = record(o.status);
  return { phase: str(s.phase), leaseHolder: str(s.leaseHolder), primaryRegion: str(s.primaryRegion), switchoverAt: continuumSwitchover(o)?.at };
}

function pairFields(o: KubeObject): Record<string, unknown> {
  const s = record(o.status);
  return { phase: str(s.phase), streaming: typeof s.streaming === 'boolean' ? s.streaming : undefined, currentPrimaryRegion: str(s.currentPrimaryRegion) };
}

function clusterFields(o: KubeObject): Record<string, unknown> {
  const s = record(o.status);
  const replica = record(record(o.spec).replica);
  return { currentPrimary: str(s.currentPrimary), replica: replica.enabled === true, timelineID: typeof s.timelineID === 'number' ? s.timelineID : undefined, phase: str(s.phase) };
}

export class FailoverObserver {
  private readonly watches: ResilientWatch[] = [];
  private readonly latest = new Map<string, Observed & { resource: Resource; snapshot: Snapshot }>();
  private armed = false;
  private promoted: HistoryEvent | null = null;
  /** Resources a region does not serve (e.g. no Continuum CRD on a kind target). */
  readonly notServed: string[] = [];
  readonly watchErrors: string[] = [];

  private constructor(private readonly emit: (e: HistoryEvent) => void) {}

  /** Starts the watches; resolves once every initial list has been delivered (baseline events emitted). */
  static async start(regions: readonly RegionClient[], emit: (e: HistoryEvent) => void): Promise<FailoverObserver> {
    const o = new FailoverObserver(emit);
    for (const region of regions) {
      for (const resource of RESOURCES) {
        try {
          const w = await region.watch(
            resource,
            {},
            (type, obj, at) => o.onEvent(region.name, resource, type, obj, at),
            (err) => o.watchErrors.push(`${region.name} ${resource}: ${describeError(err)}`),
          );
          o.watches.push(w);
        } catch (err) {
          if (!(err instanceof NotServedError)) {
            o.stop();
            throw err;
          }
          o.notServed.push(`${region.name}: ${resource}`);
        }
      }
    }
    return o;
  }

  /** From now on the first sign of a promotion is emitted as the `promoted` event (call right before the kill). */
  arm(): void {
    this.armed = true;
  }

  get promotedEvent(): HistoryEvent | null {
    return this.promoted;
  }

  objects(resource: Resource): Observed[] {
    return [...this.latest.values()].filter((x) => x.resource === resource).map(({ region, object, obj }) => ({ region, object, obj }));
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches.length = 0;
  }

  private onEvent(region: string, resource: Resource, type: WatchEvent, obj: KubeObject, at: number): void {
    const object = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const key = `${region}|${resource}|${object}`;
    if (type === 'DELETED') {
      this.latest.delete(key);
      this.emit({ event: 'deleted', at, region, resource, object });
      return;
    }
    const fields = resource === CONTINUUM_RESOURCE ? continuumFields(obj) : resource === CNPGPAIR_RESOURCE ? pairFields(obj) : clusterFields(obj);
    const before = this.latest.get(key)?.snapshot.fields;
    this.latest.set(key, { region, object, obj, resource, snapshot: { fields } });
    const changed = (f: string): boolean => before === undefined || before[f] !== fields[f];
    const base = { at, region, object };

    if (resource === CONTINUUM_RESOURCE) {
      if (changed('phase')) this.emit({ event: 'continuum-phase', ...base, phase: fields.phase ?? null, previous: before?.phase ?? null });
      if (changed('leaseHolder')) this.emit({ event: 'continuum-lease', ...base, leaseHolder: fields.leaseHolder ?? null });
      if (changed('switchoverAt') && fields.switchoverAt !== undefined) {
        const { at: reportedAt, ...switchover } = continuumSwitchover(obj) ?? {};
        this.emit({ event: 'continuum-switchover', ...base, ...switchover, reportedAt, baseline: !this.armed });
      }
      if (this.armed && before !== undefined && fields.phase === 'FailedOver' && before.phase !== 'FailedOver') this.markPromoted(at, 'continuum', `${object} phase FailedOver`);
      return;
    }
    if (resource === CNPGPAIR_RESOURCE) {
      if (changed('phase') || changed('streaming') || changed('currentPrimaryRegion')) this.emit({ event: 'cnpgpair', ...base, phase: fields.phase ?? null, streaming: fields.streaming ?? null, currentPrimaryRegion: fields.currentPrimaryRegion ?? null });
      return;
    }
    // With a CNPGPair known, only its clusters matter (other apps' clusters are not the pair under test).
    const paired = this.pairClusters();
    if (paired.size && !paired.has(obj.metadata.name)) return;
    if (changed('currentPrimary') || changed('replica') || changed('timelineID') || changed('phase')) {
      this.emit({ event: 'cnpg-cluster', ...base, currentPrimary: fields.currentPrimary ?? null, replica: fields.replica, timelineID: fields.timelineID ?? null, phase: fields.phase ?? null });
    }
    if (!this.armed || before === undefined) return;
    if (before.replica === true && fields.replica === false) this.markPromoted(at, 'cnpg', `${object} is no longer a replica`);
    else if (typeof before.timelineID === 'number' && typeof fields.timelineID === 'number' && fields.timelineID > before.timelineID) this.markPromoted(at, 'cnpg', `${object} timeline ${before.timelineID} → ${fields.timelineID}`);
    else if (before.currentPrimary !== undefined && fields.currentPrimary !== before.currentPrimary) this.markPromoted(at, 'cnpg', `${object} currentPrimary ${String(before.currentPrimary)} → ${String(fields.currentPrimary)}`);
  }

  private pairClusters(): Set<string> {
    const names = new Set<string>();
    for (const p of this.objects(CNPGPAIR_RESOURCE)) {
      for (const f of ['primaryCluster', 'replicaCluster']) {
        const name = p.obj.spec?.[f];
        if (typeof name === 'string') names.add(name);
      }
    }
    return names;
  }

  private markPromoted(at: number, source: 'continuum' | 'cnpg', detail: string): void {
    if (this.promoted) return;
    this.promoted = { event: 'promoted', at, source, detail };
    this.emit(this.promoted);
  }
}
