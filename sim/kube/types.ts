/** A kind of object the simulated API server serves, as a CRD or built-in type would declare it. */
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Whether the type has a status subresource (status is then only writable through it). */
  hasStatus: boolean;
  /** Like a CRD's additionalPrinterColumns; without them tables show Name and Age. */
  printerColumns?: PrinterColumn[];
}

export interface PrinterColumn {
  name: string;
  /** OpenAPI type of the column: string, integer, number, boolean or date. */
  type: string;
  jsonPath: string;
  priority?: number;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  /** Only when creating: the server appends a random suffix to form the name. */
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFieldsEntry[];
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A stored change; `previous` is the object before a MODIFIED change, for selector transitions. */
export interface StoreEvent {
  type: WatchEventType;
  object: KubeObject;
  previous?: KubeObject;
}

export function apiVersionOf(rt: ResourceType): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

/** The `<plural>.<group>` name the apiserver uses in messages, e.g. `helmreleases.helm.toolkit.fluxcd.io`. */
export function qualifiedResource(rt: ResourceType): string {
  return rt.group === '' ? rt.plural : `${rt.plural}.${rt.group}`;
}
