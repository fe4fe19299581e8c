import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { StoreError, alreadyExists, badRequest, conflict, invalid, notFound } from './errors.js';
import { parseJsonPath } from './jsonpath.js';
import { compileSelectors } from './selectors.js';
import type { KubeObject, ManagedFieldsEntry, ResourceType, StoreEvent, WatchEventType } from './types.js';
import { apiVersionOf } from './types.js';

export { StoreError } from './errors.js';

export interface WriteOptions {
  /** Validate and return the would-be result without persisting it. */
  dryRun?: boolean;
  /** managedFields operation to record; 'Apply' for server-side apply. */
  operation?: ManagedFieldsEntry['operation'];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

interface LogRecord {
  rv: number;
  storageKey: string;
  type: WatchEventType;
  /** Committed objects are never mutated in place, so records can share them with the store. */
  object: KubeObject;
  previous?: KubeObject;
}

interface Listener {
  storageKey: string;
  rt: ResourceType;
  namespace?: string;
  /** Highest resourceVersion already handed to this listener; guards against double delivery. */
  lastRv: number;
  deliver(event: StoreEvent): void;
}

const DEFAULT_EVENT_LOG_SIZE = 10_000;
const NAMESPACE_KEY = '|Namespace';
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Kubernetes timestamps have second precision: `2024-05-01T12:00:00Z`. */
function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function storageKeyOf(rt: ResourceType): string {
  return `${rt.group}|${rt.kind}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Fields whose change bumps metadata.generation: everything but metadata (and status when it is a subresource). */
function specOf(obj: KubeObject, rt: ResourceType): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  if (rt.hasStatus) delete rest.status;
  return rest;
}

/** The object minus the bookkeeping the server itself maintains, to detect no-op writes. */
function contentOf(obj: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = obj.metadata;
  return { ...obj, apiVersion: undefined, metadata: meta };
}

function validName(name: unknown): name is string {
  // The path-segment rule the apiserver applies to every resource name.
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name) && name.length <= 253;
}

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/**
 * In-memory object storage with apiserver write semantics (resourceVersion, generation,
 * managedFields, status subresource) and a bounded event log that watches replay from.
 * Versions of one group/kind share storage, as they do in a real cluster.
 */
export class ObjectStore {
  private readonly byResource = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<Listener>();
  private readonly eventLogSize: number;
  private log: LogRecord[] = [];
  private logStart = 0;
  /** resourceVersion of the newest event dropped from the log; watches must start at or after it. */
  private compactedRv = 0;
  private rv = 0;
  private readonly pending: LogRecord[] = [];
  private dispatching = false;

  constructor(opts: { eventLogSize?: number } = {}) {
    this.eventLogSize = opts.eventLogSize ?? DEFAULT_EVENT_LOG_SIZE;
  }

  /** Registers (or replaces) a type; throws if a printer column's JSONPath is unsupported. */
  registerType(rt: ResourceType): void {
    for (const column of rt.printerColumns ?? []) parseJsonPath(column.jsonPath);
    const copy = jsonClone(rt);
    this.byResource.set(`${rt.group}/${rt.version}/${rt.plural}`, copy);
    this.byKind.set(`${apiVersionOf(rt)}|${rt.kind}`, copy);
  }

  types(): ResourceType[] {
    return [...this.byResource.values()].map((rt) => jsonClone(rt));
  }

  typeFor(apiVersion: string, kind: string): ResourceType | undefined {
    const rt = this.byKind.get(`${apiVersion}|${kind}`);
    return rt && jsonClone(rt);
  }

  typeByPlural(group: string, version: string, plural: string): ResourceType | undefined {
    const rt = this.byResource.get(`${group}/${version}/${plural}`);
    return rt && jsonClone(rt);
  }

  /** The store-wide resourceVersion of the latest write, as lists report it. */
  currentResourceVersion(): string {
    return String(this.rv);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const rt = this.requireType(apiVersion, kind);
    const obj = this.bucket(rt).get(objectKey(this.scope(rt, namespace), name));
    return obj && this.present(obj, rt);
  }

  list(apiVersion: string, kind: string, opts: ListOptions = {}): KubeObject[] {
    const rt = this.requireType(apiVersion, kind);
    const matches = compileSelectors(opts);
    const out: KubeObject[] = [];
    for (const obj of this.bucket(rt).values()) {
      if (opts.namespace !== undefined && rt.namespaced && obj.metadata.namespace !== opts.namespace) continue;
      if (matches(obj)) out.push(this.present(obj, rt));
    }
    // Plain code-unit order, which list continue tokens rely on.
    const key = (o: KubeObject): string => objectKey(o.metadata.namespace, o.metadata.name);
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  create(obj: KubeObject, manager = 'sim', opts: WriteOptions = {}): KubeObject {
    const rt = this.requireType(obj.apiVersion, obj.kind);
    const next = jsonClone(obj);
    const meta = (next.metadata ??= {} as KubeObject['metadata']);
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!validName(meta.name)) {
      throw invalid(rt, String(meta.name ?? ''), 'metadata.name: Required value: name or generateName is required');
    }
    const namespace = this.scope(rt, meta.namespace);
    if (rt.namespaced && !namespace) throw invalid(rt, meta.name, 'metadata.namespace: Required value');
    if (namespace !== undefined && !this.bucketByKey(NAMESPACE_KEY).has(objectKey(undefined, namespace))) {
      throw new StoreError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
    if (rt.kind === 'Namespace' && rt.group === '' && !DNS_LABEL.test(meta.name)) {
      throw invalid(rt, meta.name, 'metadata.name: Invalid value: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'');
    }
    const bucket = this.bucket(rt);
    const key = objectKey(namespace, meta.name);
    if (bucket.has(key)) throw alreadyExists(rt, meta.name);

    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    // Like the apiserver, status is not settable on create when it is a subresource.
    if (rt.hasStatus) delete next.status;
    const now = timestamp();
    if (namespace === undefined) delete meta.namespace;
    else meta.namespace = namespace;
    delete meta.deletionTimestamp;
    meta.uid = randomUUID();
    meta.creationTimestamp = now;
    meta.generation = 1;
    meta.managedFields = [this.managedEntry(rt, manager, opts.operation ?? 'Update', now)];
    if (opts.dryRun) {
      meta.resourceVersion = '';
      return this.present(next, rt);
    }
    meta.resourceVersion = String(++this.rv);
    bucket.set(key, next);
    this.emit(rt, 'ADDED', next);
    return this.present(next, rt);
  }

  update(obj: KubeObject, manager = 'sim', opts: WriteOptions = {}): KubeObject {
    const rt = this.requireType(obj.apiVersion, obj.kind);
    const namespace = this.scope(rt, obj.metadata?.namespace);
    const name = obj.metadata?.name;
    const existing = this.bucket(rt).get(objectKey(namespace, name));
    if (!existing) throw notFound(rt, name);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(rt, name);
    }
    const next = jsonClone(obj);
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    const { uid, creationTimestamp, deletionTimestamp, managedFields } = existing.metadata;
    next.metadata = { ...next.metadata, name, uid, creationTimestamp };
    if (namespace === undefined) delete next.metadata.namespace;
    else next.metadata.namespace = namespace;
    if (deletionTimestamp) next.metadata.deletionTimestamp = deletionTimestamp;
    else delete next.metadata.deletionTimestamp;
    if (rt.hasStatus) {
      if (existing.status === undefined) delete next.status;
      else next.status = jsonClone(existing.status);
    }
    const specChanged = !isDeepStrictEqual(specOf(existing, rt), specOf(next, rt));
    next.metadata.generation = existing.metadata.generation + (specChanged ? 1 : 0);
    next.metadata.managedFields = managedFields;
    return this.commitModification(rt, existing, next, manager, opts);
  }

  updateStatus(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    mutate: (obj: KubeObject) => void,
    manager = 'sim',
    opts: WriteOptions = {},
  ): KubeObject {
    const rt = this.requireType(apiVersion, kind);
    const existing = this.bucket(rt).get(objectKey(this.scope(rt, namespace), name));
    if (!existing) throw notFound(rt, name);
    const draft = this.present(existing, rt);
    mutate(draft);
    const next = jsonClone(existing);
    if (draft.status === undefined) delete next.status;
    else next.status = jsonClone(draft.status);
    return this.commitModification(rt, existing, next, manager, opts, 'status');
  }

  mutate(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    fn: (obj: KubeObject) => void,
    manager = 'sim',
    opts: WriteOptions = {},
  ): KubeObject {
    const draft = this.get(apiVersion, kind, namespace, name);
    if (!draft) throw notFound(this.requireType(apiVersion, kind), name);
    fn(draft);
    return this.update(draft, manager, opts);
  }

  delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts: Pick<WriteOptions, 'dryRun'> = {},
  ): KubeObject | undefined {
    const rt = this.requireType(apiVersion, kind);
    const bucket = this.bucket(rt);
    const key = objectKey(this.scope(rt, namespace), name);
    const existing = bucket.get(key);
    if (!existing) return undefined;
    if (opts.dryRun) return this.present(existing, rt);
    bucket.delete(key);
    const deleted = jsonClone(existing);
    deleted.metadata.resourceVersion = String(++this.rv);
    this.emit(rt, 'DELETED', deleted);
    return this.present(deleted, rt);
  }

  /** In-process subscription to changes made after this call. Returns the unsubscribe function. */
  watch(
    apiVersion: string,
    kind: string,
    handler: (type: WatchEventType, obj: KubeObject) => void,
    opts: { namespace?: string } = {},
  ): () => void {
    return this.watchSince(apiVersion, kind, undefined, (e) => handler(e.type, e.object), opts);
  }

  /**
   * Like watch, but first replays logged events newer than `resourceVersion` (synchronously,
   * before returning). Throws a 410 `Expired` StoreError when that version has been compacted away.
   */
  watchSince(
    apiVersion: string,
    kind: string,
    resourceVersion: string | undefined,
    handler: (event: StoreEvent) => void,
    opts: { namespace?: string } = {},
  ): () => void {
    const rt = this.requireType(apiVersion, kind);
    const listener: Listener = {
      storageKey: storageKeyOf(rt),
      rt,
      namespace: rt.namespaced ? opts.namespace : undefined,
      lastRv: this.rv,
      deliver: handler,
    };
    if (resourceVersion !== undefined) {
      const from = Number(resourceVersion);
      if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`invalid resource version: "${resourceVersion}"`);
      if (from < this.compactedRv) {
        throw new StoreError(410, 'Expired', `too old resource version: ${from} (${this.compactedRv + 1})`);
      }
      listener.lastRv = from;
      for (let i = this.firstLogIndexAfter(from); i < this.log.length; i++) this.deliver(listener, this.log[i]);
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private commitModification(
    rt: ResourceType,
    existing: KubeObject,
    next: KubeObject,
    manager: string,
    opts: WriteOptions,
    subresource?: string,
  ): KubeObject {
    const entry = this.managedEntry(rt, manager, opts.operation ?? 'Update', timestamp(), subresource);
    const sameOwner = (e: ManagedFieldsEntry): boolean =>
      e.manager === entry.manager && e.operation === entry.operation && e.subresource === entry.subresource;
    const others = (next.metadata.managedFields ?? []).filter((e) => !sameOwner(e));
    // The apiserver skips writes that change nothing (no new resourceVersion, no event),
    // except that a first apply by a manager changes ownership, which is a change.
    const newApplier = entry.operation === 'Apply' && others.length === (next.metadata.managedFields ?? []).length;
    if (!newApplier && isDeepStrictEqual(contentOf(existing), contentOf(next))) return this.present(existing, rt);
    next.metadata.managedFields = [...others, entry];
    if (opts.dryRun) {
      next.metadata.resourceVersion = existing.metadata.resourceVersion;
      return this.present(next, rt);
    }
    next.metadata.resourceVersion = String(++this.rv);
    this.bucket(rt).set(objectKey(next.metadata.namespace, next.metadata.name), next);
    this.emit(rt, 'MODIFIED', next, existing);
    return this.present(next, rt);
  }

  private managedEntry(
    rt: ResourceType,
    manager: string,
    operation: ManagedFieldsEntry['operation'],
    time: string,
    subresource?: string,
  ): ManagedFieldsEntry {
    return {
      manager,
      operation,
      apiVersion: apiVersionOf(rt),
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(subresource ? { subresource } : {}),
    };
  }

  private emit(rt: ResourceType, type: WatchEventType, object: KubeObject, previous?: KubeObject): void {
    const record: LogRecord = { rv: this.rv, storageKey: storageKeyOf(rt), type, object, previous };
    this.log.push(record);
    if (this.log.length - this.logStart > this.eventLogSize) {
      this.compactedRv = this.log[this.logStart].rv;
      this.logStart++;
      if (this.logStart >= this.eventLogSize) {
        this.log = this.log.slice(this.logStart);
        this.logStart = 0;
      }
    }
    // Queue rather than deliver re-entrantly, so a handler that writes cannot make other
    // listeners see its change before the one that triggered it.
    this.pending.push(record);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          if (this.listeners.has(listener)) this.deliver(listener, next);
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private deliver(listener: Listener, record: LogRecord): void {
    if (record.rv <= listener.lastRv || record.storageKey !== listener.storageKey) return;
    if (listener.namespace !== undefined && record.object.metadata.namespace !== listener.namespace) return;
    listener.lastRv = record.rv;
    const event: StoreEvent = {
      type: record.type,
      object: this.present(record.object, listener.rt),
      ...(record.previous ? { previous: this.present(record.previous, listener.rt) } : {}),
    };
    try {
      listener.deliver(event);
    } catch (err) {
      // A failing subscriber must not undo or interrupt a committed write; surface it instead.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  private firstLogIndexAfter(rv: number): number {
    let lo = this.logStart;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private requireType(apiVersion: string, kind: string): ResourceType {
    const rt = this.byKind.get(`${apiVersion}|${kind}`);
    if (!rt) throw new StoreError(404, 'NotFound', `no resource type registered for kind "${kind}" in version "${apiVersion}"`);
    return rt;
  }

  /** Cluster-scoped objects have no namespace, whatever the caller passed. */
  private scope(rt: ResourceType, namespace: string | undefined): string | undefined {
    return rt.namespaced ? namespace || undefined : undefined;
  }

  private bucket(rt: ResourceType): Map<string, KubeObject> {
    return this.bucketByKey(storageKeyOf(rt));
  }

  private bucketByKey(key: string): Map<string, KubeObject> {
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private present(obj: KubeObject, rt: ResourceType): KubeObject {
    const copy = jsonClone(obj);
    copy.apiVersion = apiVersionOf(rt);
    return copy;
  }
}
