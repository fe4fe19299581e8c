/**
 * The readiness sweep: every slot of the catalog concurrently, each as soon as its dependencies
 * passed, in every region of the target: the slot's HelmRelease must be Ready in each region
 * (waited for by one watch per region) and its surface must answer in each region (cluster
 * reads and in-cluster HTTP per region; a public HTTP surface, the same URL for all, once).
 * HTTP and exec surfaces are polled with bounded back-off. After the last slot, a settle window
 * proves everything stays Ready: a HelmRelease that goes Ready=False, Stalled or away, one still
 * in progress at the end of the window, or a surface that stops answering fails its slot and
 * blocks its dependents. A release action in progress (Ready=Unknown/Progressing) that returns
 * to Ready=True is not a flap.
 */
import type { SlotProbe } from '../../../probes/catalog.js';
import { dependentsOf } from '../../../probes/catalog.js';
import { evaluateSurface, helmReleaseState, judgeHelmRelease, readResources, watchedResource, type ProbeEnv, type ProbeOutcome } from '../../../probes/kinds/index.js';
import type { SurfaceCheck } from '../../kit/types.js';
import { describeError, equalitySelector, type KubeObject } from '../../target/objects.js';
import type { ResilientWatch } from '../../target/watch.js';
import type { RegionClient } from '../../target/kube.js';
import type { GateStatus } from '../../gates/types.js';
import { Signals } from './signals.js';

export const HELMRELEASES = 'helmreleases.helm.toolkit.fluxcd.io';

/** What one region showed for a slot. */
export interface RegionVerdict {
  region: string;
  hr: ProbeOutcome;
  /** Absent when the slot has no surface, its HelmRelease failed, or the surface is public and judged in the first region. */
  surface?: ProbeOutcome;
}

export interface Flap {
  at: number;
  region: string;
  reason: string;
}

export interface SlotResult {
  probe: SlotProbe;
  status: GateStatus;
  reason: string;
  rootCause?: string;
  startedAt: number;
  finishedAt: number;
  /** One per region judged, in target order (empty when blocked). */
  regions: RegionVerdict[];
  /** Failures seen after the slot passed (Ready=False, Stalled, deleted, or a surface that stopped answering). */
  flaps: Flap[];
}

export interface SweepOptions {
  deadlineMs: number;
  settleMs: number;
}

interface HrSeen {
  obj?: KubeObject;
  at: number;
}

/** A surface probed as soon as the sweep started, its HelmRelease already Ready (at `hrVersion`). */
interface EarlyProbe {
  hrVersion: string | undefined;
  outcome: Promise<ProbeOutcome>;
}

/** A public HTTP surface is the same URL whichever region is asked: judged once. */
export function regionScoped(check: SurfaceCheck): boolean {
  return !check.kind.startsWith('http-') || Boolean((check as { inCluster?: boolean }).inCluster);
}

export class ReadinessSweep {
  private readonly signals = new Signals();
  private readonly hrs = new Map<string, HrSeen>();
  private readonly watches: ResilientWatch[] = [];
  private readonly surfaceWatches = new Map<string, Promise<ResilientWatch | undefined>>();
  private readonly provisional = new Map<string, Promise<SlotResult>>();
  private readonly early: Promise<ProbeOutcome>[] = [];
  private readonly failLog = new Map<string, Flap[]>();
  private final?: Promise<Map<string, SlotResult>>;
  private stopped = false;
  private readonly started = Date.now();

  constructor(private readonly envs: ProbeEnv[], private readonly catalog: SlotProbe[], private readonly opts: SweepOptions) {
    if (!envs.length) throw new Error('the readiness sweep needs at least one region');
  }

  /**
   * Starts the HelmRelease watch of every region, then, once its initial list is in (every slot
   * waits on it, so it goes first, alone), the watch of every resource any surface reads and every
   * slot.
   */
  async start(): Promise<void> {
    const watches = await Promise.all(
      this.envs.map((env) =>
        env.region.watch(HELMRELEASES, {}, (type, obj, at) => {
          const key = hrKey(env.region.name, obj.metadata.namespace ?? '', obj.metadata.name);
          const now = type === 'DELETED' ? undefined : obj;
          this.hrs.set(key, { obj: now, at });
          const s = helmReleaseState(now);
          if (s.state === 'failed') this.failLog.set(key, [...(this.failLog.get(key) ?? []), { at, region: env.region.name, reason: s.reason }]);
          this.signals.notify(key);
        }),
      ),
    );
    this.watches.push(...watches);
    const resources = new Set(this.catalog.flatMap((p) => (p.slot.surface ? readResources(p.slot.surface) : [])));
    for (const env of this.envs) for (const resource of resources) void this.watchSurfaceResource(env, resource);
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

  private async runSlot(p: SlotProbe): Promise<SlotResult> {
    const early = this.probeEarly(p);
    const deps = await Promise.all(p.dependsOn.map((d) => this.provisional.get(d)!));
    const broken = deps.find((d) => d.status !== 'passed');
    if (broken) {
      const root = broken.rootCause ?? broken.probe.id;
      const at = Math.max(this.started, ...deps.map((d) => d.finishedAt));
      return { probe: p, status: 'blocked', rootCause: root, reason: `dependency ${broken.probe.id} ${broken.status === 'blocked' ? 'is blocked' : 'failed'} (root cause ${root})`, startedAt: at, finishedAt: at, regions: [], flaps: [] };
    }
    const startedAt = Math.max(this.started, ...deps.map((d) => d.finishedAt));
    const deadline = Date.now() + Math.max(this.opts.deadlineMs, (p.slot.surface?.timeoutSeconds ?? 0) * 1000);
    const base = { probe: p, startedAt, flaps: [] };

    const regions: RegionVerdict[] = await Promise.all(this.envs.map(async (env) => ({ region: env.region.name, hr: await this.waitHr(env, p, deadline) })));
    const hrAt = Math.max(...regions.map((r) => r.hr.at));
    const hrFailed = regions.filter((r) => !r.hr.ok);
    if (hrFailed.length) return { ...base, regions, status: 'failed', reason: inRegions(hrFailed.map((r) => ({ region: r.region, reason: r.hr.reason })), this.envs.length), finishedAt: Math.max(startedAt, hrAt) };

    const check = p.slot.surface;
    const hrReason = this.envs.length > 1 ? `HelmRelease Ready=True in ${regions.map((r) => r.region).join(', ')}` : regions[0].hr.reason;
    if (!check) return { ...base, regions, status: 'passed', reason: hrReason, finishedAt: Math.max(startedAt, hrAt) };
    const judged = regionScoped(check) ? regions : regions.slice(0, 1);
    await Promise.all(judged.map(async (r, i) => (r.surface = (await this.earlyAnswer(this.envs[i], p, early[i])) ?? (await this.waitSurface(this.envs[i], check, deadline)))));
    // A surface that answered before the last dependency passed is proven when that dependency is.
    const finishedAt = Math.max(startedAt, hrAt, ...judged.map((r) => r.surface!.at));
    const bad = judged.filter((r) => !r.surface!.ok);
    if (bad.length) return { ...base, regions, status: 'failed', reason: inRegions(bad.map((r) => ({ region: r.region, reason: r.surface!.reason })), this.envs.length), finishedAt };
    const surfaceReason = judged.length > 1 ? `${judged[0].surface!.reason} (and in ${judged.slice(1).map((r) => r.region).join(', ')})` : judged[0].surface!.reason;
    return { ...base, regions, status: 'passed', reason: `${hrReason}; ${surfaceReason}`, finishedAt };
  }

  /**
   * The slot's polled surface (HTTP, exec), probed at once in each region where its HelmRelease is
   * already Ready, instead of only after its dependencies passed: on a Ready Sovereign the probes of
   * every layer go out together rather than one layer after another. Surfaces read from a watch
   * cost nothing to judge late, and a HelmRelease not yet Ready leaves the slot to `waitSurface`.
   */
  private probeEarly(p: SlotProbe): (EarlyProbe | undefined)[] {
    const check = p.slot.surface;
    if (!check || watchedResource(check)) return [];
    const envs = regionScoped(check) ? this.envs : this.envs.slice(0, 1);
    return envs.map((env) => {
      const seen = this.hrs.get(hrKey(env.region.name, p.slot.ready.namespace, p.slot.ready.name));
      if (!judgeHelmRelease(seen?.obj, seen?.at ?? Date.now()).ok) return undefined;
      const outcome = this.evaluate(env, check);
      this.early.push(outcome);
      return { hrVersion: seen?.obj?.metadata.resourceVersion, outcome };
    });
  }

  /**
   * The early probe's answer when it proves the surface: it answered, and the HelmRelease the
   * slot has just seen Ready is the very object that was Ready when the probe went out (an
   * upgrade or any other change since sends the slot to probe afresh, as it always did).
   */
  private async earlyAnswer(env: ProbeEnv, p: SlotProbe, early: EarlyProbe | undefined): Promise<ProbeOutcome | undefined> {
    const unchanged = () => this.hrs.get(hrKey(env.region.name, p.slot.ready.namespace, p.slot.ready.name))?.obj?.metadata.resourceVersion === early?.hrVersion;
    if (!early || !unchanged()) return undefined;
    const outcome = await early.outcome;
    return outcome.ok && unchanged() ? outcome : undefined;
  }

  private async waitHr(env: ProbeEnv, p: SlotProbe, deadline: number): Promise<ProbeOutcome> {
    const key = hrKey(env.region.name, p.slot.ready.namespace, p.slot.ready.name);
    for (;;) {
      const seen = this.hrs.get(key);
      const hr = judgeHelmRelease(seen?.obj, seen?.at ?? Date.now());
      if (hr.ok || hr.final || this.stopped) return hr;
      if (Date.now() >= deadline) return { ...hr, reason: `not Ready within ${fmtMs(this.opts.deadlineMs)}: ${hr.reason}` };
      await this.signals.wait([key], deadline - Date.now());
    }
  }

  private async evaluate(env: ProbeEnv, check: SurfaceCheck): Promise<ProbeOutcome> {
    try {
      return await evaluateSurface(check, this.informed(env));
    } catch (e) {
      return { ok: false, reason: `${check.kind} probe error: ${describeError(e)}`, at: Date.now() };
    }
  }

  private async waitSurface(env: ProbeEnv, check: SurfaceCheck, deadline: number): Promise<ProbeOutcome> {
    const watched = watchedResource(check);
    await Promise.all(readResources(check).map((resource) => this.watchSurfaceResource(env, resource)));
    let backoff = 200;
    for (;;) {
      const surface = await this.evaluate(env, check);
      if (surface.ok || this.stopped) return surface;
      if (Date.now() >= deadline) return { ...surface, reason: `surface not answering within ${fmtMs(this.opts.deadlineMs)}: ${surface.reason}` };
      const waitMs = Math.min(backoff, deadline - Date.now());
      await (watched ? this.signals.wait([resKey(env.region.name, watched.resource)], Math.min(waitMs * 5, deadline - Date.now())) : sleep(waitMs));
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  private watchSurfaceResource(env: ProbeEnv, resource: string): Promise<ResilientWatch | undefined> {
    const key = resKey(env.region.name, resource);
    let w = this.surfaceWatches.get(key);
    if (!w) {
      const started = env.region
        .watch(resource, {}, () => this.signals.notify(key))
        .then((watch) => {
          // Stopped before its list came in: the sweep is over.
          if (this.stopped) watch.stop();
          else this.watches.push(watch);
          return watch;
        })
        // Not served yet (a CRD its chart installs): the probe itself reports that, by polling, and
        // the next slot to wait on the resource tries the watch again.
        .catch(() => {
          if (this.surfaceWatches.get(key) === started) this.surfaceWatches.delete(key);
          return undefined;
        });
      this.surfaceWatches.set(key, (w = started));
    }
    return w;
  }

  /**
   * The probe's environment with lists and gets of a resource the sweep watches answered from that
   * watch (an informer: one LIST and one WATCH per resource type and region, however many slots and
   * re-checks read it); other reads go to the API server. A GET per rollout would be one request
   * per slot, and the settle re-check sends them all at once: at 2,400 slots the API server answered
   * 429 (too many requests in flight) and passed slots read as failed.
   */
  private informed(env: ProbeEnv): ProbeEnv {
    const region = Object.create(env.region) as RegionClient;
    region.get = async (resource, namespace, name) => {
      const watch = await this.surfaceWatches.get(resKey(env.region.name, resource));
      if (!watch) return env.region.get(resource, namespace, name);
      const resolved = await env.region.resolve(resource);
      return watch.object(resolved.namespaced ? namespace : undefined, name);
    };
    region.list = async (resource, opts = {}) => {
      const selects = opts.labelSelector ? equalitySelector(opts.labelSelector) : () => true;
      const watch = !selects || opts.fieldSelector ? undefined : await this.surfaceWatches.get(resKey(env.region.name, resource));
      if (!watch || !selects) return env.region.list(resource, opts);
      const resolved = await env.region.resolve(resource);
      const items = watch.objects().filter((o) => (!resolved.namespaced || opts.namespace === undefined || o.metadata.namespace === opts.namespace) && selects(o.metadata.labels));
      return { items, resourceVersion: '', resolved };
    };
    return { ...env, region };
  }

  /** Why a passed slot is not stably Ready at the end of the settle window, or undefined. */
  private async unsettled(r: SlotResult): Promise<{ reason: string; at: number } | undefined> {
    const { ready, surface } = r.probe.slot;
    for (const v of r.regions) {
      const key = hrKey(v.region, ready.namespace, ready.name);
      r.flaps.push(...(this.failLog.get(key) ?? []).filter((f) => f.at > r.finishedAt));
    }
    const first = r.flaps[0];
    if (first) return { at: first.at, reason: `flapping: in ${first.region} the HelmRelease went from Ready=True to ${first.reason} at ${new Date(first.at).toISOString()} (${r.flaps.length} failure${r.flaps.length > 1 ? 's' : ''} after it passed)` };
    for (const v of r.regions) {
      const now = helmReleaseState(this.hrs.get(hrKey(v.region, ready.namespace, ready.name))?.obj);
      if (now.state === 'in-progress') return { at: Date.now(), reason: `did not settle: in ${v.region} the HelmRelease is still in progress at the end of the ${fmtMs(this.opts.settleMs)} settle window (${now.reason})` };
      if (now.state === 'failed') return { at: Date.now(), reason: `no longer Ready after passing in ${v.region}: ${now.reason}` };
    }
    // No settle window (--settle 0s): a surface just proven is not probed again.
    if (!surface || this.opts.settleMs === 0) return undefined;
    for (const [i, v] of r.regions.entries()) {
      if (!v.surface) continue;
      const again = await this.evaluate(this.envs[i], surface);
      v.surface = again;
      if (!again.ok) {
        r.flaps.push({ at: again.at, region: v.region, reason: again.reason });
        return { at: again.at, reason: `surface stopped answering after passing, in ${v.region}: ${again.reason}` };
      }
    }
    return undefined;
  }

  private async settle(): Promise<Map<string, SlotResult>> {
    const results = new Map<string, SlotResult>();
    for (const p of this.catalog) results.set(p.id, await this.provisional.get(p.id)!);
    // A blocked slot's early probe may still be out: the sweep ends with none of its requests in flight.
    await Promise.all(this.early);
    if (this.opts.settleMs > 0 && !this.stopped) await sleep(this.opts.settleMs);
    const passed = [...results.values()].filter((r) => r.status === 'passed');
    const verdicts = await Promise.all(passed.map(async (r) => ({ r, bad: await this.unsettled(r) })));
    for (const { r, bad } of verdicts) {
      if (!bad || r.status !== 'passed') continue;
      r.status = 'failed';
      r.reason = bad.reason;
      r.finishedAt = bad.at;
      for (const dep of dependentsOf(this.catalog, r.probe.id)) {
        const d = results.get(dep)!;
        if (d.status === 'passed') Object.assign(d, { status: 'blocked', rootCause: r.probe.id, reason: `dependency ${r.probe.id} is not stably Ready (root cause ${r.probe.id})` });
      }
    }
    this.stop();
    return results;
  }
}

/** `in hz-hel-rtz-prod: …`, naming every failing region (a one-region target keeps the bare reason). */
function inRegions(failed: { region: string; reason: string }[], total: number): string {
  if (total === 1) return failed[0].reason;
  const more = failed.length > 1 ? ` (also failing in ${failed.slice(1).map((f) => f.region).join(', ')})` : '';
  return `in ${failed[0].region}: ${failed[0].reason}${more}`;
}

const hrKey = (region: string, ns: string, name: string) => `hr:${region}:${ns}/${name}`;
const resKey = (region: string, resource: string) => `res:${region}:${resource}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const fmtMs = (ms: number) => (ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)}m` : `${+(ms / 1000).toFixed(1)}s`);
