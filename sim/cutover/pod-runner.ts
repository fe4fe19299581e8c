/**
 * A kubelet for the pods kwok leaves alone (the walk's namespace, and pods annotated
 * `sim.openova.io/runtime: host`): once scheduled, it pulls their images (pulls.ts), mounts their
 * ServiceAccount token (a real TokenRequest bound to the pod), runs their containers for real
 * (container.ts), and reports the pod's status as a kubelet does (Running, then each container's
 * exit code and termination message, OnFailure restarts), so the real Job controller completes or
 * fails their Jobs. A pod that is deleted has its containers stopped.
 */
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimRegion } from '../context.js';
import type { KubeObject } from '../kube-client/api.js';
import type { GroupProcess } from '../host/processes.js';
import type { Ownership } from '../host/ownership.js';
import { HOST_RUN_NAMESPACES, RUNTIME } from '../controlplane/kwok-config.js';
import { KUBERNETES_SERVICE_IP } from '../world/start.js';
import { exitCode, startContainer } from './container.js';
import { podIdentity } from './policy-agent.js';
import { pullImage, type Puller } from './pulls.js';

const MANAGER = 'kubelet';
const MESSAGE_LIMIT = 4096;
const RESTART_BACKOFF_MS = 10_000;
const PULL_RETRY_MS = 5000;
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
  terminationMessagePolicy?: string;
}

interface PodSpec {
  nodeName?: string;
  restartPolicy?: string;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  containers: Container[];
}

export interface HostRuntimeOptions {
  region: SimRegion;
  puller: Puller;
  /** Where pods' directories go. */
  dir: string;
  /** PEM of the world's roots (the image's CA bundle) and of the region's CA (the ServiceAccount's ca.crt). */
  rootsPem: string;
  clusterCaPem: string;
  kubectl: string;
  owner: Ownership;
}

interface Run {
  stopped: boolean;
  processes: Set<GroupProcess>;
  timers: Set<NodeJS.Timeout>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function hostRun(pod: KubeObject): boolean {
  return HOST_RUN_NAMESPACES.includes(pod.metadata.namespace ?? '') || pod.metadata.annotations?.[RUNTIME] === 'host';
}

function finished(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export class HostPodRuntime {
  private readonly runs = new Map<string, Run>();
  private unsubscribe?: () => void;

  constructor(private readonly o: HostRuntimeOptions) {}

  start(): void {
    this.unsubscribe = this.o.region.pods.on((type, pod) => {
      const uid = pod.metadata.uid ?? '';
      if (type === 'DELETED' || pod.metadata.deletionTimestamp) {
        this.kill(uid);
        return;
      }
      const spec = pod.spec as unknown as PodSpec;
      if (!hostRun(pod) || !spec.nodeName || this.runs.has(uid) || finished(pod)) return;
      const run: Run = { stopped: false, processes: new Set(), timers: new Set() };
      this.runs.set(uid, run);
      this.runPod(pod, spec, run).catch((err: unknown) => {
        if (!run.stopped) process.stderr.write(`[sim ${this.o.region.name}] host runtime ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}\n`);
      });
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all([...this.runs.keys()].map((uid) => this.kill(uid)));
  }

  private async kill(uid: string): Promise<void> {
    const run = this.runs.get(uid);
    if (!run) return;
    this.runs.delete(uid);
    run.stopped = true;
    for (const t of run.timers) clearTimeout(t);
    await Promise.all([...run.processes].map((p) => p.stop('SIGTERM', 2000)));
  }

  private sleep(run: Run, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        run.timers.delete(t);
        resolve();
      }, ms);
      run.timers.add(t);
    });
  }

  private writeStatus(pod: KubeObject, status: Record<string, unknown>): Promise<unknown> {
    return this.o.region.api.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace } }, { status }, { subresource: 'status', manager: MANAGER });
  }

  private async runPod(pod: KubeObject, spec: PodSpec, run: Run): Promise<void> {
    const startTime = now();
    for (;;) {
      const failure = await this.pull(spec);
      if (run.stopped) return;
      if (!failure) break;
      await this.writeStatus(pod, {
        phase: 'Pending',
        startTime,
        conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: startTime }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: startTime }],
        containerStatuses: spec.containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: failure.reason, message: failure.message } } })),
      });
      await this.sleep(run, PULL_RETRY_MS);
      if (run.stopped) return;
    }
    const podDir = await this.preparePod(pod, spec);
    const restarts = new Map<string, number>();
    const results = await Promise.all(spec.containers.map(async (c) => {
      for (;;) {
        const startedAt = now();
        await this.writeStatus(pod, this.runningStatus(spec, startTime, restarts, c.name, startedAt));
        const code = await this.runContainer(pod, c, podDir, run);
        if (run.stopped) return undefined;
        const message = await this.terminationMessage(podDir, c, code);
        const terminated = { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', ...(message ? { message } : {}), startedAt, finishedAt: now() };
        if (code !== 0 && spec.restartPolicy === 'OnFailure') {
          restarts.set(c.name, (restarts.get(c.name) ?? 0) + 1);
          await this.sleep(run, RESTART_BACKOFF_MS);
          if (run.stopped) return undefined;
          continue;
        }
        return { name: c.name, image: c.image ?? '', imageID: '', ready: false, started: false, restartCount: restarts.get(c.name) ?? 0, state: { terminated } };
      }
    }));
    if (run.stopped || results.some((r) => !r)) return;
    const failed = results.some((r) => r!.state.terminated.exitCode !== 0);
    const at = now();
    await this.writeStatus(pod, {
      phase: failed ? 'Failed' : 'Succeeded',
      startTime,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: startTime },
        { type: 'Initialized', status: 'True', lastTransitionTime: startTime },
        { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: at },
        { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastTransitionTime: at },
      ],
      containerStatuses: results,
    });
  }

  private async pull(spec: PodSpec) {
    for (const c of spec.containers) {
      const failure = c.image ? await pullImage(this.o.puller, c.image, spec.nodeName!) : undefined;
      if (failure) return failure;
    }
    return undefined;
  }

  private runningStatus(spec: PodSpec, startTime: string, restarts: Map<string, number>, name: string, startedAt: string): Record<string, unknown> {
    return {
      phase: 'Running',
      startTime,
      hostIP: '127.0.0.1',
      conditions: ['PodScheduled', 'Initialized', 'Ready', 'ContainersReady'].map((type) => ({ type, status: 'True', lastTransitionTime: startTime })),
      containerStatuses: spec.containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, started: true, restartCount: restarts.get(c.name) ?? 0, state: { running: { startedAt: c.name === name ? startedAt : startTime } } })),
    };
  }

  /** The pod's volumes: ServiceAccount token (TokenRequest bound to the pod), CA bundle, kubectl. */
  private async preparePod(pod: KubeObject, spec: PodSpec): Promise<string> {
    const ns = pod.metadata.namespace!;
    const podDir = join(this.o.dir, `${ns}_${pod.metadata.name}_${pod.metadata.uid}`);
    await mkdir(join(podDir, 'bin'), { recursive: true });
    await writeFile(join(podDir, 'ca-certificates.crt'), this.o.rootsPem);
    await symlink(this.o.kubectl, join(podDir, 'bin', 'kubectl')).catch(() => {});
    if (spec.automountServiceAccountToken !== false) {
      const sa = spec.serviceAccountName ?? 'default';
      const tr = await this.o.region.api.rest.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid } },
      });
      const saDir = join(podDir, 'serviceaccount');
      await mkdir(saDir, { recursive: true });
      await Promise.all([writeFile(join(saDir, 'token'), tr.status.token), writeFile(join(saDir, 'ca.crt'), this.o.clusterCaPem), writeFile(join(saDir, 'namespace'), ns)]);
      await chmod(join(saDir, 'token'), 0o600);
    }
    return podDir;
  }

  private async runContainer(pod: KubeObject, c: Container, podDir: string, run: Run): Promise<number> {
    const command = [...(c.command ?? []), ...(c.args ?? [])];
    if (!command.length) return 127;
    const field = (path?: string) => (path === 'metadata.name' ? pod.metadata.name : path === 'metadata.namespace' ? pod.metadata.namespace! : '');
    const proxy = `http://${encodeURIComponent(podIdentity(pod.metadata.namespace!, pod.metadata.name))}@${new URL(this.o.region.proxy.url).host}`;
    const env: Record<string, string> = {
      PATH: `${join(podDir, 'bin')}:${PATH}`,
      HOME: '/root',
      HOSTNAME: pod.metadata.name,
      KUBERNETES_SERVICE_HOST: KUBERNETES_SERVICE_IP,
      KUBERNETES_SERVICE_PORT: '443',
      HTTPS_PROXY: proxy,
      HTTP_PROXY: proxy,
      https_proxy: proxy,
      http_proxy: proxy,
      ...Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? field(e.valueFrom?.fieldRef?.fieldPath)])),
    };
    const terminationLog = join(podDir, `${c.name}.termination-log`);
    await writeFile(terminationLog, '');
    const p = startContainer({ podDir, terminationLog, command, env, logPath: join(podDir, `${c.name}.log`), owner: this.o.owner });
    run.processes.add(p);
    try {
      return await exitCode(p);
    } finally {
      run.processes.delete(p);
    }
  }

  /** The termination-log file, or (FallbackToLogsOnError, on failure) the log's tail. */
  private async terminationMessage(podDir: string, c: Container, code: number): Promise<string> {
    const file = await readFile(join(podDir, `${c.name}.termination-log`), 'utf8').catch(() => '');
    if (file || code === 0 || c.terminationMessagePolicy !== 'FallbackToLogsOnError') return file.slice(0, MESSAGE_LIMIT);
    const log = await readFile(join(podDir, `${c.name}.log`), 'utf8').catch(() => '');
    return log.split('\n').slice(-80).join('\n').slice(-2048);
  }
}
