/** Builds one Gate while a suite judges it: steps with their own times, evidence, verdict. */
import type { Evidence, Gate, GateLabels, GateStatus, GateStep } from './types.js';

export class GateRun {
  private readonly steps: GateStep[] = [];
  private readonly evidence: Evidence[] = [];
  private readonly metrics: Record<string, number | null> = {};
  private helmReleases?: string[];
  private readonly startedAt = new Date().toISOString();
  private result?: { status: GateStatus; reason: string; rootCause?: string };

  constructor(
    readonly id: string,
    readonly suite: string,
    readonly title: string,
    readonly labels: GateLabels = {},
    readonly dependsOn?: string[],
  ) {}

  /** Runs `fn` as a step; a throw marks the step failed and is re-thrown. */
  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
    const startedAt = new Date().toISOString();
    try {
      const v = await fn();
      this.steps.push({ name, status: 'passed', startedAt, finishedAt: new Date().toISOString(), detail: detail?.(v) });
      return v;
    } catch (e) {
      this.steps.push({ name, status: 'failed', startedAt, finishedAt: new Date().toISOString(), detail: (e as Error).message });
      throw e;
    }
  }

  /** Records a step judged elsewhere (e.g. from watch events with their own times). */
  addStep(step: GateStep): void {
    this.steps.push(step);
  }

  attach(...e: Evidence[]): void {
    this.evidence.push(...e);
  }

  metric(name: string, value: number | null): void {
    this.metrics[name] = value;
  }

  /** The HelmReleases (`namespace/name`) this gate judges (see Gate.helmReleases). */
  aboutHelmReleases(refs: string[]): void {
    this.helmReleases = refs;
  }

  pass(reason: string): Gate {
    return this.finish('passed', reason);
  }

  fail(reason: string): Gate {
    return this.finish('failed', reason);
  }

  error(reason: string): Gate {
    return this.finish('error', reason);
  }

  block(rootCause: string, reason: string): Gate {
    return this.finish('blocked', reason, rootCause);
  }

  skip(reason: string): Gate {
    return this.finish('skipped', reason);
  }

  finish(status: GateStatus, reason: string, rootCause?: string, times?: { startedAt?: string; finishedAt?: string }): Gate {
    this.result ??= { status, reason, rootCause };
    return {
      id: this.id,
      suite: this.suite,
      title: this.title,
      status: this.result.status,
      reason: this.result.reason,
      rootCause: this.result.rootCause,
      startedAt: times?.startedAt ?? this.startedAt,
      finishedAt: times?.finishedAt ?? new Date().toISOString(),
      dependsOn: this.dependsOn,
      labels: this.labels,
      steps: this.steps,
      evidence: this.evidence,
      metrics: Object.keys(this.metrics).length ? this.metrics : undefined,
      helmReleases: this.helmReleases,
    };
  }
}
