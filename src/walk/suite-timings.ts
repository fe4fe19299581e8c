/** A suite's judging and reporting time (SuiteTimings): its judge's span, and how long reporting it took. */
import type { SuiteTimings } from '../gates/types.js';
import { readJudgingSpan } from './judge-once.js';
import { durationMs } from '../report/format.js';

/** `reportingMs`: the writing of the suite's reports; undefined when the suite was not reported. */
export function suiteTimings(runDir: string, suite: string, reportingMs: number | undefined): SuiteTimings {
  const span = readJudgingSpan(runDir, suite);
  const judgingMs = span && durationMs(span.startedAt, span.finishedAt);
  return { ...(judgingMs === undefined ? {} : { judgingMs }), ...(reportingMs === undefined ? {} : { reportingMs }) };
}
