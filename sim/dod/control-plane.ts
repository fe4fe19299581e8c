/**
 * The Catalyst control plane in `catalyst-system`, as bp-catalyst-platform renders it after
 * the cutover: one Deployment per component, images from the Sovereign's own Harbor, and
 * catalyst-api's GitOps repository on the local Gitea. The region's workload controllers turn
 * the Deployments into Ready Pods.
 */
import type { ObjectStore } from '../kube/store.js';
import { ensure, ensureNamespace } from '../runtime/objects.js';
import { GITREPO_URL } from '../flux/seed.js';

export const CONTROL_PLANE_NAMESPACE = 'catalyst-system';
export const CATALYST_VERSION = '1.4.17';
const MANAGER = 'helm-controller';

export const CONTROL_PLANE = [
  'catalyst-api',
  'catalyst-ui',
  'catalyst-catalog',
  'application-controller',
  'organization-controller',
  'environment-controller',
  'useraccess-controller',
  'marketplace-api',
] as const;

const PORTS: Record<string, number> = { 'catalyst-api': 8080, 'catalyst-ui': 8080, 'catalyst-catalog': 8080, 'marketplace-api': 8080 };

export function controlPlaneImage(sovereign: string, component: string): string {
  return `registry.${sovereign}/openova-io/${component}:${CATALYST_VERSION}`;
}

export function seedControlPlane(store: ObjectStore, sovereign: string): void {
  ensureNamespace(store, CONTROL_PLANE_NAMESPACE, MANAGER);
  for (const name of CONTROL_PLANE) {
    const labels = {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': 'bp-catalyst-platform',
      'app.kubernetes.io/part-of': 'catalyst',
      'app.kubernetes.io/version': CATALYST_VERSION,
    };
    const port = PORTS[name] ?? 8081;
    ensure(
      store,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name,
          namespace: CONTROL_PLANE_NAMESPACE,
          labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'bp-catalyst-platform', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' },
          annotations: { 'meta.helm.sh/release-name': 'bp-catalyst-platform', 'meta.helm.sh/release-namespace': CONTROL_PLANE_NAMESPACE },
        },
        spec: {
          replicas: name === 'catalyst-api' ? 2 : 1,
          selector: { matchLabels: { 'app.kubernetes.io/name': name } },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              containers: [
                {
                  name,
                  image: controlPlaneImage(sovereign, name),
                  ports: [{ name: 'http', containerPort: port }],
                  readinessProbe: { httpGet: { path: '/healthz', port } },
                  ...(name === 'catalyst-api'
                    ? { env: [{ name: 'CATALYST_GITOPS_REPO_URL', value: GITREPO_URL }, { name: 'SOVEREIGN_FQDN', value: sovereign }] }
                    : {}),
                },
              ],
            },
          },
        },
      },
      MANAGER,
    );
  }
}
