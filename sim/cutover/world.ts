/**
 * The cutover-related objects of the primary region beyond what the Flux, DoD and surface models
 * seed: the notification service (the SMTP relay user), the Crossplane Providers the step-11
 * pivot moved to the local Harbor proxy, an OCIRepository of blueprints, and the tether faults
 * that leave one of them (or a seeded object) on the mothership.
 */
import type { SimContext } from '../context.js';
import type { ObjectStore } from '../kube/store.js';
import { DEPLOYMENT, OCIREPOSITORY_TYPE } from '../resources.js';
import { ensure, ensureNamespace, inform, record, rfc3339, writeStatus, type NewObject } from '../runtime/objects.js';
import { FLUX_NS, OCI_SOURCE_API, componentOf } from '../flux/model.js';
import type { Tether } from './faults.js';
import { STATUS_CM } from './pulls.js';

const MANAGER = 'helm-controller';
export const NOTIFICATION = { namespace: 'org-services', name: 'notification' };
export const PROVIDERS = ['provider-kubernetes', 'provider-helm'];
export const BLUEPRINTS_OCI = 'openova-blueprints';
const PROVIDER_VERSIONS: Record<string, string> = { 'provider-kubernetes': 'v0.15.0', 'provider-helm': 'v0.19.0' };
export const GITHUB_REPO = 'https://github.com/openova-io/openova';

type Named = NewObject & { metadata: { name: string } };

function notification(sovereign: string, tether: (t: Tether) => boolean): Named {
  const labels = { 'app.kubernetes.io/name': NOTIFICATION.name, 'app.kubernetes.io/part-of': 'org-services' };
  const image = `${tether('images') ? 'ghcr.io' : `registry.${sovereign}`}/openova-io/notification:1.4.17`;
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
          containers: [
            {
              name: NOTIFICATION.name,
              image,
              env: [
                { name: 'SMTP_HOST', value: tether('smtp') ? 'mail.openova.io' : `mail.${sovereign}` },
                { name: 'SMTP_PORT', value: '587' },
              ],
            },
          ],
        },
      },
    },
  };
}

function provider(name: string, sovereign: string, upstream: boolean): Named {
  const pkg = `${upstream ? 'xpkg.upbound.io' : `harbor.${sovereign}/proxy-xpkg`}/crossplane-contrib/${name}:${PROVIDER_VERSIONS[name]}`;
  return {
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Provider',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
    spec: { package: pkg, packagePullPolicy: 'IfNotPresent', revisionActivationPolicy: 'Automatic', revisionHistoryLimit: 1 },
  };
}

/** Runs `fn` once, as soon as the object exists (now, or when another model creates it). */
export function whenPresent(store: ObjectStore, apiVersion: string, kind: string, namespace: string | undefined, name: string, fn: () => void): () => void {
  const rt = store.typeFor(apiVersion, kind);
  if (!rt) throw new Error(`${apiVersion} ${kind} is not served`);
  let done = false;
  let unsubscribe: () => void = () => {};
  unsubscribe = inform(store, rt, (type, obj) => {
    if (done || type === 'DELETED' || obj.metadata.name !== name || (namespace !== undefined && obj.metadata.namespace !== namespace)) return;
    done = true;
    queueMicrotask(() => unsubscribe());
    fn();
  });
  if (done) unsubscribe();
  return () => unsubscribe();
}

export function seedCutoverWorld(ctx: SimContext, tether: (t: Tether) => boolean): (() => void)[] {
  const { store } = ctx.primary;
  const sov = ctx.sovereign;
  ensureNamespace(store, NOTIFICATION.namespace, MANAGER);
  ensure(store, notification(sov, tether), MANAGER);
  for (const name of PROVIDERS) {
    const p = ensure(store, provider(name, sov, tether('crossplane') && name === PROVIDERS[0]), MANAGER);
    writeStatus(store, p, 'crossplane', (o) => {
      const now = rfc3339();
      o.status = {
        currentRevision: `${name}-${name.length.toString(16)}a1b2c3d4`,
        currentIdentifier: record(o.spec).package,
        conditions: [
          { type: 'Healthy', status: 'True', reason: 'HealthyPackageRevision', message: '', lastTransitionTime: now },
          { type: 'Installed', status: 'True', reason: 'ActivePackageRevision', message: '', lastTransitionTime: now },
        ],
      };
    });
  }
  ensure(
    store,
    {
      apiVersion: OCI_SOURCE_API,
      kind: OCIREPOSITORY_TYPE.kind,
      metadata: { name: BLUEPRINTS_OCI, namespace: FLUX_NS },
      spec: { interval: '10m', url: `oci://${tether('ocirepository') ? 'ghcr.io' : `registry.${sov}`}/openova-io/blueprints`, ref: { tag: 'latest' } },
    },
    'kustomize-controller',
  );

  const stops: (() => void)[] = [];
  if (tether('gitrepository')) {
    stops.push(whenPresent(store, 'source.toolkit.fluxcd.io/v1', 'GitRepository', FLUX_NS, 'openova', () =>
      store.mutate('source.toolkit.fluxcd.io/v1', 'GitRepository', FLUX_NS, 'openova', (o) => {
        record(o.spec).url = GITHUB_REPO;
      }, 'kustomize-controller'),
    ));
  }
  if (tether('helmrepository')) {
    const last = ctx.kit.slots[ctx.kit.slots.length - 1];
    const name = `bp-${componentOf(last.name)}`;
    stops.push(whenPresent(store, 'source.toolkit.fluxcd.io/v1', 'HelmRepository', FLUX_NS, name, () =>
      store.mutate('source.toolkit.fluxcd.io/v1', 'HelmRepository', FLUX_NS, name, (o) => {
        record(o.spec).url = 'oci://ghcr.io/openova-io';
      }, 'kustomize-controller'),
    ));
  }
  if (tether('catalyst-api-env')) {
    stops.push(whenPresent(store, 'apps/v1', DEPLOYMENT.kind, 'catalyst-system', 'catalyst-api', () =>
      store.mutate('apps/v1', 'Deployment', 'catalyst-system', 'catalyst-api', (o) => {
        const containers = (record(record(record(o.spec).template).spec).containers as { env?: { name: string; value?: string }[] }[] | undefined) ?? [];
        for (const c of containers) for (const e of c.env ?? []) if (e.name === 'CATALYST_GITOPS_REPO_URL') e.value = GITHUB_REPO;
      }, MANAGER),
    ));
  }
  if (tether('registries')) {
    stops.push(whenPresent(store, 'v1', 'ConfigMap', STATUS_CM.namespace, STATUS_CM.name, () =>
      store.mutate('v1', 'ConfigMap', STATUS_CM.namespace, STATUS_CM.name, (o) => {
        const data = record(o.data) as Record<string, string>;
        for (const key of Object.keys(data)) if (/^node\..+\.registriesYaml$/.test(key)) data[key] = 'v1';
        data.registriesYamlActive = 'v1';
        o.data = data;
      }, 'catalyst-api'),
    ));
  }
  return stops;
}
