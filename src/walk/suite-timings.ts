/** A suite's judging and reporting time (SuiteTimings): its judge's span, and how long reporting it took. */
import type { SuiteTimings } from '../gates/types.js';
import { readJudgingSpan } from '../pw/judge-once.js';
import { judgedIn } from '../suites/judges.js';
import { durationMs } from '../report/format.js';

/**
 * `reportedMs`: for a suite the walk judges, the writing of its reports; for one Playwright
 * judges, its Playwright run, spawn to exit, from which the judging inside it is taken off.
 * Undefined when the suite was not reported.
 */
export function suiteTimings(runDir: string, suite: string, reportedMs: number | undefined): SuiteTimings {
  const where = judgedIn(suite);
  const span = readJudgingSpan(runDir, suite);
  const judgingMs = span && durationMs(span.startedAt, span.finishedAt);
  const judgedWhileReporting = where === 'walk' ? 0 : judgingMs;
  const reportingMs = reportedMs === undefined || judgedWhileReporting === undefined ? undefined : Math.max(0, reportedMs - judgedWhileReporting);
  return { judgedIn: where, ...(judgingMs === undefined ? {} : { judgingMs }), ...(reportingMs === undefined ? {} : { reportingMs }) };
}
