/**
 * One way to read the mail a Sovereign sends (voucher mails, sign-in PINs), whatever holds it:
 * a Mailpit instance (kind, the sim) or an IMAP mailbox (live Sovereigns).
 */
export interface Message {
  id: string;
  from: string;
  to: string[];
  subject: string;
  /** When the mail store received the message (ISO 8601). */
  date: string;
  text: string;
  html: string;
  /** Header names lower-cased, every value kept. */
  headers: Record<string, string[]>;
}

export interface MailQuery {
  /** Recipient address (case-insensitive, exact). */
  to: string;
  subjectMatches: RegExp;
  /** Only messages received at or after this time (epoch ms). */
  since: number;
  timeoutMs: number;
  /** Optional extra filter on the text or HTML body. */
  bodyMatches?: RegExp;
}

export interface Mailbox {
  /** Where the mail is read from, for reports (no credentials). */
  readonly describe: string;
  /**
   * Resolves with the newest matching message not handed out before by this mailbox; rejects
   * with a MailTimeoutError naming the query when none arrives within `timeoutMs`.
   */
  waitFor(query: MailQuery): Promise<Message>;
  close(): Promise<void>;
}

export class MailTimeoutError extends Error {
  override name = 'MailTimeoutError';
  /** `others`: what did arrive for that address in the window (for the report). */
  constructor(readonly query: MailQuery, readonly mailbox: string, readonly others: Message[]) {
    super(
      `no mail to ${query.to} with subject ${query.subjectMatches} arrived at ${mailbox} within ${query.timeoutMs} ms ` +
        `(${others.length} other message(s) to that address since ${new Date(query.since).toISOString()})`,
    );
  }
}

/** The mail store could not be read (unreachable, refused, malformed): a harness-side error, not a verdict. */
export class MailboxError extends Error {
  override name = 'MailboxError';
}

/** Mail stores and the harness do not share a clock; tolerate this much skew on `since`. */
export const CLOCK_SKEW_MS = 2_000;

/** True when the message matches the query (recipient, subject, time, body). */
export function matches(m: Message, q: MailQuery): boolean {
  const to = q.to.toLowerCase();
  if (!m.to.some((a) => a.toLowerCase() === to)) return false;
  if (!q.subjectMatches.test(m.subject)) return false;
  if (Date.parse(m.date) < q.since - CLOCK_SKEW_MS) return false;
  return !q.bodyMatches || q.bodyMatches.test(m.text) || q.bodyMatches.test(m.html);
}

/**
 * Polls `fetchCandidates` (newest first) until one matches and was not handed out before.
 * Mail stores offer no watch the harness can rely on everywhere, so this is the one place it polls.
 */
export async function pollFor(
  q: MailQuery,
  describe: string,
  consumed: Set<string>,
  fetchCandidates: () => Promise<Message[]>,
  intervalMs: number,
): Promise<Message> {
  const deadline = Date.now() + q.timeoutMs;
  let others: Message[] = [];
  for (;;) {
    const candidates = await fetchCandidates();
    const hit = candidates.find((m) => !consumed.has(m.id) && matches(m, q));
    if (hit) {
      consumed.add(hit.id);
      return hit;
    }
    others = candidates.filter((m) => Date.parse(m.date) >= q.since - CLOCK_SKEW_MS && m.to.some((a) => a.toLowerCase() === q.to.toLowerCase()));
    const left = deadline - Date.now();
    if (left <= 0) throw new MailTimeoutError(q, describe, others);
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
  }
}
