/**
 * The platform's own step-08 egress-block test, re-run in a loop (`--sim-fault
 * cutover-hold:<seconds>`), for the walk's observe mode: a Job in `catalyst` applies the
 * `cutover-egress-block` CiliumClusterwideNetworkPolicy in defaultDenyEgress mode, holds it
 * for the configured time, and its teardown deletes it.
 */
import type { SimRegion } from '../context.js';
import { create, rfc3339, writeStatus } from '../runtime/objects.js';

export const PLATFORM_POLICY = 'cutover-egress-block';
const NAMESPACE = 'catalyst';
const PAUSE_MS = 1000;
const KEEP_JOBS = 3;
/** allowIntraClusterCIDRs default of the chart. */
const ALLOW_CIDRS = ['10.42.0.0/16', '10.43.0.0/16', '10.96.0.0/12'];

function policy(): Parameters<typeof create>[1] {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumClusterwideNetworkPolicy',
    metadata: { name: PLATFORM_POLICY, labels: { 'app.kubernetes.io/instance': 'self-sovereign-cutover' } },
    spec: {
      endpointSelector: {},
      enableDefaultDeny: { egress: true, ingress: false },
      egress: [
        { toCIDR: ALLOW_CIDRS },
        { toEntities: ['kube-apiserver', 'host', 'remote-node', 'cluster'] },
        { toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] },
      ],
    },
  };
}

export function installPlatformHold(region: SimRegion, holdSeconds: number): () => void {
  const { store } = region;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round = 0;
  const jobs: string[] = [];
  const wait = (ms: number) => new Promise<void>((r) => (timer = setTimeout(r, ms)));

  const runOnce = async () => {
    const name = `cutover-step-08-egress-block-test-r${++round}`;
    const labels = { 'app.kubernetes.io/instance': 'self-sovereign-cutover', 'bp.openova.io/cutover-order': '8', 'bp.openova.io/cutover-step': 'egress-block-test' };
    create(store, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NAMESPACE, labels }, spec: { backoffLimit: 0, template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'egress-block-test', image: 'registry.k8s.io/kubectl:v1.30.6' }] } } } }, 'catalyst-api');
    writeStatus(store, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NAMESPACE } }, 'kube-controller-manager', (o) => {
      o.status = { startTime: rfc3339(), active: 1 };
    });
    jobs.push(name);
    while (jobs.length > KEEP_JOBS) store.delete('batch/v1', 'Job', NAMESPACE, jobs.shift()!);
    if (!store.get('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', undefined, PLATFORM_POLICY)) create(store, policy(), 'kubectl-client-side-apply');
    await wait(holdSeconds * 1000);
    if (stopped) return;
    store.delete('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', undefined, PLATFORM_POLICY);
    writeStatus(store, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: NAMESPACE } }, 'kube-controller-manager', (o) => {
      const now = rfc3339();
      o.status = { ...(o.status as object), active: 0, succeeded: 1, completionTime: now, conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached', lastProbeTime: now, lastTransitionTime: now }] };
    });
  };

  void (async () => {
    while (!stopped) {
      await runOnce();
      if (!stopped) await wait(PAUSE_MS);
    }
  })();

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
