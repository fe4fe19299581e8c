/**
 * How a suite the walk judges tells the walk's progress view about a long hold (the cutover's
 * deny-egress hold): the walk sets the sink (src/walk/judge-progress.ts); with none set, as when
 * a test judges a suite directly, an announcement goes nowhere. No imports: Playwright loads this
 * module in test fixtures from outside the project.
 */

/** Test annotation with the gate's own duration in ms (startedAt → finishedAt), which progress shows. */
export const GATE_DURATION_ANNOTATION = 'gate-duration-ms';

export interface HoldAnnouncement {
  untilMs: number;
  label?: string;
}

export type ProgressMessage = { hold: HoldAnnouncement | null };

let sink = (_m: ProgressMessage): void => {};

/** Where progress messages go in this process. */
export function setProgressSink(s: (m: ProgressMessage) => void): void {
  sink = s;
}

/** Announce that the running gate holds until `untilMs` (epoch ms). */
export function announceHold(untilMs: number, label?: string): void {
  sink({ hold: { untilMs, label } });
}
