/** Applies a multi-document manifest as an installer would: server-side, each object in parallel (bounded). */
import { parseAllDocuments } from 'yaml';
import type { ObjectRef, WorldApi } from './api.js';

export function manifestObjects(manifest: string): (ObjectRef & Record<string, unknown>)[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as (ObjectRef & Record<string, unknown>) | null)
    .filter((o): o is ObjectRef & Record<string, unknown> => !!o?.kind && !!o.apiVersion);
}

export async function applyManifest(api: WorldApi, manifest: string, manager: string, concurrency = 8): Promise<void> {
  const queue = manifestObjects(manifest);
  const worker = async () => {
    for (let o = queue.shift(); o; o = queue.shift()) await api.apply(o, manager);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Resolves once every named CRD is Established (its API is served). */
export async function waitEstablished(api: WorldApi, names: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crds = await api.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    const established = new Set(crds.filter((c) => (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True')).map((c) => c.metadata.name));
    const missing = names.filter((n) => !established.has(n));
    if (!missing.length) return;
    if (Date.now() > deadline) throw new Error(`CRDs not established within ${timeoutMs / 1000} s: ${missing.slice(0, 5).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
