/**
 * Workloads whose health follows an upstream they reach through the region's egress path,
 * checked every few seconds with real requests, and judged unhealthy after consecutive failures
 * (a probe's failureThreshold):
 * - catalyst-api's readiness probe checks its GitOps remote (CATALYST_GITOPS_REPO_URL, git's
 *   info/refs) from each pod: while it is unreachable the pod reports not Ready, and the real
 *   Deployment controller takes the Deployment's availability away;
 * - Crossplane's package manager resolves each Provider's package from its registry: while the
 *   registry is unreachable the Provider reports Healthy=False.
 */
import type { SimRegion } from '../context.js';
import type { KubeObject } from '../kube-client/api.js';
import { apiUnreachable } from '../kube-client/rest.js';
import { reach, type Reach } from './egress-client.js';
import { podIdentity } from './policy-agent.js';
import { isIpv4, publicAddress } from './destinations.js';

const CHECK_MS = 2000;
const TIMEOUT_MS = 4000;
const FAILURE_THRESHOLD = 2;
const CATALYST_API = { namespace: 'catalyst-system', name: 'catalyst-api', env: 'CATALYST_GITOPS_REPO_URL' };
const CROSSPLANE_NS = 'crossplane-system';

function gitopsUrl(d: KubeObject | undefined): string | undefined {
  const containers = ((d?.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers) ?? [];
  return containers.flatMap((c) => c.env ?? []).find((e) => e.name === CATALYST_API.env)?.value;
}

function cause(host: string, r: Exclude<Reach, { ok: true }>): string {
  return r.error === 'timeout' ? `dial tcp ${isIpv4(host) ? host : publicAddress(host)}:443: i/o timeout` : r.detail;
}

const ready = (pod: KubeObject) => (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export function installEgressDependents(region: SimRegion, ca: string, onError: (err: unknown) => void): () => Promise<void> {
  const unready = new Set<string>();
  const health = new Map<string, boolean>();
  const failures = new Map<string, number>();
  /** A check of `key`: ok, or failed FAILURE_THRESHOLD times in a row (undefined while it is still counting). */
  const check = async (key: string, from: string, url: string): Promise<Reach | undefined> => {
    const r = await reach({ proxyUrl: region.proxy.url, from, url, timeoutMs: TIMEOUT_MS, ca });
    const n = r.ok ? 0 : (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    return r.ok || n >= FAILURE_THRESHOLD ? r : undefined;
  };

  const setPodReady = (pod: KubeObject, ok: boolean, message: string) => {
    const s = pod.status as { conditions?: Record<string, unknown>[]; containerStatuses?: Record<string, unknown>[] };
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      conditions: (s.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady'
        ? { type: c.type, status: ok ? 'True' : 'False', lastTransitionTime: at, ...(ok ? {} : { reason: 'ContainersNotReady', message }) }
        : c)),
      containerStatuses: (s.containerStatuses ?? []).map((c) => ({ ...c, ready: ok })),
    };
    return region.api.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } }, { status }, { subresource: 'status', manager: 'kubelet' });
  };

  const catalystApi = async () => {
    const d = await region.api.get('apps/v1', 'Deployment', CATALYST_API.namespace, CATALYST_API.name);
    const url = gitopsUrl(d);
    if (!url) return;
    const pods = region.pods.list(CATALYST_API.namespace).filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === CATALYST_API.name && (p.status as { phase?: string } | undefined)?.phase === 'Running' && !p.metadata.deletionTimestamp);
    await Promise.all(pods.map(async (pod) => {
      const key = pod.metadata.uid ?? pod.metadata.name;
      const r = await check(key, podIdentity(CATALYST_API.namespace, pod.metadata.name), `${url.replace(/\/$/, '')}/info/refs?service=git-upload-pack`);
      if (!r) return;
      if (!r.ok && ready(pod)) {
        unready.add(key);
        await setPodReady(pod, false, `containers with unready status: [${CATALYST_API.name}] (readiness: gitops remote ${url} unreachable: ${cause(new URL(url).hostname, r)})`);
      } else if (r.ok && unready.has(key)) {
        unready.delete(key);
        await setPodReady(pod, true, '');
      }
    }));
  };

  const providers = async () => {
    const list = await region.api.list('pkg.crossplane.io/v1', 'Provider').catch(() => []);
    await Promise.all(list.map(async (p) => {
      const pkg = String((p.spec as { package?: string } | undefined)?.package ?? '');
      const host = pkg.split('/')[0];
      const r = await check(`provider/${p.metadata.name}`, CROSSPLANE_NS, `https://${host}/v2/`);
      if (!r || health.get(p.metadata.name) === r.ok) return;
      health.set(p.metadata.name, r.ok);
      const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await region.api.applyStatus({
        apiVersion: 'pkg.crossplane.io/v1',
        kind: 'Provider',
        metadata: { name: p.metadata.name },
        status: {
          currentRevision: `${p.metadata.name}-${pkg.length.toString(16)}a1b2c3d4`,
          currentIdentifier: pkg,
          conditions: [
            r.ok
              ? { type: 'Healthy', status: 'True', reason: 'HealthyPackageRevision', message: '', lastTransitionTime: at }
              : { type: 'Healthy', status: 'False', reason: 'UnhealthyPackageRevision', message: `cannot resolve package ${pkg}: ${cause(host, r)}`, lastTransitionTime: at },
            { type: 'Installed', status: 'True', reason: 'ActivePackageRevision', message: '', lastTransitionTime: at },
          ],
        },
      }, 'crossplane');
    }));
  };

  let stopped = false;
  let wake: () => void = () => {};
  const loop = async () => {
    while (!stopped) {
      // A powered-off region's own components are down with its API server: nothing to report.
      await Promise.all([catalystApi(), providers()]).catch((err: unknown) => {
        if (!stopped && !apiUnreachable(err)) onError(err);
      });
      await new Promise<void>((r) => {
        const t = setTimeout(r, CHECK_MS);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  };
  const running = loop();
  return async () => {
    stopped = true;
    wake();
    await running;
  };
}
