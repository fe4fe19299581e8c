/**
 * How a suite tells whoever shows progress about a long hold. In a Playwright worker: one stdout
 * line
 *   SW-PROGRESS {"hold":{"untilMs":1795000000000,"label":"deny-egress"}}
 * written from inside the test (Playwright forwards worker stdout to reporters as it happens,
 * while runtime annotations only reach them when the test ends). `{"hold":null}` ends a hold
 * early; a hold also ends with its test. The reporter swallows these lines. A suite judged in
 * the walk's own process goes to the sink the walk sets instead. No imports: Playwright loads
 * this module in test fixtures from outside the project.
 */
export const PROGRESS_PREFIX = 'SW-PROGRESS ';

/** Test annotation with the gate's own duration in ms (startedAt → finishedAt), which progress shows. */
export const GATE_DURATION_ANNOTATION = 'gate-duration-ms';

export interface HoldAnnouncement {
  untilMs: number;
  label?: string;
}

export type ProgressMessage = { hold: HoldAnnouncement | null };

let sink = (m: ProgressMessage): void => {
  process.stdout.write(`${PROGRESS_PREFIX}${JSON.stringify(m)}\n`);
};

/** Where progress messages go in this process (default: protocol lines on stdout). */
export function setProgressSink(s: (m: ProgressMessage) => void): void {
  sink = s;
}

/** Announce that the running gate holds until `untilMs` (epoch ms). */
export function announceHold(untilMs: number, label?: string): void {
  sink({ hold: { untilMs, label } });
}


/** The message a stdout line carries, or undefined when it is ordinary output. */
export function parseProgressLine(line: string): ProgressMessage | undefined {
  if (!line.startsWith(PROGRESS_PREFIX)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(PROGRESS_PREFIX.length));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || !('hold' in value)) return undefined;
  const hold = (value as { hold: unknown }).hold;
  if (hold === null) return { hold: null };
  if (hold !== null && typeof hold === 'object' && typeof (hold as { untilMs?: unknown }).untilMs === 'number') {
    const h = hold as { untilMs: number; label?: unknown };
    return { hold: { untilMs: h.untilMs, label: typeof h.label === 'string' ? h.label : undefined } };
  }
  return undefined;
}
