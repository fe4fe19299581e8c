/**
 * What counts as a hand touch on a zero-touch Sovereign: field managers of interactive tools,
 * and managers outside the automation allow-list (upstream's L6 allow-regex, as globs).
 */

export const ZERO_TOUCH_NAMESPACES = ['catalyst-system', 'cnpg-system', 'kube-system', 'flux-system'];

export const WORKLOAD_RESOURCES = [
  { resource: 'deployments.apps', kind: 'Deployment' },
  { resource: 'daemonsets.apps', kind: 'DaemonSet' },
  { resource: 'statefulsets.apps', kind: 'StatefulSet' },
];

/** Upstream's BOOTSTRAP_WINDOW_SEC: restarts (and installs, see below) this long after startedAt are the bootstrap itself. */
export const BOOTSTRAP_WINDOW_SEC = 1800;

/**
 * Namespaces cloud-init installs into with kubectl/helm before Flux takes over; a non-automation
 * manager there is tolerated when its last write falls inside the bootstrap window.
 */
export const BOOTSTRAP_INSTALLED_NAMESPACES = ['flux-system', 'kube-system'];

/** Interactive tools: always a finding (checked before the allow-list). */
export const INTERACTIVE_MANAGERS = ['kubectl', 'kubectl-*', 'k9s', 'kubernetes-dashboard', 'headlamp', 'Mozilla*', 'helm', 'lens*'];

export const ALLOWED_MANAGERS = [
  'flux',
  'helm-controller',
  'source-controller',
  'kustomize-controller',
  'notification-controller',
  'image-reflector-controller',
  'image-automation-controller',
  'kubelet',
  'kube-controller-manager',
  'kube-scheduler',
  'k3s',
  'k3s-*',
  'deploy@*',
  'cilium*',
  'cert-manager*',
  'cainjector',
  'kyverno*',
  'cnpg',
  'cnpg-*',
  'cloudnative-pg',
  'vcluster*',
  'opentofu',
  'tofu',
  'envoy*',
  'reloader*',
  'reflector*',
  'catalyst-*',
  'continuum*',
  '*-operator',
  'manager',
];

/** Workloads whose restarts upstream allow-lists (Cilium restarts its own agents on config changes). */
export const RESTART_EXEMPT = ['Deployment kube-system/cilium-operator', 'DaemonSet kube-system/cilium-envoy'];

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function globs(list: string[]): RegExp {
  const alt = list.map((g) => g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|');
  return new RegExp(`^(?:${alt})$`);
}

const interactive = globs(INTERACTIVE_MANAGERS);
const allowed = globs(ALLOWED_MANAGERS);

/** Why a field manager is not automation, or undefined when it is allowed. */
export function managerProblem(manager: string): string | undefined {
  if (interactive.test(manager)) return 'interactive tool';
  if (!allowed.test(manager)) return 'not in the automation allow-list';
  return undefined;
}
