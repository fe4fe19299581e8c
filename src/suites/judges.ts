/**
 * Every suite is judged in the walk's own process, all its gates at once, then reported by the
 * walk itself (src/walk/report-suite.ts). The browser journeys drive Chromium through the
 * Playwright library; no test runner is involved. The suites' code is imported only when a suite
 * is judged.
 */
import type { Gate } from '../gates/types.js';
import type { RunContext } from '../run/context.js';
import type { Harness } from '../run/harness.js';
import { judgeWithHarness } from '../walk/judge-once.js';

interface WalkJudged {
  /** The gates the suite reports, in order; one it did not judge is reported as a harness error. */
  ids(ctx: RunContext): Promise<readonly string[]>;
  judge(ctx: RunContext, h: Harness): Promise<Gate[]>;
  /** What the progress line calls a gate (default: its id). */
  progressTitle?(g: Gate): string;
}

async function readinessCatalog(ctx: RunContext) {
  const [{ loadKit }, { buildCatalog }] = await Promise.all([import('../kit/load.js'), import('../../probes/catalog.js')]);
  const kit = loadKit(ctx.options.kitPath);
  return { kit, catalog: buildCatalog(kit, ctx.discoveredSlots) };
}

async function dodPlan(ctx: RunContext) {
  const [{ loadKit }, { planDod }, { loadHttpsHosts }] = await Promise.all([import('../kit/load.js'), import('./dod/plan.js'), import('./dod/https-hosts.js')]);
  return planDod({ target: ctx.target, options: ctx.options, kit: loadKit(ctx.options.kitPath), hosts: loadHttpsHosts(ctx.options.dodHostsPath) });
}

const JUDGES: Record<string, WalkJudged> = {
  readiness: {
    ids: async (ctx) => (await readinessCatalog(ctx)).catalog.map((p) => p.id),
    judge: async (ctx, h) => {
      const [{ kit, catalog }, { judgeReadiness }] = await Promise.all([readinessCatalog(ctx), import('./readiness/judge.js')]);
      return judgeReadiness(h, kit, catalog);
    },
  },
  // Upstream's sovereign-dod-verify layers L1–L7 and domain hygiene, one gate per check; the
  // terminal shows a check by its layer id (`dod/L3.12 …`), history follows its stable id.
  dod: {
    ids: async (ctx) => (await dodPlan(ctx)).map((c) => c.id),
    judge: async (ctx, h) => {
      const [plan, { DodSession }, { runDod }] = await Promise.all([dodPlan(ctx), import('./dod/session.js'), import('./dod/run.js')]);
      return runDod(plan, new DodSession(h));
    },
    progressTitle: (g) => `${g.suite}/${g.title}`,
  },
  // The voucher / tenant-org journeys in Chromium: one stateful flow, walked once; its timeline
  // (hop by hop) is written for the reports.
  journeys: {
    ids: async () => (await import('./journeys/gates.js')).JOURNEY_GATE_ORDER,
    judge: async (ctx, h) => {
      const [{ runJourneys }, { journeyConfig }, { writeTimeline }] = await Promise.all([import('./journeys/run.js'), import('./journeys/config.js'), import('../gates/recorder.js')]);
      const walked = await runJourneys(h, journeyConfig(ctx));
      writeTimeline(ctx.runDir, walked.timeline);
      return walked.gates;
    },
  },
  cutover: {
    ids: async () => (await import('./cutover/ids.js')).CUTOVER_GATE_IDS,
    judge: async (ctx, h) => (await import('./cutover/suite.js')).judgeCutover(ctx, h),
  },
  failover: {
    ids: async () => Object.values((await import('./failover/ids.js')).failoverGateIds()),
    judge: async (_ctx, h) => (await import('./failover/suite.js')).runFailoverSuite(h),
  },
};

function judged(suite: string): WalkJudged {
  const j = JUDGES[suite];
  if (!j) throw new Error(`${suite} is not a suite`);
  return j;
}

/** The suite's gates: judged now, or read back when this run already judged them. */
export function judgeSuite(ctx: RunContext, suite: string): Promise<Map<string, Gate>> {
  return judgeWithHarness(ctx, suite, (h) => judged(suite).judge(ctx, h));
}

export function reportedGateIds(ctx: RunContext, suite: string): Promise<readonly string[]> {
  return judged(suite).ids(ctx);
}

export function progressTitle(suite: string, g: Gate): string {
  return judged(suite).progressTitle?.(g) ?? g.id;
}
