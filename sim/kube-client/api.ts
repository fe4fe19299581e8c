/**
 * What the world's actors do to a region's API server: server-side apply of objects and of status
 * (through the status subresource, validated by the CRD like any operator's write), reads, deletes,
 * and informers (list + watch into a cache, re-listed after 410 Gone, with DELETED for objects gone
 * during the gap). Kinds resolve to resources by discovery.
 */
import type { KubeObject } from '../../src/target/objects.js';
import { KubeError, KubeRest } from './rest.js';

export type { KubeObject };
export { KubeError };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
  /** Whether the type has a status subresource (else status is written with the object). */
  hasStatus: boolean;
}

export type InformerEvent = 'ADDED' | 'MODIFIED' | 'DELETED';
export type InformerHandler = (type: InformerEvent, obj: KubeObject) => void;

export class WorldApi {
  readonly rest: KubeRest;
  private readonly discovered = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(kubeconfigPath: string, readonly manager: string) {
    this.rest = new KubeRest(kubeconfigPath);
  }

  private groupResources(apiVersion: string, fresh = false): Promise<Map<string, ResourceInfo>> {
    let p = this.discovered.get(apiVersion);
    if (!p || fresh) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.rest
        .request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', path)
        .then((l) => {
          const names = new Set(l.resources.map((r) => r.name));
          return new Map(l.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced, hasStatus: names.has(`${r.name}/status`) }]));
        });
      p.catch(() => this.discovered.delete(apiVersion));
      this.discovered.set(apiVersion, p);
    }
    return p;
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let info = (await this.groupResources(apiVersion).catch(() => undefined))?.get(kind);
    // A CRD installed since the last look (a chart's crds/ folder).
    info ??= (await this.groupResources(apiVersion, true).catch(() => undefined))?.get(kind);
    if (!info) throw new KubeError(404, 'NotFound', `${kind} (${apiVersion}) is not served`);
    return info;
  }

  async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async objectPath(ref: ObjectRef): Promise<string> {
    return this.path(ref.apiVersion, ref.kind, ref.metadata.namespace, ref.metadata.name);
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.rest.request<KubeObject>('GET', await this.path(apiVersion, kind, namespace, name));
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    const q = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    const l = await this.rest.request<{ items: KubeObject[] }>('GET', `${await this.path(apiVersion, kind, opts.namespace)}${q}`);
    return l.items.map((o) => ({ ...o, apiVersion, kind }));
  }

  /** Server-side apply (forced: the world's actors own what they write). */
  async apply(obj: ObjectRef & Record<string, unknown>, manager = this.manager): Promise<KubeObject> {
    const path = await this.objectPath(obj);
    return this.rest.request<KubeObject>('PATCH', `${path}?fieldManager=${encodeURIComponent(manager)}&force=true`, obj, 'application/apply-patch+yaml');
  }

  /** Server-side apply of the status subresource (`obj.status` is what this manager owns). */
  async applyStatus(obj: ObjectRef & { status: Record<string, unknown> }, manager = this.manager): Promise<KubeObject> {
    const path = await this.objectPath(obj);
    const sub = (await this.resource(obj.apiVersion, obj.kind)).hasStatus ? '/status' : '';
    const body = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }, status: obj.status };
    return this.rest.request<KubeObject>('PATCH', `${path}${sub}?fieldManager=${encodeURIComponent(manager)}&force=true`, body, 'application/apply-patch+yaml');
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>, opts: { subresource?: 'status'; manager?: string } = {}): Promise<KubeObject> {
    const path = await this.objectPath(ref);
    const sub = opts.subresource ? `/${opts.subresource}` : '';
    return this.rest.request<KubeObject>('PATCH', `${path}${sub}?fieldManager=${encodeURIComponent(opts.manager ?? this.manager)}`, patch, 'application/merge-patch+json');
  }

  /** Deletes the object; false when it was not there. */
  async delete(ref: ObjectRef, opts: { gracePeriodSeconds?: number } = {}): Promise<boolean> {
    try {
      const q = opts.gracePeriodSeconds !== undefined ? `?gracePeriodSeconds=${opts.gracePeriodSeconds}` : '';
      await this.rest.request('DELETE', `${await this.objectPath(ref)}${q}`);
      return true;
    } catch (e) {
      if (e instanceof KubeError && e.status === 404) return false;
      throw e;
    }
  }

  /** An informer over `kind` (optionally one namespace); resolves once the first list is in its cache. */
  async informer(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<Informer> {
    const inf = new Informer(this, apiVersion, kind, opts);
    await inf.start();
    return inf;
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}

const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers = new Set<InformerHandler>();
  private readonly abort = new AbortController();
  private rv = '';
  private stopped = false;

  constructor(private readonly api: WorldApi, readonly apiVersion: string, readonly kind: string, private readonly opts: { namespace?: string; labelSelector?: string }) {}

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): KubeObject[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Calls `handler` for every later event (and once per cached object with ADDED, when `replay`). */
  on(handler: InformerHandler, replay = true): () => void {
    this.handlers.add(handler);
    if (replay) for (const o of this.cache.values()) handler('ADDED', o);
    return () => this.handlers.delete(handler);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  async start(): Promise<void> {
    await this.relist();
    void this.loop();
  }

  private emit(type: InformerEvent, obj: KubeObject): void {
    for (const h of [...this.handlers]) {
      try {
        h(type, obj);
      } catch (err) {
        process.stderr.write(`[sim] ${this.kind} handler: ${(err as Error).message}\n`);
      }
    }
  }

  private async relist(): Promise<void> {
    const base = await this.api.path(this.apiVersion, this.kind, this.opts.namespace);
    const q = this.opts.labelSelector ? `?labelSelector=${encodeURIComponent(this.opts.labelSelector)}` : '';
    const l = await this.api.rest.request<{ items: KubeObject[]; metadata: { resourceVersion: string } }>('GET', `${base}${q}`);
    const seen = new Set<string>();
    for (const raw of l.items) {
      const o = { ...raw, apiVersion: this.apiVersion, kind: this.kind };
      const k = key(o);
      seen.add(k);
      const before = this.cache.get(k);
      this.cache.set(k, o);
      if (!before) this.emit('ADDED', o);
      else if (before.metadata.resourceVersion !== o.metadata.resourceVersion) this.emit('MODIFIED', o);
    }
    for (const [k, o] of [...this.cache]) {
      if (seen.has(k)) continue;
      this.cache.delete(k);
      this.emit('DELETED', o);
    }
    this.rv = l.metadata.resourceVersion;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const gone = await this.watchOnce();
        failures = 0;
        if (gone) await this.relist();
      } catch (err) {
        if (this.stopped) return;
        failures += 1;
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** Math.min(failures, 6))));
        if ((err as KubeError).status === 410 || failures > 3) await this.relist().catch(() => undefined);
      }
    }
  }

  /** One watch stream; true when the server said the resourceVersion is gone. */
  private async watchOnce(): Promise<boolean> {
    const base = await this.api.path(this.apiVersion, this.kind, this.opts.namespace);
    const params = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: this.rv, timeoutSeconds: '300' });
    if (this.opts.labelSelector) params.set('labelSelector', this.opts.labelSelector);
    const res = await this.api.rest.stream(`${base}?${params}`, this.abort.signal);
    if (res.statusCode === 410) {
      await res.body.dump();
      return true;
    }
    if (res.statusCode >= 400) {
      await res.body.dump();
      throw new KubeError(res.statusCode, '', `watch ${this.kind}: ${res.statusCode}`);
    }
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += String(chunk);
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as { type: string; object: KubeObject & { code?: number } };
        if (ev.type === 'ERROR') {
          if (ev.object.code === 410) return true;
          throw new KubeError(ev.object.code ?? 500, '', `watch ${this.kind}: ${JSON.stringify(ev.object)}`);
        }
        const o = { ...ev.object, apiVersion: this.apiVersion, kind: this.kind };
        if (o.metadata?.resourceVersion) this.rv = o.metadata.resourceVersion;
        if (ev.type === 'BOOKMARK') continue;
        if (ev.type === 'DELETED') this.cache.delete(key(o));
        else this.cache.set(key(o), o);
        this.emit(ev.type as InformerEvent, o);
      }
    }
    return false;
  }
}
