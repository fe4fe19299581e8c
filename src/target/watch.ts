/**
 * A resilient watch: list, then watch from the list's resourceVersion; when the stream ends
 * (real API servers close watches after a while) re-watch from the last seen resourceVersion,
 * and on 410 Gone re-list. A re-list is reconciled against what was delivered so far: objects
 * gone from it are DELETED, known objects whose resourceVersion changed are MODIFIED, new ones
 * ADDED, so a consumer's cache matches the server after a gap. Every event carries the time it
 * was received.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from './objects.js';

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';
export type WatchHandler = (type: WatchEvent, obj: KubeObject, receivedAt: number) => void;

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export class ResilientWatch {
  private abort?: AbortController;
  private stopped = false;
  private rv = '';
  private restarts = 0;
  /** What the consumer has been given: namespace/name → the object last delivered. */
  private readonly delivered = new Map<string, KubeObject>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly path: string,
    private readonly opts: WatchOptions,
    private readonly list: () => Promise<{ items: KubeObject[]; resourceVersion: string }>,
    private readonly handler: WatchHandler,
    private readonly onError: (err: Error) => void,
    /** Told of each watch request (the first and every re-watch); the re-lists are `list`'s own. */
    private readonly onRequest: (method: string, pathAndQuery: string) => void = () => {},
  ) {}

  /** Resolves after the initial list has been delivered as ADDED events. */
  async start(): Promise<void> {
    await this.relist();
    void this.watch();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** The objects as the watch holds them now (the server's state as of the last event). */
  objects(): KubeObject[] {
    return [...this.delivered.values()];
  }

  /** One object as the watch holds it now (`namespace` undefined for a cluster-scoped one), without copying the rest. */
  object(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.delivered.get(`${namespace ?? ''}/${name}`);
  }

  private async relist(): Promise<void> {
    const l = await this.list();
    const at = Date.now();
    const present = new Set<string>();
    for (const o of l.items) {
      const key = keyOf(o);
      present.add(key);
      const known = this.delivered.get(key);
      if (!known) this.deliver('ADDED', o, at);
      else if (known.metadata.resourceVersion !== o.metadata.resourceVersion) this.deliver('MODIFIED', o, at);
    }
    for (const [key, last] of [...this.delivered]) if (!present.has(key)) this.deliver('DELETED', last, at);
    this.rv = l.resourceVersion;
  }

  private deliver(type: WatchEvent, obj: KubeObject, at: number): void {
    if (type === 'DELETED') this.delivered.delete(keyOf(obj));
    else this.delivered.set(keyOf(obj), obj);
    this.handler(type, obj, at);
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    const query: Record<string, string | boolean> = { allowWatchBookmarks: true, resourceVersion: this.rv };
    if (this.opts.labelSelector) query.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) query.fieldSelector = this.opts.fieldSelector;
    let gone = false;
    try {
      this.onRequest('GET', `${this.path}?watch=true`);
      this.abort = await new Watch(this.kc).watch(
        this.path,
        query,
        (phase, obj: KubeObject & { code?: number }) => {
          const at = Date.now();
          if (phase === 'ERROR') {
            if (obj.code === 410) gone = true;
            return;
          }
          if (obj?.metadata?.resourceVersion) this.rv = obj.metadata.resourceVersion;
          if (phase === 'BOOKMARK') return;
          this.deliver(phase as WatchEvent, obj, at);
        },
        (err: unknown) => void this.ended(err, gone),
      );
    } catch (err) {
      void this.ended(err, false);
    }
  }

  private async ended(err: unknown, gone: boolean): Promise<void> {
    if (this.stopped) return;
    const code = (err as { code?: number; statusCode?: number } | undefined)?.code ?? (err as { statusCode?: number } | undefined)?.statusCode;
    // Bounded back-off: a flapping API server must not turn the watch into a busy loop.
    const delay = Math.min(2000, 50 * 2 ** Math.min(this.restarts++, 6));
    await new Promise((r) => setTimeout(r, delay));
    if (this.stopped) return;
    try {
      if (gone || code === 410) await this.relist();
      this.restarts = err ? this.restarts : 0;
      void this.watch();
    } catch (e) {
      this.onError(e as Error);
      void this.ended(e, false);
    }
  }
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
