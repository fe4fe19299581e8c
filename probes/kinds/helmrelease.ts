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
    return outcome(false, `HelmRelease ${name} Ready=${ready.status} (${why})`, { at, observed: hr });
  }
  if (observedGen < gen) {
    return outcome(false, `HelmRelease ${name} Ready=True is stale: status.observedGeneration ${observedGen} < metadata.generation ${gen}`, { at, observed: hr });
  }
  const since = ready.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : '';
  return outcome(true, `HelmRelease ${name} Ready=True (${ready.reason ?? 'Ready'}) at generation ${gen}${since}`, { at, observed: hr });
}
