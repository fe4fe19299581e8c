/** HR Ready as Flux means it: Ready=True for the current generation, not suspended. */
import { condition, type KubeObject } from '../../src/target/objects.js';
import { outcome, type ProbeOutcome } from './types.js';

export function judgeHelmRelease(hr: KubeObject | undefined, at: number): ProbeOutcome {
  if (!hr) return outcome(false, 'HelmRelease not found', { at });
  const name = `${hr.metadata.namespace}/${hr.metadata.name}`;
  if (hr.spec?.suspend === true) return outcome(false, `HelmRelease ${name} is suspended (spec.suspend=true)`, { at, observed: hr, final: true });
  const ready = condition(hr, 'Ready');
  const gen = hr.metadata.generation ?? 0;
  const observedGen = Number(hr.status?.observedGeneration ?? -1);
  if (!ready) return outcome(false, `HelmRelease ${name} has no Ready condition yet`, { at, observed: hr });
  if (ready.status !== 'True') {
    const stalled = condition(hr, 'Stalled');
    const why = `${ready.reason ?? 'unknown reason'}${ready.message ? `: ${ready.message}` : ''}`;
    if (stalled?.status === 'True') return outcome(false, `HelmRelease ${name} is stalled (${stalled.reason ?? ''}); Ready=${ready.status} ${why}`, { at, observed: hr, final: true });
    return outcome(false, `HelmRelease ${name} Ready=${ready.status} (${why})${ready.status === 'Unknown' ? lastFailure(hr) : ''}`, { at, observed: hr });
  }
  if (observedGen < gen) {
    return outcome(false, `HelmRelease ${name} Ready=True is stale: status.observedGeneration ${observedGen} < metadata.generation ${gen}`, { at, observed: hr });
  }
  const since = ready.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : '';
  return outcome(true, `HelmRelease ${name} Ready=True (${ready.reason ?? 'Ready'}) at generation ${gen}${since}`, { at, observed: hr });
}

/**
 * A release action in progress after failed ones: what the last attempt said. A failure that
 * stored no release (a manifest the API server cannot map) is retried with back-off and never
 * counted for remediation, so the release is never Stalled: without this, a deadline that falls
 * during a retry would show only "Running 'install' action".
 */
function lastFailure(hr: KubeObject): string {
  const released = condition(hr, 'Released');
  if (released?.status !== 'False') return '';
  const failures = Number(hr.status?.failures ?? 0);
  return `; the last attempt failed${failures > 1 ? ` (${failures} failures so far)` : ''}: ${released.reason ?? 'no reason'}${released.message ? `: ${released.message}` : ''}`;
}

/**
 * A HelmRelease's state in kstatus terms, for judging it after it passed. The helm-controller
 * sets Ready=Unknown (reason Progressing, Reconciling=True) whenever it runs a release action
 * (upgrade, drift correction) and returns to Ready=True: that is `in-progress`, not a failure.
 * Ready=False, Stalled=True, suspended or deleted is `failed`.
 */
export type HrState = { state: 'current' | 'in-progress' | 'failed'; reason: string };

export function helmReleaseState(hr: KubeObject | undefined): HrState {
  if (!hr) return { state: 'failed', reason: 'HelmRelease deleted' };
  if (hr.spec?.suspend === true) return { state: 'failed', reason: 'suspended (spec.suspend=true)' };
  const ready = condition(hr, 'Ready');
  const stalled = condition(hr, 'Stalled');
  const reconciling = condition(hr, 'Reconciling');
  const why = ready ? `Ready=${ready.status} ${ready.reason ?? ''}${ready.message ? `: ${ready.message}` : ''}`.trim() : 'no Ready condition';
  if (stalled?.status === 'True') return { state: 'failed', reason: `Stalled=True (${stalled.reason ?? 'no reason'}); ${why}` };
  if (ready?.status === 'False') return { state: 'failed', reason: why };
  if (ready?.status !== 'True') return { state: 'in-progress', reason: `${why}${ready ? lastFailure(hr) : ''}` };
  if (Number(hr.status?.observedGeneration ?? -1) < (hr.metadata.generation ?? 0)) return { state: 'in-progress', reason: `generation ${hr.metadata.generation} not yet observed` };
  if (reconciling?.status === 'True') return { state: 'in-progress', reason: `Reconciling=True ${reconciling.reason ?? ''}`.trim() };
  return { state: 'current', reason: why };
}
