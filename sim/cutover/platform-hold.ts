/**
 * The platform's own step-08 egress-block test, re-run in a loop (`--sim-fault
 * cutover-hold:<seconds>`), for the walk's observe mode: catalyst-api stamps a Job in `catalyst`
 * whose pod (run for real by the host runtime, with the chart's ServiceAccount) applies the
 * `cutover-egress-block` CiliumClusterwideNetworkPolicy in defaultDenyEgress mode with kubectl,
 * holds it for the configured time, and its exit trap deletes it. The next round starts once the
 * real Job controller has completed the Job.
 */
import type { SimRegion } from '../context.js';
import { RUNTIME } from '../controlplane/kwok-config.js';
import { CUTOVER_INSTANCE, CUTOVER_NAMESPACE, STEP_IMAGE, stepLabels } from './state.js';

export const PLATFORM_POLICY = 'cutover-egress-block';
const STEP = 7;
const PAUSE_MS = 1000;
const KEEP_JOBS = 3;
const POLL_MS = 500;
/** allowIntraClusterCIDRs default of the chart. */
const ALLOW_CIDRS = ['10.42.0.0/16', '10.43.0.0/16', '10.96.0.0/12'];

const POLICY = {
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumClusterwideNetworkPolicy',
  metadata: { name: PLATFORM_POLICY, labels: { 'app.kubernetes.io/instance': CUTOVER_INSTANCE } },
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

const SCRIPT = [
  'set -eu',
  `trap 'kubectl delete ciliumclusterwidenetworkpolicy ${PLATFORM_POLICY} --ignore-not-found' EXIT`,
  'printf "%s" "$POLICY" | kubectl apply -f -',
  'sleep "$HOLD_SECONDS"',
].join('\n');

function job(name: string, holdSeconds: number) {
  const labels = stepLabels(STEP);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: CUTOVER_NAMESPACE, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations: { [RUNTIME]: 'host' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: CUTOVER_INSTANCE,
          containers: [{
            name: 'egress-block-test',
            image: STEP_IMAGE,
            command: ['sh', '-c', SCRIPT],
            env: [{ name: 'POLICY', value: JSON.stringify(POLICY) }, { name: 'HOLD_SECONDS', value: String(holdSeconds) }],
          }],
        },
      },
    },
  };
}

export function installPlatformHold(region: SimRegion, holdSeconds: number, onError: (err: unknown) => void): () => Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const wait = (ms: number) => new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    wake = () => {
      clearTimeout(t);
      r();
    };
  });
  const jobs: string[] = [];
  const finished = async (name: string) => {
    const j = await region.api.get('batch/v1', 'Job', CUTOVER_NAMESPACE, name);
    return !j || ((j.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  };

  const loop = async () => {
    for (let round = 1; !stopped; round++) {
      const name = `cutover-step-08-egress-block-test-r${round}`;
      try {
        await region.api.apply(job(name, holdSeconds), 'catalyst-api');
        jobs.push(name);
        while (jobs.length > KEEP_JOBS) {
          const old = jobs.shift()!;
          const path = await region.api.path('batch/v1', 'Job', CUTOVER_NAMESPACE, old);
          await region.api.rest.request('DELETE', `${path}?propagationPolicy=Background`);
        }
        while (!stopped && !(await finished(name))) await wait(POLL_MS);
      } catch (err) {
        if (!stopped) onError(err);
      }
      if (!stopped) await wait(PAUSE_MS);
    }
  };
  const running = loop();
  return async () => {
    stopped = true;
    wake();
    await running;
  };
}
