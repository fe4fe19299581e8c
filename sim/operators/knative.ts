// Source: knative/operator knative-v1.15 (Go module v0.42): the KnativeServing reconciler installs
// Knative Serving's manifests into the resource's namespace (InstallSucceeded,
// DependenciesInstalled, VersionMigrationEligible), then common.CheckDeployments marks
// DeploymentsAvailable, or False reason NotReady "Waiting on deployments: <names>" (`all` while a
// Deployment cannot be read); the summary Ready follows its dependents (Knative's ConditionSet:
// a True condition carries no reason, conditions sorted by type). status.version is the Serving
// version installed, status.manifests the operator's manifest paths. Only the Deployments are
// modelled among the manifests (Serving's CRDs, webhooks and ConfigMaps are not).
import type { KubeObject } from '../kube-client/api.js';
import { knativeCondition } from './conditions.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'knative-operator';
const SERVING_VERSION = '1.15.2';

interface ServingSpec {
  version?: string;
  ingress?: { kourier?: { enabled?: boolean } };
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'knative-operator');
}

function kourier(obj: KubeObject): boolean {
  return !!(obj.spec as ServingSpec | undefined)?.ingress?.kourier?.enabled;
}

/** The Serving Deployments in manifest order: [name, container, image]. */
function deployments(obj: KubeObject): [string, string, string][] {
  const serving = (cmd: string) => `gcr.io/knative-releases/knative.dev/serving/cmd/${cmd}:v${SERVING_VERSION}`;
  return [
    ['activator', 'activator', serving('activator')],
    ['autoscaler', 'autoscaler', serving('autoscaler')],
    ['controller', 'controller', serving('controller')],
    ['webhook', 'webhook', serving('webhook')],
    ['autoscaler-hpa', 'autoscaler-hpa', serving('autoscaler-hpa')],
    ...(kourier(obj)
      ? ([
          ['net-kourier-controller', 'controller', `gcr.io/knative-releases/knative.dev/net-kourier/cmd/kourier:v${SERVING_VERSION}`],
          ['3scale-kourier-gateway', 'kourier-gateway', 'docker.io/envoyproxy/envoy:v1.31-latest'],
        ] as [string, string, string][])
      : []),
  ];
}

export const knative: OperatorModel = {
  group: 'operator.knative.dev',
  kinds: { KnativeServing: 'v1beta1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'knative-operator' },
  sample: (_kind, _name, _namespace, sovereign) => ({
    spec: {
      ingress: { kourier: { enabled: true } },
      config: { network: { 'ingress-class': 'kourier.ingress.networking.knative.dev' }, domain: { [`kn.${sovereign}`]: '' } },
    },
  }),
  owned(obj, world) {
    if (!running(world)) return undefined;
    const labels = (name: string) => ({ 'app.kubernetes.io/component': name, 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/version': SERVING_VERSION });
    return deployments(obj).map(([name, container, image]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: obj.metadata.namespace, labels: labels(name) },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name, ...labels(name) } }, spec: { containers: [{ name: container, image }] } },
      },
    }));
  },
  status(obj, world) {
    if (!running(world)) return undefined;
    const ns = obj.metadata.namespace;
    const names = deployments(obj).map(([name]) => name);
    const waiting = names.some((n) => !world.get('apps/v1', 'Deployment', ns, n)) ? ['all'] : names.filter((n) => !world.workloadReady('Deployment', ns ?? '', n));
    const message = `Waiting on deployments: ${waiting.join(', ')}`;
    const available = waiting.length === 0 ? 'True' : 'False';
    const version = (obj.spec as ServingSpec | undefined)?.version ?? SERVING_VERSION;
    return {
      conditions: [
        knativeCondition(obj, 'DependenciesInstalled', 'True'),
        knativeCondition(obj, 'DeploymentsAvailable', available, 'NotReady', message),
        knativeCondition(obj, 'InstallSucceeded', 'True'),
        knativeCondition(obj, 'Ready', available, 'NotReady', message),
        knativeCondition(obj, 'VersionMigrationEligible', 'True'),
      ],
      manifests: [`/var/run/ko/knative-serving/${version}`, ...(kourier(obj) ? [`/var/run/ko/ingress/${version.split('.').slice(0, 2).join('.')}/kourier`] : [])],
      observedGeneration: obj.metadata.generation,
      version,
    };
  },
};
