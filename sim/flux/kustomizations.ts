/**
 * kustomize-controller for one region: a Kustomization applies its source's artifact. Like the
 * real controller it keeps applying the last artifact while the source fails to fetch, and
 * reports `ArtifactFailed` only while the source has never produced one. It reconciles every
 * interval, on a generation or `reconcile.fluxcd.io/requestedAt` change, and when its source's
 * revision changes.
 */
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject } from '../kube/types.js';
import { GITREPOSITORY_TYPE, KUSTOMIZATION_TYPE, OCIREPOSITORY_TYPE } from '../resources.js';
import { WorkQueue, between, sleep } from '../runtime/queue.js';
import { inform, record, removeCondition, setCondition, statusOf, writeStatus } from '../runtime/objects.js';
import { FLUX_NS, KS_API, OCI_SOURCE_API, SOURCE_API, intervalMs, requestedAt, sortFluxConditions } from './model.js';

const MANAGER = 'kustomize-controller';

function sourceOf(ks: KubeObject): { kind: string; namespace: string; name: string } {
  const ref = record(record(ks.spec).sourceRef);
  return { kind: String(ref.kind ?? 'GitRepository'), namespace: typeof ref.namespace === 'string' ? ref.namespace : ks.metadata.namespace ?? FLUX_NS, name: String(ref.name ?? '') };
}

export function installKustomizationController(store: ObjectStore, onError: (err: unknown, key?: string) => void): () => void {
  const seen = new Map<string, { generation: number; requestedAt?: string }>();
  const sourceRevision = new Map<string, string | undefined>();

  const queue = new WorkQueue(async (key, signal) => {
    const [ns, name] = key.split('/');
    const ks = store.get(KS_API, 'Kustomization', ns, name);
    if (!ks || record(ks.spec).suspend === true) return;
    const ref = sourceOf(ks);
    const source = store.get(ref.kind === 'OCIRepository' ? OCI_SOURCE_API : SOURCE_API, ref.kind, ref.namespace, ref.name);
    const revision = record(record(source?.status).artifact).revision;
    const finish = (o: KubeObject) => {
      sortFluxConditions(o);
      const status = statusOf(o);
      status.observedGeneration = o.metadata.generation;
      const handled = requestedAt(o);
      if (handled !== undefined) status.lastHandledReconcileAt = handled;
    };
    if (!source || typeof revision !== 'string') {
      const message = source ? 'Source artifact not found, retrying in 30s' : `Source '${ref.kind}/${ref.namespace}/${ref.name}' not found`;
      writeStatus(store, ks, MANAGER, (o) => {
        setCondition(o, { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message });
        finish(o);
      });
      queue.enqueue(key, intervalMs(ks));
      return;
    }
    if (record(ks.status).lastAppliedRevision !== revision) {
      const progress = `Reconciliation in progress`;
      writeStatus(store, ks, MANAGER, (o) => {
        setCondition(o, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: progress });
        setCondition(o, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: progress });
        sortFluxConditions(o);
        statusOf(o).lastAttemptedRevision = revision;
      });
      await sleep(between(10, 40), signal);
    }
    const current = store.get(KS_API, 'Kustomization', ns, name);
    if (!current) return;
    writeStatus(store, current, MANAGER, (o) => {
      setCondition(o, { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}` });
      removeCondition(o, 'Reconciling');
      const status = statusOf(o);
      status.lastAppliedRevision = revision;
      status.lastAttemptedRevision = revision;
      finish(o);
    });
    queue.enqueue(key, intervalMs(current));
  }, onError);

  const unsubscribe = [
    inform(store, KUSTOMIZATION_TYPE, (type, ks) => {
      const key = `${ks.metadata.namespace}/${ks.metadata.name}`;
      if (type === 'DELETED') {
        seen.delete(key);
        return;
      }
      const before = seen.get(key);
      const now = { generation: ks.metadata.generation, requestedAt: requestedAt(ks) };
      seen.set(key, now);
      if (!before || before.generation !== now.generation || before.requestedAt !== now.requestedAt) queue.enqueue(key);
    }),
    ...[GITREPOSITORY_TYPE, OCIREPOSITORY_TYPE].map((rt) =>
      inform(store, rt, (_type, src) => {
        const key = `${rt.kind}/${src.metadata.namespace}/${src.metadata.name}`;
        const revision = record(record(src.status).artifact).revision as string | undefined;
        if (sourceRevision.get(key) === revision) return;
        sourceRevision.set(key, revision);
        for (const ks of store.list(KS_API, 'Kustomization')) {
          const ref = sourceOf(ks);
          if (ref.kind === rt.kind && ref.namespace === src.metadata.namespace && ref.name === src.metadata.name) queue.enqueue(`${ks.metadata.namespace}/${ks.metadata.name}`);
        }
      }),
    ),
  ];

  return () => {
    queue.stop();
    for (const u of unsubscribe) u();
  };
}
