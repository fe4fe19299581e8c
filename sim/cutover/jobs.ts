/**
 * The Job controller for the two Jobs the cutover walk runs in a Sovereign: the call-home probe
 * (curl each URL, one `<url> rc=<curl exit> http=<code>` line per URL in the termination
 * message) and the egress-block backstop (sleep until the policy's expiry, then delete it).
 * Their pods are started by the region's kubelet model like any pod (so image pulls follow the
 * pull model); what the container does is played here, by the sim's network rule.
 */
import { randomBytes } from 'node:crypto';
import type { SimNet, SimRegion } from '../context.js';
import type { KubeObject } from '../kube/types.js';
import { JOB, POD } from '../resources.js';
import { create, inform, record, rfc3339, writeStatus } from '../runtime/objects.js';

const CONTROLLER = 'kube-controller-manager';
const KUBELET = 'k3s';
export const PROBE_LABEL = 'sovereign-walk.openova.io/probe';
export const ROLE_LABEL = 'sovereign-walk.openova.io/role';
/** How long a blocked curl takes on the sim (a real one waits for its 5 s timeout). */
const BLOCKED_CURL_MS = 60;

type JobKind = 'probe' | 'backstop';

function kindOf(job: KubeObject): JobKind | undefined {
  const labels = job.metadata.labels ?? {};
  if (labels[PROBE_LABEL]) return 'probe';
  if (labels[ROLE_LABEL] === 'backstop') return 'backstop';
  return undefined;
}

function env(pod: KubeObject, name: string): string {
  const c = ((record(pod.spec).containers as { env?: { name: string; value?: string }[] }[] | undefined) ?? [])[0];
  return c?.env?.find((e) => e.name === name)?.value ?? '';
}

function ownerJob(pod: KubeObject): string | undefined {
  return (pod.metadata.ownerReferences ?? []).find((r) => r.kind === 'Job' && r.controller)?.name;
}

/** `/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/x`, `/apis/networking.k8s.io/v1/namespaces/n/networkpolicies/x`. */
function parseObjectPath(path: string): { group: string; version: string; plural: string; namespace?: string; name: string } | undefined {
  const m = /^\/apis\/([^/]+)\/([^/]+)\/(?:namespaces\/([^/]+)\/)?([^/]+)\/([^/]+)$/.exec(path) ?? /^\/api\/(v1)\/(?:namespaces\/([^/]+)\/)?([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  return m.length === 6 ? { group: m[1], version: m[2], namespace: m[3], plural: m[4], name: m[5] } : { group: '', version: m[1], namespace: m[2], plural: m[3], name: m[4] };
}

export function installCutoverJobs(region: SimRegion, net: SimNet): () => void {
  const { store } = region;
  const timers = new Map<string, NodeJS.Timeout>();
  const played = new Set<string>();

  const finishJob = (ns: string, name: string, ok: boolean) => {
    writeStatus(store, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns } }, CONTROLLER, (o) => {
      const now = rfc3339();
      const type = ok ? 'Complete' : 'Failed';
      const reason = ok ? 'CompletionsReached' : 'BackoffLimitExceeded';
      const message = ok ? 'Reached expected number of succeeded pods' : 'Job has reached the specified backoff limit';
      o.status = {
        ...record(o.status),
        active: 0,
        ...(ok ? { succeeded: 1, completionTime: now } : { failed: 1 }),
        conditions: [{ type, status: 'True', reason, message, lastProbeTime: now, lastTransitionTime: now }],
      };
    });
  };

  const terminate = (pod: KubeObject, exitCode: number, message: string) => {
    const now = rfc3339();
    writeStatus(store, pod, KUBELET, (o) => {
      const s = record(o.status);
      const statuses = (s.containerStatuses as Record<string, unknown>[] | undefined) ?? [];
      o.status = {
        ...s,
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastProbeTime: null, lastTransitionTime: now }],
        containerStatuses: statuses.map((c) => ({
          ...c,
          ready: false,
          started: false,
          state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', message, startedAt: record(record(c.state).running).startedAt ?? now, finishedAt: now } },
        })),
      };
    });
    const job = ownerJob(pod);
    if (job) finishJob(pod.metadata.namespace ?? '', job, exitCode === 0);
  };

  const playProbe = (pod: KubeObject) => {
    const ns = pod.metadata.namespace ?? '';
    const urls = env(pod, 'URLS').split(/\s+/).filter(Boolean);
    const lines = urls.map((u) => (net.canReach(ns, u) ? `${u} rc=0 http=200` : `${u} rc=28 http=000`));
    const reached = lines.filter((l) => l.includes(' rc=0 ')).length;
    const key = `${ns}/${pod.metadata.name}`;
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      terminate(pod, reached, `${lines.join('\n')}\n`);
    }, BLOCKED_CURL_MS * (urls.length - reached)));
  };

  const playBackstop = (pod: KubeObject) => {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const due = Number(env(pod, 'EXPIRES_AT_EPOCH')) * 1000;
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      const out: string[] = [];
      for (const path of env(pod, 'DELETE_PATHS').split(/\s+/).filter(Boolean)) {
        const p = parseObjectPath(path);
        const rt = p && store.typeByPlural(p.group, p.version, p.plural);
        const gone = rt && store.delete(p.group ? `${p.group}/${p.version}` : p.version, rt.kind, p.namespace, p.name);
        out.push(`DELETE ${path} -> ${gone ? 200 : 404}`);
      }
      terminate(pod, 0, `${out.join('\n')}\n`);
    }, Math.max(0, due - Date.now())));
  };

  const unsubscribe = [
    inform(store, JOB, (type, job) => {
      const kind = kindOf(job);
      if (!kind || type !== 'ADDED' || record(job.status).startTime) return;
      const ns = job.metadata.namespace ?? '';
      const template = record(record(job.spec).template);
      const labels = { ...(record(record(template.metadata).labels) as Record<string, string>), 'batch.kubernetes.io/job-name': job.metadata.name, 'job-name': job.metadata.name };
      writeStatus(store, job, CONTROLLER, (o) => {
        o.status = { startTime: rfc3339(), active: 1 };
      });
      create(
        store,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`,
            namespace: ns,
            labels,
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: { ...record(template.spec) },
        },
        CONTROLLER,
      );
    }),
    inform(store, POD, (type, pod) => {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (type === 'DELETED') {
        clearTimeout(timers.get(key));
        timers.delete(key);
        played.delete(key);
        return;
      }
      const jobName = ownerJob(pod);
      const job = jobName ? store.get('batch/v1', 'Job', pod.metadata.namespace, jobName) : undefined;
      const kind = job && kindOf(job);
      if (!kind || played.has(key) || record(pod.status).phase !== 'Running') return;
      played.add(key);
      if (kind === 'probe') playProbe(pod);
      else playBackstop(pod);
    }),
  ];

  return () => {
    for (const u of unsubscribe) u();
    for (const t of timers.values()) clearTimeout(t);
  };
}
