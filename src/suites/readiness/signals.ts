/** Wake-ups keyed by name: a watch event for `key` wakes everything waiting on it. */
import { EventEmitter } from 'node:events';

export class Signals {
  private readonly ee = new EventEmitter().setMaxListeners(0);

  notify(key: string): void {
    this.ee.emit(key);
  }

  /** Resolves on the first notification of any key, or after `timeoutMs`. */
  wait(keys: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const k of keys) this.ee.off(k, done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      for (const k of keys) this.ee.once(k, done);
    });
  }
}
