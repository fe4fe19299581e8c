/** Every container the cluster runs or would run: pods and the pod templates of their controllers. */
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';

export interface ContainerRef {
  /** `Deployment harbor/harbor-core`. */
  owner: string;
  kind: string;
  namespace: string;
  name: string;
  container: string;
  image: string;
  env: { name: string; value?: string; fromRef: boolean }[];
}

const TEMPLATED: { resource: string; template: (o: KubeObject) => unknown }[] = [
  { resource: 'deployments.apps', template: (o) => rec(o.spec).template },
  { resource: 'statefulsets.apps', template: (o) => rec(o.spec).template },
  { resource: 'daemonsets.apps', template: (o) => rec(o.spec).template },
  { resource: 'jobs.batch', template: (o) => rec(o.spec).template },
  { resource: 'cronjobs.batch', template: (o) => rec(rec(rec(o.spec).jobTemplate).spec).template },
];

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function containersOf(podSpec: unknown): { name: string; image: string; env: ContainerRef['env'] }[] {
  const spec = rec(podSpec);
  const all = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as unknown[]) : []));
  return all.map((c) => {
    const r = rec(c);
    const env = (Array.isArray(r.env) ? (r.env as unknown[]) : []).map((e) => {
      const x = rec(e);
      return { name: String(x.name ?? ''), value: typeof x.value === 'string' ? x.value : undefined, fromRef: x.valueFrom !== undefined };
    });
    return { name: String(r.name ?? ''), image: String(r.image ?? ''), env };
  });
}

/** Lists served workload kinds; pods owned by a listed controller are skipped when their images match its template. */
export async function listContainers(region: RegionClient): Promise<{ containers: ContainerRef[]; kinds: string[] }> {
  const out: ContainerRef[] = [];
  const kinds: string[] = [];
  const templated = new Set<string>();
  for (const t of TEMPLATED) {
    let items: KubeObject[];
    try {
      items = (await region.list(t.resource)).items;
    } catch (e) {
      if (e instanceof NotServedError) continue;
      throw e;
    }
    kinds.push(t.resource);
    for (const o of items) {
      const ns = o.metadata.namespace ?? '';
      for (const c of containersOf(rec(t.template(o)).spec)) {
        out.push({ owner: `${o.kind} ${ns}/${o.metadata.name}`, kind: o.kind ?? '', namespace: ns, name: o.metadata.name, container: c.name, image: c.image, env: c.env });
        templated.add(`${ns}|${c.image}`);
      }
    }
  }
  const pods = (await region.list('pods')).items;
  kinds.push('pods');
  for (const p of pods) {
    const ns = p.metadata.namespace ?? '';
    for (const c of containersOf(p.spec)) {
      if (templated.has(`${ns}|${c.image}`)) continue;
      out.push({ owner: `Pod ${ns}/${p.metadata.name}`, kind: 'Pod', namespace: ns, name: p.metadata.name, container: c.name, image: c.image, env: c.env });
    }
  }
  return { containers: out, kinds };
}
