/**
 * Progress of a suite the walk judges in its own process, as plain timestamped lines in the
 * Playwright progress reporter's format:
 *   2026-11-22T10:00:01.123Z cutover ▶ judging
 *   2026-11-22T10:00:09.000Z cutover ⏳ holding cutover enforce: deny-egress hold for 10m, until …
 *   2026-11-22T10:01:09.000Z cutover ⏳ holding cutover enforce: deny-egress hold — 9m left, ETA …
 * Its gates are shown one per line when Playwright reports them.
 */
import { redact } from '../evidence/redact.js';
import { setProgressSink, type HoldAnnouncement } from '../report/progress-protocol.js';
import { describeHold, formatDuration } from '../report/format.js';

export class JudgeProgress {
  private suite = '';
  private startedAt = 0;
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly write: (s: string) => void,
    private readonly tickMs = 60_000,
  ) {
    setProgressSink((m) => this.hold(m.hold));
  }

  begin(suite: string): void {
    this.suite = suite;
    this.startedAt = Date.now();
    this.line('▶ judging');
  }

  end(outcome: string): void {
    this.hold(null);
    this.line(`${outcome} (${formatDuration(Date.now() - this.startedAt)})`);
  }

  private hold(h: HoldAnnouncement | null): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    if (!h) return;
    this.line(`⏳ ${describeHold(h, Date.now(), true)}`);
    this.ticker = setInterval(() => {
      if (Date.now() < h.untilMs) this.line(`⏳ ${describeHold(h, Date.now(), false)}`);
    }, this.tickMs);
    this.ticker.unref();
  }

  private line(text: string): void {
    this.write(`${redact(`${new Date().toISOString()} ${this.suite} ${text}`)}\n`);
  }
}
