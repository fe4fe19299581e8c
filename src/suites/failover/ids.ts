/** The failover suite's gate ids (declared by the spec before anything is judged) and titles. */
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
  rejoin: string;
}

export function failoverGateIds(): FailoverGateIds {
  return {
    preconditions: `${SUITE}/preconditions`,
    kill: `${SUITE}/region-kill`,
    loss: `${SUITE}/d31-zero-acknowledged-writes-lost`,
    rto: `${SUITE}/d31-rto`,
    intact: `${SUITE}/acknowledged-writes-intact`,
    reportedRto: `${SUITE}/continuum-reported-rto-matches`,
    reportedRpo: `${SUITE}/continuum-reported-rpo-matches`,
    rejoin: `${SUITE}/healed-region-rejoins-as-replica`,
  };
}

/** What each gate checks, in words; the RTO threshold is part of it. */
export function failoverGateTitles(options: Pick<WalkOptions, 'rtoMs'>): FailoverGateIds {
  return {
    preconditions: 'Preconditions: the database pair is healthy and the writer runs before the kill',
    kill: 'The primary region is killed under write load',
    loss: 'D31 zero acknowledged writes lost',
    rto: `D31 RTO ≤ ${formatMs(options.rtoMs)}`,
    intact: 'Acknowledged writes are intact on the survivor',
    reportedRto: 'The RTO Continuum reports matches what clients saw',
    reportedRpo: 'The RPO Continuum reports matches what clients lost',
    rejoin: 'The healed region rejoins as a replica streaming from the new primary',
  };
}
