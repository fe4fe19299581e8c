/** The failover suite's gate ids (declared by the spec before anything is judged). */
import type { WalkOptions } from '../../run/context.js';

export const SUITE = 'failover';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 3 : 1))}s`;
}

export interface FailoverGateIds {
  preconditions: string;
  kill: string;
  loss: string;
  rto: string;
  intact: string;
  reportedRto: string;
  reportedRpo: string;
}

export function failoverGateIds(options: Pick<WalkOptions, 'rtoMs'>): FailoverGateIds {
  return {
    preconditions: `${SUITE}/preconditions`,
    kill: `${SUITE}/region-kill`,
    loss: `${SUITE}/D31 zero acknowledged writes lost`,
    rto: `${SUITE}/D31 RTO ≤ ${formatMs(options.rtoMs)}`,
    intact: `${SUITE}/acknowledged writes intact`,
    reportedRto: `${SUITE}/continuum-reported-rto-matches`,
    reportedRpo: `${SUITE}/continuum-reported-rpo-matches`,
  };
}
