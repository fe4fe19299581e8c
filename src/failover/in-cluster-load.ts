/**
 * `--load k6-operator`: the failover write load from inside the cluster, for rates one walking
 * machine cannot drive. The rendered TestRun (src/failover/testrun.ts) and the ConfigMap holding
 * fixtures/k6/counter-http.js are created in a surviving region as a fault of the ledger (both
 * labelled with the fault id, deleted by its typed revert record, by the janitor if the walk
 * dies); the TestRun's `status.stage` is followed to `finished` or `error` (or the deadline); the
 * runner pods' `SWH {…}` lines become the same history records the local writers produce; and
 * both objects are removed afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { applyFault, executeRevert, newFaultId, type FaultLedger } from '../chaos/index.js';
import { FAULT_LABEL, type HarnessResource, type RevertStep } from '../chaos/types.js';
import { REPO_ROOT } from '../repo-root.js';
import { SetupError } from '../target/errors.js';
import { RegionClient } from '../target/kube.js';
import type { TargetSpec } from '../target/types.js';
import { describeError, type KubeObject } from '../target/objects.js';
import { isHistoryEvent, parseHistoryEntry, type WriteRecord } from './history.js';
import { renderK6TestRun, type K6TestRunOptions } from './testrun.js';
import { sleep } from './sleep.js';

export const TESTRUNS = 'testruns.k6.io' satisfies HarnessResource;
const CONFIGMAPS = 'configmaps' satisfies HarnessResource;
const RECORD_PREFIX = 'SWH ';
const SCRIPT = 'counter-http.js';

/** Where and how the failover suite runs its in-cluster load (the rendered TestRun evidence uses the same). */
export const FAILOVER_TESTRUN = { name: 'sovereign-walk-failover', namespace: 'default', parallelism: 2 } as const;

/** The region must serve the k6-operator's CRD, or `--load k6-operator` is refused before the walk starts. */
export async function requireTestRunServed(region: RegionClient): Promise<void> {
  try {
    await region.resolve(TESTRUNS);
  } catch (e) {
    throw new SetupError(`--load k6-operator: ${region.name} does not serve ${TESTRUNS} (${describeError(e)}); install the k6-operator there, or walk without --load`);
  }
}

/** The walk's check: the load runs in a surviving region (it must outlive the kill), through the counter app. */
export async function requireInClusterLoad(target: TargetSpec): Promise<void> {
  if (!target.counterUrl) throw new SetupError('--load k6-operator: the target has no counter URL for fixtures/k6/counter-http.js to write to');
  const survivor = target.regions.find((r) => r.role !== 'primary');
  if (!survivor) throw new SetupError('--load k6-operator: the target has no surviving region to run the TestRun in');
  const region = new RegionClient(survivor);
  try {
    await requireTestRunServed(region);
  } finally {
    region.close();
  }
}

export type TestRunOutcome = 'finished' | 'error' | 'timed out' | 'stopped';

export interface InClusterLoadResult {
  outcome: TestRunOutcome;
  /** Every stage the TestRun reported, in order. */
  stages: string[];
  /** Runner pods whose logs were read, and the records they held. */
  runners: string[];
  records: number;
  /** Ledger id of the fault that created (and removed) the TestRun and its script. */
  faultId: string;
}

export interface InClusterLoadOptions {
  region: RegionClient;
  ledger: FaultLedger;
  runId: string;
  testRun: Omit<K6TestRunOptions, 'scriptConfigMap'>;
  /** Following ends here even if the TestRun never finishes. */
  timeoutMs: number;
  pollMs?: number;
  onRecord: (record: WriteRecord) => void;
  /** Stops following (the objects are still removed). */
  signal?: AbortSignal;
}

/** The history records in runner log text; other lines (k6's own) are skipped. */
export function recordsInLog(text: string): WriteRecord[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(RECORD_PREFIX))
    .map((line) => {
      const entry = parseHistoryEntry(JSON.parse(line.slice(RECORD_PREFIX.length)));
      if (isHistoryEvent(entry)) throw new Error(`a runner printed an event, not a write record: ${line.slice(0, 200)}`);
      return entry;
    });
}

async function follow(opts: InClusterLoadOptions, name: string, stages: string[]): Promise<TestRunOutcome> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const run: KubeObject | undefined = await opts.region.get(TESTRUNS, opts.testRun.namespace, name);
    const stage = typeof run?.status?.stage === 'string' ? run.status.stage : undefined;
    if (stage !== undefined && stage !== stages.at(-1)) stages.push(stage);
    if (stage === 'finished' || stage === 'error') return stage;
    if (opts.signal?.aborted) return 'stopped';
    if (Date.now() >= deadline) return 'timed out';
    await sleep(Math.min(opts.pollMs ?? 1_000, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

async function collect(opts: InClusterLoadOptions, name: string): Promise<{ runners: string[]; records: number }> {
  const core = opts.region.kc.makeApiClient(CoreV1Api);
  const namespace = opts.testRun.namespace;
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=k6,k6_cr=${name},runner=true` });
  let records = 0;
  const runners: string[] = [];
  for (const pod of pods.items) {
    const podName = pod.metadata?.name ?? '';
    runners.push(podName);
    for (const record of recordsInLog(await core.readNamespacedPodLog({ name: podName, namespace }))) {
      opts.onRecord(record);
      records++;
    }
  }
  return { runners, records };
}

export async function runInClusterLoad(opts: InClusterLoadOptions): Promise<InClusterLoadResult> {
  const { region, testRun } = opts;
  const stages: string[] = [];
  const revertSteps: RevertStep[] = [
    { kind: 'delete-fault-objects', region: region.name, resource: TESTRUNS, namespace: testRun.namespace },
    { kind: 'delete-fault-objects', region: region.name, resource: CONFIGMAPS, namespace: testRun.namespace },
  ];
  const faultId = newFaultId('in-cluster-load');
  const fault = await applyFault(
    opts.ledger,
    {
      id: faultId,
      kind: 'in-cluster-load',
      target: `${region.name}/${TESTRUNS}/${testRun.namespace}/${testRun.name}`,
      runId: opts.runId,
      detail: `k6-operator TestRun ${testRun.namespace}/${testRun.name} (parallelism ${testRun.parallelism}, ${testRun.rate}/s for ${testRun.duration})`,
      region: region.name,
      resource: TESTRUNS,
      namespace: testRun.namespace,
      name: testRun.name,
      revert: revertSteps,
    },
    async (id) => {
      const labels = { [FAULT_LABEL]: id, 'app.kubernetes.io/part-of': 'sovereign-walk' };
      const scriptName = `${testRun.name}-script`;
      await region.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: scriptName, namespace: testRun.namespace, labels },
        data: { [SCRIPT]: readFileSync(join(REPO_ROOT, 'fixtures', 'k6', SCRIPT), 'utf8') },
      } as KubeObject);
      const manifest = renderK6TestRun({ ...testRun, scriptConfigMap: { name: scriptName, file: SCRIPT } });
      await region.create({ ...manifest, metadata: { ...manifest.metadata, labels: { ...manifest.metadata.labels, ...labels } } } as unknown as KubeObject);
      return id;
    },
    () => executeRevert({ regions: [region] }, faultId, revertSteps),
  );
  try {
    const outcome = await follow(opts, testRun.name, stages);
    const { runners, records } = await collect(opts, testRun.name);
    return { outcome, stages, runners, records, faultId };
  } finally {
    await fault.revert();
  }
}
