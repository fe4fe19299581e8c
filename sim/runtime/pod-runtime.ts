/**
 * The container runtime of a region, for what must answer on the network: kwok reports pods
 * Running and Ready but runs nothing, so for every Ready pod of a known product this serves the
 * product's model on the pod's IP and container ports (the IPs kwok assigned from the node's pod
 * CIDR) through the region's pod relay, starts the real server a product needs (Valkey's
 * redis-server, on a unix socket the relay forwards to), and registers the pod's exec environment
 * with kwok. A pod that stops being Ready stops answering; so does every pod of a region that
 * loses power, with its relay.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { issueLeaf, type SimCa } from '../pki/tls.js';
import { join } from 'node:path';
import type { Informer, KubeObject, WorldApi } from '../kube-client/api.js';
import { spawnGroup, type GroupProcess } from '../host/processes.js';
import type { Ownership } from '../host/ownership.js';
import type { PodRelay } from '../host/pod-relay.js';
import { productFor } from '../products/catalog.js';
import { productListener } from '../products/http.js';
import type { ProductAnswer, ProductModel, ProductRequest, ProductState } from '../products/types.js';

export interface PodRuntimeOptions {
  region: string;
  sovereign: string;
  api: WorldApi;
  pods: Informer;
  owner: Ownership;
  /** Where the pods' ports reach the region's network. */
  relay: PodRelay;
  /** Where a product's real servers keep their logs. */
  logDir: string;
  /** The cluster's CA, which signs the serving certificates of TLS products (webhooks). */
  ca: SimCa;
  /** The next hop of proxying products (the WAF's backend, the console's API), by component. */
  upstreamFor?(component: string, product: string): ((req: ProductRequest) => Promise<ProductAnswer>) | undefined;
}

interface Running {
  ip: string;
  model?: ProductModel;
  state?: ProductState;
  servers: Server[];
  ports: number[];
  processes: GroupProcess[];
}

const VALKEY_PORT = 6379;
const SOCKET_WAIT_MS = 10_000;

/** The exec environment kwok gives a command run in the pod (`kubectl exec`). */
function execObject(pod: KubeObject, ip: string): Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace: string; ownerReferences: unknown[] } } {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Exec',
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace!,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid!, controller: false }],
    },
    spec: {
      execs: [{
        local: {
          envs: [
            { name: 'SW_POD_IP', value: ip },
            { name: 'SW_POD_NAMESPACE', value: pod.metadata.namespace! },
            { name: 'SW_POD_NAME', value: pod.metadata.name },
          ],
        },
      }],
    },
  };
}

function podReady(pod: KubeObject): string | undefined {
  const status = pod.status as { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
  if (pod.metadata.deletionTimestamp || status?.phase !== 'Running' || !status.podIP) return undefined;
  return status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? status.podIP : undefined;
}

/** Resolves once a server has made its unix socket. */
async function socketMade(path: string, server: GroupProcess): Promise<void> {
  const deadline = Date.now() + SOCKET_WAIT_MS;
  while (!existsSync(path)) {
    if (!server.alive() || Date.now() > deadline) throw new Error(`${path} was not made (${server.alive() ? 'timed out' : 'the server exited'})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class PodRuntime {
  private readonly running = new Map<string, Running>();
  /** Faults on a product's state (a planted bundle, a sealed vault), for its running and future pods. */
  private readonly productFaults = new Map<string, ((state: ProductState) => void)[]>();
  private readonly pending = new Map<string, Promise<void>>();
  private unsubscribe?: () => void;

  constructor(private readonly o: PodRuntimeOptions) {}

  start(): void {
    this.unsubscribe = this.o.pods.on((type, pod) => this.sync(type === 'DELETED' ? undefined : pod, `${pod.metadata.namespace}/${pod.metadata.name}`));
  }

  /** Changes the state of every pod of `product`, now and when new pods of it start. */
  faultProduct(product: string, mutate: (state: ProductState) => void): void {
    this.productFaults.set(product, [...(this.productFaults.get(product) ?? []), mutate]);
    for (const run of this.running.values()) if (run.model?.product === product && run.state) mutate(run.state);
  }

  private sync(pod: KubeObject | undefined, key: string): void {
    const prev = this.pending.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.reconcile(pod, key)).catch((err: unknown) => {
      process.stderr.write(`[sim ${this.o.region}] pod runtime ${key}: ${(err as Error).message}\n`);
    });
    this.pending.set(key, next);
  }

  private async reconcile(pod: KubeObject | undefined, key: string): Promise<void> {
    const ip = pod ? podReady(pod) : undefined;
    const current = this.running.get(key);
    if (current && current.ip === ip) return;
    if (current) await this.stopPod(key, current);
    if (!pod || !ip) return;
    const component = pod.metadata.labels?.['app.kubernetes.io/part-of'] ?? '';
    const workload = pod.metadata.labels?.['app.kubernetes.io/name'] ?? '';
    const model = productFor(component, workload);
    const run: Running = { ip, servers: [], ports: [], processes: [] };
    this.running.set(key, run);
    if (model) {
      run.model = model;
      run.state = model.initialState();
      for (const mutate of this.productFaults.get(model.product) ?? []) mutate(run.state);
      const upstream = this.o.upstreamFor?.(component, model.product);
      const handler = productListener(model, { sovereign: this.o.sovereign, namespace: pod.metadata.namespace!, pod: pod.metadata.name, state: run.state, ...(upstream ? { upstream } : {}) });
      if (model.listensWhileNotReady || run.state.ready) {
        const ns = pod.metadata.namespace!;
        const tls = model.tls ? await issueLeaf(this.o.ca, [`*.${ns}.svc`, `*.${ns}.svc.cluster.local`, ip]) : undefined;
        for (const port of model.ports) {
          const server = tls ? createTlsServer({ cert: tls.certPem, key: tls.keyPem }, handler) : createServer(handler);
          server.keepAliveTimeout = 5_000;
          run.servers.push(server);
          run.ports.push(port);
          await this.o.relay.serve(server, ip, port);
        }
      }
    }
    if (component === 'valkey') {
      const socket = this.o.relay.socketPath(`redis-${ip}`);
      const redis = spawnGroup('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'],
        { env: process.env, logPath: join(this.o.logDir, `redis-${pod.metadata.name}.log`), owner: this.o.owner });
      run.processes.push(redis);
      run.ports.push(VALKEY_PORT);
      await socketMade(socket, redis);
      await this.o.relay.forward(socket, ip, VALKEY_PORT);
    }
    await this.o.api.apply(execObject(pod, ip), 'kwok-exec-config');
  }

  private async stopPod(key: string, run: Running): Promise<void> {
    this.running.delete(key);
    for (const port of run.ports) this.o.relay.withdraw(run.ip, port);
    for (const server of run.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const p of run.processes) await p.stop('SIGTERM', 2_000);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.pending.values()]);
    for (const [key, run] of [...this.running]) await this.stopPod(key, run);
  }
}
