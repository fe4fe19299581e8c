/**
 * Interprets typed revert records (src/chaos/types.ts). Every record is idempotent (deleting
 * what is gone, starting a running container, powering on a running server are no-ops), so the
 * same fault may be reverted by its own run, by a signal handler and by the next run's janitor
 * without harm. A record never carries a command line, selector or patch: the harness builds
 * each from the record's typed fields and the fault's own id.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RegionClient } from '../target/kube.js';
import { describeError } from '../target/objects.js';
import { NotServedError } from '../target/errors.js';
import { redact } from '../evidence/redact.js';
import { FENCED_INSTANCES } from '../failover/actuators/cnpg-fence.js';
import { hcloudApi } from '../failover/actuators/hcloud-api.js';
import { FAULT_LABEL, type RevertStep } from './types.js';

const run = promisify(execFile);
const CONTAINER_TIMEOUT_MS = 120_000;
const CNPG_CLUSTERS = 'clusters.postgresql.cnpg.io';

export interface RevertDeps {
  regions: readonly Pick<RegionClient, 'name' | 'list' | 'delete' | 'mergePatch'>[];
  env?: NodeJS.ProcessEnv;
}

export class RevertError extends Error {
  override name = 'RevertError';
}

/** Runs every record of fault `faultId` (even after one fails); returns what each did, or throws naming every failure. */
export async function executeRevert(deps: RevertDeps, faultId: string, steps: readonly RevertStep[]): Promise<string[]> {
  const done: string[] = [];
  const failed: string[] = [];
  for (const step of steps) {
    try {
      done.push(await executeStep(deps, faultId, step));
    } catch (e) {
      failed.push(`${describeStep(step)}: ${e instanceof RevertError ? e.message : describeError(e)}`);
    }
  }
  if (failed.length) throw new RevertError(redact(failed.join('; ')));
  return done;
}

export function describeStep(step: RevertStep): string {
  switch (step.kind) {
    case 'delete-fault-objects':
      return `delete ${step.region}/${step.resource}${step.namespace ? ` in ${step.namespace}` : ''} labelled by the fault`;
    case 'cnpg-instances':
      return `restore ${step.region} CNPG Cluster ${step.namespace}/${step.cluster} to ${step.instances} instances`;
    case 'cnpg-unfence':
      return `lift the fence of ${step.region} CNPG Cluster ${step.namespace}/${step.cluster}`;
    case 'container-start':
      return `${step.runtime} ${containerVerb(step)} ${step.containers.join(' ')}`;
    case 'hcloud-power-on':
      return `hcloud power-on ${step.servers.map((s) => `${s.name} (${s.id})`).join(', ')}`;
  }
}

const containerVerb = (step: Extract<RevertStep, { kind: 'container-start' }>) => (step.mode === 'pause' ? 'unpause' : 'start');

async function executeStep(deps: RevertDeps, faultId: string, step: RevertStep): Promise<string> {
  switch (step.kind) {
    case 'delete-fault-objects':
      return deleteFaultObjects(region(deps, step.region), faultId, step);
    case 'cnpg-instances':
      return patchCluster(deps, step, { spec: { instances: step.instances } });
    case 'cnpg-unfence':
      return patchCluster(deps, step, { metadata: { annotations: { [FENCED_INSTANCES]: null } } });
    case 'container-start': {
      try {
        await run(step.runtime, [containerVerb(step), ...step.containers], { timeout: CONTAINER_TIMEOUT_MS, env: deps.env ?? process.env });
      } catch (e) {
        const err = e as { code?: number | string; stderr?: string; killed?: boolean };
        const why = err.killed ? 'timed out' : `exit ${err.code}${err.stderr ? `: ${err.stderr.trim().split('\n').pop()}` : ''}`;
        throw new RevertError(`failed (${why})`);
      }
      return describeStep(step);
    }
    case 'hcloud-power-on': {
      const api = hcloudApi(deps.env ?? process.env);
      const started = await api.powerOn(step.servers);
      return `hcloud power-on: ${started.join(', ') || 'all already running'}`;
    }
  }
}

async function patchCluster(deps: RevertDeps, step: Extract<RevertStep, { kind: 'cnpg-instances' | 'cnpg-unfence' }>, patch: Record<string, unknown>): Promise<string> {
  try {
    await region(deps, step.region).mergePatch(CNPG_CLUSTERS, step.namespace, step.cluster, patch);
  } catch (e) {
    if ((e as { code?: number }).code === 404) return `${describeStep(step)}: object gone`;
    throw e;
  }
  return describeStep(step);
}

function region(deps: RevertDeps, name: string): RevertDeps['regions'][number] {
  const r = deps.regions.find((x) => x.name === name);
  if (!r) throw new RevertError(`region ${name} is not part of this target (regions: ${deps.regions.map((x) => x.name).join(', ') || 'none'})`);
  return r;
}

async function deleteFaultObjects(r: RevertDeps['regions'][number], faultId: string, step: Extract<RevertStep, { kind: 'delete-fault-objects' }>): Promise<string> {
  try {
    const { items } = await r.list(step.resource, { namespace: step.namespace, labelSelector: `${FAULT_LABEL}=${faultId}` });
    for (const o of items) await r.delete(step.resource, o.metadata.namespace, o.metadata.name);
    return `${describeStep(step)}: ${items.length} deleted`;
  } catch (e) {
    // A resource type that is no longer served cannot hold the object any more.
    if (e instanceof NotServedError) return `${describeStep(step)} (${step.resource} not served)`;
    throw e;
  }
}
