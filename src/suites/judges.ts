/**
 * The suites judged once per walk, every gate at a time. The walk judges them in its own process
 * before Playwright reports their gates, so no Playwright process is alive through a readiness
 * wait, a cutover hold or a failover; a spec run by Playwright alone judges its suite itself. The
 * suites' code is imported only when a suite is judged: specs import this module to declare tests.
 */
import type { Gate, SuiteTimings } from '../gates/types.js';
import type { RunContext } from '../run/context.js';
import type { Harness } from '../run/harness.js';
import { judgeWithHarness } from '../pw/judge-once.js';

type Judge = (ctx: RunContext, h: Harness) => Promise<Gate[]>;

const JUDGES: Record<string, Judge> = {
  readiness: async (ctx, h) => {
    const [{ loadKit }, { buildCatalog }, { judgeReadiness }] = await Promise.all([import('../kit/load.js'), import('../../probes/catalog.js'), import('./readiness/judge.js')]);
    const kit = loadKit(ctx.options.kitPath);
    return judgeReadiness(h, kit, buildCatalog(kit, ctx.discoveredSlots));
  },
  cutover: async (ctx, h) => (await import('./cutover/suite.js')).judgeCutover(ctx, h),
  failover: async (_ctx, h) => (await import('./failover/suite.js')).runFailoverSuite(h),
};

export function isJudgedOnce(suite: string): boolean {
  return suite in JUDGES;
}

/** The suites Playwright judges: journeys once in its worker's beforeAll, dod one check per test. */
const JUDGED_IN_PLAYWRIGHT: Record<string, Exclude<SuiteTimings['judgedIn'], 'walk'>> = { journeys: 'worker', dod: 'per-test' };

export function judgedIn(suite: string): SuiteTimings['judgedIn'] {
  return isJudgedOnce(suite) ? 'walk' : (JUDGED_IN_PLAYWRIGHT[suite] ?? 'worker');
}

/** The suite's gates: judged now, or read back when this run already judged them. */
export function judgeSuite(ctx: RunContext, suite: string): Promise<Map<string, Gate>> {
  const judge = JUDGES[suite];
  if (!judge) throw new Error(`${suite} is not judged once per walk`);
  return judgeWithHarness(ctx, suite, (h) => judge(ctx, h));
}
