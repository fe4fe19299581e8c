/**
 * Resource discovery: `clusterissuers.cert-manager.io` → group, preferred version, kind, scope.
 * Aggregated discovery (Kubernetes ≥ 1.26: every group, version and resource in the answers to
 * GET /api and GET /apis) where the server has it, else a request per group version, as kubectl does.
 */
import { NotServedError } from './errors.js';
import { ApisApi, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1APIResource } from '@kubernetes/client-node';

export interface ResolvedResource {
  group: string;
  version: string;
  apiVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** An authenticated GET of a discovery path, its JSON body. */
export type DiscoveryGet = (path: string, accept: string) => Promise<unknown>;

/** The API server answered a discovery GET with a status other than 200 (it is up: other discovery may still work). */
export class DiscoveryStatusError extends Error {
  override name = 'DiscoveryStatusError';
  constructor(message: string, readonly status: number | undefined) {
    super(message);
  }
}

/** Statuses that say the path is not served (in the aggregated form) here, for good. */
const NOT_SERVED_HERE = new Set([404, 405, 406, 415, 501]);

export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;q=0.9';

/** group → its versions, preferred first, each with its resources. */
type Discovered = Map<string, { versions: string[]; resources: Map<string, V1APIResource[]> }>;

interface GroupDiscovery {
  metadata?: { name?: string };
  versions?: { version: string; resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; singularResource?: string; verbs?: string[] }[] }[];
}

/** An APIGroupDiscoveryList as the resolver keeps it, or undefined for an older server's plain answer. */
export function parseAggregated(...answers: unknown[]): Discovered | undefined {
  const out: Discovered = new Map();
  for (const a of answers) {
    const list = a as { kind?: string; items?: GroupDiscovery[] } | undefined;
    if (list?.kind !== 'APIGroupDiscoveryList') return undefined;
    for (const g of list.items ?? []) {
      const versions = g.versions ?? [];
      out.set(g.metadata?.name ?? '', {
        versions: versions.map((v) => v.version),
        resources: new Map(versions.map((v) => [v.version, (v.resources ?? []).map((r) => ({ name: r.resource, kind: r.responseKind?.kind ?? '', namespaced: r.scope === 'Namespaced', singularName: r.singularResource ?? '', verbs: r.verbs ?? [] }))])),
      });
    }
  }
  return out;
}

export class ResourceResolver {
  private aggregated?: Promise<Discovered | undefined>;
  private groups?: Promise<Map<string, string[]>>;
  private readonly lists = new Map<string, Promise<V1APIResource[]>>();

  constructor(private readonly kc: KubeConfig, private readonly get: DiscoveryGet) {}

  /** `plural[.group]` as kubectl spells it; `configmaps` is core. */
  async resolve(resource: string): Promise<ResolvedResource> {
    try {
      return await this.lookup(resource);
    } catch (e) {
      if (!(e instanceof NotServedError)) throw e;
      // CRDs appear while a Sovereign bootstraps: discover afresh once before calling a type unserved.
      this.aggregated = undefined;
      this.groups = undefined;
      this.lists.clear();
      return this.lookup(resource);
    }
  }

  /** The resource of `kind` in `apiVersion` from the discovery already fetched (fetching its group version once), or undefined. */
  async byKind(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    const slash = apiVersion.indexOf('/');
    const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    return (await this.resources(group, version)).find((r) => r.kind === kind);
  }

  private async lookup(resource: string): Promise<ResolvedResource> {
    const dot = resource.indexOf('.');
    const plural = dot < 0 ? resource : resource.slice(0, dot);
    const group = dot < 0 ? '' : resource.slice(dot + 1);
    const aggregated = await this.discoverAggregated();
    const versions = aggregated ? aggregated.get(group)?.versions : group ? (await this.groupVersions()).get(group) : ['v1'];
    if (!versions) throw new NotServedError(`API group ${group} is not served`);
    // Preferred version first; a type served only in another version of its group is still served.
    for (const version of versions) {
      const r = (await this.resources(group, version)).find((x) => x.name === plural);
      if (r) return { group, version, apiVersion: group ? `${group}/${version}` : version, plural, kind: r.kind, namespaced: r.namespaced };
    }
    throw new NotServedError(`${resource} is not served (no ${plural} in ${group || 'core'}/${versions.join(', ')})`);
  }

  private discoverAggregated(): Promise<Discovered | undefined> {
    this.aggregated ??= Promise.all([this.get('/api', AGGREGATED_DISCOVERY), this.get('/apis', AGGREGATED_DISCOVERY)]).then(
      (answers) => parseAggregated(...answers),
      // A proxy in front of the server that does not serve these paths (in this form): discovery per group version.
      // Any other status (a 403 from an API server whose RBAC has not synced since its boot, a 503) is not
      // cached, so the next lookup asks again.
      (e: unknown) => {
        if (e instanceof DiscoveryStatusError && e.status !== undefined && NOT_SERVED_HERE.has(e.status)) return undefined;
        throw e;
      },
    );
    const p = this.aggregated;
    p.catch(() => {
      if (this.aggregated === p) this.aggregated = undefined;
    });
    return p;
  }

  private groupVersions(): Promise<Map<string, string[]>> {
    this.groups ??= this.kc
      .makeApiClient(ApisApi)
      .getAPIVersions()
      .then((l) =>
        new Map(
          l.groups.map((g) => {
            const preferred = g.preferredVersion?.version ?? g.versions[0].version;
            return [g.name, [preferred, ...g.versions.map((v) => v.version).filter((v) => v !== preferred)]];
          }),
        ),
      );
    const p = this.groups;
    p.catch(() => {
      if (this.groups === p) this.groups = undefined;
    });
    return p;
  }

  private async resources(group: string, version: string): Promise<V1APIResource[]> {
    const aggregated = await this.discoverAggregated();
    if (aggregated) return aggregated.get(group)?.resources.get(version) ?? [];
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
