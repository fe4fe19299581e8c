/**
 * Live progress of the journeys' Playwright run, in the styles of the walk's own progress
 * (src/walk/judge-progress.ts): per-suite counters (passed/failed/blocked/error/skipped), the
 * gate in progress, and the worker's own output lines.
 * A TTY (stdout is a TTY and CI is unset) gets an updating view (log-update); anything else
 * gets plain timestamped lines such as
 *   2026-11-22T10:00:01.123Z readiness ✓ readiness/01-bp-cilium (1.2s)
 *   2026-11-22T10:04:12.000Z readiness ⊘ readiness/08-bp-keycloak BLOCKED by readiness/07-bp-cnpg
 * Every line passes through `redact()`.
 */
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { createLogUpdate } from 'log-update';
import type { GateStatus } from '../gates/types.js';
import { redact } from '../evidence/redact.js';
import { GATE_DURATION_ANNOTATION } from '../report/progress-protocol.js';
import { painter, progressCounterText, progressGateText } from '../report/terminal.js';
import { formatDuration } from '../report/format.js';

export interface ProgressReporterOptions {
  /** Force the updating view on or off (default: stdout is a TTY and CI is unset). */
  tty?: boolean;
  /** Where output goes (default process.stdout); tests pass their own. */
  stream?: NodeJS.WriteStream;
  now?: () => number;
}

interface Outcome {
  status: GateStatus;
  /** Root cause for blocked, reason otherwise. */
  detail?: string;
}

interface Running {
  test: TestCase;
  suite: string;
  startedAt: number;
  partial: string;
}

const ANSI_ESCAPES = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Reads the gate's outcome from how `reportGate` ended the test. */
export function classify(test: TestCase, result: TestResult): Outcome {
  if (result.status === 'passed') return { status: 'passed' };
  if (result.status === 'skipped') {
    const annotations = [...(result.annotations ?? []), ...test.annotations];
    const note = annotations.find((a) => a.type === 'skip' || a.type === 'fixme')?.description ?? '';
    const blocked = /^BLOCKED by (.+?)(?::\s|$)/.exec(note);
    if (blocked) return { status: 'blocked', detail: blocked[1] };
    return { status: 'skipped', detail: note.replace(/^SKIPPED:\s*/, '') || undefined };
  }
  const message = (result.error?.message ?? '').replace(ANSI_ESCAPES, '').split('\n')[0];
  const failed = /^(?:GateFailure: )?FAILED .+?: (.*)$/.exec(message);
  if (failed) return { status: 'failed', detail: failed[1] };
  const harness = /^(?:HarnessError: )?HARNESS ERROR .+?: (.*)$/.exec(message);
  if (result.status === 'timedOut') return { status: 'error', detail: `timed out after ${formatDuration(result.duration)}` };
  return { status: 'error', detail: harness ? harness[1] : message || `test ${result.status}` };
}

export default class ProgressReporter implements Reporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly paint: ReturnType<typeof painter>;
  private readonly live?: ReturnType<typeof createLogUpdate>;
  private readonly counts = new Map<string, Record<GateStatus, number> & { total: number }>();
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private inPrivateKey = false;

  constructor(options: ProgressReporterOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.tty = options.tty ?? (Boolean(this.stream.isTTY) && !process.env.CI);
    this.now = options.now ?? Date.now;
    this.paint = painter(this.tty);
    if (this.tty) this.live = createLogUpdate(this.stream);
  }

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.startedAt = this.now();
    for (const project of suite.suites) {
      const name = project.project()?.name || project.title || 'tests';
      this.counts.set(name, { passed: 0, failed: 0, blocked: 0, error: 0, skipped: 0, total: project.allTests().length });
    }
    if (this.tty) {
      this.timer = setInterval(() => this.render(), 1000);
      this.timer.unref();
    }
    this.render();
  }

  onTestBegin(test: TestCase): void {
    this.running.set(test.id, { test, suite: suiteOf(test), startedAt: this.now(), partial: '' });
    this.render();
  }

  onStdOut(chunk: string | Buffer, test?: TestCase): void {
    this.output(chunk, test);
  }

  onStdErr(chunk: string | Buffer, test?: TestCase): void {
    this.output(chunk, test);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const run = this.running.get(test.id);
    this.running.delete(test.id);
    const suite = run?.suite ?? suiteOf(test);
    const outcome = classify(test, result);
    const c = this.counts.get(suite);
    if (c) c[outcome.status]++;
    this.line(suite, progressGateText(this.paint, outcome.status, test.title, gateDuration(test, result) ?? result.duration, outcome.detail));
  }

  onError(error: TestError): void {
    const message = (error.message ?? error.value ?? 'unknown error').replace(ANSI_ESCAPES, '').split('\n')[0];
    this.line('walk', this.paint('error', `! ${message}`));
  }

  onEnd(result: FullResult): void {
    if (this.timer) clearInterval(this.timer);
    for (const [suite, c] of this.counts) {
      this.line(suite, `${this.counterText(c)} ${this.paint('dim', `in ${formatDuration(this.now() - this.startedAt)} (${result.status})`)}`);
    }
    if (this.live) {
      this.live.clear();
      this.live.done();
    }
  }

  /** Buffers a test's output into lines, shown as they complete. */
  private output(chunk: string | Buffer, test?: TestCase): void {
    const run = test ? this.running.get(test.id) : undefined;
    const text = (run?.partial ?? '') + chunk.toString();
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    if (run) run.partial = rest;
    else if (rest) lines.push(rest);
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '');
      // A PEM key printed line by line cannot be caught by redact() one line at a time.
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(line)) this.inPrivateKey = true;
      if (this.inPrivateKey) {
        if (/-----END [A-Z ]*PRIVATE KEY-----/.test(line)) this.inPrivateKey = false;
        continue;
      }
      if (line.trim()) this.line(run?.suite ?? (test ? suiteOf(test) : 'walk'), `${this.paint('dim', '│')} ${line}`);
    }
  }

  private counterText(c: Record<GateStatus, number> & { total: number }): string {
    return progressCounterText(this.paint, c, c.total);
  }

  /** One persistent line: timestamped in plain mode, above the live view on a TTY. */
  private line(suite: string, text: string): void {
    const out = redact(`${new Date(this.now()).toISOString()} ${suite} ${text}`);
    if (this.live) {
      this.live.persist(out);
      this.render();
    } else {
      this.stream.write(`${out}\n`);
    }
  }

  private render(): void {
    if (!this.live) return;
    const rows: string[] = [];
    for (const [suite, c] of this.counts) rows.push(`${this.paint('bold', suite)}  ${this.counterText(c)}`);
    for (const run of this.running.values()) {
      rows.push(`  ${this.paint('bold', '▶')} ${run.test.title} ${this.paint('dim', formatDuration(this.now() - run.startedAt))}`);
    }
    this.live(redact(rows.join('\n')));
  }
}

/** The gate's own duration, as reportGate annotated it (the test itself only reports the gate). */
function gateDuration(test: TestCase, result: TestResult): number | undefined {
  const note = [...(result.annotations ?? []), ...test.annotations].find((a) => a.type === GATE_DURATION_ANNOTATION);
  return note?.description ? Number(note.description) : undefined;
}

function suiteOf(test: TestCase): string {
  return test.parent.project()?.name || test.titlePath()[1] || 'tests';
}
