/**
 * What a kit slot's chart installs, as the platform's charts lay their products out: the workload
 * that serves each surface (named so the product runtime finds the product's model), its port, and
 * the namespaces the chart writes into. Unknown components get the generic layout: one workload
 * named after the component.
 */
import type { KitSlot } from '../../src/kit/types.js';
import { productFor } from '../products/catalog.js';

/** `bp-cilium` → `cilium`. */
export function componentOf(slotName: string): string {
  return slotName.replace(/^bp-/, '');
}

/** Workload names of components whose charts run several workloads (the public one first). */
const PUBLIC_WORKLOAD: Record<string, string> = {
  'catalyst-platform': 'catalyst-ui',
  harbor: 'harbor-core',
  langfuse: 'langfuse-web',
  openmeter: 'openmeter-api',
  temporal: 'temporal-frontend',
};

export function publicWorkload(component: string): string {
  return PUBLIC_WORKLOAD[component] ?? component;
}

/** The container port a component's workload serves on (its product's, else 8080). */
export function productPort(component: string, workload: string): number {
  return productFor(component, workload)?.ports[0] ?? 8080;
}

export function releaseNamespace(slot: KitSlot): string {
  return slot.targetNamespace ?? 'flux-system';
}

/** Where the chart puts objects its surface check does not place: the target namespace, else the component's. */
export function homeNamespace(slot: KitSlot): string {
  return slot.targetNamespace ?? componentOf(slot.name);
}

export function chartName(slot: KitSlot): string {
  return slot.chart ?? slot.name;
}

export function chartVersion(slot: KitSlot): string {
  return slot.version ?? '1.0.0';
}

export function imageOf(sovereign: string, component: string): string {
  return `registry.${sovereign}/openova-io/${component}`;
}
