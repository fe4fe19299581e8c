/**
 * One DoD check = one gate. Ids are stable names (`dod/L3.<region>.<slot>-<name>`) so history
 * follows a check across kit changes; the upstream-style positional layer id (`L3.12`) is the
 * `dodGate` label and the start of the title, which is what the terminal shows.
 */
import { GateRun } from '../../gates/gate-run.js';
import type { Gate, GateLabels } from '../../gates/types.js';
import type { DodSession } from './session.js';
import { describeError } from '../../target/objects.js';
import type { HttpExchange } from '../../target/http.js';
import { formatDuration } from '../../report/format.js';

export const SUITE = 'dod';

export type Layer = 'L1' | 'L2' | 'L3' | 'L4' | 'L5' | 'L6' | 'L7' | 'H';

export interface DodCheckSpec {
  /** The id after `dod/`, e.g. `L5.gitea`. */
  key: string;
  layer: Layer;
  /** What is checked, after the layer id in the title. */
  text: string;
  region?: string;
  slot?: string;
  judge(s: DodSession, g: GateRun): Promise<Gate>;
}

export interface DodCheck extends DodCheckSpec {
  id: string;
  /** `L3.12`: layer and position within the layer for this walk. */
  layerId: string;
  title: string;
}

export function gateId(key: string): string {
  return `${SUITE}/${key}`;
}

/** How long one check may take; one that hangs (an endpoint that never answers) is an error, and the next check runs. */
export const CHECK_TIMEOUT_MS = 120_000;

/** Judges one check; a throw or a timeout becomes an `error` gate (the harness could not judge it, never a pass). */
export async function runCheck(check: DodCheck, s: DodSession, timeoutMs = CHECK_TIMEOUT_MS): Promise<Gate> {
  const labels: GateLabels = { dodGate: check.layerId, layer: check.layer, severity: 'blocker' };
  if (check.region) labels.region = check.region;
  if (check.slot) labels.slot = check.slot;
  const g = new GateRun(check.id, SUITE, check.title, labels);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Gate>((resolve) => (timer = setTimeout(() => resolve(g.error(`could not judge ${check.layerId}: no verdict within ${formatDuration(timeoutMs)}`)), timeoutMs)));
  try {
    return await Promise.race([check.judge(s, g), timedOut]);
  } catch (e) {
    return g.error(`could not judge ${check.layerId}: ${describeError(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `fn` against a region, or blocks the gate on that region's L2 API check when the
 * region's API server does not answer.
 */
export async function inRegion(s: DodSession, g: GateRun, region: string, fn: () => Promise<Gate>): Promise<Gate> {
  const r = await s.reachable(region);
  if (!r.ok) return g.block(gateId(`L2.${region}.api`), `API of ${region} unreachable: ${r.reason}`);
  return fn();
}

/** `a, b and 3 more` — keeps reasons one line long. */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Milliseconds of a Kubernetes timestamp, which client-node hands out as a string or a Date; NaN when absent. */
export function timeMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'string' ? Date.parse(v) : NaN;
}

/** An exchange as evidence: its declared fields only (the client keeps the full body on the object for scanning). */
export function exchangeEvidence(x: HttpExchange, body?: string): HttpExchange {
  const { request, response, error, startedAt, finishedAt, durationMs } = x;
  return { request, response: response && { ...response, body: body ?? response.body }, error, startedAt, finishedAt, durationMs };
}
