/**
 * Runs the operator models in a region: watches each model's kinds (once their CRDs are served, as
 * an operator's informers start once its chart installed them) and the workloads, pods, secrets and
 * services a model reads; after any change it asks every model for each of its objects' status
 * and owned objects, and applies what differs through the API server (status subresource,
 * server-side apply), each operator under its own field manager.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Informer, KubeObject, WorldApi } from '../kube-client/api.js';
import { OPERATORS } from './catalog.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const BASE_KINDS: [string, string][] = [
  ['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
  ['v1', 'Pod'], ['v1', 'Secret'], ['v1', 'Service'], ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
];
const RESYNC_DEBOUNCE_MS = 100;
const UNSERVED_RETRY_MS = 2_000;

function workloadReady(o: KubeObject | undefined): boolean {
  if (!o) return false;
  const s = (o.status ?? {}) as Record<string, number | undefined>;
  if ((s.observedGeneration ?? 0) < (o.metadata.generation ?? 0)) return false;
  if (o.kind === 'DaemonSet') return (s.desiredNumberScheduled ?? 0) > 0 && s.numberReady === s.desiredNumberScheduled;
  const want = ((o.spec ?? {}) as { replicas?: number }).replicas ?? 1;
  return want > 0 && (s.readyReplicas ?? 0) >= want && (o.kind === 'StatefulSet' || (s.availableReplicas ?? 0) >= want);
}

/** Only the fields a model writes: what the API server added (e.g. defaulted) does not count as a difference. */
function covers(current: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') return isDeepStrictEqual(current, wanted);
  if (Array.isArray(wanted)) return Array.isArray(current) && current.length === wanted.length && wanted.every((w, i) => covers(current[i], w));
  if (current === null || typeof current !== 'object') return false;
  return Object.entries(wanted).every(([k, v]) => covers((current as Record<string, unknown>)[k], v));
}

export class OperatorRunner {
  private readonly informers = new Map<string, Informer>();
  private readonly stops: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  private readonly world: OperatorWorld;

  constructor(private readonly api: WorldApi, sovereign: string, private readonly loadBalancerIp: string, private readonly caPem: string, private readonly onError: (err: unknown) => void) {
    this.world = {
      sovereign,
      workloadReady: (kind, namespace, name) => workloadReady(this.informers.get(`apps/v1|${kind}`)?.get(namespace, name)),
      get: (apiVersion, kind, namespace, name) => this.informers.get(`${apiVersion}|${kind}`)?.get(namespace, name),
      list: (apiVersion, kind, namespace) => this.informers.get(`${apiVersion}|${kind}`)?.list(namespace) ?? [],
    };
  }

  async start(): Promise<void> {
    await Promise.all(BASE_KINDS.map(([v, k]) => this.watch(v, k)));
    for (const op of OPERATORS) {
      for (const [kind, version] of Object.entries(op.kinds)) void this.watchWhenServed(`${op.group}/${version}`, kind);
      for (const [apiVersion, kind] of op.watches ?? []) void this.watchWhenServed(apiVersion, kind);
    }
    this.schedule();
  }

  private async watch(apiVersion: string, kind: string): Promise<void> {
    const inf = await this.api.informer(apiVersion, kind);
    if (this.stopped) {
      inf.stop();
      return;
    }
    this.informers.set(`${apiVersion}|${kind}`, inf);
    this.stops.push(inf.on(() => this.schedule(), false), () => inf.stop());
  }

  private async watchWhenServed(apiVersion: string, kind: string): Promise<void> {
    while (!this.stopped) {
      try {
        await this.watch(apiVersion, kind);
        this.schedule();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, UNSERVED_RETRY_MS));
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.resync(), RESYNC_DEBOUNCE_MS);
  }

  private async resync(): Promise<void> {
    this.running = true;
    try {
      await this.loadBalancers();
      for (const op of OPERATORS) await this.injectCaBundles(op);
      for (const op of OPERATORS) {
        for (const [kind, version] of Object.entries(op.kinds)) {
          for (const obj of this.informers.get(`${op.group}/${version}|${kind}`)?.list() ?? []) await this.reconcile(op, obj);
        }
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  /** A running webhook operator puts the CA of its serving certificate into the CRDs it converts. */
  private async injectCaBundles(op: OperatorModel): Promise<void> {
    const hook = op.webhook;
    if (!hook || !this.world.workloadReady(op.workload.kind, op.workload.namespace, op.workload.name)) return;
    const caBundle = Buffer.from(this.caPem).toString('base64');
    for (const name of hook.crds) {
      const crd = this.world.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
      const current = (crd?.spec as { conversion?: { webhook?: { clientConfig?: { caBundle?: string } } } } | undefined)?.conversion?.webhook?.clientConfig?.caBundle;
      if (!crd || current === caBundle) continue;
      await this.api.mergePatch({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } }, { spec: { conversion: { webhook: { clientConfig: { caBundle } } } } }, { manager: op.workload.name });
    }
  }

  private async reconcile(op: OperatorModel, obj: KubeObject): Promise<void> {
    const manager = op.workload.name;
    for (const owned of op.owned?.(obj, this.world) ?? []) {
      const o = owned as Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
      const current = this.world.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      const { status: _status, ...body } = o;
      const { ownerReferences: _refs, ...metadata } = o.metadata as Record<string, unknown>;
      if (current && covers(current, { ...body, metadata }) && (!o.status || covers(current.status, o.status))) continue;
      await this.api.apply({ ...body, metadata: { ...o.metadata, ownerReferences: [{ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid!, controller: true, blockOwnerDeletion: true }] } } as typeof o, manager);
      if (o.status) await this.api.applyStatus({ ...o, status: o.status as Record<string, unknown> }, manager);
    }
    const status = op.status(obj, this.world);
    if (!status || covers(obj.status, status)) return;
    await this.api.applyStatus({ apiVersion: obj.apiVersion!, kind: obj.kind!, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace }, status }, manager);
  }

  /**
   * The cloud's load balancers (Hetzner's, through hcloud-cloud-controller-manager): every Service of
   * type LoadBalancer gets the region's load-balancer address.
   */
  private async loadBalancers(): Promise<void> {
    for (const svc of this.informers.get('v1|Service')?.list() ?? []) {
      if ((svc.spec as { type?: string } | undefined)?.type !== 'LoadBalancer') continue;
      const status = { loadBalancer: { ingress: [{ ip: this.loadBalancerIp, ipMode: 'VIP' }] } };
      if (covers(svc.status, status)) continue;
      await this.api.applyStatus({ apiVersion: 'v1', kind: 'Service', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace }, status }, 'hcloud-cloud-controller-manager');
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const stop of this.stops.splice(0)) stop();
  }
}
