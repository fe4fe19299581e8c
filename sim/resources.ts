/**
 * The resource types the simulated Sovereign serves: the built-in Kubernetes types the world
 * uses, the CRDs a Catalyst Sovereign carries (Flux, cert-manager, CNPG, Gateway API, Cilium,
 * Crossplane, OpenOva), and every `<plural>.<group>` a kit's surface checks name.
 */
import {
  CONFIGMAP_TYPE,
  DEPLOYMENT_TYPE,
  NAMESPACE_TYPE,
  NODE_TYPE,
  POD_TYPE,
  SECRET_TYPE,
  SERVICE_TYPE,
} from './kube/builtin-types.js';
import type { PrinterColumn, ResourceType } from './kube/types.js';
import type { Kit, SurfaceCheck } from '../src/kit/types.js';

/** A served type; `crd` types also get a CustomResourceDefinition object, as a real cluster has. */
export interface SimResourceType extends ResourceType {
  crd: boolean;
}

const READY_STATUS = '.status.conditions[?(@.type=="Ready")].status';
const READY_MESSAGE = '.status.conditions[?(@.type=="Ready")].message';
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const FLUX_COLUMNS: PrinterColumn[] = [
  AGE,
  { name: 'Ready', type: 'string', jsonPath: READY_STATUS },
  { name: 'Status', type: 'string', jsonPath: READY_MESSAGE },
];
const FLUX_SOURCE_COLUMNS: PrinterColumn[] = [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...FLUX_COLUMNS];

function builtin(rt: ResourceType, printerColumns?: PrinterColumn[]): SimResourceType {
  return { ...rt, crd: false, ...(printerColumns ? { printerColumns } : {}) };
}

function crd(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'printerColumns'>> = {},
): SimResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, hasStatus: true, crd: true, ...extra };
}

function core(group: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): SimResourceType {
  return { group, version: 'v1', kind, plural, singular: kind.toLowerCase(), namespaced, hasStatus: true, crd: false, ...extra };
}

export const HELMRELEASE_TYPE = crd('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases', true, {
  shortNames: ['hr'],
  categories: ['flux'],
  printerColumns: FLUX_COLUMNS,
});
export const GITREPOSITORY_TYPE = crd('source.toolkit.fluxcd.io', 'v1', 'GitRepository', 'gitrepositories', true, {
  shortNames: ['gitrepo'],
  categories: ['flux'],
  printerColumns: FLUX_SOURCE_COLUMNS,
});
export const HELMREPOSITORY_TYPE = crd('source.toolkit.fluxcd.io', 'v1', 'HelmRepository', 'helmrepositories', true, {
  shortNames: ['helmrepo'],
  categories: ['flux'],
  printerColumns: FLUX_SOURCE_COLUMNS,
});
export const OCIREPOSITORY_TYPE = crd('source.toolkit.fluxcd.io', 'v1beta2', 'OCIRepository', 'ocirepositories', true, {
  shortNames: ['ocirepo'],
  categories: ['flux'],
  printerColumns: FLUX_SOURCE_COLUMNS,
});
export const KUSTOMIZATION_TYPE = crd('kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization', 'kustomizations', true, {
  shortNames: ['ks'],
  categories: ['flux'],
  printerColumns: FLUX_COLUMNS,
});

const WORKLOAD_COLUMNS: PrinterColumn[] = [
  { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
  { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedReplicas' },
  { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
  AGE,
];

export const DEPLOYMENT = builtin(DEPLOYMENT_TYPE, WORKLOAD_COLUMNS);
export const REPLICASET = core('apps', 'ReplicaSet', 'replicasets', true, {
  shortNames: ['rs'],
  categories: ['all'],
  printerColumns: [
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Current', type: 'integer', jsonPath: '.status.replicas' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    AGE,
  ],
});
export const DAEMONSET = core('apps', 'DaemonSet', 'daemonsets', true, {
  shortNames: ['ds'],
  categories: ['all'],
  printerColumns: [
    { name: 'Desired', type: 'integer', jsonPath: '.status.desiredNumberScheduled' },
    { name: 'Current', type: 'integer', jsonPath: '.status.currentNumberScheduled' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.numberReady' },
    { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedNumberScheduled' },
    { name: 'Available', type: 'integer', jsonPath: '.status.numberAvailable' },
    AGE,
  ],
});
export const STATEFULSET = core('apps', 'StatefulSet', 'statefulsets', true, {
  shortNames: ['sts'],
  categories: ['all'],
  printerColumns: [{ name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' }, AGE],
});
export const POD = builtin(POD_TYPE, [
  { name: 'Status', type: 'string', jsonPath: '.status.phase' },
  { name: 'Node', type: 'string', jsonPath: '.spec.nodeName', priority: 1 },
  AGE,
]);
export const NODE = builtin(NODE_TYPE, [
  { name: 'Status', type: 'string', jsonPath: READY_STATUS },
  AGE,
  { name: 'Version', type: 'string', jsonPath: '.status.nodeInfo.kubeletVersion' },
]);
export const NAMESPACE = builtin(NAMESPACE_TYPE, [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, AGE]);
export const SERVICE = builtin(SERVICE_TYPE, [
  { name: 'Type', type: 'string', jsonPath: '.spec.type' },
  { name: 'Cluster-IP', type: 'string', jsonPath: '.spec.clusterIP' },
  AGE,
]);
export const CONFIGMAP = builtin(CONFIGMAP_TYPE);
export const SECRET = builtin(SECRET_TYPE, [{ name: 'Type', type: 'string', jsonPath: '.type' }, AGE]);
export const EVENT = core('', 'Event', 'events', true, { shortNames: ['ev'], hasStatus: false });
export const JOB = core('batch', 'Job', 'jobs', true, {
  categories: ['all'],
  printerColumns: [
    { name: 'Completions', type: 'integer', jsonPath: '.status.succeeded' },
    AGE,
  ],
});
export const CRD_TYPE = core('apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
  shortNames: ['crd', 'crds'],
  printerColumns: [{ name: 'Created At', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
});
export const NETWORKPOLICY = core('networking.k8s.io', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'], hasStatus: false });

export const GATEWAY_TYPE = crd('gateway.networking.k8s.io', 'v1', 'Gateway', 'gateways', true, {
  shortNames: ['gtw'],
  categories: ['gateway-api'],
  printerColumns: [
    { name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName' },
    { name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value' },
    { name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status' },
    AGE,
  ],
});
export const HTTPROUTE_TYPE = crd('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes', true, {
  categories: ['gateway-api'],
  printerColumns: [{ name: 'Hostnames', type: 'string', jsonPath: '.spec.hostnames' }, AGE],
});
export const CNPG_CLUSTER_TYPE = crd('postgresql.cnpg.io', 'v1', 'Cluster', 'clusters', true, {
  printerColumns: [
    AGE,
    { name: 'Instances', type: 'integer', jsonPath: '.status.instances' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyInstances' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase' },
    { name: 'Primary', type: 'string', jsonPath: '.status.currentPrimary' },
  ],
});
const CERT_MANAGER_COLUMNS: PrinterColumn[] = [{ name: 'Ready', type: 'string', jsonPath: READY_STATUS }, AGE];

/** Types every sim region serves from the start. */
export const SIM_RESOURCE_TYPES: readonly SimResourceType[] = [
  NAMESPACE,
  NODE,
  POD,
  SERVICE,
  CONFIGMAP,
  SECRET,
  EVENT,
  DEPLOYMENT,
  REPLICASET,
  DAEMONSET,
  STATEFULSET,
  JOB,
  CRD_TYPE,
  NETWORKPOLICY,
  HELMRELEASE_TYPE,
  GITREPOSITORY_TYPE,
  HELMREPOSITORY_TYPE,
  OCIREPOSITORY_TYPE,
  KUSTOMIZATION_TYPE,
  crd('cert-manager.io', 'v1', 'ClusterIssuer', 'clusterissuers', false, { categories: ['cert-manager'], printerColumns: CERT_MANAGER_COLUMNS }),
  crd('cert-manager.io', 'v1', 'Certificate', 'certificates', true, {
    shortNames: ['cert', 'certs'],
    categories: ['cert-manager'],
    printerColumns: [...CERT_MANAGER_COLUMNS.slice(0, 1), { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' }, AGE],
  }),
  CNPG_CLUSTER_TYPE,
  GATEWAY_TYPE,
  HTTPROUTE_TYPE,
  crd('cilium.io', 'v2', 'CiliumClusterwideNetworkPolicy', 'ciliumclusterwidenetworkpolicies', false, { shortNames: ['ccnp'] }),
  crd('orgs.openova.io', 'v1', 'Organization', 'organizations', false, { shortNames: ['org'] }),
  crd('dr.openova.io', 'v1', 'Continuum', 'continuums', true, {
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Primary', type: 'string', jsonPath: '.status.primaryRegion' },
      AGE,
    ],
  }),
  crd('dr.openova.io', 'v1', 'CNPGPair', 'cnpgpairs', true, {
    shortNames: ['cpp'],
    printerColumns: [
      { name: 'PrimaryRegion', type: 'string', jsonPath: '.spec.primaryRegion' },
      { name: 'ReplicaRegion', type: 'string', jsonPath: '.spec.replicaRegion' },
      { name: 'CurrentPrimary', type: 'string', jsonPath: '.status.currentPrimaryRegion' },
      { name: 'Streaming', type: 'boolean', jsonPath: '.status.streaming' },
      { name: 'WALLag', type: 'number', jsonPath: '.status.walLagSeconds' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    ],
  }),
  crd('pkg.crossplane.io', 'v1', 'Provider', 'providers', false, {
    categories: ['crossplane', 'pkg'],
    printerColumns: [
      { name: 'Installed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Installed")].status' },
      { name: 'Healthy', type: 'string', jsonPath: '.status.conditions[?(@.type=="Healthy")].status' },
      AGE,
    ],
  }),
];

/** How the CRDs behind well-known kit surface resources really look (version, kind, scope). */
const KNOWN_KIT_TYPES: Record<string, { version: string; kind: string; namespaced: boolean; shortNames?: string[] }> = {
  'compositions.apiextensions.crossplane.io': { version: 'v1', kind: 'Composition', namespaced: false, shortNames: ['comp'] },
  'externalsecrets.external-secrets.io': { version: 'v1', kind: 'ExternalSecret', namespaced: true, shortNames: ['es'] },
  'opentelemetrycollectors.opentelemetry.io': { version: 'v1beta1', kind: 'OpenTelemetryCollector', namespaced: true, shortNames: ['otelcol'] },
  'clusterpolicies.kyverno.io': { version: 'v1', kind: 'ClusterPolicy', namespaced: false, shortNames: ['cpol'] },
  'verticalpodautoscalercheckpoints.autoscaling.k8s.io': { version: 'v1', kind: 'VerticalPodAutoscalerCheckpoint', namespaced: true, shortNames: ['vpacheckpoint'] },
  'clusterimagepolicies.policy.sigstore.dev': { version: 'v1beta1', kind: 'ClusterImagePolicy', namespaced: false },
  'backupstoragelocations.velero.io': { version: 'v1', kind: 'BackupStorageLocation', namespaced: true, shortNames: ['bsl'] },
  'knativeservings.operator.knative.dev': { version: 'v1beta1', kind: 'KnativeServing', namespaced: true, shortNames: ['ks'] },
  'inferenceservices.serving.kserve.io': { version: 'v1beta1', kind: 'InferenceService', namespaced: true, shortNames: ['isvc'] },
};

/** `ingressclasses` → `Ingressclass`, `policies` → `Policy`: the best guess when a CRD is not known. */
export function kindFromPlural(plural: string): string {
  let singular = plural;
  if (/ies$/.test(plural)) singular = plural.replace(/ies$/, 'y');
  else if (/(ss|x|ch|sh)es$/.test(plural)) singular = plural.replace(/es$/, '');
  else if (/s$/.test(plural) && !/ss$/.test(plural)) singular = plural.slice(0, -1);
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

/** Splits `clusterissuers.cert-manager.io` into plural and group (`configmaps` → core). */
export function splitResource(resource: string): { plural: string; group: string } {
  const dot = resource.indexOf('.');
  return dot < 0 ? { plural: resource, group: '' } : { plural: resource.slice(0, dot), group: resource.slice(dot + 1) };
}

function checkResource(check: SurfaceCheck): { resource: string; namespaced?: boolean } | undefined {
  switch (check.kind) {
    case 'resource-condition':
    case 'resource-field':
    case 'resource-exists':
    case 'resource-nonempty':
      return { resource: check.resource, ...(check.namespace ? { namespaced: true } : {}) };
    case 'api-resource-served':
      return { resource: check.resource };
    default:
      return undefined;
  }
}

/** The type behind a `<plural>.<group>` a kit names: a known CRD, else a guess from its spelling. */
export function typeForResource(resource: string, hint: { namespaced?: boolean } = {}): SimResourceType | undefined {
  const { plural, group } = splitResource(resource);
  if (!group) return undefined;
  const served = SIM_RESOURCE_TYPES.find((rt) => rt.group === group && rt.plural === plural);
  if (served) return served;
  const known = KNOWN_KIT_TYPES[resource];
  if (known) return crd(group, known.version, known.kind, plural, known.namespaced, known.shortNames ? { shortNames: known.shortNames } : {});
  const namespaced = hint.namespaced ?? !plural.startsWith('cluster');
  return crd(group, 'v1', kindFromPlural(plural), plural, namespaced);
}

/**
 * The extra types a kit's surface checks need, each with the slot names whose surface names it
 * and whether one of them is an `api-resource-served` check (that slot's install serves the type).
 */
export function kitResourceTypes(kit: Kit): { rt: SimResourceType; servedBy?: string }[] {
  const out = new Map<string, { rt: SimResourceType; servedBy?: string }>();
  for (const slot of kit.slots) {
    if (!slot.surface) continue;
    const ref = checkResource(slot.surface);
    if (!ref) continue;
    const rt = typeForResource(ref.resource, { namespaced: ref.namespaced });
    if (!rt || SIM_RESOURCE_TYPES.includes(rt)) continue;
    const key = `${rt.plural}.${rt.group}`;
    const entry = out.get(key) ?? { rt };
    if (slot.surface.kind === 'api-resource-served') entry.servedBy ??= slot.name;
    out.set(key, entry);
  }
  return [...out.values()];
}

/** The CustomResourceDefinition object a real cluster holds for a CRD type. */
export function crdObject(rt: ResourceType): Record<string, unknown> & { metadata: { name: string } } {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${rt.plural}.${rt.group}` },
    spec: {
      group: rt.group,
      names: {
        plural: rt.plural,
        singular: rt.singular,
        kind: rt.kind,
        listKind: `${rt.kind}List`,
        ...(rt.shortNames?.length ? { shortNames: rt.shortNames } : {}),
        ...(rt.categories?.length ? { categories: rt.categories } : {}),
      },
      scope: rt.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: rt.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          ...(rt.hasStatus ? { subresources: { status: {} } } : {}),
          ...(rt.printerColumns?.length
            ? { additionalPrinterColumns: rt.printerColumns.filter((c) => c.name !== 'Age' || c.jsonPath !== '.metadata.creationTimestamp') }
            : {}),
        },
      ],
    },
  };
}
