/**
 * How a suite tells the live progress reporter about a long hold: one stdout line
 *   SW-PROGRESS {"hold":{"untilMs":1795000000000,"label":"deny-egress"}}
 * written from inside the test (Playwright forwards worker stdout to reporters as it happens,
 * while runtime annotations only reach them when the test ends). `{"hold":null}` ends a hold
 * early; a hold also ends with its test. The reporter swallows these lines.
 */
export const PROGRESS_PREFIX = 'SW-PROGRESS ';

export interface HoldAnnouncement {
  untilMs: number;
  label?: string;
}

export type ProgressMessage = { hold: HoldAnnouncement | null };

/** Announce that the running gate holds until `untilMs` (epoch ms); call from the test process. */
export function announceHold(untilMs: number, label?: string): void {
  process.stdout.write(`${PROGRESS_PREFIX}${JSON.stringify({ hold: { untilMs, label } })}\n`);
}

export function endHold(): void {
  process.stdout.write(`${PROGRESS_PREFIX}${JSON.stringify({ hold: null })}\n`);
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
