/**
 * helm-controller for one region: reconciles a HelmRelease once its dependsOn are Ready and its
 * chart source is Ready, takes a per-release install time, and writes status the way Flux v2
 * does (conditions with real transition times, history, observed/attempted generation).
 * Reconciles on a generation change, a `reconcile.fluxcd.io/requestedAt` change, a
 * dependency becoming Ready, its source becoming Ready again, and every interval.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { HELMRELEASE_TYPE, HELMREPOSITORY_TYPE } from '../resources.js';
import { WorkQueue, sleep } from '../runtime/queue.js';
import { getCondition, inform, isTrue, record, removeCondition, rfc3339, setCondition, statusOf, writeStatus } from '../runtime/objects.js';
import { FLUX_NS, HR_API, SOURCE_API, dependsOnOf, digest, goDuration, intervalMs, releaseOf, requestedAt, sortFluxConditions, type ReleaseRef } from './model.js';

const MANAGER = 'helm-controller';
const HISTORY_LIMIT = 5;

/** How this region's releases misbehave (from `--sim-fault`). */
export interface ReleaseFaults {
  stuck(name: string): boolean;
  flapping(name: string): boolean;
  staleGeneration(name: string): boolean;
}

export interface HelmReleaseControllerOptions {
  /** Time one install/upgrade takes for this release (ms). */
  installDelay(name: string): number;
  faults: ReleaseFaults;
  /** Period of a flapping release's Ready flips (ms). */
  flapMs: number;
  onError(err: unknown, key?: string): void;
}

interface Snapshot {
  name: string;
  namespace: string;
  version: number;
  status: 'deployed' | 'superseded' | 'failed';
  chartName: string;
  chartVersion: string;
  appVersion: string;
  configDigest: string;
  digest: string;
  firstDeployed: string;
  lastDeployed: string;
}

function historyOf(hr: KubeObject): Snapshot[] {
  const h = record(hr.status).history;
  return Array.isArray(h) ? (h as Snapshot[]) : [];
}

function ready(hr: KubeObject | undefined): boolean {
  return !!hr && hr.metadata.generation === record(hr.status).observedGeneration && isTrue(hr, 'Ready');
}

function chartRef(rel: ReleaseRef): string {
  return `${rel.chart}@${rel.version}`;
}

/** Installs the controller on one region's store; returns the stop function. */
export function installHelmReleaseController(store: ObjectStore, opts: HelmReleaseControllerOptions): () => void {
  const seen = new Map<string, { generation: number; requestedAt?: string; ready: boolean }>();
  const sourceReady = new Map<string, boolean>();
  const frozen = new Set<string>();
  const flapTimers = new Map<string, NodeJS.Timeout>();
  const timers = new Set<NodeJS.Timeout>();
  const get = (name: string) => store.get(HR_API, 'HelmRelease', FLUX_NS, name);
  const write = (hr: KubeObject, mutate: (o: KubeObject) => void) =>
    writeStatus(store, hr, MANAGER, (o) => {
      mutate(o);
      sortFluxConditions(o);
    });
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  /** Fields Flux writes at the end of every reconcile it finishes. */
  const finish = (o: KubeObject, handled: string | undefined) => {
    const status = statusOf(o);
    status.observedGeneration = o.metadata.generation;
    if (handled !== undefined) status.lastHandledReconcileAt = handled;
  };

  const dependencyProblem = (hr: KubeObject): string | undefined => {
    for (const dep of dependsOnOf(hr)) {
      const d = store.get(HR_API, 'HelmRelease', dep.namespace, dep.name);
      if (!d) return `unable to get '${dep.namespace}/${dep.name}' dependency: helmreleases.helm.toolkit.fluxcd.io "${dep.name}" not found`;
      if (!ready(d)) return `dependency '${dep.namespace}/${dep.name}' is not ready`;
    }
    return undefined;
  };

  const waiting = (hr: KubeObject, reason: string, message: string) => {
    write(hr, (o) => {
      setCondition(o, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '' });
      setCondition(o, { type: 'Ready', status: 'False', reason, message });
      finish(o, requestedAt(hr));
    });
  };

  const release = async (hr: KubeObject, signal: AbortSignal): Promise<void> => {
    const name = hr.metadata.name;
    const rel = releaseOf(hr);
    const generation = hr.metadata.generation;
    const history = historyOf(hr);
    const action = history.length ? 'upgrade' : 'install';
    const timeout = goDuration(record(record(hr.spec)[action]).timeout, '5m0s');
    const progress = `Running '${action}' action with timeout of ${timeout}`;
    write(hr, (o) => {
      setCondition(o, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: progress });
      setCondition(o, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: progress });
      const s = statusOf(o);
      s.helmChart = `${rel.sourceNamespace}/${hr.metadata.namespace ?? FLUX_NS}-${name}`;
      s.storageNamespace = rel.releaseNamespace;
      s.lastAttemptedGeneration = generation;
      s.lastAttemptedRevision = rel.version;
      s.lastAttemptedReleaseAction = action;
      s.lastAttemptedConfigDigest = `sha256:${digest(JSON.stringify(record(hr.spec).values ?? {}))}`;
    });
    await sleep(opts.installDelay(name), signal);
    const current = get(name);
    if (!current || current.metadata.generation !== generation) return;

    if (opts.faults.stuck(name)) {
      const failure = `Helm ${action} failed for release ${rel.releaseNamespace}/${rel.releaseName} with chart ${chartRef(rel)}: context deadline exceeded`;
      const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
      write(current, (o) => {
        setCondition(o, { type: 'Released', status: 'False', reason, message: failure });
        setCondition(o, { type: 'Ready', status: 'False', reason, message: failure });
        setCondition(o, { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: progress });
        const s = statusOf(o);
        s.failures = Number(s.failures ?? 0) + 1;
        s[action === 'install' ? 'installFailures' : 'upgradeFailures'] = 1;
        finish(o, requestedAt(current));
      });
      await sleep(opts.installDelay(name), signal);
      const stalled = get(name);
      if (!stalled) return;
      write(stalled, (o) => {
        setCondition(o, { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: `Failed to ${action} after 1 attempt(s)` });
        removeCondition(o, 'Reconciling');
      });
      return;
    }

    succeed(current, rel, action);
    if (opts.faults.flapping(name)) startFlap(name);
    if (opts.faults.staleGeneration(name)) later(opts.flapMs, () => bumpAndFreeze(name));
  };

  const succeed = (hr: KubeObject, rel: ReleaseRef, action: 'install' | 'upgrade') => {
    const history = historyOf(hr);
    const version = (history[0]?.version ?? 0) + 1;
    const now = rfc3339();
    const reason = action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
    const message = `Helm ${action} succeeded for release ${rel.releaseNamespace}/${rel.releaseName}.v${version} with chart ${chartRef(rel)}`;
    write(hr, (o) => {
      setCondition(o, { type: 'Released', status: 'True', reason, message });
      setCondition(o, { type: 'Ready', status: 'True', reason, message });
      removeCondition(o, 'Reconciling');
      removeCondition(o, 'Stalled');
      const s = statusOf(o);
      const snapshot: Snapshot = {
        name: rel.releaseName,
        namespace: rel.releaseNamespace,
        version,
        status: 'deployed',
        chartName: rel.chart,
        chartVersion: rel.version,
        appVersion: rel.version,
        configDigest: String(s.lastAttemptedConfigDigest ?? `sha256:${digest('{}')}`),
        digest: `sha256:${digest(`${rel.releaseNamespace}/${rel.releaseName}.v${version}`)}`,
        firstDeployed: history[history.length - 1]?.firstDeployed ?? now,
        lastDeployed: now,
      };
      s.history = [snapshot, ...history.map((h) => ({ ...h, status: 'superseded' as const }))].slice(0, HISTORY_LIMIT);
      delete s.installFailures;
      delete s.upgradeFailures;
      delete s.failures;
      finish(o, requestedAt(hr));
    });
  };

  /** stale-generation: the spec moves on (a new chart version lands from Git) and the controller never catches up. */
  const bumpAndFreeze = (name: string) => {
    const hr = get(name);
    if (!hr) return;
    frozen.add(name);
    store.mutate(HR_API, 'HelmRelease', FLUX_NS, name, (o) => {
      const chartSpec = record(record(record(o.spec).chart).spec);
      const v = String(chartSpec.version ?? '1.0.0');
      chartSpec.version = /^\d+\.\d+\.\d+$/.test(v) ? v.replace(/\d+$/, (p) => String(Number(p) + 1)) : `${v}-next`;
    }, 'kustomize-controller');
  };

  const startFlap = (name: string) => {
    if (flapTimers.has(name)) return;
    const flip = () => {
      const hr = get(name);
      if (!hr) return;
      const rel = releaseOf(hr);
      if (isTrue(hr, 'Ready')) {
        const message = `Helm upgrade failed for release ${rel.releaseNamespace}/${rel.releaseName} with chart ${chartRef(rel)}: timed out waiting for the condition`;
        write(hr, (o) => {
          setCondition(o, { type: 'Released', status: 'False', reason: 'UpgradeFailed', message });
          setCondition(o, { type: 'Ready', status: 'False', reason: 'UpgradeFailed', message });
          const s = statusOf(o);
          s.upgradeFailures = Number(s.upgradeFailures ?? 0) + 1;
          s.lastAttemptedReleaseAction = 'upgrade';
        });
      } else {
        succeed(hr, rel, 'upgrade');
      }
      flapTimers.set(name, setTimeout(flip, opts.flapMs));
    };
    flapTimers.set(name, setTimeout(flip, opts.flapMs));
  };

  const queue = new WorkQueue(async (name, signal) => {
    const hr = get(name);
    // Suspended, wedged (stale-generation) and flapping releases are not reconciled here.
    if (!hr || record(hr.spec).suspend === true || frozen.has(name) || flapTimers.has(name)) return;
    const status = record(hr.status);
    // A stalled release waits for a new generation or a new reconcile request.
    if (isTrue(hr, 'Stalled') && status.lastAttemptedGeneration === hr.metadata.generation && requestedAt(hr) === status.lastHandledReconcileAt) return;
    const problem = dependencyProblem(hr);
    if (problem) {
      waiting(hr, 'DependencyNotReady', problem);
      queue.enqueue(name, intervalMs(hr));
      return;
    }
    const rel = releaseOf(hr);
    const source = store.get(SOURCE_API, 'HelmRepository', rel.sourceNamespace, rel.sourceName);
    if (!source || !isTrue(source, 'Ready')) {
      waiting(hr, 'HelmChartNotReady', `HelmChart '${rel.sourceNamespace}/${hr.metadata.namespace ?? FLUX_NS}-${name}' is not ready`);
      queue.enqueue(name, intervalMs(hr));
      return;
    }
    const released = historyOf(hr).length > 0 && status.lastAttemptedGeneration === hr.metadata.generation && getCondition(hr, 'Released')?.status === 'True';
    if (!released) {
      await release(hr, signal);
    } else {
      // Nothing to release: the last release stands; Ready follows it again (e.g. after the chart source recovered).
      const last = getCondition(hr, 'Released');
      write(hr, (o) => {
        if (last) setCondition(o, { type: 'Ready', status: 'True', reason: last.reason, message: last.message });
        removeCondition(o, 'Reconciling');
        finish(o, requestedAt(hr));
      });
    }
    const after = get(name);
    if (after && !frozen.has(name) && !flapTimers.has(name) && !isTrue(after, 'Stalled')) queue.enqueue(name, intervalMs(after));
  }, opts.onError);

  /** Indexes kept from the watch itself, so an event never needs a list of every release. */
  const dependsOnIndex = new Map<string, string[]>();
  const sourceIndex = new Map<string, string>();
  const dependentsOf = (name: string): string[] =>
    [...dependsOnIndex].filter(([, deps]) => deps.includes(`${FLUX_NS}/${name}`)).map(([hr]) => hr);

  const unsubscribe = [
    inform(
      store,
      HELMRELEASE_TYPE,
      (type, hr) => {
        const name = hr.metadata.name;
        const before = seen.get(name);
        if (type === 'DELETED') {
          dependsOnIndex.delete(name);
          sourceIndex.delete(name);
          seen.delete(name);
          frozen.delete(name);
          clearTimeout(flapTimers.get(name));
          flapTimers.delete(name);
          for (const d of dependentsOf(name)) queue.enqueue(d);
          return;
        }
        dependsOnIndex.set(name, dependsOnOf(hr).map((d) => `${d.namespace}/${d.name}`));
        const rel = releaseOf(hr);
        sourceIndex.set(name, `${rel.sourceNamespace}/${rel.sourceName}`);
        const now = { generation: hr.metadata.generation, requestedAt: requestedAt(hr), ready: ready(hr) };
        seen.set(name, now);
        if (!before || before.generation !== now.generation || before.requestedAt !== now.requestedAt) queue.enqueue(name);
        if (before?.ready !== now.ready && now.ready) for (const d of dependentsOf(name)) queue.enqueue(d);
      },
      { namespace: FLUX_NS },
    ),
    inform(store, HELMREPOSITORY_TYPE, (type, repo) => {
      const key = `${repo.metadata.namespace}/${repo.metadata.name}`;
      const nowReady = type !== 'DELETED' && isTrue(repo, 'Ready');
      const wasReady = sourceReady.get(key) ?? false;
      sourceReady.set(key, nowReady);
      if (!nowReady || wasReady) return;
      for (const [hr, source] of sourceIndex) if (source === key) queue.enqueue(hr);
    }),
  ];

  return () => {
    queue.stop();
    for (const t of flapTimers.values()) clearTimeout(t);
    for (const t of timers) clearTimeout(t);
    for (const u of unsubscribe) u();
  };
}
