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

export const JOURNEY_STEPS: readonly JourneyStep[] = [
  { id: G.operatorSignIn.id, run: operatorSignIn },
  { id: G.voucherIssue.id, run: issueVoucher },
  { id: G.voucherEmail.id, run: voucherEmail },
  { id: G.redeem.id, run: redeem },
  { id: G.funnel.id, run: funnel },
  { id: G.checkout.id, run: checkout },
  { id: G.organization.id, run: organizationReady },
  { id: G.handover.id, run: consoleHandover },
  { id: G.d35.id, run: d35Gate },
  { id: G.unknownCode.id, run: unknownCode },
  { id: G.inactiveCode.id, run: inactiveCode },
  { id: G.exhaustedCode.id, run: exhaustedCode },
  { id: G.pastCap.id, run: pastCap },
  { id: G.wrongPin.id, run: wrongPinAttempts },
  { id: G.slugTaken.id, run: slugTaken },
  { id: G.codePolicy.id, run: codePolicy },
];

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
