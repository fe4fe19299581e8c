/**
 * The readiness sweep: every slot of the catalog concurrently, each as soon as its dependencies
 * passed, waiting by watch (HelmReleases, and the API objects a surface judges) with a per-slot
 * deadline; HTTP and exec surfaces are polled with bounded back-off. After the last slot, a
 * settle window proves everything stays Ready: a flap fails its slot and blocks its dependents.
 */
import type { SlotProbe } from '../../../probes/catalog.js';
import { dependentsOf } from '../../../probes/catalog.js';
import { evaluateSurface, judgeHelmRelease, watchedResource, type ProbeEnv, type ProbeOutcome } from '../../../probes/kinds/index.js';
import { condition, describeError, type KubeObject } from '../../target/objects.js';
import type { ResilientWatch } from '../../target/watch.js';
import type { GateStatus } from '../../gates/types.js';
import { Signals } from './signals.js';

export const HELMRELEASES = 'helmreleases.helm.toolkit.fluxcd.io';

export interface SlotResult {
  probe: SlotProbe;
  status: GateStatus;
  reason: string;
  rootCause?: string;
  startedAt: number;
  finishedAt: number;
  hr?: ProbeOutcome;
  surface?: ProbeOutcome;
  /** Ready transitions seen after the slot passed (flaps). */
  flaps: { at: number; reason: string }[];
}

export interface SweepOptions {
  deadlineMs: number;
  settleMs: number;
}

interface HrSeen {
  obj?: KubeObject;
  at: number;
}

export class ReadinessSweep {
  private readonly signals = new Signals();
  private readonly hrs = new Map<string, HrSeen>();
  private readonly watches: ResilientWatch[] = [];
  private readonly surfaceWatches = new Map<string, Promise<void>>();
  private readonly provisional = new Map<string, Promise<SlotResult>>();
  private final?: Promise<Map<string, SlotResult>>;
  private stopped = false;
  private readonly started = Date.now();

  constructor(private readonly env: ProbeEnv, private readonly catalog: SlotProbe[], private readonly opts: SweepOptions) {}

  /** Starts the HelmRelease watch and every slot; resolves when the initial list is in. */
  async start(): Promise<void> {
    this.watches.push(
      await this.env.region.watch(HELMRELEASES, {}, (type, obj, at) => {
        const key = hrKey(obj.metadata.namespace ?? '', obj.metadata.name);
        this.hrs.set(key, { obj: type === 'DELETED' ? undefined : obj, at });
        this.onHrEvent(key, obj, at, type);
        this.signals.notify(key);
      }),
    );
    for (const p of this.catalog) this.provisional.set(p.id, this.runSlot(p));
    this.final = this.settle();
  }

  result(id: string): Promise<SlotResult> {
    if (!this.final) throw new Error('sweep not started');
    return this.final.then((m) => m.get(id)!);
  }

  all(): Promise<Map<string, SlotResult>> {
    if (!this.final) throw new Error('sweep not started');
    return this.final;
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
  }

  private readonly flapLog = new Map<string, { at: number; reason: string }[]>();

  private onHrEvent(key: string, obj: KubeObject, at: number, type: string): void {
    const ready = condition(obj, 'Ready');
    if (type === 'DELETED' || ready?.status !== 'True') {
      const log = this.flapLog.get(key) ?? [];
      log.push({ at, reason: type === 'DELETED' ? 'HelmRelease deleted' : `Ready=${ready?.status ?? 'missing'} ${ready?.reason ?? ''} ${ready?.message ?? ''}`.trim() });
      this.flapLog.set(key, log);
    }
  }

  private async runSlot(p: SlotProbe): Promise<SlotResult> {
    const deps = await Promise.all(p.dependsOn.map((d) => this.provisional.get(d)!));
    const broken = deps.find((d) => d.status !== 'passed');
    if (broken) {
      const root = broken.rootCause ?? broken.probe.id;
      const at = Math.max(this.started, ...deps.map((d) => d.finishedAt));
      return { probe: p, status: 'blocked', rootCause: root, reason: `dependency ${broken.probe.id} ${broken.status === 'blocked' ? 'is blocked' : 'failed'} (root cause ${root})`, startedAt: at, finishedAt: at, flaps: [] };
    }
    const startedAt = Math.max(this.started, ...deps.map((d) => d.finishedAt));
    const deadline = Date.now() + Math.max(this.opts.deadlineMs, (p.slot.surface?.timeoutSeconds ?? 0) * 1000);
    const base = { probe: p, startedAt, flaps: [] };

    const key = hrKey(p.slot.ready.namespace, p.slot.ready.name);
    let hr: ProbeOutcome;
    for (;;) {
      const seen = this.hrs.get(key);
      hr = judgeHelmRelease(seen?.obj, seen?.at ?? Date.now());
      if (hr.ok || hr.final || this.stopped) break;
      if (Date.now() >= deadline) {
        hr = { ...hr, reason: `not Ready within ${fmtMs(this.opts.deadlineMs)}: ${hr.reason}` };
        break;
      }
      await this.signals.wait([key], deadline - Date.now());
    }
    if (!hr.ok) return { ...base, status: 'failed', reason: hr.reason, hr, finishedAt: hr.at };

    const check = p.slot.surface;
    if (!check) return { ...base, status: 'passed', reason: hr.reason, hr, finishedAt: hr.at };
    const watched = watchedResource(check);
    if (watched) await this.watchSurfaceResource(watched.resource);
    let surface: ProbeOutcome;
    let backoff = 200;
    for (;;) {
      try {
        surface = await evaluateSurface(check, this.env);
      } catch (e) {
        surface = { ok: false, reason: `${check.kind} probe error: ${describeError(e)}`, at: Date.now() };
      }
      if (surface.ok || this.stopped) break;
      if (Date.now() >= deadline) {
        surface = { ...surface, reason: `surface not answering within ${fmtMs(this.opts.deadlineMs)}: ${surface.reason}` };
        break;
      }
      const waitMs = Math.min(backoff, deadline - Date.now());
      await (watched ? this.signals.wait([`res:${watched.resource}`], Math.min(waitMs * 5, deadline - Date.now())) : sleep(waitMs));
      backoff = Math.min(backoff * 2, 5000);
    }
    return {
      ...base,
      status: surface.ok ? 'passed' : 'failed',
      reason: surface.ok ? `${hr.reason}; ${surface.reason}` : surface.reason,
      hr,
      surface,
      finishedAt: Math.max(hr.at, surface.at),
    };
  }

  private watchSurfaceResource(resource: string): Promise<void> {
    let w = this.surfaceWatches.get(resource);
    if (!w) {
      w = this.env.region
        .watch(resource, {}, () => this.signals.notify(`res:${resource}`))
        .then((watch) => {
          this.watches.push(watch);
        })
        // Not served yet (a CRD its chart installs): the probe itself reports that, by polling.
        .catch(() => undefined);
      this.surfaceWatches.set(resource, w);
    }
    return w;
  }

  private async settle(): Promise<Map<string, SlotResult>> {
    const results = new Map<string, SlotResult>();
    for (const p of this.catalog) results.set(p.id, await this.provisional.get(p.id)!);
    if (this.opts.settleMs > 0 && !this.stopped) await sleep(this.opts.settleMs);
    for (const r of results.values()) {
      if (r.status !== 'passed') continue;
      const key = hrKey(r.probe.slot.ready.namespace, r.probe.slot.ready.name);
      r.flaps = (this.flapLog.get(key) ?? []).filter((f) => f.at > r.finishedAt);
      const now = judgeHelmRelease(this.hrs.get(key)?.obj, Date.now());
      if (r.flaps.length || !now.ok) {
        const first = r.flaps[0];
        r.status = 'failed';
        r.reason = first
          ? `flapping: Ready went from True to ${first.reason} at ${new Date(first.at).toISOString()} (${r.flaps.length} transition${r.flaps.length > 1 ? 's' : ''} after it passed)`
          : `no longer Ready after passing: ${now.reason}`;
        r.finishedAt = first?.at ?? now.at;
        for (const dep of dependentsOf(this.catalog, r.probe.id)) {
          const d = results.get(dep)!;
          if (d.status === 'passed') {
            Object.assign(d, { status: 'blocked', rootCause: r.probe.id, reason: `dependency ${r.probe.id} is not stably Ready (root cause ${r.probe.id})` });
          }
        }
      }
    }
    this.stop();
    return results;
  }
}

const hrKey = (ns: string, name: string) => `hr:${ns}/${name}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const fmtMs = (ms: number) => (ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)}m` : `${+(ms / 1000).toFixed(1)}s`);
