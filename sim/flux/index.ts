/** The Flux model of every sim region: seeds the Flux objects and runs the three controllers. */
import type { SimContext } from '../context.js';
import { between } from '../runtime/queue.js';
import { installHelmReleaseController } from './helmreleases.js';
import { installKustomizationController } from './kustomizations.js';
import { seedFlux } from './seed.js';
import { installSourceController } from './sources.js';

export interface FluxTiming {
  /** Per-HelmRelease install time range (ms). */
  minDelayMs: number;
  maxDelayMs: number;
  /** Period of a flapping release's Ready flips (ms). */
  flapMs?: number;
  /** Kubernetes API latency in force; a release makes a handful of round trips, so it stretches installs. */
  latencyMs?: number;
}

export const DEFAULT_FLUX_TIMING: FluxTiming = { minDelayMs: 20, maxDelayMs: 120 };

function faultMillis(ctx: SimContext, kind: string): number | undefined {
  const arg = ctx.faults.find((f) => f.kind === kind)?.arg;
  return arg === undefined ? undefined : Number(arg);
}

export async function installFlux(ctx: SimContext, timing: FluxTiming = DEFAULT_FLUX_TIMING): Promise<void> {
  const slow = faultMillis(ctx, 'slow-reconcile');
  const latency = timing.latencyMs ?? 0;
  const installDelay = () => (slow !== undefined ? between(slow * 0.9, slow * 1.1) : between(timing.minDelayMs, timing.maxDelayMs)) + 2 * latency;
  for (const region of ctx.regions) {
    const onError = (err: unknown, key?: string) => process.stderr.write(`[sim ${region.name}] flux ${key ?? ''}: ${(err as Error)?.message ?? String(err)}\n`);
    seedFlux(region.store, {
      sovereign: ctx.sovereign,
      role: region.role,
      slots: ctx.kit.slots,
      suspended: (name) => ctx.faultActive('suspended', name),
    });
    const stops = [
      installSourceController(region.store, ctx.net, onError),
      installKustomizationController(region.store, onError),
      installHelmReleaseController(region.store, {
        installDelay,
        flapMs: timing.flapMs ?? 300,
        onError,
        faults: {
          stuck: (name) => ctx.faultActive('hr-stuck', name),
          flapping: (name) => ctx.faultActive('hr-flap', name),
          staleGeneration: (name) => ctx.faultActive('stale-generation', name),
        },
      }),
    ];
    ctx.onStop(() => stops.forEach((stop) => stop()));
  }
}
