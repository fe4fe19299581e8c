/**
 * Ctrl-C handling for the bench: the first SIGINT/SIGTERM aborts `signal`, which every bench
 * passes to whatever it waits on (child processes, sleeps, the walk), so their `finally` blocks
 * stop the sim, PostgreSQL and children. A second signal, or cleanup taking longer than
 * `graceMs`, exits at once.
 */
export class Lifecycle {
  private readonly controller = new AbortController();
  private received?: NodeJS.Signals;

  constructor(private readonly graceMs = 45_000) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal that stopped the bench, if any. */
  get stoppedBy(): NodeJS.Signals | undefined {
    return this.received;
  }

  install(): () => void {
    const onSignal = (sig: NodeJS.Signals): void => {
      if (this.received) {
        process.stderr.write(`bench: second ${sig}, exiting without cleanup\n`);
        process.exit(sig === 'SIGINT' ? 130 : 143);
      }
      this.received = sig;
      process.stderr.write(`bench: ${sig}, stopping (sim, PostgreSQL and child processes are being stopped)…\n`);
      this.controller.abort(new Error(`stopped by ${sig}`));
      setTimeout(() => {
        process.stderr.write(`bench: cleanup took longer than ${this.graceMs / 1000} s, exiting\n`);
        process.exit(sig === 'SIGINT' ? 130 : 143);
      }, this.graceMs).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  }
}

/** Rejects with the signal's reason as soon as `signal` aborts; otherwise settles like `p`. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
