/**
 * How a suite the walk judges tells the walk's progress view about a long hold (the cutover's
 * deny-egress hold): the walk sets the sink (src/walk/judge-progress.ts); with none set, as when
 * a test judges a suite directly, an announcement goes nowhere.
 */

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
