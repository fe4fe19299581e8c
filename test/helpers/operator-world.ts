/** A region as operator models see it, built by hand: objects, and which workloads are ready. */
import type { KubeObject } from '../../sim/kube-client/api.js';
import type { OperatorModel, OperatorWorld } from '../../sim/operators/types.js';

export const SOVEREIGN = 'omantel.example';

export class FakeWorld implements OperatorWorld {
  readonly sovereign = SOVEREIGN;
  private readonly objects: KubeObject[] = [];
  private readonly ready = new Set<string>();

  add(...objs: KubeObject[]): this {
    for (const o of objs) {
      const i = this.objects.findIndex((x) => x.apiVersion === o.apiVersion && x.kind === o.kind && x.metadata.namespace === o.metadata.namespace && x.metadata.name === o.metadata.name);
      if (i >= 0) this.objects.splice(i, 1);
      this.objects.push(o);
    }
    return this;
  }

  remove(kind: string, namespace: string | undefined, name: string): this {
    const i = this.objects.findIndex((x) => x.kind === kind && x.metadata.namespace === namespace && x.metadata.name === name);
    if (i >= 0) this.objects.splice(i, 1);
    return this;
  }

  /** Marks a workload ready (or not); its Deployment object, if any, is not touched. */
  setReady(kind: string, namespace: string, name: string, ready = true): this {
    const key = `${kind}/${namespace}/${name}`;
    if (ready) this.ready.add(key);
    else this.ready.delete(key);
    return this;
  }

  /** The operator of `model` running. */
  operatorUp(model: OperatorModel): this {
    return this.setReady(model.workload.kind, model.workload.namespace, model.workload.name);
  }

  workloadReady(kind: string, namespace: string, name: string): boolean {
    return this.ready.has(`${kind}/${namespace}/${name}`);
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.find((o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  }

  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    return this.objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
  }
}

/** An object as the API server stores it: the chart's body, generation 1. */
export function stored(apiVersion: string, kind: string, name: string, namespace: string | undefined, body: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), generation: 1, uid: `uid-${name}` }, ...body, ...(status ? { status } : {}) } as KubeObject;
}

export function pod(namespace: string, name: string, labels: Record<string, string>, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    status: { phase: 'Running', podIP: '10.244.0.10', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as KubeObject;
}

export function service(namespace: string, name: string, selector: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: '10.96.0.42', selector, ...extra } } as KubeObject;
}

/** A Deployment with the status the Deployment controller writes. */
export function deployment(namespace: string, name: string, o: { replicas?: number; ready?: number; image?: string; labels?: Record<string, string> } = {}): KubeObject {
  const replicas = o.replicas ?? 1;
  const ready = o.ready ?? replicas;
  const available = ready >= replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: o.labels ?? {} },
    spec: { replicas, template: { spec: { containers: [{ name: 'main', image: o.image ?? 'example/image:1' }] } } },
    status: {
      replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        available
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: '2026-01-01T00:00:00Z' }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    },
  } as KubeObject;
}

export function conditionOf(status: Record<string, unknown> | undefined, type: string): Record<string, unknown> | undefined {
  return (status?.conditions as Record<string, unknown>[] | undefined)?.find((c) => c.type === type);
}
