/**
 * The cutover-related workloads and sources of each region beyond the kit: the notification
 * service (the SMTP relay user), Crossplane's Provider packages (moved to the local Harbor proxy
 * by step 11) and an OCIRepository of blueprints, plus the mothership's side of the GitOps
 * repository (github.com/openova-io/openova, which step 01 mirrored into the local Gitea). The
 * tether faults leave one of them, or a kit object, on the mothership in the primary region, each
 * through the mechanism a real Sovereign has: a GitOps push, an API patch, a Deployment's image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimContext, SimRegion } from '../context.js';
import { applyManifest, waitEstablished } from '../kube-client/apply.js';
import { crdFor } from '../controlplane/crds.js';
import { packageChart } from '../charts/package.js';
import { componentOf } from '../charts/layout.js';
import { gitHttpHandler } from '../gitops/git-server.js';
import { GITREPOSITORY } from '../gitops/flux-bootstrap.js';
import type { Tether } from './faults.js';
import type { Manifest } from './state.js';

export const NOTIFICATION = { namespace: 'org-services', name: 'notification' };
export const PROVIDERS: Record<string, string> = { 'provider-kubernetes': 'v0.15.0', 'provider-helm': 'v0.19.0' };
export const BLUEPRINTS_OCI = 'openova-blueprints';
export const GITHUB_REPO = 'https://github.com/openova-io/openova';
const BLUEPRINTS = { repository: 'openova-io/blueprints', version: '1.0.0' };
const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const FLUX_NS = 'flux-system';
const MANAGER = 'helm-controller';
const SOURCE_API = 'source.toolkit.fluxcd.io/v1';

function notification(sovereign: string, tether: (t: Tether) => boolean): Manifest {
  const labels = { 'app.kubernetes.io/name': NOTIFICATION.name, 'app.kubernetes.io/part-of': 'org-services' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NOTIFICATION.name, namespace: NOTIFICATION.namespace, labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: NOTIFICATION.name,
            image: `${tether('images') ? 'ghcr.io' : `registry.${sovereign}`}/openova-io/notification:1.4.17`,
            env: [{ name: 'SMTP_HOST', value: tether('smtp') ? 'mail.openova.io' : `mail.${sovereign}` }, { name: 'SMTP_PORT', value: '587' }],
          }],
        },
      },
    },
  };
}

function provider(name: string, sovereign: string, upstream: boolean): Manifest {
  return {
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Provider',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
    spec: { package: `${upstream ? 'xpkg.upbound.io' : `harbor.${sovereign}/proxy-xpkg`}/crossplane-contrib/${name}:${PROVIDERS[name]}`, packagePullPolicy: 'IfNotPresent', revisionActivationPolicy: 'Automatic', revisionHistoryLimit: 1 },
  };
}

function blueprints(registry: string): Manifest {
  return {
    apiVersion: SOURCE_API,
    kind: 'OCIRepository',
    metadata: { name: BLUEPRINTS_OCI, namespace: FLUX_NS },
    spec: {
      interval: '10m',
      url: `oci://${registry}/${BLUEPRINTS.repository}`,
      ref: { tag: BLUEPRINTS.version },
      secretRef: { name: 'ghcr-pull' },
      layerSelector: { mediaType: HELM_LAYER, operation: 'copy' },
    },
  };
}

/** Resolves with the object once `fn` finds it (another actor creates it), polling. */
async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not appear within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `kubectl set env`: a strategic merge of one container's env variable. */
async function setEnv(region: SimRegion, ns: string, name: string, variable: string, value: string): Promise<void> {
  const d = await eventually(`Deployment ${ns}/${name}`, () => region.api.get('apps/v1', 'Deployment', ns, name));
  const containers = ((d.spec as { template: { spec: { containers: { name: string; env?: { name: string }[] }[] } } }).template.spec.containers)
    .filter((c) => c.env?.some((e) => e.name === variable))
    .map((c) => ({ name: c.name, env: [{ name: variable, value }] }));
  const path = await region.api.path('apps/v1', 'Deployment', ns, name);
  await region.api.rest.request('PATCH', `${path}?fieldManager=kubectl-set`, { spec: { template: { spec: { containers } } } }, 'application/strategic-merge-patch+json');
}

/**
 * The HelmRepository of the kit's last slot left on ghcr.io: the GitOps push, then `flux reconcile
 * helmrelease --with-source` once every region applied it, so its chart is pulled from ghcr.io.
 */
async function tetherHelmRepository(ctx: SimContext): Promise<void> {
  const slot = ctx.kit.slots[ctx.kit.slots.length - 1].name;
  const repo = `bp-${componentOf(slot)}`;
  const url = 'oci://ghcr.io/openova-io';
  ctx.gitops.repositoryUrl(repo, url);
  await ctx.gitops.push(`${repo}: charts from ghcr.io`);
  await Promise.all(ctx.regions.map(async (r) => {
    await eventually(`HelmRepository ${repo} on ghcr.io in ${r.name}`, async () => ((await r.api.get(SOURCE_API, 'HelmRepository', FLUX_NS, repo))?.spec as { url?: string } | undefined)?.url === url || undefined);
    const patch = { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } };
    await r.api.mergePatch({ apiVersion: SOURCE_API, kind: 'HelmChart', metadata: { name: `${FLUX_NS}-${slot}`, namespace: FLUX_NS } }, patch, { manager: 'flux-cli' });
  }));
}

async function seedRegion(ctx: SimContext, region: SimRegion, tether: (t: Tether) => boolean): Promise<void> {
  const { api } = region;
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NOTIFICATION.namespace } }, MANAGER);
  await api.apply(notification(ctx.sovereign, tether), MANAGER);
  const crd = crdFor('providers.pkg.crossplane.io');
  if (!crd) throw new Error('the Crossplane Provider CRD is not in the CRD cache: run bash scripts/setup.sh');
  await applyManifest(api, readFileSync(crd.path, 'utf8'), 'crossplane');
  await waitEstablished(api, ['providers.pkg.crossplane.io']);
  for (const name of Object.keys(PROVIDERS)) await api.apply(provider(name, ctx.sovereign, tether('crossplane') && name === 'provider-kubernetes'), MANAGER);
  await api.apply(blueprints(tether('ocirepository') ? 'ghcr.io' : `registry.${ctx.sovereign}`), 'kustomize-controller');
}

/** Seeds every region; returns once the objects exist and every tether is in place. */
export async function seedCutoverWorld(ctx: SimContext, tether: (t: Tether) => boolean): Promise<void> {
  ctx.world.mothership.route('github.com', gitHttpHandler(join(ctx.world.repo.root, 'served', 'openova'), '/openova-io'));
  const tgz = await packageChart({ name: 'blueprints', files: { 'Chart.yaml': `apiVersion: v2\nname: blueprints\nversion: ${BLUEPRINTS.version}\n` } });
  for (const registry of [ctx.world.harbor, ctx.world.ghcr]) registry.pushChart(BLUEPRINTS.repository, { name: 'blueprints', version: BLUEPRINTS.version }, tgz);
  await Promise.all(ctx.regions.map((r) => seedRegion(ctx, r, (t) => r === ctx.primary && tether(t))));
  const { api } = ctx.primary;
  await Promise.all([
    tether('gitrepository') && api.mergePatch({ apiVersion: SOURCE_API, kind: 'GitRepository', metadata: { name: GITREPOSITORY, namespace: FLUX_NS } }, { spec: { url: GITHUB_REPO } }, { manager: 'sovereign-provisioner' }),
    tether('catalyst-api-env') && setEnv(ctx.primary, 'catalyst-system', 'catalyst-api', 'CATALYST_GITOPS_REPO_URL', GITHUB_REPO),
    tether('helmrepository') && tetherHelmRepository(ctx),
  ]);
}
