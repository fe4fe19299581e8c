/**
 * What the DoD checks read, fetched once per session (one judging of the suite): every check of a
 * layer judges the same snapshot, and the console page L5 fetched is the one hygiene parses.
 */
import type { Harness } from '../../run/harness.js';
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject, ListOptions } from '../../target/objects.js';
import type { HttpExchange } from '../../target/http.js';
import { loadRecord, type RecordSource } from './record.js';

export type Reachability = { ok: true; version: string } | { ok: false; reason: string };

export class DodSession {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly h: Harness) {}

  get sovereign(): string {
    return this.h.sovereign;
  }

  region(name: string): RegionClient {
    const r = this.h.regions.find((x) => x.name === name);
    if (!r) throw new Error(`region ${name} is not part of this walk`);
    return r;
  }

  record(): Promise<RecordSource> {
    return this.shared('record', () => loadRecord(this.h.ctx.target.record, this.h.http));
  }

  reachable(region: string): Promise<Reachability> {
    return this.shared(`ping:${region}`, async () => {
      try {
        return { ok: true, version: await this.region(region).ping() };
      } catch (e) {
        return { ok: false, reason: (e as Error).message };
      }
    });
  }

  /** A list of `resource` in `region`; rejects with the API error (callers decide fail vs error). */
  list(region: string, resource: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const key = `list:${region}:${resource}:${opts.namespace ?? '*'}:${opts.labelSelector ?? ''}:${opts.fieldSelector ?? ''}`;
    return this.shared(key, async () => (await this.region(region).list(resource, opts)).items);
  }

  /** GET `url` once per session (an exchange, never a throw). */
  fetch(url: string): Promise<HttpExchange> {
    return this.shared(`get:${url}`, () => this.h.http.request(url, { timeoutMs: 45_000 }));
  }

  /** Memoizes `load` under `key` for the life of this session (one walk process). */
  shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.memo.set(key, p);
    }
    return p;
  }
}
