/**
 * What a Sovereign's provisioner leaves in each region for Flux (as `flux bootstrap` and the
 * handover do): the flux-system namespace, the registry pull secret, the GitRepository of the
 * Sovereign's GitOps repository and the three Kustomizations, with the region's role substituted
 * into the kit by Flux's post-build variables.
 */
import { stringify } from 'yaml';
import { KUSTOMIZATIONS } from './kit-repo.js';

export const GITREPOSITORY = 'openova';
export const GIT_URL = 'http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git';

export interface FluxBootstrapOptions {
  sovereign: string;
  region: string;
  role: 'primary' | 'secondary';
  /** Registry host → `user:password` the pull secret carries. */
  registryAuth: Record<string, string>;
}

export function fluxBootstrapManifest(o: FluxBootstrapOptions): string {
  const auths = Object.fromEntries(Object.entries(o.registryAuth).map(([host, cred]) => {
    const [username, password] = cred.split(':');
    return [host, { username, password, auth: Buffer.from(cred).toString('base64') }];
  }));
  const docs: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ghcr-pull', namespace: 'flux-system' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
    },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: GITREPOSITORY, namespace: 'flux-system' },
      spec: { interval: '1m', url: GIT_URL, ref: { branch: 'main' }, timeout: '60s' },
    },
    ...KUSTOMIZATIONS.map((name) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: 'flux-system' },
      spec: {
        interval: '10m',
        retryInterval: '5s',
        path: `./clusters/${o.sovereign}/${name}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: GITREPOSITORY },
        timeout: '5m',
        postBuild: { substitute: { SOVEREIGN_REGION_ROLE: o.role, SOVEREIGN_REGION: o.region, SOVEREIGN_FQDN: o.sovereign } },
        ...(name === 'bootstrap-kit' ? {} : { dependsOn: [{ name: 'bootstrap-kit' }] }),
      },
    })),
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}
