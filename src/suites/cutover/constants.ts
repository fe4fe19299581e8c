/** Names and references the cutover suite relies on (copied from the platform's cutover chart, §6). */

export const SUITE = 'cutover';

/** Upstream hosts a cut-over Sovereign must not need (step 08 blockedDomains). */
export const BLOCKED_HOSTS = ['github.com', 'ghcr.io', 'harbor.openova.io', 'xpkg.upbound.io'] as const;

/** What the call-home probe tries to reach from inside the cluster (blocked hosts + upstream's callHomeAssertion host). */
export const CALL_HOME_URLS = [...BLOCKED_HOSTS.map((h) => `https://${h}/`), 'https://console.openova.io/healthz'];

/**
 * References that tether a Sovereign to the mothership (scripts/check-cutover-denies-mothership-hosts.py):
 * a source, image, env value or package naming one of these does not survive the egress block.
 */
export const MOTHERSHIP_REFS = ['github.com', 'ghcr.io/openova-io', 'harbor.openova.io', 'xpkg.upbound.io', 'console.openova.io'] as const;

/** The mothership SMTP relay (mail.openova.io:587) and any other openova.io host. */
export const MOTHERSHIP_DOMAIN = 'openova.io';

export const STATUS_CONFIGMAP = { namespace: 'catalyst', name: 'self-sovereign-cutover-status' };
export const CATALYST_API = { namespace: 'catalyst-system', name: 'catalyst-api', env: 'CATALYST_GITOPS_REPO_URL' };
export const ROOT_SOURCE = { namespace: 'flux-system', name: 'openova' };
export const ROOT_KUSTOMIZATION = { namespace: 'flux-system', name: 'bootstrap-kit' };

/** The platform's own step-08 policy (observe mode). */
export const PLATFORM_POLICY = 'cutover-egress-block';
/** The harness's policy (enforce mode). */
export const HARNESS_POLICY = 'sovereign-walk-egress-block';
/** Where the harness puts its own objects (probe Job, backstop). */
export const HARNESS_NAMESPACE = 'sovereign-walk';

export const LABEL_FAULT = 'sovereign-walk.openova.io/fault';
export const LABEL_RUN = 'sovereign-walk.openova.io/run';
export const LABEL_PROBE = 'sovereign-walk.openova.io/probe';
export const ANNOTATION_EXPIRES = 'sovereign-walk.openova.io/expires-at';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'sovereign-walk' };

export const RECONCILE_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Intra-cluster ranges step 08 allows (allowIntraClusterCIDRs default: k3s pods, services, and kubeadm services). */
export const INTRA_CLUSTER_CIDRS = ['10.42.0.0/16', '10.43.0.0/16', '10.96.0.0/12'];

/**
 * Namespaces whose workloads dod-verify L6 checks for `restartedAt` annotations: the fresh-pull
 * proof never restarts a Deployment there, so the walk cannot fail the zero-touch gate.
 */
export const ZERO_TOUCH_NAMESPACES = ['catalyst-system', 'cnpg-system', 'kube-system', 'flux-system'];

/** An image with sh, sleep and curl for the probe and backstop Jobs; override with SW_PROBE_IMAGE. */
export const DEFAULT_PROBE_IMAGE = 'docker.io/curlimages/curl:8.10.1';

export const FLUX = {
  helmreleases: 'helmreleases.helm.toolkit.fluxcd.io',
  kustomizations: 'kustomizations.kustomize.toolkit.fluxcd.io',
  gitrepositories: 'gitrepositories.source.toolkit.fluxcd.io',
  helmrepositories: 'helmrepositories.source.toolkit.fluxcd.io',
  helmcharts: 'helmcharts.source.toolkit.fluxcd.io',
  ocirepositories: 'ocirepositories.source.toolkit.fluxcd.io',
} as const;

export const CCNP = 'ciliumclusterwidenetworkpolicies.cilium.io';
export const NETWORKPOLICIES = 'networkpolicies.networking.k8s.io';
