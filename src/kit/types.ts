/** Schema of a bootstrap kit file (fixtures/bootstrap-kit-48.json and any `--kit`). */

export interface HelmReleaseReadyCheck {
  kind: 'helmrelease-ready';
  namespace: string;
  name: string;
}

export type WorkloadKind = 'deployment' | 'daemonset' | 'statefulset';

interface SurfaceBase {
  note?: string;
  /** Per-check deadline override in seconds. */
  timeoutSeconds?: number;
}

export interface RolloutCheck extends SurfaceBase {
  kind: 'rollout';
  namespace: string;
  workload: WorkloadKind;
  name: string;
}

/** `resource` is `<plural>[.<group>]`, as kubectl spells it (`clusterissuers.cert-manager.io`, `configmaps`). */
export interface ResourceConditionCheck extends SurfaceBase {
  kind: 'resource-condition';
  resource: string;
  namespace?: string;
  name?: string;
  /** Every object must have the condition (the default; kept for kits that spell it out). */
  all?: boolean;
  /** At least one object suffices: only when the kit says so explicitly. */
  any?: boolean;
  condition: string;
  status: string;
}

export interface ResourceFieldCheck extends SurfaceBase {
  kind: 'resource-field';
  resource: string;
  namespace?: string;
  field: string;
  equals?: unknown;
  notEquals?: unknown;
  /** How many objects must match (default 1). */
  atLeast?: number;
}

export interface ResourceExistsCheck extends SurfaceBase {
  kind: 'resource-exists';
  resource: string;
  namespace?: string;
  name: string;
}

export interface ResourceNonEmptyCheck extends SurfaceBase {
  kind: 'resource-nonempty';
  resource: string;
  namespace?: string;
}

export interface ApiResourceServedCheck extends SurfaceBase {
  kind: 'api-resource-served';
  resource: string;
}

interface HttpBase extends SurfaceBase {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The URL is a cluster-internal Service URL, reached through the API server's service proxy. */
  inCluster?: boolean;
}

export interface HttpJsonCheck extends HttpBase {
  kind: 'http-json';
  /** Subset the JSON body must contain. */
  expect?: Record<string, unknown>;
  /** A dotted path (`data[0].id`) that must resolve to a non-empty value. */
  expectPath?: string;
  /** A top-level key whose value must be a non-empty array/object/string. */
  expectNonEmpty?: string;
}

export interface HttpStatusCheck extends HttpBase {
  kind: 'http-status';
  expect: number | number[];
}

export interface HttpTextCheck extends HttpBase {
  kind: 'http-text';
  contains: string;
}

export interface ExecCheck extends SurfaceBase {
  kind: 'exec';
  namespace: string;
  /** `deploy/<name>`, `sts/<name>`, `ds/<name>` or `pod/<name>`. */
  target: string;
  container?: string;
  command: string[];
  expectStdout?: string;
  /** Fail when stderr contains this text. */
  expectNoStderr?: string;
}

export type SurfaceCheck =
  | RolloutCheck
  | ResourceConditionCheck
  | ResourceFieldCheck
  | ResourceExistsCheck
  | ResourceNonEmptyCheck
  | ApiResourceServedCheck
  | HttpJsonCheck
  | HttpStatusCheck
  | HttpTextCheck
  | ExecCheck;

export type CheckKind = SurfaceCheck['kind'] | HelmReleaseReadyCheck['kind'];

export interface KitSlot {
  slot: string;
  name: string;
  tier?: number;
  layer?: string;
  dependsOn: string[];
  ready: HelmReleaseReadyCheck;
  surface?: SurfaceCheck;
  targetNamespace?: string;
  chart?: string;
  version?: string;
}

export interface Kit {
  source?: string;
  /** Placeholder for the Sovereign FQDN in URLs (default `<sov>`). */
  sovPlaceholder?: string;
  slots: KitSlot[];
}
