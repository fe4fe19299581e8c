/** The DoD faults `--sim-fault` accepts (one per DoD check kind), registered with the sim's fault registry at load. */
import { registerFaultKinds, slotArg, type SimFaultKind } from '../faults.js';
import type { Kit } from '../../src/kit/types.js';
import { CONTROL_PLANE } from '../charts/extras.js';
import { helmRepositoryName } from '../gitops/kit-repo.js';
import { BUNDLE_SURFACES, SERVED_HOSTS } from './web.js';

const oneOf = (what: string, allowed: readonly string[]) => (arg: string) =>
  allowed.includes(arg) ? undefined : `"${arg}" is not a ${what} (one of ${allowed.join(', ')})`;

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function namespacedName(arg: string): string | undefined {
  const [ns, name, extra] = arg.split('/');
  return extra === undefined && ns && name && DNS_NAME.test(ns) && DNS_NAME.test(name) ? undefined : `"${arg}" must be <namespace>/<deployment>`;
}

/** The kit's HelmRepositories (`bp-<component>`). */
function helmRepositoryArg(arg: string, kit: Kit): string | undefined {
  const names = kit.slots.map(helmRepositoryName);
  return names.includes(arg) ? undefined : `"${arg}" is not a HelmRepository of the kit (e.g. ${names.slice(0, 3).join(', ')})`;
}

export const DOD_FAULT_KINDS: readonly SimFaultKind[] = [
  { kind: 'node-notready', description: 'dod L2: one node of the region (name or primary|secondary) reports Ready=False', needsArg: true, argName: '<region>', validate: (arg) => (DNS_NAME.test(arg) ? undefined : `"${arg}" is not a region name`) },
  { kind: 'hr-unknown', description: 'dod L3: once Ready in every region, the release is upgraded with crashing pods and waits for them: Ready=Unknown (Progressing) for 10 minutes, old pods still serving', needsArg: true, argName: '<slot>', validate: slotArg },
  { kind: 'cp-pod-notready', description: 'dod L4: bp-catalyst-platform\'s values make this control-plane component\'s pods crash-loop (Running, not Ready)', needsArg: true, argName: '<component>', validate: (arg, kit) => oneOf('control-plane component', CONTROL_PLANE)(arg) ?? (kit.slots.some((s) => s.name === 'bp-catalyst-platform') ? undefined : 'the kit has no bp-catalyst-platform, which renders the control plane') },
  { kind: 'host-502', description: 'dod L5: the front door answers 502 for https://<host>.<sov>', needsArg: true, argName: '<host>', validate: oneOf('served host', SERVED_HOSTS) },
  { kind: 'staging-cert', description: 'dod L5: the front door serves a certificate issued by "(STAGING) Let\'s Encrypt" (Flux pulls the kit through it and does not trust it either: nothing installs)', needsArg: false },
  { kind: 'kubectl-patch', description: 'dod L6: a `kubectl patch` (manager kubectl-patch) on this Deployment in the primary region', needsArg: true, argName: '<ns>/<deployment>', validate: namespacedName },
  { kind: 'late-restart', description: 'dod L6: this Deployment is restarted (restartedAt) after the bootstrap window in the primary region', needsArg: true, argName: '<ns>/<deployment>', validate: namespacedName },
  { kind: 'cutover-incomplete', description: 'dod L7: the cutover status ConfigMap and the record say cutoverComplete=false', needsArg: false },
  { kind: 'helmrepo-ghcr', description: 'dod L7: this HelmRepository (flux-system) still points at oci://ghcr.io/openova-io', needsArg: true, argName: '<name>', validate: helmRepositoryArg },
  { kind: 'forbidden-literal', description: 'dod hygiene: the served JS bundle contains https://console.openova.io/nova', needsArg: true, argName: '<console|marketplace>', validate: oneOf('bundle surface', BUNDLE_SURFACES) },
];

registerFaultKinds(DOD_FAULT_KINDS);
