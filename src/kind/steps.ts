/** The kind plan: an ordered list of steps that kind:up executes and `--dry-run` prints. */
import type { SideService } from '../sidecars/side-service.js';

/** A Kubernetes object (or kind cluster config) as plain JSON. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface CommandStep {
  description: string;
  command: string[];
  /** Rendered as YAML on the command's stdin (`kind create cluster --config=-`). */
  input?: Manifest;
  /** The command's stdout is piped into this one (`kubectl create … -o yaml | kubectl apply -f -`). */
  pipeTo?: string[];
  /** A failure whose stderr contains this text counts as success (teardown of what is already gone). */
  tolerate?: string;
}

export interface ManifestStep {
  description: string;
  manifest: Manifest;
  /** Region name; applied with `kubectl --kubeconfig <its kubeconfig> apply --server-side -f -`. */
  applyTo: string;
}

export interface FileStep {
  description: string;
  file: { path: string; content: string };
}

export interface RemoveStep {
  description: string;
  /** A file or folder removed recursively (missing is fine). */
  remove: string;
}

export type KindStep = CommandStep | ManifestStep | FileStep | RemoveStep;

export interface KindPlanRegion {
  name: string;
  role: 'primary' | 'secondary';
  cluster: string;
  kubeconfigPath: string;
  nodes: string[];
}

export interface KindPlan {
  title: string;
  stateDir: string;
  regions: KindPlanRegion[];
  steps: KindStep[];
  /** Started by the walk, not by the plan (src/kind/side-services.ts); printed after the steps. */
  sideServices: SideService[];
}

export const FIELD_MANAGER = 'sovereign-walk-kind';

/** The exact command a manifest step runs (shared by the executor and the dry-run). */
export function applyCommand(kubeconfig: string): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, 'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'];
}

export function isCommandStep(step: KindStep): step is CommandStep {
  return 'command' in step;
}
export function isManifestStep(step: KindStep): step is ManifestStep {
  return 'manifest' in step;
}
export function isFileStep(step: KindStep): step is FileStep {
  return 'file' in step;
}

/** Every manifest the plan would send somewhere (applied, or fed to a command's stdin). */
export function planManifests(plan: KindPlan): { step: number; manifest: Manifest }[] {
  const out: { step: number; manifest: Manifest }[] = [];
  plan.steps.forEach((step, i) => {
    if (isManifestStep(step)) out.push({ step: i + 1, manifest: step.manifest });
    else if (isCommandStep(step) && step.input) out.push({ step: i + 1, manifest: step.input });
  });
  return out;
}

export function regionOf(plan: KindPlan, name: string): KindPlanRegion {
  const region = plan.regions.find((r) => r.name === name);
  if (!region) throw new Error(`the plan has no region ${name}`);
  return region;
}
