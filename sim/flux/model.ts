/** Names and shapes shared by the sim's Flux objects and controllers. */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/types.js';
import { conditionsOf, record, statusOf } from '../runtime/objects.js';

export const FLUX_NS = 'flux-system';
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
/** Per-object reconcile interval on the sim (spec.interval is minutes on a real cluster). */
export const INTERVAL_ANNOTATION = 'sim.openova.io/interval-ms';
export const DEFAULT_INTERVAL_MS = 2000;

export const SLOT_LABEL = 'catalyst.openova.io/slot';
export const COMPONENT_LABEL = 'catalyst.openova.io/component';
export const ROLE_LABEL = 'catalyst.openova.io/region-role';

export const HR_API = 'helm.toolkit.fluxcd.io/v2';
export const SOURCE_API = 'source.toolkit.fluxcd.io/v1';
export const OCI_SOURCE_API = 'source.toolkit.fluxcd.io/v1beta2';
export const KS_API = 'kustomize.toolkit.fluxcd.io/v1';

/** `bp-cilium` → `cilium`. */
export function componentOf(slotName: string): string {
  return slotName.replace(/^bp-/, '');
}

export function requestedAt(obj: KubeObject): string | undefined {
  return obj.metadata.annotations?.[REQUESTED_AT];
}

export function intervalMs(obj: KubeObject): number {
  const raw = Number(obj.metadata.annotations?.[INTERVAL_ANNOTATION]);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_INTERVAL_MS;
}

export function digest(seed: string, algo: 'sha1' | 'sha256' = 'sha256'): string {
  return createHash(algo).update(seed).digest('hex');
}

/** Go's time.Duration formatting of a Flux duration field: `10m` → `10m0s`. */
export function goDuration(value: unknown, fallback: string): string {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(value ?? ''));
  if (!m || !(m[1] || m[2] || m[3])) return fallback;
  const [h, min, s] = [Number(m[1] ?? 0), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const total = h * 3600 + min * 60 + s;
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  return hh ? `${hh}h${mm}m${ss}s` : mm ? `${mm}m${ss}s` : `${ss}s`;
}

/** What helm-controller derives from a HelmRelease's spec for the Helm release it manages. */
export interface ReleaseRef {
  chart: string;
  version: string;
  releaseName: string;
  releaseNamespace: string;
  sourceName: string;
  sourceNamespace: string;
}

export function releaseOf(hr: KubeObject): ReleaseRef {
  const spec = record(hr.spec);
  const chartSpec = record(record(spec.chart).spec);
  const sourceRef = record(chartSpec.sourceRef);
  const ns = hr.metadata.namespace ?? FLUX_NS;
  const target = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : undefined;
  return {
    chart: String(chartSpec.chart ?? hr.metadata.name),
    version: String(chartSpec.version ?? '*'),
    releaseName: typeof spec.releaseName === 'string' ? spec.releaseName : target ? `${target}-${hr.metadata.name}` : hr.metadata.name,
    releaseNamespace: target ?? ns,
    sourceName: String(sourceRef.name ?? ''),
    sourceNamespace: typeof sourceRef.namespace === 'string' ? sourceRef.namespace : ns,
  };
}

export function dependsOnOf(hr: KubeObject): { name: string; namespace: string }[] {
  const deps = record(hr.spec).dependsOn;
  if (!Array.isArray(deps)) return [];
  return deps.map((d) => record(d)).map((d) => ({ name: String(d.name), namespace: typeof d.namespace === 'string' ? d.namespace : hr.metadata.namespace ?? FLUX_NS }));
}

/** Flux keeps Ready first and the other conditions in alphabetical order (fluxcd/pkg/runtime/conditions). */
export function sortFluxConditions(obj: KubeObject): void {
  const list = conditionsOf(obj);
  if (!list.length) return;
  statusOf(obj).conditions = [...list].sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
}
