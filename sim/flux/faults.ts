/** The `--sim-fault` kinds the Flux model and the kit surfaces implement. */
import { millisArg, slotArg, type SimFaultKind } from '../faults.js';

export const FLUX_FAULT_KINDS: readonly SimFaultKind[] = [
  { kind: 'hr-stuck', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease never becomes Ready: install fails (InstallFailed, context deadline exceeded), then Stalled=True RetriesExceeded' },
  { kind: 'hr-flap', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease becomes Ready, then flips Ready False (UpgradeFailed) / True every ~300 ms' },
  { kind: 'surface-down', argName: '<slot>', needsArg: true, validate: slotArg, description: "the HelmRelease is Ready but its surface fails: HTTP 503, pods crash-loop, conditions False, exec exits 1, objects/types missing" },
  { kind: 'suspended', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease has spec.suspend: true and is never reconciled' },
  { kind: 'stale-generation', argName: '<slot>', needsArg: true, validate: slotArg, description: 'the HelmRelease becomes Ready, then its spec changes and it is never reconciled again (observedGeneration < generation)' },
  { kind: 'latency', argName: '<ms>', needsArg: true, validate: millisArg, description: 'every Kubernetes API request takes <ms> (±20%) longer, and HelmRelease installs slow down accordingly' },
  { kind: 'slow-reconcile', argName: '<ms>', needsArg: true, validate: millisArg, description: 'every HelmRelease install or upgrade takes about <ms>' },
];
