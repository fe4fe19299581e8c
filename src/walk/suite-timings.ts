/** A suite's judging and reporting time (SuiteTimings), from what its judge and Playwright run left in the run folder. */
import type { SuiteTimings } from '../gates/types.js';
import { readGates } from '../gates/recorder.js';
import { readJudgingSpan } from '../pw/judge-once.js';
import { judgedIn } from '../suites/judges.js';
import { durationMs } from '../report/format.js';

/** `playwrightMs`: the suite's Playwright run, spawn to exit; undefined when it did not run. */
export function suiteTimings(runDir: string, suite: string, playwrightMs: number | undefined): SuiteTimings {
  const where = judgedIn(suite);
  let judgingMs: number | undefined;
  if (where === 'per-test') {
    const gates = readGates(runDir).filter((g) => g.suite === suite);
    judgingMs = gates.length ? gates.reduce((ms, g) => ms + durationMs(g.startedAt, g.finishedAt), 0) : undefined;
  } else {
    const span = readJudgingSpan(runDir, suite);
    judgingMs = span && durationMs(span.startedAt, span.finishedAt);
  }
  const judgedInPlaywright = where === 'walk' ? 0 : judgingMs;
  const reportingMs = playwrightMs === undefined || judgedInPlaywright === undefined ? undefined : Math.max(0, playwrightMs - judgedInPlaywright);
  return { judgedIn: where, ...(judgingMs === undefined ? {} : { judgingMs }), ...(reportingMs === undefined ? {} : { reportingMs }) };
}
