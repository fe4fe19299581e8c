/** Resource discovery: `clusterissuers.cert-manager.io` → group, preferred version, kind, scope. */
import { ApisApi, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1APIResource } from '@kubernetes/client-node';

export interface ResolvedResource {
  group: string;
  version: string;
  apiVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export class NotServedError extends Error {
  override name = 'NotServedError';
}

export class ResourceResolver {
  private groups?: Promise<Map<string, string>>;
  private readonly lists = new Map<string, Promise<V1APIResource[]>>();

  constructor(private readonly kc: KubeConfig) {}

  /** `plural[.group]` as kubectl spells it; `configmaps` is core. */
  async resolve(resource: string): Promise<ResolvedResource> {
    const dot = resource.indexOf('.');
    const plural = dot < 0 ? resource : resource.slice(0, dot);
    const group = dot < 0 ? '' : resource.slice(dot + 1);
    let version = 'v1';
    if (group) {
      const preferred = (await this.groupVersions()).get(group);
      if (!preferred) throw new NotServedError(`API group ${group} is not served`);
      version = preferred;
    }
    const list = await this.resources(group, version);
    const r = list.find((x) => x.name === plural);
    if (!r) throw new NotServedError(`${resource} is not served (no ${plural} in ${group || 'core'}/${version})`);
    return { group, version, apiVersion: group ? `${group}/${version}` : version, plural, kind: r.kind, namespaced: r.namespaced };
  }

  private groupVersions(): Promise<Map<string, string>> {
    this.groups ??= this.kc
      .makeApiClient(ApisApi)
      .getAPIVersions()
      .then((l) => new Map(l.groups.map((g) => [g.name, g.preferredVersion?.version ?? g.versions[0].version])));
    return this.groups;
  }

  private resources(group: string, version: string): Promise<V1APIResource[]> {
    const key = `${group}/${version}`;
    let p = this.lists.get(key);
    if (!p) {
      p = (group
        ? this.kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version })
        : this.kc.makeApiClient(CoreV1Api).getAPIResources()
      ).then((l) => l.resources.filter((x) => !x.name.includes('/')));
      p.catch(() => this.lists.delete(key));
      this.lists.set(key, p);
    }
    return p;
  }
}

export function collectionPath(r: ResolvedResource, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
}
