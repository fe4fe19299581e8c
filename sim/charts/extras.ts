/**
 * What some platform charts install beyond their slot's surface: bp-catalyst-platform renders the
 * Catalyst control plane in catalyst-system (one Deployment per component, images from the
 * Sovereign's own Harbor, catalyst-api's GitOps repository on the local Gitea) and routes the
 * console, API and marketplace hosts to it.
 */
import { helmYaml } from './helm-yaml.js';
import { labels, routeManifest, serviceManifest, workloadManifest } from './manifests.js';
import { imageOf } from './layout.js';

export const CONTROL_PLANE_NAMESPACE = 'catalyst-system';
export const GITOPS_REPO_URL = 'http://gitea-http.gitea.svc.cluster.local:3000/openova/openova.git';

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

/** The storefront (core/marketplace's nginx) is not a control-plane component, but the chart renders it. */
const STOREFRONT = 'marketplace';
const PUBLIC: Record<string, string> = { 'catalyst-ui': 'console', 'catalyst-api': 'api', [STOREFRONT]: 'marketplace' };

/**
 * bp-cilium's Gateway API side: the cilium GatewayClass, the Sovereign's two Gateways in kube-system
 * (the wildcard one for every public host, the console's) with their TLS Secret, and cilium-operator,
 * which programs them.
 */
function ciliumGateways(o: { sovereign: string; poolDomain: string }): string[] {
  const listener = (name: string, hostname: string) => ({
    name, hostname, port: 443, protocol: 'HTTPS',
    tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'sovereign-wildcard-tls' }] },
    allowedRoutes: { namespaces: { from: 'All' } },
  });
  const gateway = (name: string, listeners: ReturnType<typeof listener>[]) =>
    helmYaml({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'kube-system', labels: labels(name, 'cilium') }, spec: { gatewayClassName: 'cilium', listeners } });
  return [
    workloadManifest({ kind: 'Deployment', namespace: 'kube-system', name: 'cilium-operator' }, 'cilium', imageOf(o.sovereign, 'cilium-operator')),
    helmYaml({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'cilium', labels: labels('cilium', 'cilium') }, spec: { controllerName: 'io.cilium/gateway-controller' } }),
    helmYaml({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: 'sovereign-wildcard-tls', namespace: 'kube-system', labels: labels('sovereign-wildcard-tls', 'cilium') },
      data: { 'tls.crt': `{{ $c := genSelfSignedCert "*.${o.sovereign}" nil (list "*.${o.sovereign}" "${o.sovereign}") 90 }}{{ $c.Cert | b64enc }}`, 'tls.key': '{{ $c.Key | b64enc }}' },
    }),
    gateway('cilium-gateway', [listener('https-0', `*.${o.sovereign}`), listener('https-1', o.sovereign), listener('https-2', `*.${o.poolDomain}`)]),
    gateway('cilium-gateway-console', [listener('https-0', `console.${o.sovereign}`)]),
  ];
}

/** PowerDNS's API and web server (8081) at `pdns.<sov>`, which the DoD's public-host layer probes. */
function powerdnsApi(o: { sovereign: string }): string[] {
  return [
    serviceManifest({ namespace: 'powerdns', name: 'powerdns-api', port: 8081, targetPort: 8081, selectorName: 'powerdns' }, 'powerdns'),
    routeManifest({ namespace: 'powerdns', name: 'powerdns-api', host: `pdns.${o.sovereign}`, path: '/', service: 'powerdns-api', port: 8081 }, 'powerdns'),
  ];
}

/** The extra manifests of `component`'s chart, and the public hosts they already serve. */
export function slotExtras(component: string, o: { sovereign: string; poolDomain: string; namespaces: Set<string> }): { manifests: string[]; hosts: string[] } {
  if (component === 'cilium') return { manifests: ciliumGateways(o), hosts: [] };
  if (component === 'powerdns') return { manifests: powerdnsApi(o), hosts: [`pdns.${o.sovereign}`] };
  if (component !== 'catalyst-platform') return { manifests: [], hosts: [] };
  o.namespaces.add(CONTROL_PLANE_NAMESPACE);
  const out: string[] = [];
  for (const name of [...CONTROL_PLANE, STOREFRONT]) {
    const port = PUBLIC[name] || name === 'catalyst-catalog' ? 8080 : 8081;
    const env = name === 'catalyst-api' ? [{ name: 'CATALYST_GITOPS_REPO_URL', value: GITOPS_REPO_URL }, { name: 'SOVEREIGN_FQDN', value: o.sovereign }] : undefined;
    out.push(workloadManifest({ kind: 'Deployment', namespace: CONTROL_PLANE_NAMESPACE, name, port, replicas: name === 'catalyst-api' ? 2 : 1, ...(env ? { env } : {}) }, component, imageOf(o.sovereign, name)));
    const host = PUBLIC[name];
    if (!host) continue;
    out.push(serviceManifest({ namespace: CONTROL_PLANE_NAMESPACE, name, port, targetPort: port, selectorName: name }, component));
    out.push(routeManifest({ namespace: CONTROL_PLANE_NAMESPACE, name, host: `${host}.${o.sovereign}`, path: '/', service: name, port }, component));
  }
  return { manifests: out, hosts: Object.values(PUBLIC).map((h) => `${h}.${o.sovereign}`) };
}
