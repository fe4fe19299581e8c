/** `kubectl exec` into a pod of the named workload and judge its output. */
import type { ExecCheck } from '../../src/kit/types.js';
import type { KubeObject } from '../../src/target/objects.js';
import { outcome, type ProbeEnv, type ProbeOutcome } from './types.js';

const KINDS: Record<string, string> = { deploy: 'deployments.apps', deployment: 'deployments.apps', sts: 'statefulsets.apps', statefulset: 'statefulsets.apps', ds: 'daemonsets.apps', daemonset: 'daemonsets.apps' };

/** The API resources the probe reads to find its pod: the target workload's (or the pod's) and pods. */
export function execReads(check: ExecCheck): string[] {
  const owner = KINDS[check.target.split('/')[0]];
  return owner ? [owner, 'pods'] : ['pods'];
}

async function pickPod(check: ExecCheck, env: ProbeEnv): Promise<KubeObject | string> {
  const [kind, name] = check.target.split('/');
  if (!name) return `exec target ${check.target} must be <kind>/<name>`;
  if (kind === 'pod' || kind === 'po') return (await env.region.get('pods', check.namespace, name)) ?? `pod ${check.namespace}/${name} not found`;
  const resource = KINDS[kind];
  if (!resource) return `exec target kind ${kind} is not one of deploy, sts, ds, pod`;
  const owner = await env.region.get(resource, check.namespace, name);
  if (!owner) return `${check.target} not found in ${check.namespace}`;
  const labels = ((owner.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels) ?? {};
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return `${check.target} has no spec.selector.matchLabels`;
  const pods = (await env.region.list('pods', { namespace: check.namespace, labelSelector: selector })).items;
  const running = pods.find((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
  return running ?? `no Running pod of ${check.target} (${pods.length} pods match ${selector})`;
}

export async function probeExec(check: ExecCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const pod = await pickPod(check, env);
  if (typeof pod === 'string') return outcome(false, pod);
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
  const container = check.container ?? containers[0] ?? '';
  const r = await env.region.exec(check.namespace, pod.metadata.name, container, check.command, 30_000);
  const observed = { pod: pod.metadata.name, container, command: check.command, ...r };
  const cmd = `exec ${pod.metadata.name} -- ${check.command.join(' ')}`;
  if (r.exitCode !== 0) return outcome(false, `${cmd} exited ${r.exitCode}${r.stderr ? `: ${r.stderr.trim().slice(0, 200)}` : ''}`, { observed });
  if (check.expectStdout !== undefined && !r.stdout.includes(check.expectStdout)) return outcome(false, `${cmd} printed ${JSON.stringify(r.stdout.trim().slice(0, 200))}, want ${JSON.stringify(check.expectStdout)}`, { observed });
  if (check.expectNoStderr !== undefined && r.stderr.toLowerCase().includes(check.expectNoStderr.toLowerCase())) return outcome(false, `${cmd} stderr contains ${JSON.stringify(check.expectNoStderr)}: ${r.stderr.trim().slice(0, 200)}`, { observed });
  return outcome(true, `${cmd} → ${JSON.stringify(r.stdout.trim().slice(0, 80))}`, { observed });
}
