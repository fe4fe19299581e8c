/**
 * Progress of a suite the walk judges in its own process. Plain timestamped lines for CI and
 * pipes:
 *   2026-11-22T10:00:01.123Z cutover ▶ judging
 *   2026-11-22T10:00:09.000Z cutover ⏳ holding cutover enforce: deny-egress hold for 10m, until …
 *   2026-11-22T10:01:09.000Z cutover ⏳ holding cutover enforce: deny-egress hold — 9m left, ETA …
 * and on a TTY the same lines above an updating view (elapsed, hold countdown and ETA); then its
 * gates one per line as the walk reports them, and the suite's counters:
 *   2026-11-22T10:10:12.000Z cutover ✓ cutover/hold (10m 2s)
 *   2026-11-22T10:10:12.010Z cutover ✓ 14  ✗ 0  ⊘ 0  ! 0  – 0  14/14 in 10m 12s (passed)
 */
import { createLogUpdate } from 'log-update';
import { redact } from '../evidence/redact.js';
import { setProgressSink, type HoldAnnouncement } from '../report/progress-protocol.js';
import { describeHold, durationMs, formatDuration } from '../report/format.js';
import { painter, progressCounterText, progressGateText } from '../report/terminal.js';
import type { Gate, GateStatus } from '../gates/types.js';

export interface JudgeProgressOptions {
  write: (s: string) => void;
  /** A terminal for the updating view; plain lines only when absent. */
  tty?: NodeJS.WriteStream;
  /** Plain mode: how often a running hold prints its remaining time. */
  tickMs?: number;
}

export class JudgeProgress {
  private suite = '';
  private judging = false;
  private startedAt = 0;
  private hold?: HoldAnnouncement;
  private ticker?: NodeJS.Timeout;
  private readonly live?: ReturnType<typeof createLogUpdate>;
  private readonly paint: ReturnType<typeof painter>;

  constructor(private readonly o: JudgeProgressOptions) {
    if (o.tty) this.live = createLogUpdate(o.tty);
    this.paint = painter(Boolean(o.tty));
    setProgressSink((m) => this.onHold(m.hold));
  }

  begin(suite: string): void {
    this.suite = suite;
    this.judging = true;
    this.startedAt = Date.now();
    this.line(`${this.paint('bold', '▶')} judging`);
    if (this.live) this.startTicker(1000, () => this.render());
  }

  end(outcome: string): void {
    this.stopTicker();
    this.judging = false;
    this.hold = undefined;
    this.live?.clear();
    this.live?.done();
    this.line(`${outcome} ${this.paint('dim', `(${formatDuration(Date.now() - this.startedAt)})`)}`);
  }

  /** A reported gate: its own duration, and why when it did not pass. */
  gate(title: string, g: Gate): void {
    this.line(progressGateText(this.paint, g.status, title, durationMs(g.startedAt, g.finishedAt), g.status === 'blocked' ? g.rootCause : g.reason));
  }

  /** The suite's counters once its gates are reported, with the time since it began. */
  reported(gates: readonly Gate[]): void {
    const c: Record<GateStatus, number> = { passed: 0, failed: 0, blocked: 0, error: 0, skipped: 0 };
    for (const g of gates) c[g.status]++;
    const outcome = c.failed || c.error ? 'failed' : 'passed';
    this.line(`${progressCounterText(this.paint, c, gates.length)} ${this.paint('dim', `in ${formatDuration(Date.now() - this.startedAt)} (${outcome})`)}`);
  }

  private onHold(h: HoldAnnouncement | null): void {
    this.hold = h ?? undefined;
    if (h) this.line(`⏳ ${this.paint('dim', describeHold(h, Date.now(), true))}`);
    if (this.live) return this.render();
    this.stopTicker();
    if (h) this.startTicker(this.o.tickMs ?? 60_000, () => Date.now() < h.untilMs && this.line(`⏳ ${this.paint('dim', describeHold(h, Date.now(), false))}`));
  }

  private startTicker(ms: number, fn: () => void): void {
    this.ticker = setInterval(fn, ms);
    this.ticker.unref();
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private render(): void {
    if (!this.live || !this.judging) return;
    const rows = [`${this.paint('bold', this.suite)}  ▶ judging ${this.paint('dim', formatDuration(Date.now() - this.startedAt))}`];
    if (this.hold) {
      const left = formatDuration(Math.max(0, this.hold.untilMs - Date.now()));
      rows.push(`    ⏳ ${this.hold.label ? `${this.hold.label}: ` : ''}hold ${left} left · ETA ${new Date(this.hold.untilMs).toISOString().slice(11, 19)}Z`);
    }
    this.live(redact(rows.join('\n')));
  }

  private line(text: string): void {
    const out = redact(`${new Date().toISOString()} ${this.suite} ${text}`);
    if (!this.live) return this.o.write(`${out}\n`);
    this.live.persist(out);
    this.render();
  }
}
