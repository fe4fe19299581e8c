/**
 * What a kit slot's chart puts into a region, derived from its surface check alone: the
 * namespace, the labels Helm and Flux stamp on release objects, and how the surface's URLs,
 * workloads and service references decompose. Any kit works; nothing is keyed by slot name.
 */
import type { KitSlot, SurfaceCheck } from '../../src/kit/types.js';
import { componentOf, FLUX_NS } from '../flux/model.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  container: string;
  /** Container port the workload serves on, when a Service fronts it. */
  port?: number;
}

export interface ServiceRef {
  namespace: string;
  name: string;
  port: number;
  path: string;
}

export interface PublicUrl {
  host: string;
  path: string;
}

export interface SlotPlan {
  slot: KitSlot;
  check: SurfaceCheck;
  component: string;
  /** The namespace the chart installs into when the check does not say. */
  namespace: string;
  releaseName: string;
  releaseNamespace: string;
  image: string;
}

export function planSlot(slot: KitSlot, sovereign: string): SlotPlan | undefined {
  if (!slot.surface) return undefined;
  const component = componentOf(slot.name);
  return {
    slot,
    check: slot.surface,
    component,
    namespace: slot.targetNamespace ?? component,
    releaseName: slot.name,
    releaseNamespace: slot.targetNamespace ?? FLUX_NS,
    image: `registry.${sovereign}/openova-io/${component}:${slot.version ?? '1.0.0'}`,
  };
}

/** Labels Helm charts and helm-controller put on every object of a release. */
export function releaseLabels(plan: SlotPlan, name: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': plan.releaseName,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/part-of': plan.component,
    'helm.sh/chart': `${plan.slot.chart ?? plan.slot.name}-${plan.slot.version ?? '1.0.0'}`,
    'helm.toolkit.fluxcd.io/name': plan.slot.name,
    'helm.toolkit.fluxcd.io/namespace': FLUX_NS,
  };
}

export function releaseAnnotations(plan: SlotPlan): Record<string, string> {
  return { 'meta.helm.sh/release-name': plan.releaseName, 'meta.helm.sh/release-namespace': plan.releaseNamespace };
}

/** Labels a release's pods carry and its Services select on. */
export function selectorLabels(plan: SlotPlan, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': plan.releaseName };
}

const TARGET_KINDS: Record<string, WorkloadKind> = {
  deploy: 'Deployment',
  deployment: 'Deployment',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  pod: 'Pod',
  po: 'Pod',
};

/** `deploy/valkey` → the Deployment; throws on a target kind the sim cannot create. */
export function execWorkload(namespace: string, target: string, container?: string): WorkloadRef {
  const [prefix, name] = target.split('/');
  const kind = TARGET_KINDS[prefix?.toLowerCase() ?? ''];
  if (!kind || !name) throw new Error(`exec target "${target}" is not <deploy|sts|ds|pod>/<name>`);
  return { kind, namespace, name, container: container ?? name };
}

/** `http://loki.loki.svc.cluster.local:3100/ready` → Service loki in namespace loki, port 3100. */
export function serviceRef(url: string): ServiceRef {
  const u = new URL(url);
  const [name, namespace] = u.hostname.split('.');
  return { name, namespace: namespace ?? 'default', port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80), path: u.pathname || '/' };
}

/** The kit URL with the Sovereign placeholder filled in. */
export function publicUrl(url: string, placeholder: string, sovereign: string): PublicUrl {
  const u = new URL(url.split(placeholder).join(sovereign));
  return { host: u.hostname, path: u.pathname || '/' };
}
