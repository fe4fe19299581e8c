/** The probe kinds: every surface check in any kit is evaluated by one of these. */
import type { SurfaceCheck } from '../../src/kit/types.js';
import { probeRollout, WORKLOAD_RESOURCE } from './rollout.js';
import { probeCondition, probeExists, probeField, probeNonEmpty, probeServed } from './resources.js';
import { probeHttpJson, probeHttpStatus, probeHttpText } from './http.js';
import { execReads, probeExec } from './exec.js';
import type { ProbeEnv, ProbeOutcome } from './types.js';

export type { ProbeEnv, ProbeOutcome } from './types.js';
export { judgeHelmRelease, helmReleaseState, type HrState } from './helmrelease.js';

export function evaluateSurface(check: SurfaceCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  switch (check.kind) {
    case 'rollout': return probeRollout(check, env);
    case 'resource-condition': return probeCondition(check, env);
    case 'resource-field': return probeField(check, env);
    case 'resource-exists': return probeExists(check, env);
    case 'resource-nonempty': return probeNonEmpty(check, env);
    case 'api-resource-served': return probeServed(check, env);
    case 'http-json': return probeHttpJson(check, env);
    case 'http-status': return probeHttpStatus(check, env);
    case 'http-text': return probeHttpText(check, env);
    case 'exec': return probeExec(check, env);
  }
}

/**
 * The API resource whose watch events can change this check's verdict, so the scheduler
 * re-evaluates on those events instead of polling. Undefined: HTTP and exec, which are polled.
 */
export function watchedResource(check: SurfaceCheck): { resource: string; namespace?: string } | undefined {
  switch (check.kind) {
    case 'rollout': return { resource: WORKLOAD_RESOURCE[check.workload], namespace: check.namespace };
    case 'resource-condition':
    case 'resource-field':
    case 'resource-exists':
    case 'resource-nonempty': return { resource: check.resource, namespace: check.namespace };
    default: return undefined;
  }
}

/**
 * Every API resource the check reads: the sweep watches each, so the reads are answered from the
 * watch (an exec check finds its pod by label among the watched pods).
 */
export function readResources(check: SurfaceCheck): string[] {
  const watched = watchedResource(check);
  if (watched) return [watched.resource];
  return check.kind === 'exec' ? execReads(check) : [];
}
