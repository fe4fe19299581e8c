/** The journeys suite in judging order, and a runner that produces every gate of it. */
import type { Gate, Timeline } from '../../gates/types.js';
import type { Harness } from '../../run/harness.js';
import type { JourneyConfig } from './config.js';
import { G } from './gates.js';
import { JourneySession } from './session.js';
import { journeyTimeline } from './timeline.js';
import { checkout, consoleHandover, funnel, issueVoucher, operatorSignIn, organizationReady, redeem, voucherEmail } from './flow.js';
import { d35Gate } from './d35.js';
import { codePolicy, exhaustedCode, inactiveCode, pastCap, slugTaken, unknownCode, wrongPinAttempts } from './negatives.js';

export interface JourneyStep {
  id: string;
  run(s: JourneySession): Promise<Gate>;
}

/** Every gate of G has its step (the compiler checks); they run in G's order. */
const RUNS: Record<keyof typeof G, JourneyStep['run']> = {
  operatorSignIn,
  voucherIssue: issueVoucher,
  voucherEmail,
  redeem,
  funnel,
  checkout,
  organization: organizationReady,
  handover: consoleHandover,
  d35: d35Gate,
  unknownCode,
  inactiveCode,
  exhaustedCode,
  pastCap,
  wrongPin: wrongPinAttempts,
  slugTaken,
  codePolicy,
};

const JOURNEY_STEPS: readonly JourneyStep[] = (Object.keys(G) as (keyof typeof G)[]).map((k) => ({ id: G[k].id, run: RUNS[k] }));

export interface JourneyResult {
  gates: Gate[];
  timeline: Timeline;
}

/** Walks the suite once (the steps `only` admits); every step yields its gate (passed, failed, blocked or error). */
export async function runJourneys(h: Harness, cfg: JourneyConfig, only?: (id: string) => boolean): Promise<JourneyResult> {
  const s = await JourneySession.open(h, cfg);
  try {
    const gates: Gate[] = [];
    for (const step of JOURNEY_STEPS) if (!only || only(step.id)) gates.push(await step.run(s));
    return { gates, timeline: journeyTimeline(s, gates) };
  } finally {
    await s.close();
  }
}
