/**
 * What the walk itself cost, as index.html and summary.md say it: each suite's judging and
 * reporting time, and the requests it sent to each region's API server. A figure that was not
 * measured is said to be so, never shown as zero.
 */
import type { ApiRequestLine, RegionApiRequests, Summary, SuiteRun } from '../gates/types.js';
import { formatDuration } from './format.js';

export const NOT_MEASURED = 'not measured';

export interface SuiteCost {
  name: string;
  judging: string;
  reporting: string;
}

export function suiteCosts(s: Summary): SuiteCost[] {
  return s.suites.map((run: SuiteRun) => {
    const t = run.timings;
    const ms = (v: number | undefined) => (v === undefined ? NOT_MEASURED : formatDuration(v));
    return { name: run.name, judging: ms(t?.judgingMs), reporting: ms(t?.reportingMs) };
  });
}

/** The region's most sent requests, with how many other lines were left out. */
export function topRequests(r: RegionApiRequests, n: number): { top: ApiRequestLine[]; more: number } {
  return { top: r.requests.slice(0, n), more: Math.max(0, r.requests.length - n) };
}

/** What limits the request counts, one sentence each; empty when they are whole. */
export function apiRequestNotes(s: Summary): string[] {
  if (!s.apiRequests) return ['API requests were not recorded by this walk'];
  const p = s.apiRequestsPartial?.processes;
  return p ? [`${p} process${p === 1 ? '' : 'es'} of this walk ended before recording ${p === 1 ? 'its' : 'their'} final API request counts: the counts are a lower bound`] : [];
}
