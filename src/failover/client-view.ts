/**
 * How the clients saw a failed write: never answered (their own timeout ended it: a dead host's
 * packets go unanswered), refused or reset (something answered with a RST: a process died but
 * its host is up), or answered with an error (the front answered, e.g. HTTP 503). What a region
 * power-off looks like to a client is the first; a killed process on a live host, the second.
 */
import type { History, WriteRecord } from './history.js';

export type FailureKind = 'unanswered' | 'refused' | 'answered';

export function failureKind(error: string): FailureKind {
  if (/^HTTP \d{3}/.test(error)) return 'answered';
  if (/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|Connection terminated|connection refused|connection reset/i.test(error)) return 'refused';
  if (/timeout|timed out|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|aborted|deadline/i.test(error)) return 'unanswered';
  return 'answered';
}

export interface ClientView {
  unanswered: number;
  refused: number;
  /** Answered with an error, by its first words (`HTTP 503`). */
  answered: Map<string, number>;
  /** Send times of the first and last unanswered write. */
  unansweredFrom: number | null;
  unansweredTo: number | null;
}

function answerOf(error: string): string {
  return /^HTTP \d{3}/.exec(error)?.[0] ?? error.split(':')[0].slice(0, 60);
}

/** The failed writes sent from `from` (the kill) until `to` (the first acknowledged one after it). */
export function clientView(history: History, from: number, to: number): ClientView {
  const view: ClientView = { unanswered: 0, refused: 0, answered: new Map(), unansweredFrom: null, unansweredTo: null };
  const failed = history.writes.filter((w): w is WriteRecord & { error: string } => w.ackAt === null && w.error !== null && w.sentAt >= from && w.sentAt <= to);
  for (const w of failed.sort((a, b) => a.sentAt - b.sentAt)) {
    const kind = failureKind(w.error);
    if (kind === 'unanswered') {
      view.unanswered += 1;
      view.unansweredFrom ??= w.sentAt;
      view.unansweredTo = w.sentAt;
    } else if (kind === 'refused') view.refused += 1;
    else view.answered.set(answerOf(w.error), (view.answered.get(answerOf(w.error)) ?? 0) + 1);
  }
  return view;
}

/** "31 unanswered (sent over 4.2 s, each ended by the client's timeout), 12 answered HTTP 503, 3 refused or reset". */
export function describeClientView(v: ClientView): string {
  const parts: string[] = [];
  if (v.unanswered) parts.push(`${v.unanswered} unanswered (sent over ${(((v.unansweredTo ?? 0) - (v.unansweredFrom ?? 0)) / 1000).toFixed(1)} s, each ended by the client's own timeout)`);
  for (const [answer, n] of v.answered) parts.push(`${n} answered ${answer}`);
  if (v.refused) parts.push(`${v.refused} refused or reset`);
  return parts.length ? parts.join(', ') : 'no failed write';
}
