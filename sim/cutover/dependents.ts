/**
 * Workloads whose health depends on reaching their configured upstream, re-checked every
 * second through the sim's network rule (short, so a 30 s hold sees them fail):
 * - catalyst-api's readiness checks its GitOps remote (CATALYST_GITOPS_REPO_URL): while it is
 *   unreachable its pods report not Ready, and the Deployment loses availability;
 * - Crossplane re-resolves each Provider's package: while the registry is unreachable the
 *   Provider reports Healthy=False.
 */
import type { SimNet, SimRegion } from '../context.js';
import type { KubeObject } from '../kube/types.js';
import { getCondition, record, rfc3339, setCondition, writeStatus } from '../runtime/objects.js';

const CHECK_MS = 1000;
const CATALYST_API = { namespace: 'catalyst-system', name: 'catalyst-api', env: 'CATALYST_GITOPS_REPO_URL' };

function gitopsUrl(d: KubeObject | undefined): string | undefined {
  const containers = (record(record(record(d?.spec).template).spec).containers as { env?: { name: string; value?: string }[] }[] | undefined) ?? [];
  return containers.flatMap((c) => c.env ?? []).find((e) => e.name === CATALYST_API.env)?.value;
}

function setPodReady(region: SimRegion, pod: KubeObject, ready: boolean, message: string): void {
  writeStatus(region.store, pod, 'k3s', (o) => {
    const s = record(o.status);
    const now = rfc3339();
    s.conditions = ((s.conditions as Record<string, unknown>[] | undefined) ?? []).map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, status: ready ? 'True' : 'False', lastTransitionTime: now, ...(ready ? { reason: undefined, message: undefined } : { reason: 'ContainersNotReady', message }) }
        : c,
    );
    s.containerStatuses = ((s.containerStatuses as Record<string, unknown>[] | undefined) ?? []).map((c) => ({ ...c, ready }));
  });
}

export function installEgressDependents(region: SimRegion, net: SimNet): () => void {
  const { store } = region;
  const unready = new Set<string>();
  const unhealthy = new Set<string>();

  const checkCatalystApi = () => {
    const d = store.get('apps/v1', 'Deployment', CATALYST_API.namespace, CATALYST_API.name);
    const url = gitopsUrl(d);
    const ok = !url || net.canReach(CATALYST_API.namespace, url);
    const pods = store.list('v1', 'Pod', { namespace: CATALYST_API.namespace, labelSelector: `app.kubernetes.io/name=${CATALYST_API.name}` });
    for (const pod of pods) {
      const key = pod.metadata.name;
      const ready = getCondition(pod, 'Ready')?.status === 'True';
      if (!ok && ready && record(pod.status).phase === 'Running') {
        unready.add(key);
        setPodReady(region, pod, false, `containers with unready status: [${CATALYST_API.name}] (readiness: gitops remote ${url} unreachable)`);
      } else if (ok && unready.has(key)) {
        unready.delete(key);
        setPodReady(region, pod, true, '');
      }
    }
  };

  const checkProviders = () => {
    if (!store.typeFor('pkg.crossplane.io/v1', 'Provider')) return;
    for (const p of store.list('pkg.crossplane.io/v1', 'Provider')) {
      const pkg = String(record(p.spec).package ?? '');
      const host = pkg.split('/')[0];
      const ok = net.canReach('crossplane-system', `https://${host}/`);
      const name = p.metadata.name;
      if (!ok && !unhealthy.has(name)) {
        unhealthy.add(name);
        writeStatus(store, p, 'crossplane', (o) =>
          setCondition(o, { type: 'Healthy', status: 'False', reason: 'UnhealthyPackageRevision', message: `cannot resolve package ${pkg}: dial tcp ${host}:443: i/o timeout` }),
        );
      } else if (ok && unhealthy.has(name)) {
        unhealthy.delete(name);
        writeStatus(store, p, 'crossplane', (o) => setCondition(o, { type: 'Healthy', status: 'True', reason: 'HealthyPackageRevision', message: '' }));
      }
    }
  };

  const timer = setInterval(() => {
    checkCatalystApi();
    checkProviders();
  }, CHECK_MS);
  return () => clearInterval(timer);
}
