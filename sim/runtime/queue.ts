/**
 * A controller work queue: one pending timer per key (the earliest requested wins), never two
 * reconciles of the same key at once (a request during a reconcile runs it again afterwards),
 * and a failed reconcile is retried with a short backoff, as controller-runtime does.
 */
import { setMaxListeners } from 'node:events';

export type ReconcileFn = (key: string, signal: AbortSignal) => Promise<void>;

const RETRY_MS = 200;

export class WorkQueue {
  private readonly timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private readonly abort = new AbortController();

  constructor(
    private readonly reconcile: ReconcileFn,
    private readonly onError: (err: unknown, key: string) => void = () => {},
  ) {
    // Every in-flight reconcile of every key listens on the one stop signal.
    setMaxListeners(0, this.abort.signal);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  enqueue(key: string, delayMs = 0): void {
    if (this.abort.signal.aborted) return;
    const due = Date.now() + Math.max(0, delayMs);
    const pending = this.timers.get(key);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.process(key);
    }, Math.max(0, delayMs));
    this.timers.set(key, { due, timer });
  }

  stop(): void {
    this.abort.abort();
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async process(key: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    this.running.add(key);
    try {
      await this.reconcile(key, this.abort.signal);
    } catch (err) {
      if (!this.abort.signal.aborted) {
        this.onError(err, key);
        this.enqueue(key, RETRY_MS);
      }
    } finally {
      this.running.delete(key);
    }
    if (this.rerun.delete(key)) this.enqueue(key);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A random duration in [min, max]. */
export function between(min: number, max: number): number {
  return Math.round(min + Math.random() * Math.max(0, max - min));
}
