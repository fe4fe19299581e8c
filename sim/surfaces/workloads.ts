/** The workloads and Services a slot's chart renders; the region's controllers run them. */
import type { ObjectStore } from '../kube/store.js';
import { create, ensure, ensureNamespace, writeStatus } from '../runtime/objects.js';
import { releaseAnnotations, releaseLabels, selectorLabels, type SlotPlan, type WorkloadRef } from './plan.js';

const MANAGER = 'helm-controller';

function podTemplate(plan: SlotPlan, ref: WorkloadRef): Record<string, unknown> {
  return {
    metadata: { labels: { ...selectorLabels(plan, ref.name), 'app.kubernetes.io/part-of': plan.component } },
    spec: {
      containers: [
        {
          name: ref.container,
          image: plan.image,
          imagePullPolicy: 'IfNotPresent',
          ...(ref.port ? { ports: [{ name: 'http', containerPort: ref.port, protocol: 'TCP' }] } : {}),
          resources: { requests: { cpu: '50m', memory: '64Mi' } },
        },
      ],
    },
  };
}

/** Creates the workload unless it exists (a chart upgrade would patch it; the sim installs once). */
export function applyWorkload(store: ObjectStore, plan: SlotPlan, ref: WorkloadRef): void {
  ensureNamespace(store, ref.namespace, MANAGER);
  const metadata = { name: ref.name, namespace: ref.namespace, labels: releaseLabels(plan, ref.name), annotations: releaseAnnotations(plan) };
  const template = podTemplate(plan, ref);
  if (ref.kind === 'Pod') {
    ensure(store, { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, labels: { ...metadata.labels, ...(template.metadata as { labels: Record<string, string> }).labels } }, spec: template.spec }, MANAGER);
    return;
  }
  const selector = { matchLabels: selectorLabels(plan, ref.name) };
  const spec =
    ref.kind === 'DaemonSet'
      ? { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } }
      : ref.kind === 'StatefulSet'
        ? { replicas: 1, selector, serviceName: ref.name, template, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } }
        : { replicas: 1, selector, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, progressDeadlineSeconds: 600, revisionHistoryLimit: 10 };
  ensure(store, { apiVersion: 'apps/v1', kind: ref.kind, metadata, spec }, MANAGER);
}

/** A ClusterIP Service selecting the workload's pods. */
export function applyService(store: ObjectStore, plan: SlotPlan, ref: { namespace: string; name: string; port: number }): void {
  ensureNamespace(store, ref.namespace, MANAGER);
  if (store.get('v1', 'Service', ref.namespace, ref.name)) return;
  const octets = [...`${ref.namespace}/${ref.name}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const clusterIP = `10.43.${(octets >> 8) & 0xff}.${(octets & 0xfd) + 2}`;
  create(
    store,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: ref.name, namespace: ref.namespace, labels: releaseLabels(plan, ref.name), annotations: releaseAnnotations(plan) },
      spec: {
        type: 'ClusterIP',
        clusterIP,
        clusterIPs: [clusterIP],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        selector: selectorLabels(plan, ref.name),
        ports: [{ name: 'http', port: ref.port, protocol: 'TCP', targetPort: 'http' }],
      },
    },
    MANAGER,
  );
  writeStatus(store, { apiVersion: 'v1', kind: 'Service', metadata: { name: ref.name, namespace: ref.namespace } }, MANAGER, (o) => {
    o.status = { loadBalancer: {} };
  });
}
