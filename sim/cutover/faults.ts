/** The `--sim-fault` kinds of the cutover model, registered with the sim's fault registry at load. */
import { registerFaultKinds, type SimFaultKind } from '../faults.js';

export const TETHERS = ['gitrepository', 'ocirepository', 'helmrepository', 'images', 'catalyst-api-env', 'registries', 'crossplane', 'smtp'] as const;
export type Tether = (typeof TETHERS)[number];

export const CUTOVER_FAULT_KINDS: readonly SimFaultKind[] = [
  {
    kind: 'tether',
    needsArg: true,
    argName: `<${TETHERS.join('|')}>`,
    description: 'cutover: this tether stays on the mothership (GitRepository on github.com, a HelmRepository on ghcr.io, an image on ghcr.io/openova-io, catalyst-api on github, nodes on registries.yaml v1, a Provider on xpkg.upbound.io, an OCIRepository on ghcr.io, SMTP via mail.openova.io)',
    validate: (arg) => ((TETHERS as readonly string[]).includes(arg) ? undefined : `"${arg}" is not a tether (one of ${TETHERS.join(', ')})`),
  },
  {
    kind: 'cutover-hold',
    needsArg: true,
    argName: '<seconds>',
    description: 'cutover: the platform re-runs its step-08 egress-block test in a loop, each hold (CiliumClusterwideNetworkPolicy cutover-egress-block) lasting <seconds> (for --cutover observe)',
    validate: (arg) => (/^\d+$/.test(arg) && Number(arg) >= 1 && Number(arg) <= 3600 ? undefined : `"${arg}" is not a number of seconds (1..3600)`),
  },
  {
    kind: 'policy-agent',
    needsArg: true,
    argName: '<down>',
    description: "cutover: the regions' CNI policy agents are down: network policies are accepted by the API server but nothing enforces them, so egress to the mothership gets through",
    validate: (arg) => (arg === 'down' ? undefined : `"${arg}" is not a policy-agent state (down)`),
  },
];

registerFaultKinds(CUTOVER_FAULT_KINDS);
