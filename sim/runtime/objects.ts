/** Small helpers for controllers that read and write store objects. */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject, ResourceType, WatchEventType } from '../kube/types.js';
import { apiVersionOf } from '../kube/types.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function statusOf(obj: KubeObject): Record<string, unknown> {
  obj.status = record(obj.status);
  return obj.status as Record<string, unknown>;
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const c = record(obj.status).conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function getCondition(obj: KubeObject | undefined, type: string): Condition | undefined {
  return obj ? conditionsOf(obj).find((c) => c.type === type) : undefined;
}

export function isTrue(obj: KubeObject | undefined, type: string): boolean {
  return getCondition(obj, type)?.status === 'True';
}

/**
 * Sets a condition like apimachinery's SetStatusCondition: lastTransitionTime moves only when the
 * status changes; reason, message and observedGeneration always follow the latest write.
 */
export function setCondition(obj: KubeObject, c: Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>, at = Date.now()): void {
  const list = conditionsOf(obj);
  const existing = list.find((x) => x.type === c.type);
  const next: Condition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: existing && existing.status === c.status && existing.lastTransitionTime ? existing.lastTransitionTime : rfc3339(at),
    observedGeneration: obj.metadata.generation,
  };
  statusOf(obj).conditions = existing ? list.map((x) => (x === existing ? next : x)) : [...list, next];
}

export function removeCondition(obj: KubeObject, type: string): void {
  const status = statusOf(obj);
  status.conditions = conditionsOf(obj).filter((x) => x.type !== type);
}

/** Lists existing objects as ADDED, then follows changes; returns the unsubscribe function. */
export function inform(
  store: ObjectStore,
  rt: ResourceType,
  handler: (type: WatchEventType, obj: KubeObject) => void,
  opts: { namespace?: string } = {},
): () => void {
  const apiVersion = apiVersionOf(rt);
  for (const obj of store.list(apiVersion, rt.kind, opts)) handler('ADDED', obj);
  return store.watch(apiVersion, rt.kind, handler, opts);
}

/** An object as a client sends it on create: the server fills in the rest of the metadata. */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: KubeObject['metadata']['ownerReferences'] };
  [field: string]: unknown;
}

export function create(store: ObjectStore, obj: NewObject, manager: string): KubeObject {
  return store.create(obj as KubeObject, manager);
}

/** Creates the object unless one of that name exists; returns the stored object. */
export function ensure(store: ObjectStore, obj: NewObject & { metadata: { name: string } }, manager: string): KubeObject {
  return store.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name) ?? create(store, obj, manager);
}

/** Writes status through the status subresource, ignoring an object that has meanwhile gone. */
export function writeStatus(store: ObjectStore, obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, manager: string, mutate: (o: KubeObject) => void): KubeObject | undefined {
  if (!store.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name)) return undefined;
  return store.updateStatus(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name, mutate, manager);
}

export function ensureNamespace(store: ObjectStore, name: string, manager: string): void {
  if (store.get('v1', 'Namespace', undefined, name)) return;
  create(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }, manager);
  writeStatus(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, manager, (o) => {
    o.status = { phase: 'Active' };
  });
}
