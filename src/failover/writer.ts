/**
 * The built-in Node writer: an open-loop write load with a client-unique key per write.
 *
 * Writes fire at nominal times `start + i * period` whether or not earlier writes returned, so a
 * stalled server shows up as many concurrent in-flight writes (bounded by `maxInFlight`) rather
 * than as a quietly reduced rate. Each write ends acknowledged or with an error (including the
 * client-side timeout); a write that errored may still have committed, which the checker reports
 * as `unexpected`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WriteRecord } from './history.js';

export const DEFAULT_RATE_PER_SEC = 10;
export const DEFAULT_WRITE_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_IN_FLIGHT = 2000;

export interface WriteRequest {
  key: string;
  writer: string;
  seq: number;
}

export interface WriteAck {
  id: number;
  /** Region (or label) that served the write. */
  endpoint: string;
}

/** A failed write; `endpoint` names who answered when the failure came from a server. */
export class WriteFailure extends Error {
  constructor(
    message: string,
    readonly endpoint?: string,
  ) {
    super(message);
    this.name = 'WriteFailure';
  }
}

export interface WriteTarget {
  /** Endpoint recorded when a write fails without a server naming itself. */
  readonly endpoint: string;
  /** Performs one write; must give up promptly when `signal` aborts (the client-side timeout). */
  write(request: WriteRequest, signal: AbortSignal): Promise<WriteAck>;
  close(): Promise<void>;
}

export interface WriterOptions {
  target: WriteTarget;
  ratePerSec?: number;
  durationMs: number;
  writerId: string;
  /** Client-side per-write timeout. */
  timeoutMs?: number;
  maxInFlight?: number;
  /** Called once per write when it is acknowledged or has failed; must not throw. */
  onRecord: (record: WriteRecord) => void;
  /** Stops scheduling new writes; in-flight writes still finish (bounded by the timeout). */
  signal?: AbortSignal;
}

export interface WriterStats {
  sent: number;
  acked: number;
  errors: number;
  /** Writes sent per second between the first and the last send. */
  achievedRate: number;
  /** Spacing between consecutive sends. */
  spacing: { medianMs: number; p95Ms: number };
  /** Scheduled writes that were not sent (in-flight cap reached, or the load generator fell behind). */
  skipped: number;
  writer: 'node' | 'k6';
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

/** Stats from the send times of a run; shared by the Node and k6 writers. */
export function summarizeWrites(
  sentAts: number[],
  outcome: { acked: number; errors: number; skipped: number },
  writer: WriterStats['writer'],
): WriterStats {
  const sends = [...sentAts].sort((a, b) => a - b);
  const gaps = sends.slice(1).map((t, i) => t - sends[i]).sort((a, b) => a - b);
  const span = sends.length > 1 ? sends[sends.length - 1] - sends[0] : 0;
  return {
    sent: sends.length,
    acked: outcome.acked,
    errors: outcome.errors,
    achievedRate: span > 0 ? Math.round(((sends.length - 1) * 1000 * 100) / span) / 100 : 0,
    spacing: { medianMs: percentile(gaps, 0.5), p95Ms: percentile(gaps, 0.95) },
    skipped: outcome.skipped,
    writer,
  };
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0].trim();
  return firstLine === '' && err instanceof Error ? err.name : firstLine.slice(0, 300);
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
}

export async function runWriter(opts: WriterOptions): Promise<WriterStats> {
  const ratePerSec = opts.ratePerSec ?? DEFAULT_RATE_PER_SEC;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  requirePositive('ratePerSec', ratePerSec);
  requirePositive('timeoutMs', timeoutMs);
  requirePositive('maxInFlight', maxInFlight);
  if (!Number.isFinite(opts.durationMs) || opts.durationMs < 0) {
    throw new RangeError(`durationMs must be a non-negative number, got ${opts.durationMs}`);
  }
  if (!/^[A-Za-z0-9_.:-]+$/.test(opts.writerId)) {
    throw new RangeError(`writerId must match [A-Za-z0-9_.:-]+, got "${opts.writerId}"`);
  }

  const { target, writerId, onRecord, signal } = opts;
  const inFlight = new Set<Promise<void>>();
  const sentAts: number[] = [];
  let acked = 0;
  let errors = 0;
  let skipped = 0;
  let recordFailure: unknown = null;

  const deliver = (record: WriteRecord): void => {
    if (record.ackAt !== null) acked++;
    else errors++;
    try {
      onRecord(record);
    } catch (err) {
      recordFailure ??= err;
    }
  };

  const fire = (seq: number): void => {
    const request: WriteRequest = { key: `${writerId}-${seq}`, writer: writerId, seq };
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const sentAt = Date.now();
    sentAts.push(sentAt);
    const base = { ...request, sentAt };
    const write = target.write(request, timeout.signal);
    // The target may settle after the timeout decided the outcome; that late result is ignored.
    write.catch(() => {});
    const timedOut = new Promise<never>((_, reject) => {
      timeout.signal.addEventListener('abort', () => reject(new Error(`timeout after ${timeoutMs}ms`)), { once: true });
    });
    const done = Promise.race([write, timedOut]).then(
      (ack) => deliver({ ...base, ackAt: Date.now(), id: ack.id, error: null, endpoint: ack.endpoint }),
      (err: unknown) =>
        deliver({
          ...base,
          ackAt: null,
          id: null,
          error: describeError(err),
          endpoint: err instanceof WriteFailure && err.endpoint !== undefined ? err.endpoint : target.endpoint,
        }),
    );
    const tracked = done.finally(() => {
      clearTimeout(timer);
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };

  const periodMs = 1000 / ratePerSec;
  const slots = Math.ceil(opts.durationMs / periodMs);
  const start = performance.now();
  let slot = 0;
  while (slot < slots && signal?.aborted !== true && recordFailure === null) {
    const wait = start + slot * periodMs - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break;
      }
    }
    // Fire every slot whose time has come: after a late wake-up the missed slots go out at once.
    const now = performance.now();
    while (slot < slots && start + slot * periodMs <= now) {
      if (inFlight.size < maxInFlight) fire(slot + 1);
      else skipped++;
      slot++;
    }
  }
  await Promise.all(inFlight);
  if (recordFailure !== null) throw recordFailure;
  return summarizeWrites(sentAts, { acked, errors, skipped }, 'node');
}
