/**
 * Carries out RevertSteps. Every step is idempotent (deleting what is gone, signalling a dead
 * process, powering on a running server are no-ops), so the same fault may be reverted by its
 * own run, by a signal handler and by the next run's janitor without harm.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RegionClient } from '../target/kube.js';
import { describeError } from '../target/objects.js';
import { NotServedError } from '../target/errors.js';
import { redact, registerSecret } from '../evidence/redact.js';
import type { RevertStep } from './types.js';

const run = promisify(execFile);

export interface RevertDeps {
  regions: readonly Pick<RegionClient, 'name' | 'list' | 'delete' | 'mergePatch'>[];
  env?: NodeJS.ProcessEnv;
}

export class RevertError extends Error {
  override name = 'RevertError';
}

/** Runs every step (even after one fails); returns what each did, or throws naming every failure. */
export async function executeRevert(deps: RevertDeps, steps: readonly RevertStep[]): Promise<string[]> {
  const done: string[] = [];
  const failed: string[] = [];
  for (const step of steps) {
    try {
      done.push(await executeStep(deps, step));
    } catch (e) {
      failed.push(`${describeStep(step)}: ${e instanceof RevertError ? e.message : describeError(e)}`);
    }
  }
  if (failed.length) throw new RevertError(redact(failed.join('; ')));
  return done;
}

export function describeStep(step: RevertStep): string {
  switch (step.kind) {
    case 'k8s-delete':
      return `delete ${step.region}/${step.resource}${step.namespace ? `/${step.namespace}` : ''}${step.name ? `/${step.name}` : ''}${step.labelSelector ? ` [${step.labelSelector}]` : ''}`;
    case 'k8s-merge-patch':
      return `restore ${step.region}/${step.resource}${step.namespace ? `/${step.namespace}` : ''}/${step.name}`;
    case 'process-signal':
      return `${step.signal} to pid ${step.pids.join(',')}`;
    case 'command':
      return `run ${step.argv.join(' ')}`;
    case 'hcloud-power-on':
      return `hcloud power-on [${step.labelSelector}]`;
  }
}

async function executeStep(deps: RevertDeps, step: RevertStep): Promise<string> {
  switch (step.kind) {
    case 'k8s-delete':
      return k8sDelete(region(deps, step.region), step);
    case 'k8s-merge-patch': {
      const r = region(deps, step.region);
      try {
        await r.mergePatch(step.resource, step.namespace, step.name, step.patch);
      } catch (e) {
        if ((e as { code?: number }).code === 404) return `${describeStep(step)}: object gone`;
        throw e;
      }
      return describeStep(step);
    }
    case 'process-signal': {
      const out: string[] = [];
      for (const pid of step.pids) {
        try {
          process.kill(pid, step.signal);
          out.push(`${step.signal} → ${pid}`);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
          out.push(`${pid} gone`);
        }
      }
      return out.join(', ');
    }
    case 'command': {
      const [cmd, ...args] = step.argv;
      if (!cmd) throw new RevertError('empty command');
      try {
        await run(cmd, args, { timeout: step.timeoutMs ?? 60_000, env: deps.env ?? process.env });
      } catch (e) {
        const err = e as { code?: number | string; stderr?: string; killed?: boolean };
        const why = err.killed ? 'timed out' : `exit ${err.code}${err.stderr ? `: ${err.stderr.trim().split('\n').pop()}` : ''}`;
        throw new RevertError(`failed (${why})`);
      }
      return describeStep(step);
    }
    case 'hcloud-power-on':
      return hcloudPowerOn(step.labelSelector, deps.env ?? process.env);
  }
}

function region(deps: RevertDeps, name: string): RevertDeps['regions'][number] {
  const r = deps.regions.find((x) => x.name === name);
  if (!r) throw new RevertError(`region ${name} is not part of this target (regions: ${deps.regions.map((x) => x.name).join(', ') || 'none'})`);
  return r;
}

async function k8sDelete(r: RevertDeps['regions'][number], step: Extract<RevertStep, { kind: 'k8s-delete' }>): Promise<string> {
  try {
    if (step.name) {
      const existed = await r.delete(step.resource, step.namespace, step.name);
      return `${describeStep(step)}${existed ? '' : ' (already gone)'}`;
    }
    if (!step.labelSelector) throw new RevertError('k8s-delete needs a name or a labelSelector');
    const { items } = await r.list(step.resource, { namespace: step.namespace, labelSelector: step.labelSelector });
    for (const o of items) await r.delete(step.resource, o.metadata.namespace, o.metadata.name);
    return `${describeStep(step)}: ${items.length} deleted`;
  } catch (e) {
    // A resource type that is no longer served cannot hold the object any more.
    if (e instanceof NotServedError) return `${describeStep(step)} (${step.resource} not served)`;
    throw e;
  }
}

interface HcloudServer {
  id: number;
  name: string;
  status: string;
}

async function hcloudPowerOn(labelSelector: string, env: NodeJS.ProcessEnv): Promise<string> {
  const token = env.HCLOUD_TOKEN;
  if (!token) throw new RevertError('HCLOUD_TOKEN is not set');
  registerSecret(token);
  const base = (env.HCLOUD_ENDPOINT ?? 'https://api.hetzner.cloud/v1').replace(/\/$/, '');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const res = await fetch(`${base}/servers?label_selector=${encodeURIComponent(labelSelector)}&per_page=50`, { headers, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new RevertError(`hcloud list servers: HTTP ${res.status}`);
  const { servers } = (await res.json()) as { servers: HcloudServer[] };
  const off = servers.filter((s) => s.status !== 'running' && s.status !== 'starting' && s.status !== 'initializing');
  for (const s of off) {
    const p = await fetch(`${base}/servers/${s.id}/actions/poweron`, { method: 'POST', headers, signal: AbortSignal.timeout(30_000) });
    if (!p.ok) throw new RevertError(`hcloud power-on ${s.name}: HTTP ${p.status}`);
  }
  return `hcloud power-on [${labelSelector}]: ${off.map((s) => s.name).join(', ') || 'all running'}`;
}
